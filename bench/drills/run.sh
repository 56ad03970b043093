#!/usr/bin/env bash
# Drill at scale: 50,000 synthetic people at ×60 for 6 hours of drill time (6 minutes real).
set -euo pipefail
cd "$(dirname "$0")/../.."
db=$(mktemp -d)/drills.sqlite3
export DATABASE_URL="${DATABASE_URL:-sqlite:///$db}"
.venv/bin/amparo migrate -v 0
.venv/bin/python bench/drills/bench_drill.py "$@"
