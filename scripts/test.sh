#!/usr/bin/env bash
# Run the whole suite: lint, then SQLite (with the browser tests) and PostgreSQL (without them),
# the two database passes side by side on the machine's two cores.
#
# PostgreSQL comes from AMPARO_TEST_POSTGRES_URL (set by .ci/run), else a local server at
# postgres://postgres@127.0.0.1:5432/postgres if one answers. Without one: skipped with a reason,
# except in CI (CI=true), where it is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
mkdir -p test-output var

"$BIN/ruff" check . || exit 1
"$BIN/ruff" format --check . || { echo "Run: .venv/bin/ruff format ."; exit 1; }
"$BIN/amparo" makemigrations --check --dry-run >/dev/null || { echo "Models changed without a migration"; exit 1; }

pg_url="${AMPARO_TEST_POSTGRES_URL:-}"
if [ -z "$pg_url" ] && "$BIN/python" - <<'PY' 2>/dev/null
import psycopg
psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2).close()
PY
then
  pg_url="postgres://postgres@127.0.0.1:5432/amparo"
fi

sqlite_log=test-output/pytest-sqlite.log
pg_log=test-output/pytest-postgresql.log
env -u DATABASE_URL "$BIN/pytest" -p no:randomly "$@" >"$sqlite_log" 2>&1 &
sqlite_pid=$!
pg_status=0
if [ -n "$pg_url" ]; then
  DATABASE_URL="$pg_url" "$BIN/pytest" -m "not browser" "$@" >"$pg_log" 2>&1 &
  pg_pid=$!
fi
wait "$sqlite_pid"; sqlite_status=$?
if [ -n "$pg_url" ]; then wait "$pg_pid"; pg_status=$?; fi

echo "=== SQLite (with browser tests) ==="
cat "$sqlite_log"
if [ -n "$pg_url" ]; then
  echo "=== PostgreSQL ==="
  cat "$pg_log"
elif [ -n "${CI:-}" ]; then
  echo "PostgreSQL is not available: CI must start it (.ci/run)"; exit 1
else
  echo "SKIPPED the PostgreSQL pass: no server (set AMPARO_TEST_POSTGRES_URL or start one on 127.0.0.1:5432)"
fi
[ "$sqlite_status" -eq 0 ] && [ "$pg_status" -eq 0 ]
