"""The affected list written by PostgreSQL itself (issue 19): byte-identical to the Python path
(`python=True`) for people with awkward values and every welfare status, scoped (the consulate's
officer never gets the shelter's people), filtered, audited once."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client

from amparo.accounts.models import AuditEvent
from amparo.crises import export
from amparo.crises.codes import WelfareCode
from amparo.crises.models import WelfareStatus
from amparo.crises.tests.conftest import SYSTEM, circle
from amparo.registry.models import Person
from amparo.registry.tests.test_export_copy import AWKWARD_TEXT, make_awkward

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]


@pytest.fixture
def scene(world, make_org, make_person, make_crisis):
    consulate, shelter = world["consulate"], make_org("mx-shelter", kind="shelter")
    people = make_awkward(consulate, shelter, make_person)
    crisis = make_crisis(circle(16.2, -98.8, 100))
    statuses = list(WelfareCode.values)
    moments = [
        datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=UTC),
        datetime(2026, 5, 1, 12, 30, 15, tzinfo=UTC),
        datetime(2026, 5, 1, 12, 30, 15, 120, tzinfo=UTC),
        None,
    ]
    rows = []
    for i, person in enumerate(people):
        status = statuses[i % len(statuses)]
        rows.append(
            WelfareStatus(
                crisis=crisis,
                person=person,
                status=status,
                needs=[["food", "shelter"], [], ["=cmd"], ["a,b", "médico"]][i % 4],
                people_with=[None, 0, 3][i % 3],
                source=["staff", "", "reply", "-x"][i % 4],
                updated_at=moments[i % 4],
                contacted_at=moments[(i + 1) % 4],
                replied_at=moments[(i + 2) % 4],
                in_area=i % 11 != 5,
            )
        )
    WelfareStatus.objects.filter(crisis=crisis).delete()
    WelfareStatus.objects.bulk_create(rows)
    Person.objects.filter(pk__in=[p.pk for p in people[::2]]).update(location_observed_at=moments[2])
    return world, crisis, people, shelter


def both(actor, crisis, **kwargs) -> tuple[str, str]:
    by_database, by_python = io.StringIO(), io.StringIO()
    n = export.write_affected_csv(actor=actor, crisis=crisis, stream=by_database, **kwargs)
    m = export.write_affected_csv(actor=actor, crisis=crisis, stream=by_python, python=True, **kwargs)
    assert n == m
    return by_database.getvalue(), by_python.getvalue()


@pytest.mark.parametrize("who", ["system", "officer"])
def test_the_database_writes_the_same_bytes_as_python(scene, who):
    world, crisis, people, shelter = scene
    actor = SYSTEM if who == "system" else world["officer"]
    by_database, by_python = both(actor, crisis)
    assert by_database == by_python
    rows = list(csv.DictReader(io.StringIO(by_database)))
    assert {r["welfare_status"] for r in rows} == set(WelfareCode.values) or who == "officer"
    theirs = set(Person.objects.filter(registering_organization=shelter).values_list("pk", flat=True))
    if who == "officer":  # never the shelter's people, never those outside the area
        assert len(rows) == sum(1 for i, p in enumerate(people) if p.pk not in theirs and i % 11 != 5)
    else:
        assert len(rows) == sum(1 for i in range(len(AWKWARD_TEXT)) if i % 11 != 5)
    assert "2026-05-01T12:30:15.000120+00:00" in {r["contacted_at"] for r in rows}
    assert {"food shelter", "'=cmd", "a,b médico", ""} <= {r["needs"] for r in rows}


@pytest.mark.parametrize(
    "params", [{"status": "accounted_for"}, {"status": "not_accounted_for"}, {"need": "food"}, {"q": "S"}]
)
def test_filters_give_the_same_bytes(scene, params):
    world, crisis, people, shelter = scene
    by_database, by_python = both(world["officer"], crisis, params=params)
    assert by_database == by_python and by_database.count("\r\n") >= 1


def test_the_page_streams_the_databases_bytes_audited_once(scene):
    world, crisis, people, shelter = scene
    client = Client()
    client.force_login(world["officer"])
    response = client.get(f"/crises/{crisis.pk}/affected.csv")
    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content).decode()
    assert AuditEvent.objects.filter(action="export").count() == 1
    reference = io.StringIO()
    export.write_affected_csv(actor=world["officer"], crisis=crisis, stream=reference, python=True)
    assert body == reference.getvalue()


def test_outsiders_get_no_rows(scene):
    world, crisis, people, shelter = scene
    client = Client()
    client.force_login(world["ngo_worker"])
    response = client.get(f"/crises/{crisis.pk}/affected.csv")
    assert response.status_code in (403, 404) or b"".join(response.streaming_content).decode().count("\n") == 1
