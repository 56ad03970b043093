#!/usr/bin/env bash
# Crises: affected population at 1M people, Amparo vs PostGIS on the same PostgreSQL database.
# Needs a local PostgreSQL with the PostGIS extension available (Debian: postgresql-15-postgis-3).
set -euo pipefail
cd "$(dirname "$0")/../.."
DB_URL="${AMPARO_BENCH_CRISES_URL:-postgres://postgres@127.0.0.1:5432/amparo_bench_crises}"
.venv/bin/python - "$DB_URL" <<'PY'
import sys
import psycopg
from urllib.parse import urlsplit
url = urlsplit(sys.argv[1])
name = url.path.lstrip("/")
with psycopg.connect(sys.argv[1].replace(url.path, "/postgres"), autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
PY
DATABASE_URL="$DB_URL" .venv/bin/python bench/crises/bench_affected.py --people "${AMPARO_BENCH_PEOPLE:-1000000}" "$@"
