"""A 1 message/s channel (a real Twilio long code) shared by three workers drains within 1.2x the
ideal time, at the channel's rate, each message once, with production's 5 s lease.

Seen against a real long code with three workers: after 15 minutes 60 of 150 messages had never
been attempted and 20 delivered ones were stuck in `sending` with more attempts than the maximum
(slots reserved for a whole batch, leases lapsing while a worker slept until its slot, rows sent
by a worker that no longer held them). The workers here are the real dispatch loop
(`dispatch.run`, polling as `amparo dispatch-outbox --poll` does) on a virtual clock: each sleep
jumps the clock instead of waiting, so the test measures the dispatcher's schedule exactly and in
about a second, whatever the machine's load (test_slow_channel.py runs the same situation with
real processes and real time). Requests go to the provider emulator, whose log proves each
message arrived once."""

import functools
import time

import pytest
from django.db.models import Count

from amparo.messaging import dispatch, services
from amparo.messaging.models import MessageStatus
from amparo.messaging.tests.conftest import bulk_people
from amparo.messaging.tests.virtual_clock import VirtualClock

# Other threads must see the broadcast: committed data (on SQLite, the shared in-memory database).
pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 40
RATE = 1.0  # messages per second
WORKERS = 3
IDEAL_S = PEOPLE / RATE


def test_three_workers_drain_a_one_message_per_second_channel_within_1_2x_the_ideal_time(
    officer, consulate, twilio_sms, checkin_template, emulator, settings, monkeypatch
):
    settings.MESSAGING_LEASE_S = 5  # production's default (the field report had 60 s)
    twilio_sms.rate_per_second = RATE
    twilio_sms.save()
    bulk_people(consulate, PEOPLE)
    broadcast = services.create_broadcast(
        actor=officer, organization=consulate, title="Sismo", template=checkin_template
    )
    services.confirm_broadcast(actor=officer, broadcast=broadcast)

    clock = VirtualClock(start=time.time())
    clock.patch(monkeypatch, dispatch)
    requests = []  # (virtual time, idempotency key) of every send request a worker makes
    real_adapter_for = dispatch.adapter_for

    def adapter_for(channel):
        adapter = real_adapter_for(channel)
        send = adapter.send

        def timed_send(outgoing):
            requests.append((clock.now, outgoing.key))
            return send(outgoing)

        adapter.send = timed_send
        return adapter

    monkeypatch.setattr(dispatch, "adapter_for", adapter_for)
    start = clock.now
    clock.run(
        [
            functools.partial(dispatch.run, worker=f"w{i}", budget_s=1.5 * IDEAL_S, poll_s=0.1, sleep=clock.sleep)
            for i in range(WORKERS)
        ]
    )

    statuses = dict(broadcast.messages.values_list("status").annotate(n=Count("id")))
    assert statuses == {MessageStatus.SENT: PEOPLE}, (statuses, len(requests))
    assert len(emulator.accepted()) == PEOPLE and emulator.duplicates() == []
    assert len(requests) == PEOPLE  # no request for a row already sent or no longer held
    assert set(broadcast.messages.values_list("attempts", flat=True)) == {1}
    times = sorted(at for at, _ in requests)
    drained_s = times[-1] + 1 / RATE - start  # the last slot used up
    assert drained_s <= 1.2 * IDEAL_S, drained_s
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 1 / RATE - 1e-6  # the rate held
    senders = set(broadcast.messages.values_list("claimed_by", flat=True))
    assert len(senders) == WORKERS, senders  # the three shared the channel
    print(f"drained {PEOPLE} in {drained_s:.2f} virtual s (ideal {IDEAL_S:.0f} s) by {len(senders)} workers")


def test_rows_a_worker_lets_go_on_a_slow_channel_keep_their_place_in_the_queue(
    officer, consulate, twilio_sms, checkin_template, emulator, settings, monkeypatch
):
    """A worker holds about one lease's worth of a slow channel and lets the rest of its batch go
    at once; those rows must not go to the back of the queue behind rows nobody had claimed yet
    (with a batch of 4 and a 2 s lease at 1 message/s, people 3 and 4 were sent last)."""
    settings.MESSAGING_LEASE_S = 2
    settings.MESSAGING_BATCH = 4
    twilio_sms.rate_per_second = RATE
    twilio_sms.save()
    bulk_people(consulate, 12)
    broadcast = services.create_broadcast(
        actor=officer, organization=consulate, title="Sismo", template=checkin_template
    )
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    clock = VirtualClock(start=time.time())
    clock.patch(monkeypatch, dispatch)
    clock.run([functools.partial(dispatch.run, worker="w", budget_s=30, poll_s=0.1, sleep=clock.sleep)])
    in_queue_order = list(broadcast.messages.order_by("id").values_list("to_address", flat=True))
    assert [m.to for m in emulator.accepted()] == in_queue_order
