"""The synthetic population: realistic, in and around the area, some vulnerable, some in
households, reachable through the simulated channel only."""

import pytest

from amparo.core.gazetteer import distance_km
from amparo.drills.models import SimulatedPerson
from amparo.registry.models import Consent, ContactPoint, Person


@pytest.mark.django_db
def test_the_population_follows_the_scenario(world, drill):
    people = Person.objects.filter(registering_organization=drill.exercise_organization)
    assert people.count() == 60 == SimulatedPerson.objects.filter(drill=drill).count()
    assert set(people.values_list("nationality", flat=True)) <= {"GT", "HN", "HT"}
    assert {p.preferred_language for p in people.filter(nationality="HT")} <= {"ht"}
    distances = [distance_km(16.85, -99.88, p.latitude, p.longitude) for p in people]
    assert max(distances) <= 30 * 1.3 + 1  # inside and around the area, in real towns
    assert all(p.country == "MX" and p.subdivision.startswith("MX-") and p.municipality for p in people)
    behaviours = set(SimulatedPerson.objects.filter(drill=drill).values_list("behaviour", flat=True))
    assert behaviours <= {"safe", "help", "ambiguous", "never"} and len(behaviours) >= 3


@pytest.mark.django_db
def test_some_are_vulnerable_and_some_travel_with_their_children(world, drill):
    vulnerable = SimulatedPerson.objects.filter(drill=drill).exclude(vulnerable="")
    assert vulnerable.exists()
    child = Person.objects.filter(registering_organization=drill.exercise_organization, household_role="child").first()
    if child is not None:
        head = Person.objects.get(household=child.household, household_role="head")
        assert head.nationality == child.nationality


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_people(world):
    from amparo.drills import services
    from amparo.drills.tests.conftest import SCRIPT

    a = services.create_drill(actor=world["facilitator"], host=world["consulate"], scenario_text=SCRIPT, seed=3)
    b = services.create_drill(actor=world["facilitator"], host=world["consulate"], scenario_text=SCRIPT, seed=3)

    def names(drill):
        return list(
            Person.objects.filter(registering_organization=drill.exercise_organization)
            .order_by("source_record_id")
            .values_list("given_names", "first_surname", "municipality")
        )

    assert names(a) == names(b)


@pytest.mark.django_db
def test_adults_have_a_phone_and_most_consent_to_alerts(world, drill):
    people = Person.objects.filter(registering_organization=drill.exercise_organization)
    with_phone = ContactPoint.objects.filter(person__in=people, kind="phone").count()
    consenting = Consent.objects.active("crisis_alerts").filter(person__in=people).count()
    assert with_phone >= 30 and 0 < consenting < people.count() + 1
    phones = list(ContactPoint.objects.filter(person__in=people, kind="phone").values_list("value", flat=True))
    assert len(phones) == len(set(phones))  # replies are matched by number: no two people share one
