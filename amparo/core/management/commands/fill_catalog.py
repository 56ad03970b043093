"""`amparo fill-catalog LANG FILE.json`: write translations from a JSON object {msgid: msgstr}
into every catalog of LANG (the msgid must already be there: run makemessages first). A
developer's tool for adding translations in bulk; it never overwrites with an empty string.

`--only DIR` limits it to the catalogs under DIR (e.g. `--only amparo/locale` for the shell's own
catalog, `--only amparo/crises`), so filling one app's strings never rewrites another app's file."""

import json
import re
from pathlib import Path

import polib
from django.core.management.base import BaseCommand

ROOT = Path(__file__).resolve().parents[3]


class Command(BaseCommand):
    help = "Fill a language's catalogs from a JSON file of msgid → msgstr."

    def add_arguments(self, parser):
        parser.add_argument("language")
        parser.add_argument("json_file")
        parser.add_argument("--only", default="", help="only the catalogs under this folder")

    def handle(self, *args, language, json_file, only, **options):
        table = json.loads(Path(json_file).read_text(encoding="utf-8"))
        within = Path(only).resolve() if only else None
        for po_path in sorted(ROOT.glob(f"**/locale/{language}/LC_MESSAGES/django.po")):
            if within is not None and not po_path.resolve().is_relative_to(within):
                continue
            catalog = polib.pofile(str(po_path))
            plural_forms = _plural_count(catalog)
            filled = 0
            for entry in catalog:
                value = table.get(entry.msgid)
                if value:
                    if entry.msgid_plural and isinstance(value, list):
                        entry.msgstr_plural = dict(enumerate(_all_forms(value, plural_forms)))
                    elif not entry.msgid_plural:
                        entry.msgstr = value
                    else:
                        continue
                    if "fuzzy" in entry.flags:
                        entry.flags.remove("fuzzy")
                    filled += 1
            catalog.save()
            missing = sum(1 for e in catalog if not e.translated() and not e.obsolete)
            self.stdout.write(f"{po_path.relative_to(ROOT)}: {filled} filled, {missing} still untranslated")


def _plural_count(catalog) -> int:
    """How many plural forms the catalog's language has (Spanish and French have three in
    Django's catalogs: one, many, other)."""
    match = re.search(r"nplurals\s*=\s*(\d+)", catalog.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def _all_forms(forms: list[str], count: int) -> list[str]:
    """Exactly `count` forms: a missing one repeats the last given (the 'many' form of Spanish
    reads like its 'other' form), so gettext never falls back to English for it."""
    return (list(forms) + [forms[-1]] * count)[:count]
