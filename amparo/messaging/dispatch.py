"""Dispatch: workers take outbox rows, send them, and record what happened.

The life of a row: queued → claimed (a worker holds a lease) → sending (an attempt is on the wire)
→ sent → delivered/read, or back to queued with a later `next_attempt_at` (transient error), or on
to the next channel of its fallback route, or failed.

Several workers run at once safely: a batch is claimed by one conditional UPDATE
(`filter(id__in=…, claimed_until__lt=now).update(claimed_by=me, claimed_until=now+lease)`, as
Healthchecks' sendalerts does; on PostgreSQL the candidates are picked with FOR UPDATE SKIP
LOCKED), and every later write is conditional on still holding the claim.

Exactly once, as far as a provider allows: a small group of rows (MESSAGING_SEND_GROUP, 10)
moves to `sending` in one committed UPDATE just before their requests, and the successes to
`sent` in one UPDATE right after (two commits per ten messages, not two per message). A worker
killed
- before `sending`: the lease expires and the row is claimed again (nothing was sent);
- between `sending` and `sent`: the row is found `sending` with an expired lease and marked
  `uncertain`; before the next attempt the adapter's policy applies: "resend" with the same
  idempotency key (the HTTP gateway deduplicates on it; SMTP re-sends the same Message-ID),
  "lookup" (Twilio: list the messages sent to that number and adopt a matching one), or "give_up"
  (a gateway without idempotency: failed for staff review rather than risk a duplicate).
The same applies to a timeout or dropped connection after the request was written. Benchmarks
check it against the emulator's own log (bench/messaging/).

Rate limits: each channel has `rate_per_second`; a worker reserves slots for its batch on the
channel row (`next_slot_at`), so all workers together stay under the limit; a 429's Retry-After
pushes the channel's next slot for everyone. Retries use exponential backoff with jitter.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import socket
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, Min, Value, When
from django.urls import reverse
from django.utils import timezone

from amparo.accounts.codes import ConsentPurpose
from amparo.messaging import conf
from amparo.messaging.audience import body_to_send
from amparo.messaging.channels import Outgoing, SendError, SendResult, adapter_for
from amparo.messaging.models import EPOCH, Channel, Message, MessageStatus
from amparo.registry.models import Consent

logger = logging.getLogger("amparo.messaging.dispatch")
HISTORY_LIMIT = 10


@dataclass
class Stats:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    fell_back: int = 0
    cancelled: int = 0
    recovered: int = 0
    errors: dict = field(default_factory=lambda: defaultdict(int))

    def add(self, other: Stats) -> None:
        for name in ("claimed", "sent", "retried", "failed", "fell_back", "cancelled", "recovered"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, value in other.errors.items():
            self.errors[key] += value


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(3)}"


def lease() -> timedelta:
    return timedelta(seconds=conf.get("MESSAGING_LEASE_S"))


def backoff(attempts: int) -> float:
    """Exponential backoff with jitter: between half and all of base·2^(attempts-1), capped."""
    base, cap = conf.get("MESSAGING_RETRY_BASE_S"), conf.get("MESSAGING_RETRY_CAP_S")
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    return random.uniform(delay / 2, delay)


def status_callback_url(message: Message) -> str:
    if message.channel is None:
        return ""
    path = reverse("messaging:hook_status", args=[message.channel.webhook_key])
    return f"{settings.SITE_URL.rstrip('/')}{path}?m={message.idempotency_key}"


# --- claiming ---------------------------------------------------------------------------------


def recover_interrupted(*, now: datetime | None = None) -> int:
    """Rows left `sending` by a worker whose lease expired (killed mid-request): queue them again,
    marked uncertain so the next attempt follows the channel's policy instead of blindly resending."""
    now = now or timezone.now()
    return Message.objects.filter(status=MessageStatus.SENDING, claimed_until__lt=now).update(
        status=MessageStatus.QUEUED, uncertain=True, claimed_by="", claimed_until=EPOCH, next_attempt_at=now
    )


def claim(*, worker: str, limit: int, now: datetime | None = None) -> list[Message]:
    now = now or timezone.now()
    due = Message.objects.filter(
        status__in=(MessageStatus.QUEUED, MessageStatus.CLAIMED), next_attempt_at__lte=now, claimed_until__lt=now
    ).order_by("next_attempt_at", "id")
    until = now + lease()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            ids = list(due.select_for_update(skip_locked=True, of=("self",)).values_list("id", flat=True)[:limit])
        else:
            ids = list(due.values_list("id", flat=True)[:limit])
        if not ids:
            return []
        Message.objects.filter(
            id__in=ids, status__in=(MessageStatus.QUEUED, MessageStatus.CLAIMED), claimed_until__lt=now
        ).update(status=MessageStatus.CLAIMED, claimed_by=worker, claimed_until=until)
    return list(
        Message.objects.filter(id__in=ids, claimed_by=worker, claimed_until=until, status=MessageStatus.CLAIMED)
        .select_related("channel", "broadcast")
        .order_by("id")
    )


def reserve_slots(channel_id: int, count: int, *, now: datetime | None = None) -> tuple[datetime, float]:
    """Reserve `count` sending slots on the channel for this worker: returns the first slot's
    time and the rate. One row lock per batch keeps every worker under the channel's limit."""
    now = now or timezone.now()
    with transaction.atomic():
        channel = Channel.objects.select_for_update().only("next_slot_at", "rate_per_second").get(pk=channel_id)
        start = max(channel.next_slot_at, now)
        Channel.objects.filter(pk=channel_id).update(
            next_slot_at=start + timedelta(seconds=count / channel.rate_per_second)
        )
    return start, channel.rate_per_second


def push_channel(channel_id: int, until: datetime) -> None:
    Channel.objects.filter(pk=channel_id, next_slot_at__lt=until).update(next_slot_at=until)


# --- sending ----------------------------------------------------------------------------------


def _outgoing(message: Message) -> Outgoing:
    return Outgoing(
        key=message.idempotency_key,
        kind=message.kind,
        to=message.to_address,
        body=body_to_send(message),  # the check-in link is written in here, never stored
        subject=message.subject,
        status_callback=status_callback_url(message),
    )


def _history(message: Message, error: SendError, now: datetime) -> list:
    entry = {"at": now.isoformat(), "kind": message.kind, "code": error.code, "detail": error.detail[:120]}
    return (list(message.history or []) + [entry])[-HISTORY_LIMIT:]


def _mine(message: Message, worker: str):
    return Message.objects.filter(pk=message.pk, claimed_by=worker, status=MessageStatus.SENDING)


def _attempt(message: Message, adapter, previous_attempt: datetime) -> SendResult:
    """One attempt on the wire, after the uncertain-attempt policy when it applies."""
    outgoing = _outgoing(message)
    if message.uncertain:
        if adapter.on_uncertain == "give_up":
            raise SendError(
                "uncertain",
                "an earlier attempt may have reached the provider, which cannot deduplicate: "
                "check with the provider before sending again",
                transient=False,
            )
        if adapter.on_uncertain == "lookup":
            found = adapter.lookup(outgoing, previous_attempt)
            if found is not None:
                return found
    return adapter.send(outgoing)


def send_group(messages: list[Message], adapter, *, worker: str, stats: Stats, pace=None) -> None:
    """Send a small group: one committed UPDATE marks the whole group `sending` (the rows a crash
    could leave uncertain), each message goes on the wire, and one UPDATE records the successes.
    Errors are recorded one by one. `pace(i)` waits for the i-th message's rate-limit slot."""
    now = timezone.now()
    ids = [m.pk for m in messages]
    previous = {m.pk: m.last_attempt_at or m.created_at for m in messages}
    started = Message.objects.filter(pk__in=ids, claimed_by=worker, status=MessageStatus.CLAIMED).update(
        status=MessageStatus.SENDING, attempts=F("attempts") + 1, last_attempt_at=now, claimed_until=now + lease()
    )
    if started != len(ids):  # a lease expired under us: keep only the rows still ours
        ours = set(
            Message.objects.filter(pk__in=ids, claimed_by=worker, status=MessageStatus.SENDING).values_list(
                "pk", flat=True
            )
        )
        messages = [m for m in messages if m.pk in ours]
    sent: list[tuple[Message, SendResult]] = []
    for i, message in enumerate(messages):
        if pace is not None:
            pace(i)
        message.attempts += 1
        message.last_attempt_at = now
        try:
            sent.append((message, _attempt(message, adapter, previous[message.pk])))
        except SendError as error:
            _record_error(message, error, worker=worker, stats=stats)
    if sent:
        _record_sent(sent, worker=worker)
        stats.sent += len(sent)


def _record_sent(sent: list[tuple[Message, SendResult]], *, worker: str) -> None:
    done = timezone.now()
    delivered = [m.pk for m, r in sent if r.status == "delivered"]
    Message.objects.filter(pk__in=[m.pk for m, _ in sent], claimed_by=worker, status=MessageStatus.SENDING).update(
        status=Case(When(pk__in=delivered, then=Value(MessageStatus.DELIVERED)), default=Value(MessageStatus.SENT)),
        provider_id=Case(*(When(pk=m.pk, then=Value(r.provider_id[:80])) for m, r in sent)),
        sent_at=done,
        delivered_at=Case(When(pk__in=delivered, then=Value(done)), default=None),
        uncertain=False,
        claimed_until=EPOCH,
        error_code="",
        error_detail="",
    )


def send_one(message: Message, adapter, *, worker: str, stats: Stats) -> None:
    send_group([message], adapter, worker=worker, stats=stats)


def _record_error(message: Message, error: SendError, *, worker: str, stats: Stats) -> None:
    now = timezone.now()
    stats.errors[error.code] += 1
    history = _history(message, error, now)
    common = {"history": history, "error_code": error.code, "error_detail": error.detail, "claimed_until": EPOCH}
    if error.uncertain:
        common["uncertain"] = True
    if error.transient and message.attempts < conf.get("MESSAGING_MAX_ATTEMPTS"):
        delay = error.retry_after if error.retry_after is not None else backoff(message.attempts)
        delay = delay + random.uniform(0, min(1.0, delay / 4 + 0.05))
        if error.retry_after is not None and message.channel_id:
            push_channel(message.channel_id, now + timedelta(seconds=error.retry_after))
        _mine(message, worker).update(
            status=MessageStatus.QUEUED, next_attempt_at=now + timedelta(seconds=delay), **common
        )
        stats.retried += 1
        return
    if not error.uncertain:
        moved = fallback_fields(message, now=now)
        if moved is not None:
            _mine(message, worker).update(**{**common, **moved})
            stats.fell_back += 1
            return
    _mine(message, worker).update(status=MessageStatus.FAILED, failed_at=now, **common)
    stats.failed += 1


def fallback_fields(message: Message, *, now: datetime) -> dict | None:
    """The changes that move a message on to the next channel of its fallback route (None when
    there is none, or the organization has no active channel of that kind any more)."""
    from amparo.messaging.audience import org_channels

    for position, (kind, address) in enumerate(message.fallback or []):
        channel = org_channels(message.organization_id).get(kind)
        if channel is None:
            continue
        base = message.idempotency_key.split("~")[0]
        return {
            "status": MessageStatus.QUEUED,
            "kind": kind,
            "to_address": address,
            "channel": channel,
            "fallback": message.fallback[position + 1 :],
            "idempotency_key": f"{base}~{kind}{len(message.history or []) + 1}"[:64],
            "attempts": 0,
            "uncertain": False,
            "next_attempt_at": now,
            "claimed_until": EPOCH,
        }
    return None


def _drop_without_consent(batch: list[Message], *, worker: str, stats: Stats) -> list[Message]:
    """Consent is checked again at sending time: a person who withdrew it after the broadcast
    was queued gets nothing."""
    person_ids = {m.person_id for m in batch}
    consenting = set(
        Consent.objects.active(ConsentPurpose.CRISIS_ALERTS)
        .filter(person_id__in=person_ids)
        .values_list("person_id", flat=True)
    )
    keep, drop = [], []
    for message in batch:
        (keep if message.person_id in consenting else drop).append(message.pk)
    if drop:
        Message.objects.filter(pk__in=drop, claimed_by=worker).update(
            status=MessageStatus.CANCELLED,
            error_code="no_consent",
            error_detail="crisis_alerts consent withdrawn before sending",
            claimed_until=EPOCH,
        )
        stats.cancelled += len(drop)
    return [m for m in batch if m.pk in set(keep)]


def process(batch: list[Message], *, worker: str, sleep=time.sleep) -> Stats:
    stats = Stats(claimed=len(batch))
    batch = _drop_without_consent(batch, worker=worker, stats=stats)
    by_channel: dict[int | None, list[Message]] = defaultdict(list)
    for message in batch:
        by_channel[message.channel_id].append(message)
    for channel_id, messages in by_channel.items():
        if channel_id is None:
            Message.objects.filter(pk__in=[m.pk for m in messages], claimed_by=worker).update(
                status=MessageStatus.FAILED, error_code="no_channel", failed_at=timezone.now(), claimed_until=EPOCH
            )
            stats.failed += len(messages)
            continue
        adapter = adapter_for(messages[0].channel)
        start, rate = reserve_slots(channel_id, len(messages))
        group = conf.get("MESSAGING_SEND_GROUP")
        try:
            for offset in range(0, len(messages), group):

                def pace(i, offset=offset, start=start, rate=rate):
                    wait = (start + timedelta(seconds=(offset + i) / rate) - timezone.now()).total_seconds()
                    if wait > 0:
                        sleep(wait)

                send_group(messages[offset : offset + group], adapter, worker=worker, stats=stats, pace=pace)
        finally:
            adapter.close()
    return stats


def run(
    *, worker: str | None = None, budget_s: float | None = None, batch_size: int | None = None, sleep=time.sleep
) -> Stats:
    """Claim and send batches until nothing is due or the time budget is spent."""
    worker = worker or worker_name()
    budget_s = conf.get("MESSAGING_DISPATCH_BUDGET_S") if budget_s is None else budget_s
    batch_size = batch_size or conf.get("MESSAGING_BATCH")
    deadline = time.monotonic() + budget_s
    total = Stats()
    while time.monotonic() < deadline:
        total.recovered += recover_interrupted()
        batch = claim(worker=worker, limit=batch_size)
        if not batch:
            break
        total.add(process(batch, worker=worker, sleep=sleep))
    if total.claimed:
        logger.info("dispatch %s: %s", worker, {k: v for k, v in vars(total).items() if k != "errors"})
    return total


def next_due() -> datetime | None:
    """When the next open row becomes due (None: the outbox is empty)."""
    queued = Message.objects.filter(status=MessageStatus.QUEUED).aggregate(at=Min("next_attempt_at"))["at"]
    leased = Message.objects.filter(status__in=(MessageStatus.CLAIMED, MessageStatus.SENDING)).aggregate(
        at=Min("claimed_until")
    )["at"]
    candidates = [t for t in (queued, leased) if t is not None]
    return min(candidates) if candidates else None
