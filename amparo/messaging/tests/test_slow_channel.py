"""A slow channel shared by three real worker processes sends every message exactly once (by the
provider emulator's own log), at no more than the channel's rate, and never counts more attempts
than the maximum.

Seen against a real Twilio long code (1 message/s) with three workers and a 60 s lease: after 15
minutes 60 of 150 messages had never been attempted and 20 delivered ones were stuck in `sending`
with more attempts than the maximum (slots reserved for a whole batch, leases lapsing while a
worker slept until its slot, rows sent by a worker that no longer owned them). This test runs the
same situation twenty times faster with real processes: 20 messages/s, a 3 s lease (60 s scaled
by the same factor), 150 messages, three `amparo dispatch-outbox --poll` processes, all started
and polling before the broadcast is confirmed. It asserts no timing beyond a generous deadline
that the livelock (never finishing) fails: the 1.2x bound on the drain time is checked exactly,
on a virtual clock, by test_slow_channel_schedule.py; here the machine's load would decide it.

It needs a database a second process can open, so it runs in the PostgreSQL pass (SQLite's test
database lives in the test process's memory); test_dispatch.py checks the same rules in process on
both databases.
"""

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from amparo.messaging import services
from amparo.messaging.models import Message, MessageStatus
from amparo.messaging.tests.conftest import TWILIO_SECRET, bulk_people

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
PEOPLE = 150
RATE = 20.0  # messages per second: the 1 msg/s long code, 20 times faster
LEASE_S = 3  # the 60 s default of the report, 20 times shorter
WORKERS = 3
IDEAL_S = PEOPLE / RATE
DEADLINE_S = 60.0  # 8x the ideal: only a stall fails it, not a loaded CI machine


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait_ready(workers, timeout: float) -> None:
    """Each worker prints one line once Django is up and it is polling for work."""
    deadline = time.monotonic() + timeout
    waiting = {w.stdout: w for w in workers}
    while waiting:
        ready, _, _ = select.select(list(waiting), [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise AssertionError(f"{len(waiting)} worker(s) not ready after {timeout}s")
        for stream in ready:
            line = stream.readline()
            assert line.startswith(b"dispatching as"), (line, waiting[stream].stderr.read().decode())
            del waiting[stream]


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
    reason="a second process cannot open SQLite's in-memory test database",
)
def test_three_workers_drain_a_slow_channel_at_its_rate_sending_each_message_once(
    officer, consulate, twilio_sms, checkin_template, emulator, settings
):
    twilio_sms.rate_per_second = RATE
    twilio_sms.save()
    bulk_people(consulate, PEOPLE)
    broadcast = services.create_broadcast(
        actor=officer, organization=consulate, title="Sismo", template=checkin_template
    )
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        TWILIO_SECRET: emulator.auth_token,
        "AMPARO_MESSAGING_LEASE_S": str(LEASE_S),
        "AMPARO_MESSAGING_MAX_ATTEMPTS": str(settings.MESSAGING_MAX_ATTEMPTS),
        "AMPARO_SITE_URL": "http://testserver",
        "AMPARO_LOG_LEVEL": "WARNING",
    }
    command = [str(Path(sys.executable).parent / "amparo"), "dispatch-outbox", "--budget", "120", "--poll", "0.1"]
    workers = [
        subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(WORKERS)
    ]
    try:
        _wait_ready(workers, timeout=120)  # Django's start-up is not the channel's time
        services.confirm_broadcast(actor=officer, broadcast=broadcast)
        started = time.monotonic()
        deadline = started + DEADLINE_S
        while broadcast.messages.exclude(status=MessageStatus.SENT).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        elapsed = time.monotonic() - started
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()
    errors = [w.stderr.read().decode() for w in workers]
    for worker in workers:
        worker.stdout.close()
        worker.stderr.close()

    statuses = dict(broadcast.messages.values_list("status").annotate(n=Count("id")))
    assert statuses == {MessageStatus.SENT: PEOPLE}, (statuses, elapsed, errors)
    accepted = emulator.accepted()
    assert len(accepted) == PEOPLE and emulator.duplicates() == []  # each message once, by the provider's log
    by_to = {m.to: m.id for m in accepted}
    rows = list(broadcast.messages.values_list("to_address", "provider_id", "attempts"))
    assert all(by_to[to] == provider_id for to, provider_id, _ in rows)
    assert max(attempts for *_, attempts in rows) <= settings.MESSAGING_MAX_ATTEMPTS
    # The channel's rate held: the provider saw the messages over at least the ideal time, less
    # one send group a late worker may send at once when it catches up with its slots.
    arrivals = sorted(m.at for m in accepted)
    assert arrivals[-1] - arrivals[0] >= (PEOPLE - 1) / RATE - 1.0
    assert Message.objects.filter(claimed_until__gt=timezone.now()).count() == 0
    print(
        f"drained {PEOPLE} in {elapsed:.2f}s (ideal {IDEAL_S:.2f}s); the provider saw them over {arrivals[-1] - arrivals[0]:.2f}s"
    )
