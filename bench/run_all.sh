#!/usr/bin/env bash
# Run every benchmark: each bench/<area>/run.sh prints its own figures and references.
set -euo pipefail
cd "$(dirname "$0")/.."
for script in bench/*/run.sh; do
  echo "=== $script"
  bash "$script"
done
