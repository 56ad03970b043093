"""`amparo purge [--dry-run]`: apply the retention rules now (amparo/core/retention.py); with
--dry-run, list what each rule would take (counts and the first ids) and change nothing."""

from django.core.management.base import BaseCommand

from amparo.core import retention


class Command(BaseCommand):
    help = "Purge or anonymize what the retention periods say is due (--dry-run: only list it)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list what would go; change nothing")

    def handle(self, *args, dry_run: bool, **options):
        outcomes = retention.run(dry_run=dry_run)
        verb = "would go" if dry_run else "done"
        for outcome in outcomes:
            ids = ", ".join(str(i) for i in outcome.ids)
            more = "…" if outcome.count > len(outcome.ids) else ""
            self.stdout.write(
                f"{outcome.rule.name} ({outcome.rule.days} days): {outcome.count} {verb}"
                + (f" [{ids}{more}]" if outcome.count else "")
                + f" — {outcome.rule.description}"
            )
        if dry_run:
            self.stdout.write("dry run: nothing was changed")
