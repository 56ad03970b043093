#!/usr/bin/env bash
# Protection benchmarks (issue 7): nearest services (SHELTER keyword, referral proposals) and a
# provider's referral inbox, at 20,000 services and 100,000 referrals, on SQLite and (when it
# answers) PostgreSQL, each next to an exact indexed primary-key lookup as the reference.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec .venv/bin/python bench/protection/bench.py "$@"
