"""Messages whose fate is unknown (a crash or timeout mid-request, and the provider cannot be
asked): staff see them as "uncertain: may have been delivered" on the broadcast page and the
person's page, and settle each with one click (send again / delivered / not delivered), audited.
And a broadcast that would reach nobody is refused with the reason, never marked sent."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from amparo.accounts.models import AuditEvent, UserProfile
from amparo.messaging import dispatch, services
from amparo.messaging.models import Broadcast, BroadcastStatus, Message, MessageStatus

pytestmark = pytest.mark.django_db


def _send(officer, consulate, template, **kw):
    broadcast = services.create_broadcast(actor=officer, organization=consulate, title="Sismo", template=template, **kw)
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    return broadcast


@pytest.fixture
def uncertain(officer, consulate, twilio_sms, checkin_template, migrant, emulator):
    """One message sent by a worker killed mid-request; the provider refuses the lookup."""
    person = migrant(given_names="Rosa")
    broadcast = _send(officer, consulate, checkin_template)
    message = broadcast.messages.get()
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, claimed_by="dead", attempts=1, last_attempt_at=timezone.now(),
        claimed_until=timezone.now() - timedelta(seconds=1),
    )  # fmt: skip
    emulator.refuse_lookups = 501
    dispatch.run(budget_s=5, sleep=lambda s: None)
    message.refresh_from_db()
    assert message.status == MessageStatus.UNCERTAIN
    emulator.refuse_lookups = None
    return {"message": message, "broadcast": broadcast, "person": person}


def test_staff_see_an_uncertain_message_on_the_broadcast_page_with_the_decision(client, officer, uncertain):
    client.force_login(officer)
    page = client.get(f"/messaging/broadcasts/{uncertain['broadcast'].pk}/").content.decode()
    assert 'id="uncertain"' in page and "Rosa" in page  # in Spanish, the default language
    assert "Incierto: puede haber llegado" in page
    assert "el proveedor no quiso decir si lo recibió" in page
    assert "Respuesta del proveedor</span>" not in page and "20501" in page  # the provider's own answer
    assert 'value="resend"' in page and 'value="delivered"' in page and 'value="not_delivered"' in page


def test_staff_see_it_in_the_persons_messages_in_their_language(client, officer, uncertain):
    client.force_login(officer)
    UserProfile.objects.create(user=officer, language="fr")
    page = client.get(f"/registry/people/{uncertain['person'].pk}/").content.decode()
    assert 'id="messages"' in page and f'id="message-{uncertain["message"].pk}"' in page
    assert "Incertain : a peut-être été remis" in page and "Renvoyer" in page
    assert 'value="resend"' in page
    assert "/messaging/c/" not in page  # the person's private check-in link is not shown


def test_send_again_queues_it_once_more_and_it_goes_out(client, officer, uncertain, emulator):
    message = uncertain["message"]
    client.force_login(officer)
    response = client.post(f"/messaging/messages/{message.pk}/decide/", {"decision": "resend"})
    assert response.status_code == 302 and response["Location"] == f"/messaging/broadcasts/{message.broadcast_id}/"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.uncertain) == (MessageStatus.QUEUED, 0, False)
    assert dispatch.run(budget_s=5, sleep=lambda s: None).sent == 1  # no lookup: staff chose to send
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.history[-1]["code"] == "staff_resend"
    event = AuditEvent.objects.filter(object_type="messaging.message", object_id=str(message.pk)).latest("id")
    assert event.extra["decision"] == "resend" and event.extra["previous_error"] == "lookup_refused"


def test_mark_delivered_marks_the_person_contacted_in_the_crisis(
    officer, consulate, twilio_sms, checkin_template, migrant, emulator, crisis
):
    from amparo.messaging.tests.conftest import welfare_of

    person = migrant(subdivision="MX-GRO")
    otis = crisis()
    broadcast = _send(officer, consulate, checkin_template, crisis=otis)
    message = broadcast.messages.get()
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.UNCERTAIN, error_code="uncertain")
    message.refresh_from_db()
    services.decide_uncertain(actor=officer, message=message, decision="delivered")
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED and message.delivered_at is not None
    assert welfare_of(otis, person).status == "contacted"


def test_mark_not_delivered_records_a_failure_and_a_second_decision_is_refused(officer, uncertain):
    message = uncertain["message"]
    services.decide_uncertain(actor=officer, message=message, decision="not_delivered")
    message.refresh_from_db()
    assert (message.status, message.error_code) == (MessageStatus.FAILED, "not_delivered")
    with pytest.raises(services.DecisionRefused):
        services.decide_uncertain(actor=officer, message=message, decision="resend")
    assert Message.objects.get(pk=message.pk).status == MessageStatus.FAILED


def test_a_provider_receipt_settles_an_uncertain_message(officer, uncertain, twilio_sms):
    from amparo.messaging.channels import Receipt
    from amparo.messaging.inbound import record_receipt

    message = uncertain["message"]
    record_receipt(channel=twilio_sms, receipt=Receipt("SMx", "delivered"), message_key=message.idempotency_key)
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_deciding_is_404_for_another_organization_and_403_for_an_analyst(
    client, uncertain, consulate, make_org, make_user
):
    url = f"/messaging/messages/{uncertain['message'].pk}/decide/"
    other = make_org("hn-consulate", kind="consulate", served_nationality="HN")
    client.force_login(make_user(other, "consular_officer"))
    assert client.post(url, {"decision": "delivered"}).status_code == 404
    client.force_login(make_user(consulate, "analyst"))
    assert client.post(url, {"decision": "delivered"}).status_code == 403
    assert client.get(url).status_code == 405
    assert Message.objects.get(pk=uncertain["message"].pk).status == MessageStatus.UNCERTAIN


def test_an_outsider_sees_nothing_of_the_persons_messages(client, uncertain, make_org, make_user):
    from amparo.messaging.queries import person_panel

    other = make_org("hn-consulate", kind="consulate", served_nationality="HN")
    assert person_panel(make_user(other, "consular_officer"), uncertain["person"]) is None


def test_an_unknown_decision_is_refused(client, officer, uncertain):
    client.force_login(officer)
    client.post(f"/messaging/messages/{uncertain['message'].pk}/decide/", {"decision": "maybe"})
    assert Message.objects.get(pk=uncertain["message"].pk).status == MessageStatus.UNCERTAIN


def test_the_redirect_stays_on_this_site(client, officer, uncertain):
    client.force_login(officer)
    response = client.post(
        f"/messaging/messages/{uncertain['message'].pk}/decide/",
        {"decision": "delivered", "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/messaging/broadcasts/{uncertain['broadcast'].pk}/"


# --- a broadcast that would reach nobody ------------------------------------------------------


def test_a_broadcast_that_would_reach_nobody_is_refused_with_the_reason(
    officer, consulate, twilio_sms, checkin_template, migrant
):
    migrant(phone="+525512340001", consent=False)
    migrant(phone="+525512340002", consent=False)
    migrant(phone="", consent=True)
    broadcast = services.create_broadcast(
        actor=officer, organization=consulate, title="Nadie", template=checkin_template
    )
    with pytest.raises(services.BroadcastRefused) as refused, translation.override("en"):
        services.confirm_broadcast(actor=officer, broadcast=broadcast)
    assert "2 people have not consented to crisis alerts" in str(refused.value)
    assert "1 person has no phone or e-mail" in str(refused.value)
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.recipients, broadcast.messages.count()) == (BroadcastStatus.DRAFT, 0, 0)


def test_an_empty_audience_is_refused_on_approval_too(officer, consulate, checkin_template, make_user, migrant):
    person = migrant(phone="+525512340001")
    broadcast = services.create_broadcast(
        actor=officer, organization=consulate, title="Nadie", template=checkin_template, requires_approval=True
    )
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    from amparo.registry.services import withdraw_consent

    withdraw_consent(actor=officer, person=person, purpose="crisis_alerts")
    with pytest.raises(services.BroadcastRefused, match="Nadie puede recibirlo"):
        services.approve_broadcast(actor=make_user(consulate, "supervisor"), broadcast=broadcast)
    assert Broadcast.objects.get(pk=broadcast.pk).status == BroadcastStatus.AWAITING_APPROVAL


def test_the_page_says_why_and_offers_no_send_button(client, officer, consulate, checkin_template, migrant):
    migrant(phone="+525512340001", consent=False)
    broadcast = services.create_broadcast(
        actor=officer, organization=consulate, title="Nadie", template=checkin_template
    )
    client.force_login(officer)
    url = f"/messaging/broadcasts/{broadcast.pk}/"
    page = client.get(url).content.decode()
    assert 'id="nobody"' in page and 'id="confirm"' not in page
    assert "Nadie puede recibirlo: 1 persona no ha dado su consentimiento para alertas de crisis." in page
    response = client.post(url + "confirm/", follow=True)  # a stale page, or a crafted request
    assert response.content.decode().count("Nadie puede recibirlo") == 2  # the refusal, and the preview
    assert Broadcast.objects.get(pk=broadcast.pk).status == BroadcastStatus.DRAFT
