#!/usr/bin/env bash
# Portal field limits: page weights and time to usable at 250 kbps / 300 ms on a small phone.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=$(mktemp -d)/portal.sqlite3
export DATABASE_URL="sqlite:///$db" AMPARO_DEBUG=true
.venv/bin/amparo migrate -v 0
.venv/bin/amparo demo-data >/dev/null
.venv/bin/amparo runserver 127.0.0.1:8765 --noreload >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 3
.venv/bin/python bench/portal/bench_portal.py http://127.0.0.1:8765
