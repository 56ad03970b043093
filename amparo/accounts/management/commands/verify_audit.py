"""`amparo verify-audit [--expect-head ID:HASH]`: check the audit log's hash chain and name the
first event altered or missing (exit status 1), or print the head (id and hash of the newest event)
to keep elsewhere, so a later run with `--expect-head` also notices newest events removed."""

from django.core.management.base import BaseCommand, CommandError

from amparo.accounts.chain import verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; name the first altered or missing event."

    def add_arguments(self, parser):
        parser.add_argument("--expect-head", default="", help="ID:HASH printed by an earlier run")

    def handle(self, *args, expect_head: str, **options):
        expected = None
        if expect_head:
            event_id, _sep, digest = expect_head.partition(":")
            if not event_id.isdigit() or len(digest) != 64:
                raise CommandError("--expect-head takes ID:HASH as printed by verify-audit")
            expected = (int(event_id), digest)
        verdict = verify(expect_head=expected)
        if not verdict.ok:
            raise CommandError(f"audit log broken: {verdict.message} ({verdict.checked} events checked before it)")
        self.stdout.write(verdict.message)
        if verdict.head:
            self.stdout.write(f"head: {verdict.head[0]}:{verdict.head[1]}")
