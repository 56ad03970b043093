"""`amparo flag-overdue-referrals`: flag sent referrals whose answer is overdue and e-mail both
organizations, now, in this process (acts as `cli:flag-overdue-referrals`). With `--schedule`,
enqueue the self-rescheduling task for the worker instead."""

from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Flag overdue referrals now (or --schedule the periodic task for the worker)."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="enqueue the periodic task instead")

    def handle(self, *args, schedule=False, **options):
        if schedule:
            from amparo.protection.tasks import schedule as enqueue

            enqueue()
            self.stdout.write("overdue-referral check enqueued")
            return
        from amparo.protection.services import flag_overdue_referrals

        with transaction.atomic():
            flagged = flag_overdue_referrals()
        self.stdout.write(f"flagged {len(flagged)} overdue referral(s)")
