"""`amparo dispatch-outbox`: send what is due in the outbox from this process (no task worker
needed), until nothing is due or --budget seconds have passed; with --poll, keep looking for work
until the budget is spent (a dedicated sender process). Safe beside running workers."""

from django.core.management.base import BaseCommand

from amparo.messaging import dispatch


class Command(BaseCommand):
    help = "Send the messages that are due, in this process."

    def add_arguments(self, parser):
        parser.add_argument("--budget", type=float, default=300, help="stop after this many seconds")
        parser.add_argument("--batch", type=int, default=0, help="rows claimed at a time")
        parser.add_argument(
            "--poll", type=float, default=0, help="when nothing is due, look again every this many seconds"
        )

    def handle(self, *args, budget, batch, poll, **options):
        worker = dispatch.worker_name()
        if poll:
            self.stdout.write(f"dispatching as {worker}, looking for work every {poll:g} s")
            self.stdout.flush()
        stats = dispatch.run(worker=worker, budget_s=budget, batch_size=batch or None, poll_s=poll)
        self.stdout.write(
            f"claimed {stats.claimed}, sent {stats.sent}, retried {stats.retried}, fell back {stats.fell_back}, "
            f"failed {stats.failed}, uncertain {stats.uncertain}, cancelled {stats.cancelled}, "
            f"recovered {stats.recovered}, deferred {stats.deferred}"
        )
        due = dispatch.next_due()
        if due is not None:
            self.stdout.write(f"still open; next due at {due.isoformat()}")
