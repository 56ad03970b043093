#!/usr/bin/env bash
# Tracing (issue 16): matching vague inquiries against a generated registry, and PFIF import vs a
# raw bulk insert, on PostgreSQL. BENCH_PEOPLE (default 100000), BENCH_PFIF (default 100000).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${DATABASE_URL:?set DATABASE_URL to a fresh PostgreSQL database}"
.venv/bin/python bench/tracing/bench_tracing.py match --people "${BENCH_PEOPLE:-100000}" --inquiries 500 ${BENCH_SPLINK:+--splink}
.venv/bin/python bench/tracing/bench_tracing.py pfif --records "${BENCH_PFIF:-100000}"
