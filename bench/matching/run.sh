#!/usr/bin/env bash
# Matching benchmark (issues 4 and 19): Amparo vs Splink (DuckDB) and recordlinkage, same run, same machine.
#   bash bench/matching/run.sh            # FEBRL4, FEBRL3; both generated registries at 100k and 1M; online at 1M
#   QUICK=1 bash bench/matching/run.sh    # FEBRL and the 100k registries only
#   NO_ONLINE=1 bash bench/matching/run.sh  # everything but the online check
# Generated registries: `latam` (bench/matching/generate.py, the project's generator) and `varied`
# (bench/matching/generate_varied.py, written independently); each tool runs in its own process,
# timed from the CSV file to its clusters, with its CPU time and peak memory.
# Needs the bench extra (make bench installs it) and, for the online check, PostgreSQL at
# AMPARO_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/amparo_matching_bench).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
mkdir -p bench/out
echo "uptime: $(uptime)"
$PY bench/matching/bench.py febrl4
$PY bench/matching/bench.py febrl3
for set in latam varied; do
  for tool in amparo splink recordlinkage; do
    $PY bench/matching/bench.py $set --people 100000 --tool $tool
  done
done
if [ -n "${QUICK:-}" ]; then exit 0; fi
# 1M: recordlinkage's comparison is not feasible at this size (see shared/design/PLATFORM.md).
for set in latam varied; do
  for tool in amparo splink; do
    $PY bench/matching/bench.py $set --people 1000000 --tool $tool
  done
done
echo "uptime: $(uptime)"
if [ -n "${NO_ONLINE:-}" ]; then exit 0; fi
url="${AMPARO_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/amparo_matching_bench}"
$PY - "$url" <<'PY'
import sys, psycopg
url = sys.argv[1]
base, name = url.rsplit("/", 1)
with psycopg.connect(base + "/postgres", autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.execute(f'CREATE DATABASE "{name}"')
PY
DATABASE_URL="$url" $PY bench/matching/online.py --people 1000000 --queries 1000
