"""A drill's family inquiry: recorded inside the drill's world, with the synthetic person proposed;
never matched with real people, nor real inquiries with drill people."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from amparo.tracing import services
from amparo.tracing.drills import inquiry_from_drill
from amparo.tracing.models import Inquiry, MatchCandidate
from amparo.tracing.tests.conftest import inquiry_data

pytestmark = pytest.mark.django_db


def test_a_drill_inquiry_stays_in_the_drill(world, make_org, make_person, found_person, commit):
    exercise = make_org("drill-7", is_exercise=True)
    today = date.today()
    boy = make_person(exercise, given_names="Kevin", first_surname="Mejía", sex="male",
                      birth_date=date(today.year - 16, 1, 2), municipality="Acapulco")  # fmt: skip
    make_person(exercise, given_names="Ana", first_surname="Ruiz", sex="female", birth_date=date(1990, 1, 1))
    drill = SimpleNamespace(exercise_organization=exercise, seed=7)
    with commit():
        assert inquiry_from_drill(drill=drill, title="Llamada", about="hijo de 16 años en Acapulco") == "inquiry"
    inquiry = Inquiry.objects.get(organization=exercise)
    assert [c.person_id for c in MatchCandidate.objects.filter(inquiry=inquiry)] == [boy.pk]
    assert inquiry_from_drill(drill=drill, title="Llamada", about="abuela de 90 años") == "no_person"
    # A real inquiry for José never meets the drill, and a drill inquiry for José no real person.
    with commit():
        real = services.record_inquiry(actor=world.officer, organization=world.consulate, data=inquiry_data())
        services.record_inquiry(actor=services.policy.system_principal("t"), organization=exercise,
                                data=inquiry_data(inquirer_name="Drill"))  # fmt: skip
    assert set(MatchCandidate.objects.filter(person=found_person).values_list("inquiry_id", flat=True)) == {real.pk}
