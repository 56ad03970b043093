#!/usr/bin/env python3
"""Print the registry benchmark's figures from the JSON lines bench_registry.py wrote:
    python bench/registry/summarize.py var/bench/sqlite-raw.json var/bench/sqlite-import.json var/bench/sqlite-search.json
Any of the three may be missing or empty (a phase not run)."""

import json
import sys
from pathlib import Path


def load(path):
    p = Path(path)
    if not p.is_file() or not p.read_text().strip():
        return None
    return json.loads(p.read_text().strip().splitlines()[-1])


raw, imp, search = (load(p) for p in sys.argv[1:4])
if raw and imp:
    wall = raw["rows_per_s"] / imp["rows_per_s"]
    line = (
        f"import {imp['rows']:,} rows: {imp['rows_per_s']:,.0f} rows/s wall vs raw bulk insert ({raw['method']}) "
        f"{raw['rows_per_s']:,.0f} rows/s -> {wall:.2f}x"
    )
    if "rows_per_cpu_s" in raw and "rows_per_cpu_s" in imp:
        cpu = raw["rows_per_cpu_s"] / imp["rows_per_cpu_s"]
        line += f"; CPU: {imp['rows_per_cpu_s']:,.0f} vs {raw['rows_per_cpu_s']:,.0f} rows per CPU-second -> {cpu:.2f}x"
    print(line + " (target <= 3x)")
if search:
    print(
        f"name search at {search['people']:,} people ({search['queries']} queries): p50 {search['search_p50_ms']:.1f} ms, "
        f"p95 {search['search_p95_ms']:.1f} ms; exact indexed lookup p50 {search['exact_p50_ms']:.1f} ms, "
        f"p95 {search['exact_p95_ms']:.1f} ms -> p95 ratio {search['ratio_p95']:.2f}x (target <= 10x), "
        f"p50 ratio {search['ratio_p50']:.2f}x; p95 by kind (ms): {search['p95_ms_by_kind']}"
    )
