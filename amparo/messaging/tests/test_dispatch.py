"""The outbox and its workers: bulk creation, claims, retries, fallback, consent at sending time,
and idempotency when a worker dies between claiming and sending or in the middle of a request."""

from datetime import timedelta

import pytest
from django.utils import timezone

from amparo.messaging import dispatch, services
from amparo.messaging.channels import adapter_for
from amparo.messaging.models import EPOCH, Message, MessageStatus
from amparo.registry.services import withdraw_consent

pytestmark = pytest.mark.django_db


def _send_broadcast(officer, consulate, template, **kw):
    broadcast = services.create_broadcast(actor=officer, organization=consulate, title="Sismo", template=template, **kw)
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    return broadcast


def _people(migrant, n, **kw):
    return [migrant(phone=f"+5255123456{i:02d}", given_names=f"Persona{i}", **kw) for i in range(n)]


def _drain(**kw):
    total = dispatch.Stats()
    for _ in range(50):
        stats = dispatch.run(budget_s=10, sleep=lambda s: None, **kw)
        total.add(stats)
        if dispatch.next_due() is None:
            break
        _expire_waits()
    return total


def _expire_waits():
    """Make every pending retry due now (tests never wait for a backoff)."""
    Message.objects.filter(status=MessageStatus.QUEUED).update(next_attempt_at=timezone.now())


def test_a_broadcast_reaches_everyone_once(officer, consulate, twilio_sms, checkin_template, migrant, emulator):
    people = _people(migrant, 12)
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    assert broadcast.messages.count() == 12
    stats = _drain()
    assert stats.sent == 12
    assert set(broadcast.messages.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert sorted(m.to for m in emulator.accepted()) == sorted(p.contacts.get().value for p in people)
    assert emulator.duplicates() == []
    first = broadcast.messages.get(person=people[0])
    assert first.body.startswith("Persona0, ¿esta a salvo?") and "{checkin_link}" in first.body  # SMS in GSM-7
    sent = next(m for m in emulator.accepted() if m.to == first.to_address)
    assert "/messaging/c/" in sent.body and "{checkin_link}" not in sent.body  # written in on the wire only
    assert first.provider_id.startswith("SM")


def test_nobody_without_crisis_alert_consent_is_messaged(
    officer, consulate, twilio_sms, checkin_template, migrant, emulator
):
    consenting = migrant(phone="+525512340001")
    migrant(phone="+525512340002", consent=False)
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    assert list(broadcast.messages.values_list("person_id", flat=True)) == [consenting.pk]
    assert broadcast.preview["unreachable"]["no_consent"] == 1
    _drain()
    assert [m.to for m in emulator.accepted()] == ["+525512340001"]


def test_consent_withdrawn_after_queueing_cancels_the_message(
    officer, consulate, twilio_sms, checkin_template, migrant, emulator
):
    person = migrant()
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    withdraw_consent(actor=officer, person=person, purpose="crisis_alerts")
    stats = _drain()
    assert stats.cancelled == 1
    assert broadcast.messages.get().status == MessageStatus.CANCELLED
    assert emulator.accepted() == []


def test_transient_errors_are_retried_until_sent(officer, consulate, twilio_sms, checkin_template, migrant, emulator):
    migrant()
    emulator.fail_next("503")
    emulator.fail_next("429", retry_after=0)
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    stats = _drain()
    message = broadcast.messages.get()
    assert (message.status, message.attempts, stats.retried) == (MessageStatus.SENT, 3, 2)
    assert [h["code"] for h in message.history] == ["20500", "20429"]
    assert len(emulator.accepted()) == 1


def test_a_retry_waits_with_backoff(officer, consulate, twilio_sms, checkin_template, migrant, emulator, settings):
    settings.MESSAGING_RETRY_BASE_S = 60
    settings.MESSAGING_RETRY_CAP_S = 900
    migrant()
    emulator.fail_next("500")
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    before = timezone.now()
    dispatch.run(budget_s=5, sleep=lambda s: None)
    message = broadcast.messages.get()
    assert message.status == MessageStatus.QUEUED
    assert before + timedelta(seconds=29) < message.next_attempt_at < before + timedelta(seconds=62)


def test_retries_give_up_after_the_maximum(
    officer, consulate, twilio_sms, checkin_template, migrant, emulator, settings
):
    settings.MESSAGING_MAX_ATTEMPTS = 3
    migrant()
    emulator.fail_next("500", times=5)
    broadcast = _send_broadcast(officer, consulate, checkin_template, allow_fallback=False)
    _drain()
    message = broadcast.messages.get()
    assert (message.status, message.attempts, message.error_code) == (MessageStatus.FAILED, 3, "20500")


def test_a_permanent_failure_falls_back_to_the_next_consented_channel(
    officer, consulate, twilio_sms, smtp_email, checkin_template, migrant, emulator, smtp_server
):
    person = migrant(phone="+525500000000", email="maria@example.org")
    emulator.permanent_failures["+525500000000"] = 21614
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    stats = _drain()
    message = broadcast.messages.get()
    assert stats.fell_back == 1
    assert (message.kind, message.to_address, message.status) == ("email", "maria@example.org", MessageStatus.SENT)
    assert message.history[0]["code"] == "21614"
    assert [e.rcpt_tos for e in smtp_server.inbox.messages] == [["maria@example.org"]]
    assert message.person == person


def test_without_fallback_a_permanent_failure_is_recorded(
    officer, consulate, twilio_sms, smtp_email, checkin_template, migrant, emulator
):
    migrant(phone="+525500000000", email="maria@example.org")
    emulator.permanent_failures["+525500000000"] = 21614
    broadcast = _send_broadcast(officer, consulate, checkin_template, allow_fallback=False)
    _drain()
    message = broadcast.messages.get()
    assert (message.status, message.error_code) == (MessageStatus.FAILED, "21614")


def test_two_workers_never_claim_the_same_rows(officer, consulate, twilio_sms, checkin_template, migrant):
    _people(migrant, 10)
    _send_broadcast(officer, consulate, checkin_template)
    a = dispatch.claim(worker="a", limit=6)
    b = dispatch.claim(worker="b", limit=6)
    assert len(a) == 6 and len(b) == 4
    assert not {m.pk for m in a} & {m.pk for m in b}
    assert dispatch.claim(worker="c", limit=6) == []


def test_a_worker_killed_after_claiming_loses_nothing(
    officer, consulate, twilio_sms, checkin_template, migrant, emulator
):
    _people(migrant, 5)
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    dispatch.claim(worker="dead", limit=5)  # ...and the worker dies before sending anything
    assert dispatch.run(budget_s=5, sleep=lambda s: None).sent == 0  # its lease still holds
    Message.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))  # the lease expires
    _drain()
    assert broadcast.messages.filter(status=MessageStatus.SENT).count() == 5
    assert len(emulator.accepted()) == 5 and emulator.duplicates() == []


def _die_mid_request(message_id, adapter):
    """Simulate a worker killed after the provider accepted the message but before we recorded it."""
    message = Message.objects.select_related("channel").get(pk=message_id)
    Message.objects.filter(pk=message_id).update(
        status=MessageStatus.SENDING, claimed_by="dead", attempts=1, last_attempt_at=timezone.now(),
        claimed_until=timezone.now() - timedelta(seconds=1),
    )  # fmt: skip
    adapter.send(dispatch._outgoing(message))


def test_twilio_message_sent_by_a_killed_worker_is_found_not_sent_twice(
    officer, consulate, twilio_sms, checkin_template, migrant, emulator
):
    _people(migrant, 3)
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    victim = broadcast.messages.order_by("id").first()
    _die_mid_request(victim.pk, adapter_for(twilio_sms))
    stats = _drain()
    victim.refresh_from_db()
    assert stats.recovered == 1
    assert victim.status == MessageStatus.SENT and not victim.uncertain
    assert victim.provider_id == next(m.id for m in emulator.accepted() if m.to == victim.to_address)
    assert len(emulator.accepted()) == 3 and emulator.duplicates() == []


def test_gateway_message_sent_by_a_killed_worker_is_resent_with_the_same_key(
    officer, consulate, gateway_sms, checkin_template, migrant, emulator
):
    _people(migrant, 3)
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    victim = broadcast.messages.order_by("id").first()
    _die_mid_request(victim.pk, adapter_for(gateway_sms))
    _drain()
    assert broadcast.messages.filter(status=MessageStatus.SENT).count() == 3
    assert len(emulator.accepted()) == 3 and emulator.duplicates() == []


def test_a_provider_without_idempotency_is_not_resent_blindly(
    officer, consulate, gateway_sms, checkin_template, migrant, emulator
):
    gateway_sms.options = {"idempotent": False, "timeout": 2}
    gateway_sms.save()
    migrant()
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    victim = broadcast.messages.get()
    _die_mid_request(victim.pk, adapter_for(gateway_sms))
    _drain()
    victim.refresh_from_db()
    assert (victim.status, victim.error_code) == (MessageStatus.FAILED, "uncertain")
    assert len(emulator.accepted()) == 1


def test_a_dropped_connection_does_not_duplicate(officer, consulate, twilio_sms, checkin_template, migrant, emulator):
    _people(migrant, 4)
    emulator.fail_next("drop", times=2)
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    _drain()
    assert broadcast.messages.filter(status=MessageStatus.SENT).count() == 4
    assert len(emulator.accepted()) == 4 and emulator.duplicates() == []


def test_storm_every_message_ends_sent_or_explicitly_failed(
    officer, consulate, twilio_sms, checkin_template, migrant, emulator, settings
):
    settings.MESSAGING_MAX_ATTEMPTS = 4
    _people(migrant, 30)
    emulator.storm(0.3, seed=7)
    broadcast = _send_broadcast(officer, consulate, checkin_template, allow_fallback=False)
    _drain()
    statuses = set(broadcast.messages.values_list("status", flat=True))
    assert statuses <= {MessageStatus.SENT, MessageStatus.FAILED}
    failed = broadcast.messages.filter(status=MessageStatus.FAILED)
    assert all(m.error_code for m in failed)
    assert broadcast.messages.filter(status=MessageStatus.SENT).count() == len(emulator.accepted())
    assert emulator.duplicates() == []


def test_rate_limit_slots_are_shared_between_workers(consulate, twilio_sms):
    twilio_sms.rate_per_second = 10
    twilio_sms.next_slot_at = EPOCH
    twilio_sms.save()
    now = timezone.now()
    first, rate = dispatch.reserve_slots(twilio_sms.pk, 20, now=now)
    second, _ = dispatch.reserve_slots(twilio_sms.pk, 5, now=now)
    assert rate == 10
    assert first == now and second == now + timedelta(seconds=2)


def test_a_429_pushes_the_channel_back_for_every_worker(
    officer, consulate, twilio_sms, checkin_template, migrant, emulator
):
    migrant()
    emulator.fail_next("429", retry_after=30)
    _send_broadcast(officer, consulate, checkin_template)
    dispatch.run(budget_s=5, sleep=lambda s: None)
    twilio_sms.refresh_from_db()
    assert twilio_sms.next_slot_at > timezone.now() + timedelta(seconds=25)


def test_the_dispatch_command_sends_what_is_due(officer, consulate, twilio_sms, checkin_template, migrant, emulator):
    import io

    from django.core.management import call_command

    _people(migrant, 3)
    _send_broadcast(officer, consulate, checkin_template)
    out = io.StringIO()
    call_command("dispatch_outbox", "--budget", "10", stdout=out)
    assert "sent 3" in out.getvalue()
    assert len(emulator.accepted()) == 3
