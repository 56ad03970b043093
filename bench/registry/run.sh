#!/usr/bin/env bash
# Registry benchmark: import throughput vs a raw bulk insert, and name search vs an exact indexed
# lookup, at N people (default 1,000,000) on SQLite and, when a server answers, PostgreSQL.
#   bash bench/registry/run.sh                 # 1M people
#   BENCH_PEOPLE=100000 bash bench/registry/run.sh
#   BENCH_FILE=var/bench/varied_100000.csv bash bench/registry/run.sh   # another generator's file
#     (python bench/matching/generate_varied.py --people 100000 --output var/bench/varied_100000.csv)
# PostgreSQL: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432), databases
# amparo_bench_raw and amparo_bench_import (prefix BENCH_DB_PREFIX, default amparo_bench) are
# dropped and re-created. The raw reference is the
# registry's own fastest insert path (BENCH_RAW_METHOD=sql, the default) or Django's bulk_create
# (BENCH_RAW_METHOD=bulk_create).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
N="${BENCH_PEOPLE:-1000000}"
OUT=var/bench
mkdir -p "$OUT"
FILE="${BENCH_FILE:-$OUT/people_${N}.csv}"
[ -s "$FILE" ] || "$PY" bench/generate_people.py --count "$N" --output "$FILE" --errors 0.15
TAG="${BENCH_FILE:+-$(basename "$FILE" .csv)}"  # figures of another file kept apart
echo "people file: $FILE ($(wc -l <"$FILE") lines)"

run() {  # label raw_url import_url
  echo "--- $1"
  DATABASE_URL="$2" "$PY" bench/registry/bench_registry.py raw "$FILE" --method "${BENCH_RAW_METHOD:-sql}" | tee "$OUT/$1$TAG-raw.json"
  DATABASE_URL="$3" "$PY" bench/registry/bench_registry.py import "$FILE" | tee "$OUT/$1$TAG-import.json"
  DATABASE_URL="$3" "$PY" bench/registry/bench_registry.py search "$FILE" | tee "$OUT/$1$TAG-search.json"
  "$PY" - "$OUT/$1$TAG-raw.json" "$OUT/$1$TAG-import.json" "$OUT/$1$TAG-search.json" <<'PY'
import json, sys
raw, imp, search = (json.load(open(p)) for p in sys.argv[1:4])
print(f"import: {imp['rows_per_s']:,.0f} rows/s vs raw bulk insert {raw['rows_per_s']:,.0f} rows/s "
      f"-> import takes {raw['rows_per_s'] / imp['rows_per_s']:.2f}x the raw insert (target <= 3x)")
print(f"name search at {search['people']:,} people: p50 {search['search_p50_ms']:.1f} ms, p95 {search['search_p95_ms']:.1f} ms; "
      f"exact indexed lookup p50 {search['exact_p50_ms']:.1f} ms, p95 {search['exact_p95_ms']:.1f} ms "
      f"-> p95 ratio {search['ratio_p95']:.2f}x (target <= 10x), p50 ratio {search['ratio_p50']:.2f}x")
PY
}

rm -f "$OUT/raw.sqlite3"* "$OUT/import.sqlite3"*
run sqlite "sqlite:///$OUT/raw.sqlite3" "sqlite:///$OUT/import.sqlite3"

PG="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
if "$PY" -c "import psycopg,sys; psycopg.connect('$PG/postgres', connect_timeout=2).close()" 2>/dev/null; then
  RAWDB="${BENCH_DB_PREFIX:-amparo_bench}_raw" IMPDB="${BENCH_DB_PREFIX:-amparo_bench}_import"
  for db in "$RAWDB" "$IMPDB"; do
    "$PY" -c "import psycopg; c=psycopg.connect('$PG/postgres', autocommit=True); c.execute('DROP DATABASE IF EXISTS $db'); c.execute('CREATE DATABASE $db')"
  done
  run postgresql "$PG/$RAWDB" "$PG/$IMPDB"
else
  echo "PostgreSQL not reachable at $PG: skipped"
fi
