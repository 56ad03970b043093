"""Dispatch: workers take outbox rows, send them, and record what happened.

The life of a row: queued → claimed (a worker holds a lease) → sending (an attempt is on the wire)
→ sent → delivered/read, or back to queued with a later `next_attempt_at` (transient error), or on
to the next channel of its fallback route, or failed, or uncertain (an attempt may have reached
the provider and nobody can tell: staff decide, nothing is resent automatically).

Ownership. A batch is claimed by one conditional UPDATE (`filter(id__in=…, claimed_until__lt=now)
.update(claimed_by=me, claimed_until=now+lease)`, as Healthchecks' sendalerts does; on PostgreSQL
the candidates are picked with FOR UPDATE SKIP LOCKED). Every later write is conditional on still
holding the row (`claimed_by=me` and the expected status), so a worker that lost a row changes
nothing. The lease is short (MESSAGING_LEASE_S, 5 s) and the live worker renews it while it still
holds rows (`Holding`), so after a crash another worker takes the rows over within seconds.

Exactly once, as far as a provider allows: a small group of rows moves to `sending` in one
committed UPDATE (conditional: only rows still ours move) right before its requests, and the
successes to `sent` in one UPDATE right after (two commits per group, not two per message). A row
on the wire is held for at least the request's timeout plus a margin ("wire lease"), and before
each request the worker checks that its hold outlasts the request, renewing it if not: nobody can
take a row over while a request for it may still be in flight, and a worker never sends a row it
no longer holds. A worker killed
- before `sending`: the lease expires and the row is claimed again (nothing was sent);
- between `sending` and `sent`: the row is found `sending` with an expired lease and marked
  `uncertain`; before the next attempt the adapter's policy applies: "resend" with the same
  idempotency key (the HTTP gateway deduplicates on it; SMTP re-sends the same Message-ID),
  "lookup" (Twilio: list the messages sent to that number and adopt a matching one), or "give_up"
  (a gateway without idempotency). When the fate cannot be learnt (give_up, or the provider
  refuses the lookup: no list permission, 4xx, 501), the row becomes `uncertain` for staff.
The same applies to a timeout or dropped connection after the request was written. Attempts are
counted when a row goes on the wire and never exceed MESSAGING_MAX_ATTEMPTS.

Rate limits: each channel has `rate_per_second` and a slot cursor (`Channel.next_slot`). Slots are
reserved for one send group at a time, just before it is sent, by one UPDATE … RETURNING; slots a
group did not use (a row lost, a Retry-After) are given back when nobody booked after them. A
group holds at most half a second of the channel's rate, so on a slow channel workers interleave
message by message instead of sleeping on a batch. A 429's Retry-After pushes the channel's cursor
for every worker; a worker whose next slot lies beyond its lease lets its rows go until then
instead of holding them. Retries use exponential backoff with jitter.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import random
import secrets
import socket
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, Min, PositiveSmallIntegerField, When
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
GROUP_WINDOW_S = 0.5  # a send group covers at most this much of its channel's rate
WIRE_MARGIN_S = 1.0  # a row on the wire is held this much longer than its request can take
COUNT = PositiveSmallIntegerField()


@dataclass
class Stats:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    fell_back: int = 0
    cancelled: int = 0
    recovered: int = 0
    uncertain: int = 0
    deferred: int = 0
    errors: dict = field(default_factory=lambda: defaultdict(int))

    COUNTS = ("claimed", "sent", "retried", "failed", "fell_back", "cancelled", "recovered", "uncertain", "deferred")

    def add(self, other: Stats) -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, value in other.errors.items():
            self.errors[key] += value

    def counts(self) -> dict:
        return {name: getattr(self, name) for name in self.COUNTS}


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(3)}"


def lease_s() -> float:
    return float(conf.get("MESSAGING_LEASE_S"))


def lease() -> timedelta:
    return timedelta(seconds=lease_s())


def wire_lease_s(adapter) -> float:
    """How long a row on the wire is held: at least the lease, and longer than its request can
    take, so it is never taken over while the provider may still be handling it."""
    return max(lease_s(), adapter.timeout + WIRE_MARGIN_S)


def backoff(attempts: int) -> float:
    """Exponential backoff with jitter: between half and all of base·2^(attempts-1), capped."""
    base, cap = conf.get("MESSAGING_RETRY_BASE_S"), conf.get("MESSAGING_RETRY_CAP_S")
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    return random.uniform(delay / 2, delay)


def status_callback_url(message: Message) -> str:
    if message.channel is None:
        return ""
    return _status_callback_base(settings.SITE_URL, message.channel.webhook_key) + message.idempotency_key


@functools.lru_cache(maxsize=256)
def _status_callback_base(site_url: str, webhook_key: str) -> str:
    """The channel's status webhook up to the message key (URL resolving once per channel, not
    once per message)."""
    path = reverse("messaging:hook_status", args=[webhook_key])
    return f"{site_url.rstrip('/')}{path}?m="


def _at(unix: float) -> datetime:
    return datetime.fromtimestamp(unix, tz=UTC)


# --- claiming and holding ---------------------------------------------------------------------


def recover_interrupted(*, now: datetime | None = None) -> int:
    """Rows left `sending` by a worker whose lease expired (killed mid-request): queue them again,
    marked uncertain so the next attempt follows the channel's policy instead of blindly resending.
    They keep their place in the queue (their `next_attempt_at`, already past): the people a dead
    worker was messaging are not sent to the back of a large broadcast."""
    now = now or timezone.now()
    return Message.objects.filter(status=MessageStatus.SENDING, claimed_until__lt=now).update(
        status=MessageStatus.QUEUED, uncertain=True, claimed_by="", claimed_until=EPOCH
    )


# The hot path: every message is claimed, put on the wire and recorded by the three statements
# below (per batch, per group, per group). They are written in SQL, the same text on SQLite and
# PostgreSQL, because building them with the ORM cost more CPU than everything else a worker does
# per message (bench/messaging --profile; see bench/README.md). Each keeps the ownership rule.


def _table() -> str:
    return Message._meta.db_table


def _dt(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def claim(*, worker: str, limit: int, now: datetime | None = None, channels: dict | None = None) -> list[Message]:
    """Claim up to `limit` due rows in one conditional UPDATE … RETURNING (on PostgreSQL the
    candidates are locked with FOR UPDATE SKIP LOCKED, so workers never wait on each other).
    `channels` caches Channel rows for one dispatch run (their rate is read afresh with each slot
    reservation; other settings take effect at the next run)."""
    now = now or timezone.now()
    until = now + lease()
    skip_locked = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    table = _table()
    sql = (
        f"UPDATE {table} SET status = %s, claimed_by = %s, claimed_until = %s WHERE id IN ("  # noqa: S608
        f"SELECT id FROM {table} WHERE status IN (%s, %s) AND next_attempt_at <= %s AND claimed_until < %s"
        f" ORDER BY next_attempt_at, id LIMIT %s{skip_locked}) RETURNING *"
    )
    params = [
        MessageStatus.CLAIMED, worker, _dt(until), MessageStatus.QUEUED, MessageStatus.CLAIMED, _dt(now), _dt(now),
        limit,
    ]  # fmt: skip
    messages = sorted(Message.objects.raw(sql, params), key=lambda m: m.pk)
    channels = {} if channels is None else channels
    missing = {m.channel_id for m in messages if m.channel_id and m.channel_id not in channels}
    if missing:
        channels.update(Channel.objects.in_bulk(missing))
    for message in messages:
        if message.channel_id:
            message.channel = channels[message.channel_id]
    return messages


class Holding:
    """The claimed rows a worker holds but has not put on the wire yet, and until when. `renew()`
    extends the lease of those still ours (one conditional UPDATE) once half of it is gone; rows
    someone else took meanwhile are dropped from the holding, never sent."""

    def __init__(self, worker: str, messages: list[Message], until: datetime | None = None):
        self.worker = worker
        self.ids = {m.pk for m in messages}
        self.until = until or (min(m.claimed_until for m in messages) if messages else timezone.now())

    def _renew_after(self) -> datetime:
        return self.until - lease() / 2

    def renew(self, *, force: bool = False) -> None:
        now = timezone.now()
        if not self.ids or (not force and now < self._renew_after()):
            return
        until = now + lease()
        ours = Message.objects.filter(pk__in=self.ids, claimed_by=self.worker, status=MessageStatus.CLAIMED)
        if ours.update(claimed_until=until) != len(self.ids):
            self.ids = set(ours.values_list("pk", flat=True))
        self.until = until

    def holds(self, message: Message) -> bool:
        return message.pk in self.ids

    def take(self, messages: list[Message]) -> None:
        """These rows leave the holding (on the wire, or finished)."""
        self.ids.difference_update(m.pk for m in messages)

    def release(self, messages: list[Message], *, at: datetime | None = None) -> int:
        """Let rows go unsent: another worker, or this one later, takes them at once, in their
        place in the queue (they are not sent to the back of a large broadcast), or from `at` on."""
        ids = [m.pk for m in messages if m.pk in self.ids]
        self.take(messages)
        if not ids:
            return 0
        later = {} if at is None else {"next_attempt_at": at}
        return Message.objects.filter(pk__in=ids, claimed_by=self.worker, status=MessageStatus.CLAIMED).update(
            status=MessageStatus.QUEUED, claimed_by="", claimed_until=EPOCH, **later
        )


def wait_until(unix: float, holding: Holding, sleep=time.sleep) -> None:
    """Sleep until `unix`, renewing the holding's lease on the way."""
    while True:
        holding.renew()
        remaining = unix - time.time()
        if remaining <= 0:
            return
        sleep(min(remaining, lease_s() / 4))


# --- rate slots -------------------------------------------------------------------------------


@dataclass
class Slots:
    """`count` consecutive sending slots on a channel, the first at `start` (Unix time)."""

    channel_id: int
    start: float
    count: int
    rate: float
    end: float  # the channel's cursor right after this reservation

    def at(self, i: int) -> float:
        return self.start + i / self.rate


def reserve_slots(channel_id: int, count: int, *, now: float | None = None) -> Slots:
    """Reserve the channel's next `count` sending slots: one UPDATE … RETURNING moves its cursor
    on, so all workers together stay under the channel's rate."""
    now = time.time() if now is None else now
    table = Channel._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET next_slot = CASE WHEN next_slot > %s THEN next_slot ELSE %s END"  # noqa: S608
            f" + %s / rate_per_second WHERE id = %s RETURNING next_slot, rate_per_second",
            [now, now, float(count), channel_id],
        )
        end, rate = cursor.fetchone()
    return Slots(channel_id=channel_id, start=end - count / rate, count=count, rate=rate, end=end)


def give_back(slots: Slots, unused: int) -> bool:
    """Return the last `unused` slots of a reservation, if nobody has booked after it (otherwise
    they stay a short gap in the channel's schedule)."""
    if unused <= 0:
        return False
    table = Channel._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET next_slot = %s WHERE id = %s AND next_slot = %s",  # noqa: S608
            [slots.end - unused / slots.rate, slots.channel_id, slots.end],
        )
        return cursor.rowcount == 1


def push_channel(channel_id: int, until: datetime) -> None:
    """A provider's Retry-After: no worker sends on this channel before `until`."""
    unix = until.timestamp()
    Channel.objects.filter(pk=channel_id, next_slot__lt=unix).update(next_slot=unix)


def group_size(rate: float) -> int:
    return max(1, min(conf.get("MESSAGING_SEND_GROUP"), int(rate * GROUP_WINDOW_S)))


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


def _max_attempts() -> int:
    return conf.get("MESSAGING_MAX_ATTEMPTS")


def _attempt(message: Message, adapter, previous_attempt: datetime, *, may_send: bool = True) -> SendResult:
    """One attempt, after the uncertain-attempt policy when it applies. `may_send` False: the row
    has used all its attempts and only a lookup may still settle it."""
    outgoing = _outgoing(message)
    if message.uncertain:
        if adapter.on_uncertain == "give_up":
            raise SendError(
                "uncertain",
                "an earlier attempt may have reached the provider, which cannot deduplicate: "
                "check with the provider before sending again",
                transient=False,
                uncertain=True,
            )
        if adapter.on_uncertain == "lookup":
            try:
                found = adapter.lookup(outgoing, previous_attempt)
            except SendError as error:
                if error.transient:
                    raise SendError(
                        error.code, f"looking the message up: {error.detail}", transient=True, uncertain=True,
                        retry_after=error.retry_after,
                    ) from error  # fmt: skip
                # The provider's own answer is kept as the detail: staff may need it to ask them.
                answer = f"{error.code}: {error.detail}" if error.detail else error.code
                raise SendError("lookup_refused", answer, transient=False, uncertain=True) from error
            if found is not None:
                return found
            message.uncertain = False  # the provider does not have it: the earlier attempt never arrived
        else:  # "resend": the provider recognises the key, so any answer it gives settles the doubt
            message.uncertain = False
    if not may_send:
        raise SendError("max_attempts", "every attempt was used", transient=False, uncertain=message.uncertain)
    return adapter.send(outgoing)


def _start_group(messages: list[Message], *, worker: str, wire_s: float) -> tuple[list[Message], datetime]:
    """Put a group on the wire: one conditional UPDATE moves the rows still ours to `sending`,
    counts the attempt (never above the maximum) and holds them for the wire lease."""
    now = timezone.now()
    until = now + timedelta(seconds=wire_s)
    ids = [m.pk for m in messages]
    if not ids:
        return messages, until
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table()} SET status = %s,"  # noqa: S608
            " attempts = CASE WHEN attempts < %s THEN attempts + 1 ELSE attempts END,"
            f" last_attempt_at = %s, claimed_until = %s WHERE id IN ({_marks(ids)}) AND claimed_by = %s AND status = %s",
            [MessageStatus.SENDING, _max_attempts(), _dt(now), _dt(until), *ids, worker, MessageStatus.CLAIMED],
        )
        started = cursor.rowcount
    if started != len(ids):  # a lease expired under us and someone took rows over: keep only ours
        ours = set(_on_wire(ids, worker).values_list("pk", flat=True))
        messages = [m for m in messages if m.pk in ours]
    return messages, until


def _on_wire(ids, worker: str):
    return Message.objects.filter(pk__in=ids, claimed_by=worker, status=MessageStatus.SENDING)


def send_group(
    messages: list[Message],
    adapter,
    *,
    worker: str,
    stats: Stats,
    slots: Slots | None = None,
    sleep=time.sleep,
) -> bool:
    """Send a small group: the rows still ours go `sending` in one committed UPDATE, each goes on
    the wire at its slot once the worker has checked its hold outlasts the request, and one UPDATE
    records the successes. Errors are recorded one by one. Returns True when a Retry-After stopped
    the group (its unsent rows went back to the queue)."""
    previous = {m.pk: m.last_attempt_at or m.created_at for m in messages}
    wire_s = wire_lease_s(adapter)
    messages, held_until = _start_group(messages, worker=worker, wire_s=wire_s)
    sent: list[tuple[Message, SendResult]] = []
    requests = 0  # slots used, in order: the unused ones are the reservation's last
    stopped = False
    for i, message in enumerate(messages):
        if slots is not None:
            _sleep_until(slots.at(requests), sleep)
        if held_until - timezone.now() < timedelta(seconds=adapter.timeout + WIRE_MARGIN_S / 2):
            held_until, ours = _renew_wire(messages[i:], worker=worker, wire_s=wire_s)
            if message.pk not in ours:  # taken over while we waited: never send what is not ours
                continue
        may_send = message.attempts < _max_attempts()
        if may_send:
            message.attempts += 1
        message.last_attempt_at = timezone.now()
        requests += 1
        try:
            sent.append((message, _attempt(message, adapter, previous[message.pk], may_send=may_send)))
        except SendError as error:
            _record_error(message, error, worker=worker, stats=stats)
            rest = messages[i + 1 :]
            if error.retry_after is not None and rest:
                _requeue(rest, worker=worker, at=timezone.now() + timedelta(seconds=error.retry_after))
                stopped = True
                break
    if sent:
        _record_sent(sent, worker=worker)
        stats.sent += len(sent)
    if slots is not None:
        give_back(slots, slots.count - requests)
    return stopped


def _sleep_until(unix: float, sleep) -> None:
    remaining = unix - time.time()
    if remaining > 0:
        sleep(remaining)


def _renew_wire(messages: list[Message], *, worker: str, wire_s: float) -> tuple[datetime, set[int]]:
    until = timezone.now() + timedelta(seconds=wire_s)
    ids = [m.pk for m in messages]
    _on_wire(ids, worker).update(claimed_until=until)
    return until, set(_on_wire(ids, worker).values_list("pk", flat=True))


def _requeue(messages: list[Message], *, worker: str, at: datetime) -> None:
    """Rows of a group that never went out (the provider asked us to wait): back to the queue,
    their attempt not counted."""
    _on_wire([m.pk for m in messages], worker).update(
        status=MessageStatus.QUEUED,
        attempts=Case(When(attempts__gt=0, then=F("attempts") - 1), default=F("attempts"), output_field=COUNT),
        claimed_by="",
        claimed_until=EPOCH,
        next_attempt_at=at,
    )


def _record_sent(sent: list[tuple[Message, SendResult]], *, worker: str) -> None:
    """One conditional UPDATE records a group's successes (only rows still on the wire for us)."""
    done = _dt(timezone.now())
    ids = [m.pk for m, _ in sent]
    delivered = [m.pk for m, r in sent if r.status == "delivered"]
    if delivered:
        status_sql = f"CASE WHEN id IN ({_marks(delivered)}) THEN %s ELSE %s END"
        status_params = [*delivered, MessageStatus.DELIVERED, MessageStatus.SENT]
        delivered_sql = f"CASE WHEN id IN ({_marks(delivered)}) THEN %s ELSE NULL END"
        delivered_params = [*delivered, done]
    else:
        status_sql, status_params, delivered_sql, delivered_params = "%s", [MessageStatus.SENT], "NULL", []
    provider_sql = "CASE id " + " ".join(["WHEN %s THEN %s"] * len(sent)) + " END"
    provider_params = [value for m, r in sent for value in (m.pk, r.provider_id[:80])]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table()} SET status = {status_sql}, provider_id = {provider_sql}, sent_at = %s,"  # noqa: S608
            f" delivered_at = {delivered_sql}, uncertain = %s, claimed_until = %s, error_code = '', error_detail = ''"
            f" WHERE id IN ({_marks(ids)}) AND claimed_by = %s AND status = %s",
            [
                *status_params,
                *provider_params,
                done,
                *delivered_params,
                False,
                _dt(EPOCH),
                *ids,
                worker,
                MessageStatus.SENDING,
            ],  # fmt: skip
        )


def send_one(message: Message, adapter, *, worker: str, stats: Stats) -> None:
    send_group([message], adapter, worker=worker, stats=stats)


def _record_error(message: Message, error: SendError, *, worker: str, stats: Stats) -> None:
    now = timezone.now()
    stats.errors[error.code] += 1
    uncertain = error.uncertain or message.uncertain
    common = {
        "history": _history(message, error, now),
        "error_code": error.code,
        "error_detail": error.detail,
        "claimed_until": EPOCH,
        "uncertain": uncertain,
    }
    if error.transient and message.attempts < _max_attempts():
        delay = error.retry_after if error.retry_after is not None else backoff(message.attempts)
        delay = delay + random.uniform(0, min(1.0, delay / 4 + 0.05))
        if error.retry_after is not None and message.channel_id:
            push_channel(message.channel_id, now + timedelta(seconds=error.retry_after))
        _mine(message, worker).update(
            status=MessageStatus.QUEUED, next_attempt_at=now + timedelta(seconds=delay), claimed_by="", **common
        )
        stats.retried += 1
        return
    if uncertain:  # it may have arrived: neither another channel nor "failed", staff decide
        _mine(message, worker).update(status=MessageStatus.UNCERTAIN, failed_at=now, **common)
        stats.uncertain += 1
        return
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
    drop = [m.pk for m in batch if m.person_id not in consenting]
    if drop:
        Message.objects.filter(pk__in=drop, claimed_by=worker).update(
            status=MessageStatus.CANCELLED,
            error_code="no_consent",
            error_detail="crisis_alerts consent withdrawn before sending",
            claimed_until=EPOCH,
        )
        stats.cancelled += len(drop)
    return [m for m in batch if m.person_id in consenting]


def _settle_exhausted(
    messages: list[Message], adapter, *, worker: str, holding: Holding, stats: Stats
) -> list[Message]:
    """Rows that used every attempt (a crash after the last one) are not sent again: an uncertain
    one goes through a lookup when the provider offers one (send_group, lookup only), otherwise to
    staff as uncertain; any other fails or falls back. Returns the rows still to put on the wire."""
    limit = _max_attempts()
    keep, done = [], []
    for message in messages:
        if message.attempts < limit or (message.uncertain and adapter.on_uncertain == "lookup"):
            keep.append(message)
        else:
            done.append(message)
    holding.take(done)
    for message in done:
        Message.objects.filter(pk=message.pk, claimed_by=worker, status=MessageStatus.CLAIMED).update(
            status=MessageStatus.SENDING
        )
        _record_error(
            message,
            SendError("max_attempts", "every attempt was used", transient=False, uncertain=message.uncertain),
            worker=worker,
            stats=stats,
        )
    return keep


def _send_channel(messages: list[Message], *, worker: str, holding: Holding, stats: Stats, sleep) -> None:
    channel = messages[0].channel
    # Hold no more than about one lease's worth of the channel's rate; the rest goes back to the
    # queue at once for other workers (a slow channel must not tie a batch up for minutes).
    group = group_size(channel.rate_per_second)
    hold = max(group, math.ceil(channel.rate_per_second * lease_s()))
    if len(messages) > hold:
        holding.release(messages[hold:])
        messages = messages[:hold]
    adapter = adapter_for(channel)
    try:
        messages = _settle_exhausted(messages, adapter, worker=worker, holding=holding, stats=stats)
        while messages:
            messages = [m for m in messages if holding.holds(m)]
            if not messages:
                return
            batch, messages = messages[:group], messages[group:]
            slots = reserve_slots(channel.pk, len(batch))
            if slots.start - time.time() > lease_s():
                # The channel is booked (or pushed back by a Retry-After) beyond our lease: let
                # the rows go until their slot rather than hold them.
                give_back(slots, slots.count)
                stats.deferred += holding.release(batch + messages, at=_at(slots.start))
                return
            wait_until(slots.start, holding, sleep)
            batch = [m for m in batch if holding.holds(m)]
            holding.take(batch)
            if send_group(batch, adapter, worker=worker, stats=stats, slots=slots, sleep=sleep) and messages:
                channel.refresh_from_db(fields=["next_slot"])
                stats.deferred += holding.release(messages, at=_at(channel.next_slot))
                return
    finally:
        adapter.close()


def process(batch: list[Message], *, worker: str, sleep=time.sleep) -> Stats:
    stats = Stats(claimed=len(batch))
    batch = _drop_without_consent(batch, worker=worker, stats=stats)
    holding = Holding(worker, batch)
    by_channel: dict[int | None, list[Message]] = defaultdict(list)
    for message in batch:
        by_channel[message.channel_id].append(message)
    try:
        for channel_id, messages in by_channel.items():
            if channel_id is None:
                Message.objects.filter(pk__in=[m.pk for m in messages], claimed_by=worker).update(
                    status=MessageStatus.FAILED, error_code="no_channel", failed_at=timezone.now(), claimed_until=EPOCH
                )
                holding.take(messages)
                stats.failed += len(messages)
                continue
            _send_channel(messages, worker=worker, holding=holding, stats=stats, sleep=sleep)
    finally:
        holding.release([m for m in batch if holding.holds(m)])  # an error midway: let the rest go
    return stats


def run(
    *,
    worker: str | None = None,
    budget_s: float | None = None,
    batch_size: int | None = None,
    poll_s: float = 0,
    sleep=time.sleep,
) -> Stats:
    """Claim and send batches until nothing is due (or, with `poll_s`, look again every `poll_s`
    seconds) until the time budget is spent."""
    worker = worker or worker_name()
    budget_s = conf.get("MESSAGING_DISPATCH_BUDGET_S") if budget_s is None else budget_s
    batch_size = batch_size or conf.get("MESSAGING_BATCH")
    deadline = time.monotonic() + budget_s
    total = Stats()
    channels: dict[int, Channel] = {}
    while time.monotonic() < deadline:
        total.recovered += recover_interrupted()
        batch = claim(worker=worker, limit=batch_size, channels=channels)
        if not batch:
            if not poll_s:
                break
            sleep(min(poll_s, max(0.0, deadline - time.monotonic())))
            continue
        total.add(process(batch, worker=worker, sleep=sleep))
    if total.claimed:
        logger.info("dispatch %s: %s", worker, total.counts())
    return total


def next_due() -> datetime | None:
    """When the next open row becomes due (None: the outbox is empty)."""
    queued = Message.objects.filter(status=MessageStatus.QUEUED).aggregate(at=Min("next_attempt_at"))["at"]
    leased = Message.objects.filter(status__in=(MessageStatus.CLAIMED, MessageStatus.SENDING)).aggregate(
        at=Min("claimed_until")
    )["at"]
    candidates = [t for t in (queued, leased) if t is not None]
    return min(candidates) if candidates else None
