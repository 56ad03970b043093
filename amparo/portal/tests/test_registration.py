"""Self-registration with a consulate: minimal fields, a verified phone, each consent chosen
separately; the record enters the registry unverified and waits in the consulate's queue."""

import pytest
from django.urls import reverse

from amparo.accounts.models import AuditEvent
from amparo.matching.models import MatchPair
from amparo.portal.models import SelfRegistration
from amparo.registry.models import Consent, ContactPoint, Person


def _form(**overrides):
    data = {
        "given_names": "Ana Lucía", "surnames": "Pérez Gómez", "nationality": "GT", "q": "Tapachula",
        "language": "es", "phone_country": "MX", "phone": "962 765 4321",
        "consent_crisis_alerts": "yes", "consent_referrals": "no", "consent_sharing_host_authorities": "yes",
    }  # fmt: skip
    data.update(overrides)
    return data


def _register(client, sms, lang="es", **overrides):
    response = client.post(reverse("portal:register", args=[lang]), _form(**overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    return client.post(reverse("portal:code", args=[lang]), {"code": sms.last_code("+529627654321")})


@pytest.mark.django_db
def test_a_person_registers_with_their_consulate(client, world, sms):
    response = _register(client, sms)
    assert "Gt Consulado Tapachula" in response.content.decode()
    person = Person.objects.get(given_names="Ana Lucía")
    assert (person.first_surname, person.second_surname, person.nationality) == ("Pérez", "Gómez", "GT")
    assert person.registering_organization == world["consulate"] and person.subdivision == "MX-CHP"
    assert person.latitude is not None and person.location_precision_m == 5000  # a town, not a GPS fix
    assert ContactPoint.objects.get(person=person).verified
    consents = {c.purpose: (c.given, c.method) for c in Consent.objects.filter(person=person)}
    assert consents == {
        "crisis_alerts": (True, "self_registered"),
        "referrals": (False, "self_registered"),
        "sharing_host_authorities": (True, "self_registered"),
    }
    assert SelfRegistration.objects.get(person=person).status == "unverified"


@pytest.mark.django_db
def test_each_consent_must_be_answered(client, world, sms):
    form = _form()
    del form["consent_referrals"]
    response = client.post(reverse("portal:register", args=["fr"]), form)
    assert response.status_code == 200 and not Person.objects.filter(given_names="Ana Lucía").exists()


@pytest.mark.django_db
def test_an_ambiguous_town_is_chosen_from_a_list(client, world, sms):
    response = client.post(reverse("portal:register", args=["es"]), _form(q="San José"))
    html = response.content.decode()
    assert response.status_code == 200 and html.count('name="place"') >= 2  # a choice, not a guess
    assert not Person.objects.filter(given_names="Ana Lucía").exists()


@pytest.mark.django_db
def test_no_consulate_of_that_nationality_in_the_country_is_said_plainly(client, world, sms):
    response = client.post(reverse("portal:register", args=["es"]), _form(q="Ciudad de Guatemala"))
    assert "todavía no usa Amparo" in response.content.decode()


@pytest.mark.django_db
def test_a_likely_duplicate_goes_to_the_review_queue(
    client, world, sms, make_person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the registration's commit hooks index the record
        known = make_person(world["consulate"], given_names="Ana Lucia", first_surname="Perez", second_surname="Gomez",
                            phones=[("+529627654321", False)], country="MX", subdivision="MX-CHP")  # fmt: skip
    _register(client, sms)
    new = Person.objects.exclude(pk=known.pk).get(given_names="Ana Lucía")
    assert MatchPair.objects.filter(person_a_id=min(known.pk, new.pk), person_b_id=max(known.pk, new.pk)).exists()
    assert SelfRegistration.objects.get(person=new).duplicates_found >= 1


@pytest.mark.django_db
def test_staff_verify_or_reject_and_others_cannot(client, world, sms):
    _register(client, sms)
    registration = SelfRegistration.objects.get()
    client.force_login(world["outsider"])
    assert "Ana Lucía" not in client.get(reverse("portal:staff_registrations")).content.decode()
    response = client.post(reverse("portal:staff_registration_decide", args=[registration.pk]), {"decision": "verify"})
    assert response.status_code == 404
    client.force_login(world["analyst"])
    assert client.get(reverse("portal:staff_registrations")).status_code == 403
    client.force_login(world["officer"])
    assert "Ana Lucía" in client.get(reverse("portal:staff_registrations")).content.decode()
    client.post(
        reverse("portal:staff_registration_decide", args=[registration.pk]), {"decision": "verify", "note": "called"}
    )
    registration.refresh_from_db()
    assert registration.status == "verified" and registration.decided_by == world["officer"]


@pytest.mark.django_db
def test_a_rejected_self_registration_is_deleted_and_the_decision_audited(client, world, sms):
    _register(client, sms)
    registration = SelfRegistration.objects.get()
    client.force_login(world["officer"])
    client.post(reverse("portal:staff_registration_decide", args=[registration.pk]), {"decision": "reject"})
    assert not Person.objects.filter(given_names="Ana Lucía").exists()
    assert AuditEvent.objects.filter(action="delete", summary="self-registration rejected").exists()
