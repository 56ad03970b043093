#!/usr/bin/env bash
# Messaging benchmarks (issue 6): outbox creation vs a raw insert, dispatch throughput with two
# `amparo db_worker` processes, kill -9 crash test and provider storm, all against the provider
# emulator on 127.0.0.1. Needs PostgreSQL on 127.0.0.1:5432 (BENCH_POSTGRES to change it); creates
# and drops the database amparo_messaging_bench.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec .venv/bin/python bench/messaging/bench.py "$@"
