"""Affected lists name only the people a user may see; counts follow `policy.countable`, and civil
protection counts every nationality in its country without seeing names."""

import pytest

from amparo.accounts.codes import OrganizationKind
from amparo.crises import queries
from amparo.crises.services import update_welfare
from amparo.crises.tests.conftest import SYSTEM, circle


@pytest.fixture
def scene(world, make_org, make_person, make_crisis):
    shelter = make_org("mx-shelter", kind=OrganizationKind.SHELTER)
    at = {"latitude": 16.3, "longitude": -98.8, "country": "MX", "subdivision": "MX-GRO"}
    own = make_person(world["consulate"], given_names="Own", **at)
    own_hn = make_person(world["consulate"], given_names="OwnHN", nationality="HN", **at)
    theirs = make_person(shelter, given_names="Theirs", nationality="HT", **at)
    crisis = make_crisis(circle(16.2, -98.8, 100))
    update_welfare(actor=SYSTEM, crisis=crisis, person=own, status="safe", source="staff")
    return world, crisis, own, own_hn, theirs


def test_affected_people_are_those_the_user_sees(scene):
    world, crisis, own, own_hn, theirs = scene
    assert set(queries.affected_people(world["officer"], crisis)) == {own, own_hn}
    assert set(queries.affected_people(world["ngo_worker"], crisis)) == set()
    assert set(queries.affected_people(world["analyst"], crisis)) == set()  # aggregates only
    assert set(queries.affected_people(world["civil"], crisis)) == set()  # names only via agreements
    assert set(queries.affected_people(SYSTEM, crisis)) == {own, own_hn, theirs}


def test_funnel_counts_what_the_user_may_count(scene):
    world, crisis, *_ = scene
    officer = queries.funnel(world["officer"], crisis)
    assert (officer["affected"], officer["contacted"], officer["accounted_for"]) == (2, 1, 1)
    assert queries.funnel(world["analyst"], crisis)["affected"] == 2
    assert queries.funnel(world["ngo_worker"], crisis)["affected"] == 0


def test_civil_protection_counts_every_nationality(scene):
    world, crisis, *_ = scene
    rows = {r["nationality"]: r["affected"] for r in queries.counts_by_nationality(world["civil"], crisis)}
    assert rows == {"GT": 1, "HN": 1, "HT": 1}


def test_counts_by_consulate_follow_nationality_and_jurisdiction(scene):
    world, crisis, *_ = scene
    rows = queries.counts_by_consulate(SYSTEM, crisis)
    assert [(r["organization"].slug, r["affected"], r["accounted_for"]) for r in rows] == [
        ("gt-consulate-mexico-city", 1, 1)
    ]


def test_accounted_for_over_time_rises_with_changes(scene):
    world, crisis, *_ = scene
    points = queries.accounted_over_time(world["officer"], crisis)
    assert points and points[-1][1] == 1 and points[0][1] in (0, 1)
