"""Chain audit events by hash (accounts.chain), and make them append-only on SQLite for DELETE too.

Existing events are chained in id order. SQLite: adding the columns rebuilds the table, which
drops its triggers, so both are created here: UPDATE is always refused; DELETE is refused unless
the connection allows it (the `amparo_audit_delete_allowed()` function Amparo registers on every
SQLite connection answers 1 only inside the test runner's flush: accounts.management.commands.flush;
any other program, the sqlite3 shell included, lacks the function and is refused).
"""

from django.db import migrations, models

SQLITE_TRIGGERS = """
DROP TRIGGER IF EXISTS accounts_auditevent_no_update;
DROP TRIGGER IF EXISTS accounts_auditevent_no_delete;
CREATE TRIGGER accounts_auditevent_no_update BEFORE UPDATE ON accounts_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END;
CREATE TRIGGER accounts_auditevent_no_delete BEFORE DELETE ON accounts_auditevent
WHEN amparo_audit_delete_allowed() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'audit events are append-only (DELETE refused)'); END;
"""
SQLITE_BACKWARD = """
DROP TRIGGER IF EXISTS accounts_auditevent_no_delete;
"""


def chain_existing(apps, schema_editor):
    from amparo.accounts.chain import event_hash

    AuditEvent = apps.get_model("accounts", "AuditEvent")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE accounts_auditevent DISABLE TRIGGER accounts_auditevent_append_only")
    elif connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS accounts_auditevent_no_update")
    previous = ""
    for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=2000):
        event.previous_hash = previous
        event.hash = event_hash(event)
        AuditEvent.objects.filter(pk=event.pk).update(previous_hash=event.previous_hash, hash=event.hash)
        previous = event.hash
    if connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE accounts_auditevent ENABLE TRIGGER accounts_auditevent_append_only")
    elif connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS.strip().split(";\n"):
            if statement.strip():
                schema_editor.execute(statement.strip().rstrip(";") + ";")


def unchain(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_organization_is_exercise")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(chain_existing, unchain),
    ]
