#!/usr/bin/env bash
# Staff pages (issue 19): each page's cold weight and time at 1 Mbps, served as production does:
# AMPARO_ENV=production (DEBUG off), `amparo collectstatic` (WhiteNoise's compressed manifest
# storage) into a temporary AMPARO_VAR_DIR, gunicorn with two workers, demo data on a fresh SQLite
# file. Twice: the offline outline map (no tile URL, the default), then with a tile URL (the tile
# requests are answered 204 by the bench: the machine has no internet).
set -euo pipefail
cd "$(dirname "$0")/../.."
port=${BENCH_PORT:-8766}
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
echo "load before: $(uptime)"

export DATABASE_URL="sqlite:///$work/amparo.sqlite3" AMPARO_VAR_DIR="$work/var"
# demo-data refuses to run with DEBUG off (its users share a published password): load it first.
AMPARO_DEBUG=true .venv/bin/amparo migrate -v 0
AMPARO_DEBUG=true .venv/bin/amparo demo-data >/dev/null

export AMPARO_ENV=production AMPARO_ALLOWED_HOSTS=127.0.0.1
AMPARO_SECRET_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')
export AMPARO_SECRET_KEY
# The bench's browser plays the TLS proxy (X-Forwarded-Proto: https) but speaks plain HTTP, so
# its sign-in form posts with an http:// Origin.
export AMPARO_CSRF_TRUSTED_ORIGINS="http://127.0.0.1:$port"
.venv/bin/amparo collectstatic --noinput -v 0

serve() {
  .venv/bin/gunicorn --pythonpath bench/pages demo_wsgi:application --bind "127.0.0.1:$port" --workers 2 \
    >"$work/gunicorn.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    if curl -sf -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$port/health/"; then
      return
    fi
    sleep 0.3
  done
  cat "$work/gunicorn.log"
  exit 1
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

serve
.venv/bin/python bench/pages/bench_staff_pages.py "http://127.0.0.1:$port" --label "outlines (no tile URL: the offline default)" "$@"
stop

AMPARO_MAP_TILE_URL='https://tile.openstreetmap.org/{z}/{x}/{y}.png' serve
.venv/bin/python bench/pages/bench_staff_pages.py "http://127.0.0.1:$port" --label "tiles (AMPARO_MAP_TILE_URL set; tile requests blocked)" "$@"
stop
echo "load after: $(uptime)"
