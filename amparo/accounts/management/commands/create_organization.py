"""`amparo create-organization SLUG --name NAME --kind KIND --country CC --admin USERNAME --email E`:
the first organization and its administrator on a new installation (production starts from an
empty database: no demo data). The administrator's password is read from `--password-file` or
asked for; they then add their colleagues on the Members page, each of whom chooses a password
from the invitation e-mail.

    amparo create-organization gt-consulate-mexico-city --name "Consulado de Guatemala en México" \\
        --kind consulate --country MX --served-nationality GT --jurisdiction MX \\
        --admin rodrigo --email rodrigo@minex.gob.gt
"""

import getpass
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from amparo.accounts import audit, policy, services
from amparo.accounts.codes import AuditAction, OrganizationKind, Role
from amparo.accounts.models import Organization


class Command(BaseCommand):
    help = "Create an organization and its first administrator (a new installation's first step)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=OrganizationKind.values)
        parser.add_argument("--country", required=True, help="ISO 3166-1 alpha-2, where it works")
        parser.add_argument("--served-nationality", default="", help="a consulate: the nationality it serves")
        parser.add_argument("--jurisdiction", default="", help="a consulate: its jurisdiction country")
        parser.add_argument(
            "--enforcement-mandate", action="store_true", help="its mandate includes immigration enforcement"
        )
        parser.add_argument("--admin", required=True, help="user name of the first administrator")
        parser.add_argument("--email", required=True)
        parser.add_argument("--password-file", default="", help="read the password from this file")

    def handle(self, *args, **options):
        password = self._password(options["password_file"])
        actor = policy.system_principal("cli:create-organization")
        organization = Organization(
            slug=options["slug"],
            name=options["name"],
            kind=options["kind"],
            country=options["country"].upper(),
            served_nationality=options["served_nationality"].upper(),
            jurisdiction_country=options["jurisdiction"].upper(),
            enforcement_mandate=options["enforcement_mandate"],
        )
        try:
            with transaction.atomic():
                organization.full_clean()
                organization.save()
                audit.record(
                    actor, AuditAction.CREATE, organization, organization=organization, summary=organization.slug
                )
                services.add_member(
                    actor=actor,
                    organization=organization,
                    username=options["admin"],
                    email=options["email"],
                    role=Role.ORG_ADMIN,
                    password=password,
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{organization.slug}: created, administrator {options['admin']}")

    def _password(self, path: str) -> str:
        password = Path(path).read_text(encoding="utf-8").strip() if path else getpass.getpass("Password: ")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        return password
