#!/usr/bin/env bash
# Flat cost per row (issue 19): ten files of 100,000 different people imported one after the other
# into the same registry (1,000,000 at the end), each file's time printed. PostgreSQL by default
# (database $BENCH_SERIES_DB, default amparo_bench_series, dropped and re-created), SQLite with
# BENCH_SERIES_SQLITE=1.
#   bash bench/registry/series.sh
#   BENCH_SERIES_FILES=5 BENCH_SERIES_PEOPLE=50000 bash bench/registry/series.sh
# Files: bench/generate_people.py with seeds 101, 102, … and record ids numbered on from the last
# file's (P0000000…, P0100000…), so no file updates another's people.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
FILES="${BENCH_SERIES_FILES:-10}"
N="${BENCH_SERIES_PEOPLE:-100000}"
OUT=var/bench/series
mkdir -p "$OUT"
paths=()
for k in $(seq 0 $((FILES - 1))); do
  f="$OUT/people_${N}_s$((101 + k)).csv"
  [ -s "$f" ] || "$PY" bench/generate_people.py --count "$N" --seed $((101 + k)) --first-id $((k * N)) --errors 0.15 --output "$f"
  paths+=("$f")
done
summary() {  # the JSON file written by the series phase
  "$PY" - "$1" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
for f in r["files"]:
    print(f"  file {f['file']:2d}: {f['people_before']:>9,} people before, {f['seconds']:6.1f} s wall, "
          f"{f['cpu_seconds']:6.1f} CPU-s ({f['server_cpu_seconds']:.1f} server), load {f['load_average']:.2f}")
print(f"last vs first: {r['last_vs_first_wall']:.2f}x wall, {r['last_vs_first_cpu']:.2f}x CPU (target <= 1.15x)")
PY
}
if [ "${BENCH_SERIES_SQLITE:-0}" = 1 ]; then
  rm -f "$OUT/series.sqlite3"*
  echo "--- sqlite"
  DATABASE_URL="sqlite:///$OUT/series.sqlite3" "$PY" bench/registry/bench_registry.py series "${paths[@]}" >"$OUT/sqlite-series.json"
  summary "$OUT/sqlite-series.json"
fi
PG="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
DB="${BENCH_SERIES_DB:-amparo_bench_series}"
if "$PY" -c "import psycopg,sys; psycopg.connect('$PG/postgres', connect_timeout=2).close()" 2>/dev/null; then
  "$PY" -c "import psycopg; c=psycopg.connect('$PG/postgres', autocommit=True); c.execute('DROP DATABASE IF EXISTS $DB'); c.execute('CREATE DATABASE $DB')"
  echo "--- postgresql ($DB)"
  DATABASE_URL="$PG/$DB" "$PY" bench/registry/bench_registry.py series "${paths[@]}" >"$OUT/postgresql-series.json"
  summary "$OUT/postgresql-series.json"
else
  echo "PostgreSQL not reachable at $PG: skipped"
fi
