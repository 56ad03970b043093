"""The person page's protection panel: this person's screenings and referrals, only those the
access policy lets the user see, with a "start a screening" action for the sensitive roles."""

import pytest
from django.urls import reverse

from amparo.accounts.codes import Role
from amparo.core import ui
from amparo.protection import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(caseworker, person, shelter, shelter_service):
    screening = services.screen_person(actor=caseworker, person=person, answers={"age": 15, "without_guardian": "yes"})
    referral = services.create_referral(
        actor=caseworker,
        person=person,
        to_organization=shelter,
        service=shelter_service,
        service_kind="shelter",
        reason="Needs a bed tonight",
        shared_fields=["full_name", "age"],
    )
    services.send_referral(actor=caseworker, referral=referral, consent_method="verbal")
    return screening, referral


def _panel(user, person):
    panels = [p for p in ui.person_panels_for(user, person) if p.template == "protection/_person_panel.html"]
    return panels[0].data if panels else None


def test_a_case_worker_sees_the_screenings_and_referrals_with_links(client, caseworker, person, history):
    screening, referral = history
    client.force_login(caseworker)
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert reverse("protection:screening_detail", args=[screening.pk]) in page
    assert reverse("protection:referral_detail", args=[referral.pk]) in page
    assert reverse("protection:screening_new", args=[person.pk]) in page
    assert "Albergue Belén" in page


def test_a_user_of_another_organization_sees_nothing_of_them(client, make_org, make_user, person, history):
    outsider = make_user(make_org("other-ngo"), Role.CASE_WORKER)
    client.force_login(outsider)
    assert client.get(reverse("registry:person_detail", args=[person.pk])).status_code == 404
    data = _panel(outsider, person)
    assert data["screenings"] == [] and data["referrals"] == [] and not data["may_screen"]


def test_the_receiving_provider_sees_the_referral_but_never_the_screening(shelter_staff, person, history):
    screening, referral = history
    data = _panel(shelter_staff, person)
    assert data["referrals"] == [referral]
    assert data["screenings"] == [] and not data["sees_screenings"] and not data["may_screen"]


def test_a_migration_officer_of_the_same_organization_gets_no_panel(client, make_user, ngo, person, history):
    screening, referral = history
    officer = make_user(ngo, Role.MIGRATION_OFFICER)
    assert _panel(officer, person) is None
    client.force_login(officer)
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert person.full_name in page
    assert 'id="screenings"' not in page and 'id="referrals"' not in page
    assert reverse("protection:screening_detail", args=[screening.pk]) not in page
    assert reverse("protection:referral_detail", args=[referral.pk]) not in page
