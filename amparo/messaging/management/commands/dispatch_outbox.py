"""`amparo dispatch-outbox`: send what is due in the outbox from this process (no task worker
needed), until nothing is due or --budget seconds have passed. Safe beside running workers."""

from django.core.management.base import BaseCommand

from amparo.messaging import dispatch


class Command(BaseCommand):
    help = "Send the messages that are due, in this process."

    def add_arguments(self, parser):
        parser.add_argument("--budget", type=float, default=300, help="stop after this many seconds")
        parser.add_argument("--batch", type=int, default=0, help="rows claimed at a time")

    def handle(self, *args, budget, batch, **options):
        stats = dispatch.run(budget_s=budget, batch_size=batch or None)
        self.stdout.write(
            f"claimed {stats.claimed}, sent {stats.sent}, retried {stats.retried}, fell back {stats.fell_back}, "
            f"failed {stats.failed}, cancelled {stats.cancelled}, recovered {stats.recovered}"
        )
        due = dispatch.next_due()
        if due is not None:
            self.stdout.write(f"still open; next due at {due.isoformat()}")
