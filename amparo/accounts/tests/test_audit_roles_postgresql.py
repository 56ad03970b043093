"""PostgreSQL as docs/operators.md sets it up: the owner role migrates, `amparo grant-app-role`
gives the application role its privileges, and the application role cannot change, delete or
truncate audit events, nor disable the trigger that guards them."""

import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's"),
]


@pytest.fixture
def app_role():
    role = f"amparo_app_test_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def connect_as(role):
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["user"] = role
    params.pop("password", None)
    return psycopg.connect(
        **{k: v for k, v in params.items() if k in ("dbname", "host", "port", "user")}, autocommit=True
    )


def test_the_application_role_can_append_but_never_rewrite_the_audit_log(app_role):
    event = audit.record(policy.system_principal("cli:test"), AuditAction.EXPORT, summary="kept")
    call_command("grant_app_role", app_role)
    with connect_as(app_role) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_auditevent")
        assert cursor.fetchone()[0] >= 1
        cursor.execute("SELECT count(*) FROM registry_person")  # ordinary tables: read and write
        for statement in (
            "UPDATE accounts_auditevent SET summary = 'changed'",
            "DELETE FROM accounts_auditevent",
            "TRUNCATE accounts_auditevent CASCADE",
            "ALTER TABLE accounts_auditevent DISABLE TRIGGER accounts_auditevent_append_only",
            "ALTER TABLE accounts_auditevent DISABLE TRIGGER ALL",
            "DROP TRIGGER accounts_auditevent_append_only ON accounts_auditevent",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                cursor.execute(statement)
    event.refresh_from_db()
    assert event.summary == "kept"
    call_command("verify_audit")


def test_the_application_role_writes_events_through_amparo(app_role):
    call_command("grant_app_role", app_role)
    with connect_as(app_role) as conn, conn.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_auditevent (created_at, actor_label, action, object_type, object_id, summary,"
            " extra, user_agent, previous_hash, hash) VALUES (now(), 'x', 'view', '', '', '', '{}', '', '', '')"
        )
