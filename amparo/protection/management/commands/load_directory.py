"""`amparo load-directory`: write the directory's data files (protection/data/) into the database:
pathways of every profile in the nine countries, their steps and authorities, the contact for a
profile without a pathway; with `--demo`, the demo providers and their services too. Idempotent:
a second run changes nothing. Acts as `cli:load-directory`; the load is audited per country."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from amparo.core.gazetteer import REGION


class Command(BaseCommand):
    help = "Load the protection directory (pathways, authorities; --demo adds demo providers)."

    def add_arguments(self, parser):
        parser.add_argument("--country", action="append", choices=REGION, help="only this country (repeatable)")
        parser.add_argument("--demo", action="store_true", help="also the demo providers (never in production)")

    def handle(self, *args, country=None, demo=False, **options):
        from django.conf import settings

        from amparo.accounts import audit, policy
        from amparo.accounts.codes import AuditAction
        from amparo.protection import directory

        if demo and not settings.DEBUG:
            raise CommandError("--demo refuses to run with DEBUG off: demo providers are not real.")
        countries = country or list(REGION)
        try:
            with transaction.atomic():
                counts = directory.load(countries=countries, demo=demo)
                if any(v for k, v in counts.items() if k != "no_pathway"):
                    audit.record(
                        policy.system_principal("cli:load-directory"),
                        AuditAction.IMPORT,
                        object_type="protection.countrydirectory",
                        summary=f"directory loaded: {', '.join(countries)}",
                        **counts,
                    )
        except directory.DirectoryDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
