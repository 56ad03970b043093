"""`amparo import-cap FILE_OR_URL`: open or update crises from a CAP alert or a CAP Atom/RSS feed.

Prints `crisis <id>: <n> affected` per alert (the same id for an Update of a known alert) and exits
non-zero with a clear message when an alert is rejected (malformed or hostile XML changes nothing).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from amparo.crises import cap
from amparo.crises.cap_import import import_batch
from amparo.crises.management.commands._actor import actor_for, add_as_argument


class Command(BaseCommand):
    help = "Import a CAP 1.1/1.2 alert or feed (file or http(s) URL) into crises."

    def add_arguments(self, parser):
        parser.add_argument("source", help="a CAP file, an Atom/RSS feed file, or an http(s) URL")
        add_as_argument(parser)

    def handle(self, *args, source: str, **options):
        actor = actor_for(options, "import-cap")
        try:
            if source.startswith(("http://", "https://")):
                batch, url = cap.load_url(source), source
            else:
                path = Path(source)
                if not path.is_file():
                    raise CommandError(f"{source}: no such file")
                batch, url = cap.load_bytes(path.read_bytes()), ""
        except cap.InvalidCapAlert as exc:
            raise CommandError(f"rejected {source}: {exc}") from None
        if not batch.alerts and not batch.rejected:
            raise CommandError(f"rejected {source}: no CAP alert found in it")
        outcomes = import_batch(actor=actor, batch=batch, source_url=url)
        rejected = []
        for outcome in outcomes:
            if outcome.action == "rejected":
                rejected.append(outcome)
                if len(outcomes) > 1:
                    self.stderr.write(f"rejected {','.join(outcome.key).strip(',') or 'entry'}: {outcome.message}")
            elif outcome.action == "ignored":
                self.stdout.write(f"ignored {','.join(outcome.key)}: {outcome.message}")
            else:
                suffix = {"exercise": " (exercise)", "cancelled": " (cancelled: crisis closed)"}.get(outcome.action, "")
                self.stdout.write(f"crisis {outcome.crisis.pk}: {outcome.affected} affected{suffix}")
        if len(rejected) == 1 and len(outcomes) == 1:
            raise CommandError(f"rejected {source}: {rejected[0].message}")
        if rejected:
            raise CommandError(f"{len(rejected)} of {len(outcomes)} alerts rejected: {rejected[0].message}")
