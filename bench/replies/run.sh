#!/usr/bin/env bash
# Reply reading (issue 12): the reader vs the old one on the test corpus and the held-out set,
# per language (safe recall, help recall, precision, route, needs), and reading speed. No database.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec .venv/bin/python bench/replies/bench_replies.py "$@"
