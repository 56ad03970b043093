"""`amparo grant-app-role ROLE`: on PostgreSQL, give the application's role what it needs and not
one privilege more on the audit log. Run it as the owner role (the one that ran `amparo migrate`)
after every migrate:

    DATABASE_URL=postgres://amparo_owner@db/amparo amparo migrate
    DATABASE_URL=postgres://amparo_owner@db/amparo amparo grant-app-role amparo_app

The application (DATABASE_URL=postgres://amparo_app@db/amparo) may then read and write every
table, and only read and append audit events: no UPDATE, DELETE or TRUNCATE on them, and, not
owning the table, it cannot disable the trigger that refuses changes either (docs/operators.md).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

AUDIT_TABLE = "accounts_auditevent"


class Command(BaseCommand):
    help = "PostgreSQL: grant the application role its privileges (append-only on the audit log)."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the application connects as")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant-app-role is for PostgreSQL (SQLite has no roles: see docs/operators.md)")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"no role {role!r}: create it first (CREATE ROLE {role} LOGIN PASSWORD '…')")
            cursor.execute("SELECT current_user")
            if cursor.fetchone()[0] == role:
                raise CommandError("run this as the owner role, not as the application role")
            name = sql.Identifier(role)
            statements = [
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                    sql.Identifier(connection.settings_dict["NAME"]), name
                ),
                sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
                sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(name),
                sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(name),
                sql.SQL("REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {}").format(name),
                sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(sql.Identifier(AUDIT_TABLE), name),
            ]
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"{role}: read and write every table; audit events: SELECT and INSERT only")
