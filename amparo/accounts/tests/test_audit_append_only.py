"""Audit events can be written, never changed or deleted by the application."""

import pytest
from django.db import DatabaseError, connection, transaction

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.accounts.models import AppendOnlyError, AuditEvent


@pytest.fixture
def event(db):
    return audit.record(
        policy.system_principal("cli:test"), AuditAction.EXPORT, object_type="registry.person", summary="export"
    )


def test_an_event_records_actor_action_and_object(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_label, stored.action, stored.object_type) == ("cli:test", "export", "registry.person")


def test_model_save_of_an_existing_event_is_refused(event):
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_model_and_queryset_delete_are_refused(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    assert AuditEvent.objects.filter(pk=event.pk, summary="export").exists()


def test_the_database_refuses_a_raw_update(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditevent SET summary = 'rewritten' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary == "export"


def test_the_database_refuses_a_raw_delete(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL flushes with TRUNCATE, a privilege the app role lacks"
)
def test_flush_empties_the_log_only_when_the_test_runner_allows_it(event, settings):
    from django.core.management import CommandError, call_command

    settings.AUDIT_FLUSH_ALLOWED = False
    with pytest.raises(CommandError, match="couldn't be flushed"), transaction.atomic():
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_admin_is_read_only(event, admin_client):
    response = admin_client.get(f"/admin/accounts/auditevent/{event.pk}/change/")
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert admin_client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get("/admin/accounts/auditevent/?action__exact=export").status_code == 200
