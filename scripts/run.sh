#!/usr/bin/env bash
# Start Amparo for one office: migrate, demo data when new, the web server and one task worker.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
mkdir -p var
"$BIN/amparo" migrate --noinput -v 0
stamp=var/.demo-data-stamp
if [ ! -f "$stamp" ] || [ -n "$(find amparo -name 'demo.py' -newer "$stamp" -print -quit)" ]; then
  echo "Loading demo data (first run, or the demo changed)…"
  "$BIN/amparo" demo-data
  touch "$stamp"
fi
"$BIN/amparo" db_worker --queue-name '*' --no-reload -v 1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
echo
echo "Amparo is starting at http://127.0.0.1:8000/  (Ctrl-C stops the server and the worker)"
"$BIN/amparo" demo-users
echo
"$BIN/amparo" runserver 127.0.0.1:8000
