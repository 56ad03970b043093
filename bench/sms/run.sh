#!/usr/bin/env bash
# SMS cost of the shared check-in per language: parts with every accent vs in GSM-7 (no database).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec .venv/bin/python bench/sms/sms_parts.py "$@"
