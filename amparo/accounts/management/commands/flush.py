"""Django's `flush`, which the test runner uses between tests that commit, able to empty the
audit log on SQLite when settings.AUDIT_FLUSH_ALLOWED is on (tests only; off by default).

SQLite has no roles, so the append-only audit log is kept by triggers: DELETE is refused unless
the connection says it runs this command with that setting on (accounts.chain). In production
`amparo flush` therefore fails on the audit log, as it should; on PostgreSQL the application's role
cannot delete audit events at all (docs/operators.md)."""

from django.conf import settings
from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        allowed = getattr(settings, "AUDIT_FLUSH_ALLOWED", False)
        connection.audit_delete_allowed = allowed
        try:
            return super().handle(**options)
        finally:
            connection.audit_delete_allowed = False
