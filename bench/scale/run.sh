#!/usr/bin/env bash
# Scale (issue 19): the same database measured at 1M people, then grown and measured again.
#   bash bench/scale/run.sh                 # 1M then 10M (BENCH_SCALE_SIZES="1000000 10000000")
#   BENCH_SCALE_SIZES="1000000 3000000" bash bench/scale/run.sh
# PostgreSQL at BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432), database
# BENCH_SCALE_DB (default amparo_scale, created and kept: a second run only adds what is missing).
# Figures go to var/bench/scale/<people>.json; the table compares the smallest and largest size.
set -euo pipefail
cd "$(dirname "$0")/../.."
for size in ${BENCH_SCALE_SIZES:-1000000 10000000}; do
    echo "== loading up to $size people ($(date -u +%H:%M) UTC, load $(cut -d' ' -f1-3 /proc/loadavg))"
    .venv/bin/python bench/scale/load.py --count "$size"
    echo "== measuring at $size people ($(date -u +%H:%M) UTC)"
    .venv/bin/python bench/scale/bench_scale.py measure "$@"
done
.venv/bin/python bench/scale/bench_scale.py table
