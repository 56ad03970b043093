"""Webhooks (signed or refused), delivery receipts, replies that update welfare, keywords, STOP,
and the staff inbox."""

import json

import pytest

from amparo.messaging import dispatch, services
from amparo.messaging.models import (
    REVIEW_REASONS,
    InboundMessage,
    InboundStatus,
    Message,
    MessageStatus,
    TemplatePurpose,
)
from amparo.messaging.tests.conftest import make_template, welfare_of
from amparo.registry.services import has_consent

pytestmark = pytest.mark.django_db


def _status_url(channel, key=""):
    return f"/messaging/hooks/{channel.webhook_key}/status/" + (f"?m={key}" if key else "")


def _inbound_url(channel):
    return f"/messaging/hooks/{channel.webhook_key}/inbound/"


def _twilio_reply(client, emulator, channel, sender, body):
    url = _inbound_url(channel)
    params, headers = emulator.twilio_inbound("http://testserver" + url, sender=sender, body=body)
    return client.post(url, params, **headers)


@pytest.fixture
def sent_checkin(officer, consulate, twilio_sms, checkin_template, migrant, emulator, crisis):
    """One check-in in a crisis, sent and accepted by the emulator."""
    person = migrant(phone="+525512340001", subdivision="MX-GRO", given_names="Ana")
    the_crisis = crisis()
    broadcast = services.create_broadcast(
        actor=officer, organization=consulate, title="Otis", template=checkin_template, crisis=the_crisis
    )
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    dispatch.run(budget_s=5, sleep=lambda s: None)
    return broadcast.messages.get(), person, the_crisis


# --- signatures -------------------------------------------------------------------------------


def test_a_signed_twilio_status_callback_is_accepted(client, sent_checkin, emulator, twilio_sms):
    message, person, crisis = sent_checkin
    [(url, params, headers)] = emulator.status_callbacks(status="delivered")
    response = client.post(url.removeprefix("http://testserver"), params, **headers)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED and message.delivered_at is not None
    assert welfare_of(crisis, person).status == "contacted"


def test_a_status_callback_with_a_wrong_signature_is_refused(client, sent_checkin, emulator):
    message, person, crisis = sent_checkin
    [(url, params, headers)] = emulator.status_callbacks(status="delivered")
    response = client.post(url.removeprefix("http://testserver"), params, HTTP_X_TWILIO_SIGNATURE="bm9wZQ==")
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert welfare_of(crisis, person).status == "unknown"


def test_an_unsigned_status_callback_is_refused(client, sent_checkin, emulator):
    [(url, params, _headers)] = emulator.status_callbacks(status="delivered")
    assert client.post(url.removeprefix("http://testserver"), params).status_code == 403


def test_a_signature_for_other_parameters_is_refused(client, sent_checkin, emulator):
    [(url, params, headers)] = emulator.status_callbacks(status="delivered")
    tampered = {**params, "MessageStatus": "failed"}
    assert client.post(url.removeprefix("http://testserver"), tampered, **headers).status_code == 403


def test_unsigned_inbound_messages_are_refused(client, twilio_sms):
    response = client.post(_inbound_url(twilio_sms), {"From": "+525512340001", "Body": "1"})
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


def test_an_unknown_webhook_key_is_404(client):
    assert client.post("/messaging/hooks/nope/inbound/", {"Body": "1"}).status_code == 404


@pytest.mark.parametrize("case", ["valid", "invalid", "missing", "stale"])
def test_gateway_webhook_signatures(client, gateway_sms, emulator, migrant, case):
    import time

    from amparo.messaging.channels.http_gateway import sign

    migrant(phone="+525512340009")
    payload = {"id": "in-1", "from": "+525512340009", "to": "AMPARO", "text": "INFO"}
    body = json.dumps(payload).encode()
    headers = {
        "valid": {"HTTP_X_SIGNATURE": sign(emulator.gateway_token, body)},
        "invalid": {"HTTP_X_SIGNATURE": sign("another-secret", body)},
        "missing": {},
        "stale": {"HTTP_X_SIGNATURE": sign(emulator.gateway_token, body, int(time.time()) - 3600)},
    }[case]
    response = client.post(_inbound_url(gateway_sms), body, content_type="application/json", **headers)
    assert response.status_code == (200 if case == "valid" else 403)
    assert InboundMessage.objects.exists() == (case == "valid")


@pytest.mark.parametrize("case", ["valid", "invalid", "missing"])
def test_gateway_delivery_receipt_signatures(
    client, officer, consulate, gateway_sms, checkin_template, migrant, emulator, case
):
    migrant(phone="+525512340010")
    broadcast = services.create_broadcast(actor=officer, organization=consulate, title="x", template=checkin_template)
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    dispatch.run(budget_s=5, sleep=lambda s: None)
    [(url, payload, headers)] = emulator.status_callbacks(status="delivered")
    body = json.dumps(payload).encode()
    headers = {
        "valid": headers,
        "invalid": {"HTTP_X_SIGNATURE": headers["HTTP_X_SIGNATURE"].replace("v1=", "v1=0")},
        "missing": {},
    }[case]
    response = client.post(url.removeprefix("http://testserver"), body, content_type="application/json", **headers)
    assert response.status_code == (200 if case == "valid" else 403)
    message = broadcast.messages.get()
    assert message.status == (MessageStatus.DELIVERED if case == "valid" else MessageStatus.SENT)


@pytest.fixture
def email_hooks(smtp_email, settings):
    """The SMTP channel's webhook (inbound e-mail and bounces from the mail provider), signed with
    the secret named in its options."""
    settings.MESSAGING_SECRETS = {**getattr(settings, "MESSAGING_SECRETS", {}), "TEST_MAIL_HOOK": "mail-hook-secret"}
    smtp_email.options = {**smtp_email.options, "webhook_secret_name": "TEST_MAIL_HOOK"}
    smtp_email.save()
    return smtp_email


@pytest.mark.parametrize("case", ["valid", "invalid", "missing"])
def test_inbound_email_webhook_signatures(client, email_hooks, migrant, case):
    from amparo.messaging.channels.http_gateway import sign

    migrant(phone="", email="ana@example.org")
    body = json.dumps({"id": "mail-1", "from": "ana@example.org", "to": "alertas@consulado.example",
                       "text": "Estoy bien"}).encode()  # fmt: skip
    headers = {
        "valid": {"HTTP_X_SIGNATURE": sign("mail-hook-secret", body)},
        "invalid": {"HTTP_X_SIGNATURE": sign("not-the-secret", body)},
        "missing": {},
    }[case]
    response = client.post(_inbound_url(email_hooks), body, content_type="application/json", **headers)
    assert response.status_code == (200 if case == "valid" else 403)
    assert InboundMessage.objects.filter(body="Estoy bien").exists() == (case == "valid")


def test_an_email_channel_without_a_webhook_secret_refuses_every_webhook(client, smtp_email, migrant):
    from amparo.messaging.channels.http_gateway import sign

    body = json.dumps({"id": "mail-2", "from": "ana@example.org", "text": "1"}).encode()
    response = client.post(
        _inbound_url(smtp_email), body, content_type="application/json", HTTP_X_SIGNATURE=sign("", body)
    )
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


# --- receipts ---------------------------------------------------------------------------------


def test_receipts_never_move_a_message_backwards(client, sent_checkin, emulator):
    message, *_ = sent_checkin
    for status in ("delivered", "sent"):
        [(url, params, headers)] = emulator.status_callbacks(status=status)
        client.post(url.removeprefix("http://testserver"), params, **headers)
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_an_undelivered_receipt_falls_back_to_the_next_channel(
    client, officer, consulate, twilio_sms, smtp_email, checkin_template, migrant, emulator, smtp_server
):
    migrant(phone="+525512340002", email="ana@example.org")
    broadcast = services.create_broadcast(actor=officer, organization=consulate, title="x", template=checkin_template)
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    dispatch.run(budget_s=5, sleep=lambda s: None)
    [(url, params, headers)] = emulator.status_callbacks(status="undelivered")
    client.post(url.removeprefix("http://testserver"), params, **headers)
    message = broadcast.messages.get()
    assert (message.status, message.kind) == (MessageStatus.QUEUED, "email")
    dispatch.run(budget_s=5, sleep=lambda s: None)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(smtp_server.inbox.messages) == 1


# --- replies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "status", "needs"),
    [
        # es
        ("SI", "safe", []), ("ESTOY BIEN", "safe", []), ("AYUDA medico", "needs_assistance", ["medical"]),
        # en
        ("SAFE", "safe", []), ("I need help", "needs_assistance", []),
        # fr
        ("je vais bien", "safe", []), ("AIDE", "needs_assistance", []),
        # ht
        ("MWEN BYEN", "safe", []), ("Mwen bezwen èd", "needs_assistance", []),
        # pt
        ("ESTOU BEM", "safe", []), ("SOCORRO", "needs_assistance", []),
    ],
)  # fmt: skip
def test_a_reply_updates_welfare_with_source_reply(client, sent_checkin, emulator, twilio_sms, text, status, needs):
    message, person, crisis = sent_checkin
    response = _twilio_reply(client, emulator, twilio_sms, "+525512340001", text)
    assert response.status_code == 200
    welfare = welfare_of(crisis, person)
    assert welfare.status == status and list(welfare.needs) == needs
    assert welfare.history.order_by("-id").first().source == "reply"
    item = InboundMessage.objects.get()
    assert (item.person, item.in_reply_to, item.crisis, item.status) == (person, message, crisis, "processed")
    message.refresh_from_db()
    assert message.replied_at is not None


def test_a_whatsapp_reply_is_matched_to_the_person(client, sent_checkin, emulator, twilio_whatsapp):
    message, person, crisis = sent_checkin
    _twilio_reply(client, emulator, twilio_whatsapp, "whatsapp:+525512340001", "A SALVO")
    item = InboundMessage.objects.get()
    assert (item.person, item.in_reply_to, item.status) == (person, message, "processed")
    assert welfare_of(crisis, person).status == "safe"


def test_an_unclear_reply_waits_in_the_inbox_with_the_original_text(client, sent_checkin, emulator, twilio_sms):
    _message, person, crisis = sent_checkin
    _twilio_reply(client, emulator, twilio_sms, "+525512340001", "Sí y no, luego le explico")
    item = InboundMessage.objects.get()
    assert item.status == InboundStatus.NEEDS_REVIEW and item.body == "Sí y no, luego le explico"
    assert item.reason_code == "answer_no" and item.review_reason_label == str(REVIEW_REASONS["answer_no"])
    assert welfare_of(crisis, person).status == "unknown"
    assert not Message.objects.filter(purpose=TemplatePurpose.ACKNOWLEDGE).exists()  # no thank-you for it


def test_a_reply_about_a_deceased_person_goes_to_the_inbox(client, sent_checkin, emulator, twilio_sms):
    from amparo.accounts.policy import system_principal
    from amparo.crises.services import update_welfare

    _message, person, crisis = sent_checkin
    update_welfare(actor=system_principal("test"), crisis=crisis, person=person, status="deceased", source="staff")
    _twilio_reply(client, emulator, twilio_sms, "+525512340001", "1")
    item = InboundMessage.objects.get()
    assert item.status == InboundStatus.NEEDS_REVIEW and item.review_reason
    assert welfare_of(crisis, person).status == "deceased"


def test_a_reply_from_an_unknown_number_goes_to_the_inbox(client, twilio_sms, emulator):
    _twilio_reply(client, emulator, twilio_sms, "+525599999999", "SI")
    item = InboundMessage.objects.get()
    assert item.person is None and item.status == InboundStatus.NEEDS_REVIEW


def test_a_provider_retrying_its_webhook_records_the_reply_once(client, sent_checkin, emulator, twilio_sms):
    url = _inbound_url(twilio_sms)
    params, headers = emulator.twilio_inbound("http://testserver" + url, sender="+525512340001", body="1")
    client.post(url, params, **headers)
    client.post(url, params, **headers)
    assert InboundMessage.objects.count() == 1


def test_staff_resolve_an_inbox_item_into_a_welfare_status(client, sent_checkin, emulator, twilio_sms, officer):
    _message, person, crisis = sent_checkin
    _twilio_reply(client, emulator, twilio_sms, "+525512340001", "estamos en la iglesia de San Juan")
    item = InboundMessage.objects.get()
    client.force_login(officer)
    response = client.post(
        f"/messaging/inbox/{item.pk}/", {"status": "needs_assistance", "needs": ["food"], "note": "iglesia"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == InboundStatus.RESOLVED and item.resolved_by == officer
    welfare = welfare_of(crisis, person)
    assert welfare.status == "needs_assistance" and "food" in welfare.needs


# --- keywords and STOP ------------------------------------------------------------------------


def test_keywords_get_automatic_replies_from_staff_text(client, consulate, twilio_sms, emulator, migrant, make_org):
    person = migrant(phone="+525512340003", latitude=16.85, longitude=-99.88)
    make_template(purpose=TemplatePurpose.INFO, organization=consulate, name="info", es="Línea de ayuda 800 000 0000")
    make_org("albergue-acapulco", kind="shelter", name="Casa del Migrante Acapulco", latitude=16.853, longitude=-99.823,
             phone="+52 744 000 0000", city="Acapulco")  # fmt: skip
    _twilio_reply(client, emulator, twilio_sms, "+525512340003", "ALBERGUE")
    _twilio_reply(client, emulator, twilio_sms, "+525512340003", "consulado")
    _twilio_reply(client, emulator, twilio_sms, "+525512340003", "info")
    replies = {m.purpose: m for m in Message.objects.filter(person=person)}
    assert "Casa del Migrante Acapulco, Acapulco, +52 744 000 0000, 6 km" in replies["shelters"].body
    assert replies["consulate"].body == "Consulado de Guatemala: +52 55 5000 0000"  # the shared default text
    assert replies["info"].body == "Linea de ayuda 800 000 0000"  # the organization's own text wins (SMS: GSM-7)
    dispatch.run(budget_s=5, sleep=lambda s: None)
    assert [m.to for m in emulator.accepted()] == ["+525512340003"] * 3


def test_no_keyword_reply_without_consent(client, twilio_sms, emulator, migrant):
    migrant(phone="+525512340004", consent=False)
    _twilio_reply(client, emulator, twilio_sms, "+525512340004", "CONSULADO")
    assert not Message.objects.exists()
    assert InboundMessage.objects.get().status == InboundStatus.NEEDS_REVIEW


def test_stop_withdraws_consent_and_cancels_what_is_queued(
    client, officer, consulate, twilio_sms, checkin_template, migrant, emulator
):
    person = migrant(phone="+525512340005")
    broadcast = services.create_broadcast(actor=officer, organization=consulate, title="x", template=checkin_template)
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    _twilio_reply(client, emulator, twilio_sms, "+525512340005", "STOP")
    assert not has_consent(person, "crisis_alerts")
    assert broadcast.messages.get().status == MessageStatus.CANCELLED
