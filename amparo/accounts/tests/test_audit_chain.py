"""The audit log is a hash chain: `amparo verify-audit` passes on an untouched log and names the
first event altered or missing when someone with the database owner's rights changed it."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from amparo.accounts import audit, chain, policy
from amparo.accounts.codes import AuditAction
from amparo.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(make_org):
    org = make_org()
    system = policy.system_principal("cli:test")
    return [
        audit.record(system, AuditAction.EXPORT, organization=org, summary=f"export {n}", count=n, ids=["1", str(n)])
        for n in range(5)
    ]


def as_owner(statement: str, params=()):
    """Change the log behind the application's back, as a database owner could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred check
            cursor.execute("ALTER TABLE accounts_auditevent DISABLE TRIGGER accounts_auditevent_append_only")
            cursor.execute(statement, params)
            cursor.execute("ALTER TABLE accounts_auditevent ENABLE TRIGGER accounts_auditevent_append_only")
        else:
            connection.audit_delete_allowed = True
            cursor.execute("DROP TRIGGER accounts_auditevent_no_update")
            try:
                cursor.execute(statement, params)
            finally:
                cursor.execute(
                    "CREATE TRIGGER accounts_auditevent_no_update BEFORE UPDATE ON accounts_auditevent "
                    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END"
                )
                connection.audit_delete_allowed = False


def test_each_event_links_to_the_one_before(events):
    stored = list(AuditEvent.objects.order_by("pk"))
    assert all(len(e.hash) == 64 for e in stored)
    assert [e.previous_hash for e in stored[1:]] == [e.hash for e in stored[:-1]]


def test_an_untouched_log_verifies_and_prints_its_head(events, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    last = AuditEvent.objects.order_by("-pk").first()
    assert "5 events, chain intact" in out and f"head: {last.pk}:{last.hash}" in out


def test_an_altered_event_is_named(events):
    target = events[2]
    as_owner("UPDATE accounts_auditevent SET summary = %s WHERE id = %s", ["nothing to see", target.pk])
    with pytest.raises(CommandError, match=f"event {target.pk} was altered"):
        call_command("verify_audit")


def test_a_deleted_event_is_named_by_the_one_after_it(events):
    as_owner("DELETE FROM accounts_auditevent WHERE id = %s", [events[3].pk])
    verdict = chain.verify()
    assert not verdict.ok and verdict.event_id == events[4].pk
    assert f"after event {events[2].pk}" in verdict.message


def test_removing_the_newest_events_is_noticed_against_a_noted_head(events):
    head = f"{events[-1].pk}:{events[-1].hash}"
    call_command("verify_audit", "--expect-head", head)
    as_owner("DELETE FROM accounts_auditevent WHERE id = %s", [events[-1].pk])
    call_command("verify_audit")  # the shorter chain is whole
    with pytest.raises(CommandError, match=f"event {events[-1].pk}, the head noted earlier"):
        call_command("verify_audit", "--expect-head", head)
