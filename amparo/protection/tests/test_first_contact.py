"""Preliminary identification by first-contact staff (the RCM guidelines are written for them):
shelter and clinic staff screen the people their organization serves and read back only their own
organization's screenings; they neither read another organization's screenings nor refer."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from amparo.accounts import policy
from amparo.accounts.codes import OrganizationKind, Role
from amparo.protection import services
from amparo.protection.codes import Decision
from amparo.protection.models import Screening, ScreeningSuggestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(make_org):
    return make_org("clinic", kind=OrganizationKind.HEALTH, name="Clínica Fronteriza")


@pytest.fixture
def guest(make_person, shelter):
    """A man the shelter registered on arrival."""
    from datetime import date

    return make_person(shelter, given_names="Jean", first_surname="Baptiste", birth_date=date(1990, 1, 1), sex="male")


def test_shelter_staff_screen_the_people_their_shelter_serves(shelter_staff, shelter, guest, client):
    client.force_login(shelter_staff)
    assert client.get(reverse("protection:screening_index")).status_code == 200
    assert client.get(reverse("protection:screening_new", args=[guest.pk])).status_code == 200
    response = client.post(
        reverse("protection:screening_new", args=[guest.pk]),
        {"q_age": "35", "q_fears_return": "yes", "wishes_asylum": "yes"},
    )
    screening = Screening.objects.get()
    assert response.status_code == 302 and screening.organization == shelter
    assert screening.screened_by == shelter_staff
    assert client.get(reverse("protection:screening_detail", args=[screening.pk])).status_code == 200
    suggestion = screening.suggestions.get()
    client.post(reverse("protection:suggestion_decide", args=[suggestion.pk]), {"decision": "confirmed"})
    suggestion.refresh_from_db()
    assert suggestion.decision == Decision.CONFIRMED
    assert list(Screening.objects.visible_to(shelter_staff)) == [screening]


def test_clinic_staff_screen_too(make_user, clinic, make_person):
    nurse = make_user(clinic, Role.PROVIDER_STAFF, username="ines")
    patient = make_person(clinic, given_names="Rosa", first_surname="Díaz", sex="female")
    screening = services.screen_person(actor=nurse, person=patient, answers={"chronic_no_medicine": "yes"})
    assert screening.organization == clinic
    assert Screening.objects.visible_to(nurse).filter(pk=screening.pk).exists()
    assert policy.visible(nurse, ScreeningSuggestion).filter(screening=screening).exists()


def test_first_contact_staff_do_not_read_other_organizations_screenings(
    shelter_staff, shelter, guest, make_org, make_user, client
):
    """The shelter registered the guest; a case worker of the shelter's partner NGO (with their own
    seat in the shelter) screened him too: the shelter's staff read their own screening only."""
    own = services.screen_person(actor=shelter_staff, person=guest, answers={"fears_return": "yes"})
    ngo = make_org("partner-ngo")
    worker = make_user(ngo, Role.CASE_WORKER, username="lucia")
    from amparo.accounts.models import Membership

    Membership.objects.create(user=worker, organization=shelter, role=Role.CASE_WORKER)
    other = services.screen_person(actor=worker, person=guest, answers={"robbed_in_transit": "yes"}, organization=ngo)
    assert set(Screening.objects.visible_to(shelter_staff)) == {own}
    assert set(Screening.objects.visible_to(worker)) == {own, other}  # a sensitive seat reads all
    client.force_login(shelter_staff)
    assert client.get(reverse("protection:screening_detail", args=[other.pk])).status_code == 404
    suggestion = other.suggestions.get()
    with pytest.raises(PermissionDenied):
        services.decide_suggestion(actor=shelter_staff, suggestion=suggestion, decision=Decision.CONFIRMED)
    index = client.get(reverse("protection:screening_index")).content.decode()
    assert f"/screenings/{own.pk}/" in index and f"/screenings/{other.pk}/" not in index


def test_first_contact_staff_may_not_screen_people_their_organization_does_not_serve(shelter_staff, person, client):
    """`person` was registered by the NGO, not the shelter."""
    with pytest.raises(PermissionDenied):
        services.screen_person(actor=shelter_staff, person=person, answers={})
    client.force_login(shelter_staff)
    assert client.get(reverse("protection:screening_new", args=[person.pk])).status_code in (403, 404)


def test_a_screening_by_a_case_worker_of_the_same_person_stays_hidden_from_provider_staff(
    shelter_staff, caseworker, person
):
    theirs = services.screen_person(actor=caseworker, person=person, answers={"fears_return": "yes"})
    assert not Screening.objects.visible_to(shelter_staff).filter(pk=theirs.pk).exists()


def test_first_contact_staff_identify_but_do_not_refer(shelter_staff, guest, client):
    screening = services.screen_person(actor=shelter_staff, person=guest, answers={}, wishes_asylum="yes")
    services.decide_suggestion(actor=shelter_staff, suggestion=screening.suggestions.get(), decision="confirmed")
    with pytest.raises(PermissionDenied):
        services.create_referral(
            actor=shelter_staff, person=guest, to_organization=screening.organization, service_kind="legal_aid"
        )
    client.force_login(shelter_staff)
    page = client.get(reverse("protection:screening_detail", args=[screening.pk])).content.decode()
    assert "/refer/" not in page


@pytest.mark.parametrize("role", [Role.MIGRATION_OFFICER, Role.ANALYST, Role.ORG_ADMIN])
def test_other_roles_of_the_shelter_still_may_not_screen(make_user, shelter, guest, client, role):
    user = make_user(shelter, role)
    with pytest.raises(PermissionDenied):
        services.screen_person(actor=user, person=guest, answers={})
    client.force_login(user)
    assert client.get(reverse("protection:screening_index")).status_code == 403


def test_home_offers_screening_to_provider_staff(shelter_staff, client):
    client.force_login(shelter_staff)
    assert reverse("protection:screening_index") in client.get(reverse("core:home")).content.decode()


def test_the_person_page_offers_provider_staff_a_screening_of_the_people_they_serve(shelter_staff, guest, person):
    from amparo.protection.queries import person_panel

    own = services.screen_person(actor=shelter_staff, person=guest, answers={})
    panel = person_panel(shelter_staff, guest)
    assert panel["may_screen"] and panel["screenings"] == [own]
    assert person_panel(shelter_staff, person) is None  # not theirs: nothing to see or do
