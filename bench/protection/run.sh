#!/usr/bin/env bash
# Protection benchmarks (issue 7): nearest services (SHELTER keyword, referral proposals) and a
# provider's referral inbox, at 20,000 services and 100,000 referrals, on SQLite and (when it
# answers) PostgreSQL, each next to an exact indexed primary-key lookup as the reference.
# Then (issue 19) the screening form's server time on the demo data, SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/../.."
.venv/bin/python bench/protection/bench.py "$@"
echo "uptime: $(uptime)"
.venv/bin/python bench/protection/screening.py
url="${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}/amparo_screening_bench"
.venv/bin/python - "$url" <<'PY'
import sys, psycopg
base, name = sys.argv[1].rsplit("/", 1)
with psycopg.connect(base + "/postgres", autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.execute(f'CREATE DATABASE "{name}"')
PY
DATABASE_URL="$url" .venv/bin/python bench/protection/screening.py
