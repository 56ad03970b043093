"""`amparo compile-catalogs`: compile every gettext catalog (.po → .mo) in pure Python (polib),
so a fresh machine needs no GNU gettext to build Amparo. Part of `make run` and `make test`."""

from pathlib import Path

import polib
from django.core.management.base import BaseCommand

ROOT = Path(__file__).resolve().parents[3]


class Command(BaseCommand):
    help = "Compile the gettext catalogs of every Amparo app."

    def handle(self, *args, **options):
        count = 0
        for po_path in sorted(ROOT.glob("**/locale/*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        self.stdout.write(f"compiled {count} catalog(s)")
