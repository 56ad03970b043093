"""A real worker process killed with SIGKILL in the middle of a batch loses nothing and sends
nothing twice: checked against the provider emulator's own log.

The worker is `amparo dispatch-outbox` in its own process, sending to the emulator at a paced
rate; it is killed while some of its rows are on the wire (`sending`: possibly accepted by the
provider but not yet recorded) and others still claimed. Once its lease expires, another worker
finishes the broadcast. It needs a database a second process can open, so it runs in the
PostgreSQL pass (SQLite's test database lives in the test process's memory); the in-process
simulations in test_dispatch.py cover the same paths on both databases.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from amparo.messaging import dispatch, services
from amparo.messaging.models import Message, MessageStatus
from amparo.messaging.tests.conftest import TWILIO_SECRET

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
PEOPLE = 40


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
    reason="a second process cannot open SQLite's in-memory test database",
)
def test_a_worker_killed_with_sigkill_mid_batch_loses_nothing_and_sends_nothing_twice(
    officer, consulate, twilio_sms, checkin_template, migrant, emulator, settings
):
    twilio_sms.rate_per_second = 10  # the worker paces itself: 0.1 s a message
    twilio_sms.save()
    for i in range(PEOPLE):
        migrant(phone=f"+5255123457{i:02d}", given_names=f"Persona{i}")
    broadcast = services.create_broadcast(
        actor=officer, organization=consulate, title="Sismo", template=checkin_template
    )
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    assert broadcast.messages.count() == PEOPLE

    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        TWILIO_SECRET: emulator.auth_token,
        "AMPARO_MESSAGING_LEASE_S": "2",
        "AMPARO_MESSAGING_BATCH": str(PEOPLE),
        "AMPARO_SITE_URL": "http://testserver",
        "AMPARO_LOG_LEVEL": "WARNING",
    }
    # Kill it in the middle of its third send group (5 messages at 10/s: half a second of the
    # channel's rate): 2 of them accepted, 3 not yet.
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "amparo"), "dispatch-outbox", "--budget", "60"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        _wait_for(lambda: len(emulator.accepted()) >= 12 or worker.poll() is not None, 90, "the worker")
        assert worker.poll() is None, worker.stderr.read().decode()
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        worker.stderr.close()
    accepted_at_kill = len(emulator.accepted())
    left = dict(broadcast.messages.exclude(status=MessageStatus.SENT).values_list("status").annotate(n=Count("id")))
    assert 0 < accepted_at_kill < PEOPLE
    assert left.get(MessageStatus.SENDING, 0) > 0  # killed with requests on the wire...
    assert left.get(MessageStatus.CLAIMED, 0) > 0  # ...and rows it had claimed but not started

    # None of the dead worker's rows is touched while its lease holds (the rows it had let go
    # beyond its share of the channel are free at once); then a new worker finishes the job.
    twilio_sms.rate_per_second = 1000
    twilio_sms.save()
    now = timezone.now()
    held = set(broadcast.messages.filter(claimed_until__gt=now).values_list("pk", flat=True))
    assert held
    taken = dispatch.claim(worker="other", limit=PEOPLE, now=now)
    assert not held & {m.pk for m in taken}
    stats = dispatch.process(taken, worker="other", sleep=lambda s: None)
    lease_end = max(broadcast.messages.values_list("claimed_until", flat=True))
    _wait_for(lambda: timezone.now() > lease_end, 10, "the dead worker's lease to expire")
    for _ in range(20):
        stats.add(dispatch.run(budget_s=10, sleep=lambda s: None))
        if dispatch.next_due() is None:
            break
        Message.objects.filter(status=MessageStatus.QUEUED).update(next_attempt_at=timezone.now())

    assert stats.recovered == left[MessageStatus.SENDING]
    assert broadcast.messages.filter(status=MessageStatus.SENT).count() == PEOPLE  # 0 lost
    accepted = emulator.accepted()
    assert len(accepted) == PEOPLE and emulator.duplicates() == []  # 0 sent twice, by the provider's log
    by_to = {m.to: m.id for m in accepted}
    for message in broadcast.messages.all():
        assert message.provider_id == by_to[message.to_address]
