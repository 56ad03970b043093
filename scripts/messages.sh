#!/usr/bin/env bash
# Refresh the gettext catalogs: one for the project shell (amparo/locale: core, accounts, templates)
# and one per app (amparo/<app>/locale), so apps never edit each other's catalogs.
# An optional argument is another copy of the package to refresh (the catalog test's scratch copy).
set -euo pipefail
ADMIN="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/django-admin"
cd "${1:-$(dirname "$0")/../amparo}"
LANGS="-l es -l en -l fr -l ht -l pt"
apps=$(find . -mindepth 2 -maxdepth 2 -name apps.py -not -path './core/*' -not -path './accounts/*' -printf '%h\n' | sed 's|^\./||')
ignores=()
for app in $apps; do ignores+=(--ignore "$app/*"); done
$ADMIN makemessages $LANGS --ignore 'static/*' "${ignores[@]}" --settings amparo.settings --pythonpath .. >/dev/null
for app in $apps; do
  (cd "$app" && mkdir -p locale && $ADMIN makemessages $LANGS --settings amparo.settings --pythonpath ../.. >/dev/null)
done
echo "catalogs refreshed for: shell $apps"
