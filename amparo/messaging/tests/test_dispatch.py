"""The outbox and its workers: bulk creation, claims, retries, fallback, consent at sending time,
and idempotency when a worker dies between claiming and sending or in the middle of a request."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from amparo.messaging import dispatch, services
from amparo.messaging.channels import adapter_for
from amparo.messaging.models import Message, MessageStatus
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
    assert (victim.status, victim.error_code) == (MessageStatus.UNCERTAIN, "uncertain")
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
    twilio_sms.save()
    now = time.time()
    first = dispatch.reserve_slots(twilio_sms.pk, 20, now=now)
    second = dispatch.reserve_slots(twilio_sms.pk, 5, now=now)
    assert first.rate == 10 and first.start == pytest.approx(now)
    assert second.start == pytest.approx(now + 2) and second.at(4) == pytest.approx(now + 2.4)


def test_unused_slots_are_given_back_unless_someone_booked_after_them(consulate, twilio_sms):
    twilio_sms.rate_per_second = 10
    twilio_sms.save()
    now = time.time()
    mine = dispatch.reserve_slots(twilio_sms.pk, 5, now=now)
    assert dispatch.give_back(mine, 2)  # two rows were lost: the next worker gets their slots
    assert dispatch.reserve_slots(twilio_sms.pk, 1, now=now).start == pytest.approx(now + 0.3)
    early = dispatch.reserve_slots(twilio_sms.pk, 3, now=now)
    dispatch.reserve_slots(twilio_sms.pk, 1, now=now)
    assert not dispatch.give_back(early, 3)  # booked after: the gap stays, no slot is used twice
    twilio_sms.refresh_from_db()
    assert twilio_sms.next_slot == pytest.approx(now + 0.8)


def test_a_429_pushes_the_channel_back_for_every_worker(
    officer, consulate, twilio_sms, checkin_template, migrant, emulator
):
    _people(migrant, 3)
    emulator.fail_next("429", retry_after=30)
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    stats = dispatch.run(budget_s=5, sleep=lambda s: None)
    twilio_sms.refresh_from_db()
    assert twilio_sms.next_slot > time.time() + 25
    # The other rows of the group were not sent, and are not held while the channel waits.
    assert (stats.retried, stats.sent) == (1, 0)
    assert len(emulator.accepted()) == 0
    rows = list(broadcast.messages.values_list("status", "attempts", "claimed_by"))
    assert sorted(rows) == [(MessageStatus.QUEUED, 0, ""), (MessageStatus.QUEUED, 0, ""), (MessageStatus.QUEUED, 1, "")]
    assert broadcast.messages.filter(next_attempt_at__lt=timezone.now() + timedelta(seconds=25)).count() == 0


def test_the_dispatch_command_sends_what_is_due(officer, consulate, twilio_sms, checkin_template, migrant, emulator):
    import io

    from django.core.management import call_command

    _people(migrant, 3)
    _send_broadcast(officer, consulate, checkin_template)
    out = io.StringIO()
    call_command("dispatch_outbox", "--budget", "10", stdout=out)
    assert "sent 3" in out.getvalue()
    assert len(emulator.accepted()) == 3


# --- slow channels, leases and ownership (issue 12) ---------------------------------------------


def test_a_worker_never_sends_a_row_it_no_longer_holds(
    officer, consulate, twilio_sms, checkin_template, migrant, emulator
):
    _people(migrant, 4)
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    slow = dispatch.claim(worker="slow", limit=4)
    # Its lease lapses (it slept, or the machine stalled) and another worker takes the rows over.
    Message.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    fast = dispatch.claim(worker="fast", limit=4)
    assert {m.pk for m in fast} == {m.pk for m in slow}
    late = dispatch.process(slow, worker="slow", sleep=lambda s: None)
    assert (late.sent, late.failed, len(emulator.accepted())) == (0, 0, 0)
    assert dispatch.process(fast, worker="fast", sleep=lambda s: None).sent == 4
    assert len(emulator.accepted()) == 4 and emulator.duplicates() == []
    assert set(broadcast.messages.values_list("status", "attempts")) == {(MessageStatus.SENT, 1)}


def test_the_live_worker_renews_the_lease_of_rows_it_still_holds(
    officer, consulate, twilio_sms, checkin_template, migrant
):
    _people(migrant, 3)
    _send_broadcast(officer, consulate, checkin_template)
    rows = dispatch.claim(worker="a", limit=3)
    dispatch.Holding("a", rows).renew()  # nothing to do while most of the lease is left
    assert Message.objects.filter(claimed_until=rows[0].claimed_until).count() == 3
    # Most of the lease is gone; meanwhile one row was taken over by another worker.
    almost = timezone.now() + timedelta(seconds=0.5)
    Message.objects.update(claimed_until=almost)
    Message.objects.filter(pk=rows[2].pk).update(claimed_by="b")
    holding = dispatch.Holding("a", rows, until=almost)
    before = timezone.now()
    holding.renew()
    assert holding.ids == {rows[0].pk, rows[1].pk}
    renewed = Message.objects.filter(claimed_by="a").values_list("claimed_until", flat=True)
    assert all(until >= before + dispatch.lease() for until in renewed)
    assert Message.objects.get(pk=rows[2].pk).claimed_until < before + timedelta(seconds=1)  # not ours: untouched


def test_a_slow_channel_sends_one_message_per_group_and_holds_about_one_lease_of_it(settings):
    settings.MESSAGING_LEASE_S = 5
    assert [dispatch.group_size(rate) for rate in (0.2, 1, 4, 20, 1000)] == [1, 1, 2, 10, 10]


def test_a_channel_booked_beyond_the_lease_lets_the_rows_go_until_their_slot(
    officer, consulate, twilio_sms, checkin_template, migrant, emulator, settings
):
    settings.MESSAGING_LEASE_S = 5
    _people(migrant, 3)
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    twilio_sms.next_slot = time.time() + 60  # e.g. a provider's Retry-After: 60
    twilio_sms.save()
    stats = dispatch.run(budget_s=5, sleep=lambda s: None)
    assert (stats.deferred, stats.sent, len(emulator.accepted())) == (3, 0, 0)
    rows = broadcast.messages.all()
    assert {(m.status, m.claimed_by, m.attempts) for m in rows} == {(MessageStatus.QUEUED, "", 0)}
    assert all(m.next_attempt_at > timezone.now() + timedelta(seconds=55) for m in rows)
    twilio_sms.refresh_from_db()
    assert twilio_sms.next_slot == pytest.approx(time.time() + 60, abs=2)  # its slots given back


@pytest.mark.parametrize("refusal", [501, 403])
def test_a_lookup_the_provider_refuses_leaves_the_message_uncertain_never_resent(
    officer, consulate, twilio_sms, smtp_email, checkin_template, migrant, emulator, refusal
):
    migrant(email="maria@example.org")
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    victim = broadcast.messages.get()
    _die_mid_request(victim.pk, adapter_for(twilio_sms))
    emulator.refuse_lookups = refusal  # e.g. an API key without permission to list messages
    stats = _drain()
    victim.refresh_from_db()
    assert (victim.status, victim.error_code, victim.kind) == (MessageStatus.UNCERTAIN, "lookup_refused", "sms")
    assert str(refusal) in victim.error_detail
    assert (stats.uncertain, stats.fell_back, stats.failed) == (1, 0, 0)
    assert len(emulator.accepted()) == 1  # the one the dead worker sent; not again, on no channel
    assert dispatch.next_due() is None  # nothing left for a worker to pick up


def _crashed_on_the_last_attempt(message_id, adapter, max_attempts, *, reached_provider: bool):
    message = Message.objects.select_related("channel").get(pk=message_id)
    Message.objects.filter(pk=message_id).update(
        status=MessageStatus.SENDING, claimed_by="dead", attempts=max_attempts, last_attempt_at=timezone.now(),
        claimed_until=timezone.now() - timedelta(seconds=1),
    )  # fmt: skip
    if reached_provider:
        adapter.send(dispatch._outgoing(message))


@pytest.mark.parametrize("reached_provider", [True, False])
def test_after_a_crash_on_the_last_attempt_a_lookup_settles_it_without_another_attempt(
    officer, consulate, twilio_sms, checkin_template, migrant, emulator, settings, reached_provider
):
    settings.MESSAGING_MAX_ATTEMPTS = 3
    migrant()
    broadcast = _send_broadcast(officer, consulate, checkin_template, allow_fallback=False)
    victim = broadcast.messages.get()
    _crashed_on_the_last_attempt(victim.pk, adapter_for(twilio_sms), 3, reached_provider=reached_provider)
    _drain()
    victim.refresh_from_db()
    assert victim.attempts == 3
    if reached_provider:
        assert victim.status == MessageStatus.SENT and victim.provider_id == emulator.accepted()[0].id
    else:  # the provider does not have it, and no attempt is left
        assert (victim.status, victim.error_code) == (MessageStatus.FAILED, "max_attempts")
    assert len(emulator.accepted()) == (1 if reached_provider else 0)


def test_after_a_crash_on_the_last_attempt_a_provider_that_cannot_be_asked_leaves_it_to_staff(
    officer, consulate, gateway_sms, checkin_template, migrant, emulator, settings
):
    settings.MESSAGING_MAX_ATTEMPTS = 3
    migrant()
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    victim = broadcast.messages.get()
    _crashed_on_the_last_attempt(victim.pk, adapter_for(gateway_sms), 3, reached_provider=True)
    stats = _drain()
    victim.refresh_from_db()
    assert (victim.status, victim.attempts, victim.error_code) == (MessageStatus.UNCERTAIN, 3, "max_attempts")
    assert stats.uncertain == 1 and len(emulator.accepted()) == 1


def test_repeated_timeouts_up_to_the_maximum_end_uncertain_not_failed(
    officer, consulate, gateway_sms, checkin_template, migrant, emulator, settings
):
    settings.MESSAGING_MAX_ATTEMPTS = 2
    gateway_sms.options = {"timeout": 0.3}
    gateway_sms.save()
    migrant()
    emulator.fail_next("slow", times=2, delay=0.6)
    broadcast = _send_broadcast(officer, consulate, checkin_template)
    _drain()
    message = broadcast.messages.get()
    assert (message.status, message.attempts, message.error_code) == (MessageStatus.UNCERTAIN, 2, "timeout")
