"""`amparo create-token USERNAME --name NAME`: issue an API token acting as that user."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.accounts.models import APIToken


class Command(BaseCommand):
    help = "Issue an API bearer token for a user; it sees exactly what the user may see."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="what the token is for")

    def handle(self, *args, username, name, **options):
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no active user named {username!r}") from None
        token, raw = APIToken.objects.issue(user=user, name=name)
        audit.record(
            policy.system_principal("cli:create-token"), AuditAction.CREATE, token, summary=f"token for {username}"
        )
        self.stdout.write(raw)
