"""My data: with the phone code, a person sees the records that hold their phone (and only
those), corrects them, withdraws consent, asks for deletion; staff see each action."""

import pytest
from django.urls import reverse

from amparo.accounts.models import AuditEvent
from amparo.portal.models import DataRequest
from amparo.registry.models import Consent, ContactPoint

PHONE = "+529621234567"


def _sign_in(client, sms, phone="962 123 4567", lang="es"):
    client.post(reverse("portal:me", args=[lang]), {"country": "MX", "phone": phone})
    return client.post(reverse("portal:code", args=[lang]), {"code": sms.last_code("+52" + phone.replace(" ", ""))})


@pytest.mark.django_db
def test_a_person_sees_only_the_records_holding_their_phone(client, world, sms, make_person):
    make_person(world["consulate"], given_names="Otra", first_surname="Persona", phones=[("+529620001111", False)])
    response = _sign_in(client, sms)
    assert response.status_code == 302
    html = client.get(reverse("portal:me", args=["es"])).content.decode()
    assert "María López" in html and "Otra Persona" not in html and world["consulate"].name in html
    assert AuditEvent.objects.filter(
        action="view", actor_label="portal:self-service", object_id=str(world["maria"].pk)
    ).exists()


@pytest.mark.django_db
def test_an_unknown_number_gets_no_sms_but_the_same_page(client, world, sms):
    client.post(reverse("portal:me", args=["es"]), {"country": "MX", "phone": "962 444 5555"})
    assert sms.count() == 0
    assert client.get(reverse("portal:code", args=["es"])).status_code == 200


@pytest.mark.django_db
def test_without_the_code_nothing_is_shown(client, world, sms):
    client.post(reverse("portal:me", args=["es"]), {"country": "MX", "phone": "962 123 4567"})
    html = client.get(reverse("portal:me", args=["es"])).content.decode()
    assert "María" not in html
    response = client.post(reverse("portal:me_action", args=["es"]),
                           {"action": "consent_no", "person": world["maria"].pk, "purpose": "crisis_alerts"})  # fmt: skip
    assert response.status_code == 302 and not DataRequest.objects.exists()


@pytest.mark.django_db
def test_withdrawing_a_consent_takes_effect_and_reaches_staff(client, world, sms):
    from amparo.portal.tests.conftest import SYSTEM
    from amparo.registry.services import record_consent

    record_consent(actor=SYSTEM, person=world["maria"], purpose="crisis_alerts", given=True, method="verbal")
    _sign_in(client, sms)
    client.post(reverse("portal:me_action", args=["es"]),
                {"action": "consent_no", "person": world["maria"].pk, "purpose": "crisis_alerts"})  # fmt: skip
    assert not Consent.objects.active("crisis_alerts").filter(person=world["maria"]).exists()
    assert DataRequest.objects.get().kind == "consent_withdrawn"
    client.force_login(world["officer"])
    html = client.get(reverse("portal:staff_requests")).content.decode()
    assert "María López" in html and "Retiró un consentimiento" in html


@pytest.mark.django_db
def test_a_person_cannot_act_on_someone_elses_record(client, world, sms, make_person):
    other = make_person(world["consulate"], given_names="Otra", phones=[("+529620001111", False)])
    _sign_in(client, sms)
    response = client.post(reverse("portal:me_action", args=["es"]),
                           {"action": "delete", "person": other.pk, "reason": "x"})  # fmt: skip
    assert response.status_code == 403 and not DataRequest.objects.filter(person=other).exists()


@pytest.mark.django_db
def test_the_verified_phone_cannot_be_removed_but_an_email_can(client, world, sms):
    _sign_in(client, sms)
    client.post(
        reverse("portal:me_action", args=["es"]),
        {"action": "email", "person": world["maria"].pk, "email": "maria@example.org"},
    )
    email = ContactPoint.objects.get(person=world["maria"], kind="email")
    phone = ContactPoint.objects.get(person=world["maria"], kind="phone")
    client.post(
        reverse("portal:me_action", args=["es"]),
        {"action": "remove_contact", "person": world["maria"].pk, "contact": phone.pk},
    )
    assert ContactPoint.objects.filter(pk=phone.pk).exists()
    client.post(
        reverse("portal:me_action", args=["es"]),
        {"action": "remove_contact", "person": world["maria"].pk, "contact": email.pk},
    )
    assert not ContactPoint.objects.filter(pk=email.pk).exists()


@pytest.mark.django_db
def test_a_deletion_request_waits_for_staff_who_answer_it(client, world, sms):
    _sign_in(client, sms)
    client.post(
        reverse("portal:me_action", args=["es"]), {"action": "delete", "person": world["maria"].pk, "reason": "me voy"}
    )
    request = DataRequest.objects.get(kind="deletion")
    assert request.status == "open" and request.details["reason"] == "me voy"
    client.force_login(world["outsider"])
    assert (
        client.post(reverse("portal:staff_request_decide", args=[request.pk]), {"decision": "done"}).status_code == 404
    )
    client.force_login(world["officer"])
    client.post(reverse("portal:staff_request_decide", args=[request.pk]), {"decision": "refuse"})
    request.refresh_from_db()
    assert request.status == "open"  # a refusal needs its reason
    client.post(
        reverse("portal:staff_request_decide", args=[request.pk]), {"decision": "refuse", "note": "caso abierto"}
    )
    request.refresh_from_db()
    assert (request.status, request.note) == ("refused", "caso abierto")


@pytest.mark.django_db
def test_moving_records_a_new_location_from_the_gazetteer(client, world, sms):
    _sign_in(client, sms)
    client.post(
        reverse("portal:me_action", args=["es"]), {"action": "location", "person": world["maria"].pk, "q": "Tenosique"}
    )
    world["maria"].refresh_from_db()
    assert (world["maria"].subdivision, world["maria"].location_source) == ("MX-TAB", "self_report")


@pytest.mark.django_db
def test_leaving_ends_the_session(client, world, sms):
    _sign_in(client, sms)
    client.post(reverse("portal:me_action", args=["es"]), {"action": "logout"})
    assert "María" not in client.get(reverse("portal:me", args=["es"])).content.decode()
