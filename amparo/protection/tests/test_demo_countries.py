"""The demo world gains a shelter and a clinic in every country (issue 14): their staff screen
the people their organization serves and read only their own organization's screenings; the
pathway proposes providers of the person's country, near them."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from amparo.core.gazetteer import REGION
from amparo.protection import demo, directory, queries, services
from amparo.protection.codes import Decision
from amparo.protection.models import Screening
from amparo.registry.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(settings):
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    directory.load(demo=True)
    demo._staff()
    demo._shelter_people()


def test_every_country_has_a_shelter_and_a_clinic_user(demo_world):
    users = {u for u, _slug, _role, _first in demo.demo_users()}
    for country in REGION:
        assert {f"shelter-{country.lower()}", f"clinic-{country.lower()}"} <= users
    assert get_user_model().objects.filter(username__in=users).count() == len(users)


@pytest.mark.parametrize("country", ["CR", "PA"])
def test_shelter_staff_screen_their_guests_and_see_only_their_own(demo_world, country, make_person):
    shelter_user = get_user_model().objects.get(username=f"shelter-{country.lower()}")
    clinic_user = get_user_model().objects.get(username=f"clinic-{country.lower()}")
    shelter = shelter_user.memberships.get().organization
    clinic = clinic_user.memberships.get().organization
    guest = Person.objects.filter(registering_organization=shelter).first()
    assert guest is not None and guest.country == country
    mine = services.screen_person(actor=shelter_user, person=guest, answers={"fears_return": "yes"})
    patient = make_person(clinic, given_names="Paciente", country=country, latitude=clinic.latitude,
                          longitude=clinic.longitude)  # fmt: skip
    theirs = services.screen_person(actor=clinic_user, person=patient, answers={"chronic_no_medicine": "yes"})
    assert list(Screening.objects.visible_to(shelter_user)) == [mine]
    assert list(Screening.objects.visible_to(clinic_user)) == [theirs]
    with pytest.raises(PermissionDenied):  # not a person the clinic serves
        services.screen_person(actor=clinic_user, person=guest, answers={})
    services.decide_suggestion(actor=shelter_user, suggestion=mine.suggestions.get(), decision=Decision.CONFIRMED)
    proposals = queries.proposals_for(mine)
    chosen = [p for p in proposals if p.service]
    assert chosen and all(p.service.country == country for p in chosen)
    assert all(p.service.provider_id != shelter.pk for p in chosen)  # never to themselves
    assert all(p.reasons for p in chosen)
