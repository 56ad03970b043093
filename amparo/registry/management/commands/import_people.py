"""`amparo import-people FILE --org SLUG [--map "Header=field" ...] [--dry-run] [--as USERNAME]`

Reads a CSV or XLSX file from the field into the organization's registry. Ends with
`imported N, updated M, rejected K` and the path of the rejected-rows report; exits non-zero only
when the file itself cannot be read (or the command is used wrongly)."""

import sys
import time

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from amparo.registry.columns import ALL_COLUMNS
from amparo.registry.importing.engine import MappingError, UnreadableFile, import_people, parse_mapping_args
from amparo.registry.management.commands._actor import actor_for, organization


class Command(BaseCommand):
    help = "Import people from a CSV or XLSX file (standard columns: " + ", ".join(ALL_COLUMNS) + ")."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="slug of the registering organization")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar='"Header=field"',
            help="map a column header to a standard field (or to 'ignore'); repeatable",
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file and report, write nothing")
        parser.add_argument("--as", dest="as_user", help="act as this user (sees and writes only what they may)")
        parser.add_argument("--report", help="where to write the rejected-rows CSV (default: next to the file)")

    def handle(self, *args, **options):
        org = organization(options["org"])
        actor = actor_for("import-people", options["as_user"])
        try:
            mapping = parse_mapping_args(options["map"])
        except MappingError as exc:
            raise CommandError(str(exc)) from exc
        started = time.monotonic()
        show = sys.stderr.isatty() or options.get("verbosity", 1) > 1

        def progress(done, total):
            if show:
                rate = done / max(time.monotonic() - started, 1e-6)
                of = f"/{total}" if total else ""
                self.stderr.write(f"\r{done}{of} rows · {rate:,.0f} rows/s", ending="")

        try:
            result = import_people(
                actor=actor,
                organization=org,
                path=options["file"],
                mapping=mapping,
                dry_run=options["dry_run"],
                report_path=options["report"],
                progress=progress,
            )
        except UnreadableFile as exc:
            nothing = "" if options["dry_run"] else " Nothing was imported."
            raise CommandError(f"{exc}{nothing}") from exc
        except MappingError as exc:
            raise CommandError(str(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "permission denied") from exc
        if show:
            self.stderr.write("")
        if result.ignored_headers:
            self.stdout.write("ignored columns: " + ", ".join(result.ignored_headers))
        if result.warnings:
            self.stdout.write(f"warnings (values kept and flagged in the report): {result.warnings}")
        prefix = "dry run (nothing written): would have " if result.dry_run else ""
        self.stdout.write(prefix + result.summary)
        if result.report_path:
            self.stdout.write(f"rejected rows and warnings: {result.report_path}")
        else:
            self.stdout.write("rejected rows: none")
