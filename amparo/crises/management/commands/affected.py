"""`amparo affected <crisis id> --output FILE.csv`: one row per affected person (the registry's
standard columns and the welfare status). Audited as an export."""

from django.core.management.base import BaseCommand, CommandError

from amparo.crises import queries
from amparo.crises.export import write_affected_csv
from amparo.crises.management.commands._actor import actor_for, add_as_argument


class Command(BaseCommand):
    help = "Write a crisis's affected people with their welfare status to a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("crisis_id", type=int)
        parser.add_argument("--output", "-o", required=True, help="the CSV file to write")
        parser.add_argument("--status", help="only this welfare status (or accounted_for / not_accounted_for)")
        parser.add_argument("--nationality", help="only this nationality (ISO 3166-1 alpha-2)")
        add_as_argument(parser)

    def handle(self, *args, crisis_id: int, output: str, **options):
        actor = actor_for(options, "affected")
        crisis = queries.crises_for(actor).filter(pk=crisis_id).first()
        if crisis is None:
            raise CommandError(f"crisis {crisis_id}: not found (or not visible to you)")
        params = {k: options[k] for k in ("status", "nationality") if options.get(k)}
        try:
            with open(output, "w", newline="", encoding="utf-8") as stream:
                count = write_affected_csv(actor=actor, crisis=crisis, stream=stream, params=params)
        except OSError as exc:
            raise CommandError(f"{output}: cannot write ({exc.strerror})") from None
        self.stdout.write(f"crisis {crisis.pk}: {count} affected written to {output}")
