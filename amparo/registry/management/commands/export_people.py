"""`amparo export-people [--org SLUG] --output FILE.csv|FILE.xlsx [--as USERNAME]`

Writes the standard columns (then the extra ones) of the people the actor may see, optionally only
those registered by one organization; audited, formula injection neutralised."""

from django.core.management.base import BaseCommand, CommandError

from amparo.registry.exporting import ExportFormatError, export_format, export_people
from amparo.registry.management.commands._actor import actor_for, organization
from amparo.registry.queries import PersonFilters, search_people


class Command(BaseCommand):
    help = "Export people (standard columns) to CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="only people registered by this organization (slug)")
        parser.add_argument("--output", required=True, help="FILE.csv or FILE.xlsx")
        parser.add_argument("--as", dest="as_user", help="act as this user (exports only what they may see)")

    def handle(self, *args, **options):
        try:
            fmt = export_format(options["output"])
        except ExportFormatError as exc:
            raise CommandError(str(exc)) from exc
        actor = actor_for("export-people", options["as_user"])
        org = organization(options["org"]) if options["org"] else None
        people = search_people(actor, PersonFilters(organization=org.pk if org else None))
        count = export_people(actor=actor, queryset=people, output=options["output"], fmt=fmt, organization=org)
        self.stdout.write(f"exported {count} people to {options['output']}")
