"""The audit log's hash chain: each event's hash covers its content and the previous event's hash,
so altering an event breaks its own hash and deleting one breaks the link of the event after it.
`verify()` walks the log and names the first event that is not what was written.

The chain protects against changes made behind the application's back (a database owner, a
restored backup edited by hand). Removing the newest events leaves a shorter chain that is still
whole: operators who need to detect that keep the head `amparo verify-audit` prints (event id and
hash) somewhere else and pass it back with `--expect-head`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections

ADVISORY_LOCK_KEY = 0x616D7061726F  # "amparo": one chain, one writer at a time
CHUNK = 5000


def _canonical(event) -> bytes:
    created = event.created_at
    content = [
        event.previous_hash,
        (created.astimezone(dt.UTC) if created.tzinfo else created).isoformat(),
        event.actor_id,
        event.actor_label,
        event.organization_id,
        event.action,
        event.object_type,
        str(event.object_id),
        event.summary,
        event.extra,
        event.ip_address or "",
        event.user_agent,
    ]
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def event_hash(event) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def lock_and_read_head(using: str | None = None) -> str:
    """Serialise chain writers until the current transaction ends, then read the newest hash."""
    connection = connections[using or DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        cursor.execute("SELECT hash FROM accounts_auditevent ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else ""


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """SQLite's audit DELETE trigger asks `amparo_audit_delete_allowed()`: 1 only while this
    connection runs the test runner's flush (`connection.audit_delete_allowed`, set by
    accounts.management.commands.flush when settings.AUDIT_FLUSH_ALLOWED is on)."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        "amparo_audit_delete_allowed", 0, lambda: 1 if getattr(connection, "audit_delete_allowed", False) else 0
    )


@dataclass
class Verdict:
    ok: bool
    checked: int
    message: str
    event_id: int | None = None
    head: tuple[int, str] | None = None  # (id, hash) of the newest event


def verify(*, expect_head: tuple[int, str] | None = None) -> Verdict:
    """Walk the whole log in id order; the first broken link or hash is the verdict."""
    from amparo.accounts.models import AuditEvent

    previous_id, previous_hash, checked = None, "", 0
    fields = [f.attname for f in AuditEvent._meta.concrete_fields]
    last = 0
    while True:
        chunk = list(AuditEvent.objects.filter(pk__gt=last).order_by("pk").only(*fields)[:CHUNK])
        if not chunk:
            break
        for event in chunk:
            if event.previous_hash != previous_hash:
                after = f"after event {previous_id}" if previous_id is not None else "at the start of the log"
                return Verdict(
                    False,
                    checked,
                    f"event {event.pk}: the event before it is missing or was altered ({after})",
                    event.pk,
                )
            if event_hash(event) != event.hash:
                return Verdict(
                    False, checked, f"event {event.pk} was altered: its content does not match its hash", event.pk
                )
            previous_id, previous_hash = event.pk, event.hash
            checked += 1
        last = chunk[-1].pk
    head = (previous_id, previous_hash) if previous_id is not None else None
    if expect_head is not None:
        expected_id, expected_hash = expect_head
        found = AuditEvent.objects.filter(pk=expected_id).values_list("hash", flat=True).first()
        if found != expected_hash:
            return Verdict(
                False,
                checked,
                f"event {expected_id}, the head noted earlier, is missing or was altered",
                expected_id,
                head,
            )
    return Verdict(True, checked, f"{checked} events, chain intact", None, head)
