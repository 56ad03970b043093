"""The affected list's streamed export (issue 19): the same cells as the per-row reference
(`person_row` + `welfare_values`), positions only where the user may read them, audited once
before the first row, scoped."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.test import Client

from amparo.accounts.models import AuditEvent
from amparo.crises import export
from amparo.crises.models import WelfareStatus
from amparo.crises.services import update_welfare
from amparo.crises.tests.conftest import SYSTEM, circle
from amparo.registry import exporting
from amparo.registry.access import exact_position_q
from amparo.registry.columns import person_row
from amparo.registry.models import Person

AT = {"latitude": 16.3, "longitude": -98.8, "country": "MX", "subdivision": "MX-GRO"}


@pytest.fixture
def scene(world, make_org, make_person, make_crisis):
    consulate = world["consulate"]
    people = [
        make_person(consulate, given_names="=Uno", first_surname="Zeta", phones=[("+52 744 123 4567", True)], **AT),
        make_person(consulate, given_names="Dos", first_surname="Alfa", emails=["dos@example.org"], **AT),
        make_person(consulate, given_names="Tres", first_surname="Alfa", languages=["es", "ht"], **AT),
    ]
    other = make_person(make_org("mx-shelter", kind="shelter"), given_names="Otra", nationality="HN", **AT)
    crisis = make_crisis(circle(16.2, -98.8, 100))
    update_welfare(
        actor=SYSTEM,
        crisis=crisis,
        person=people[0],
        status="needs_assistance",
        source="staff",
        needs=["food", "shelter"],
        people_with=3,
    )
    update_welfare(actor=SYSTEM, crisis=crisis, person=people[1], status="safe", source="staff")
    WelfareStatus.objects.filter(crisis=crisis, person=people[2]).update(
        contacted_at=datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)
    )
    return world, crisis, people, other


def reference(actor, crisis) -> list[list[str]]:
    exact = set(Person.objects.filter(exact_position_q(actor)).values_list("pk", flat=True))
    rows = []
    for row in export.export_rows(actor, crisis).select_related("person"):
        values = {**person_row(row.person), **export.welfare_values(row)}
        if row.person_id not in exact:
            values["latitude"] = values["longitude"] = ""
        rows.append([exporting.neutralize(values.get(c, "")) for c in export.COLUMNS])
    return rows


def written(actor, crisis, **kwargs) -> list[list[str]]:
    stream = io.StringIO()
    count = export.write_affected_csv(actor=actor, crisis=crisis, stream=stream, **kwargs)
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows[0] == list(export.COLUMNS) and count == len(rows) - 1
    return rows[1:]


@pytest.mark.parametrize("who", ["system", "officer"])
def test_written_rows_equal_the_per_row_reference(scene, who, monkeypatch):
    monkeypatch.setattr(exporting, "CHUNK", 2)  # several batches
    world, crisis, people, other = scene
    actor = SYSTEM if who == "system" else world["officer"]
    rows = written(actor, crisis)
    assert rows == reference(actor, crisis)
    names = [r[1] for r in rows]
    if who == "officer":
        assert names == ["Dos", "Tres", "'=Uno"]  # by surname then given names; never the other org's
    else:
        assert sorted(names) == sorted(["Dos", "Tres", "'=Uno", "Otra"])
    first = next(r for r in rows if r[1] == "'=Uno")
    column = {c: i for i, c in enumerate(export.COLUMNS)}
    assert first[column["needs"]] == "food shelter" and first[column["people_with"]] == "3"
    assert first[column["accounted_for"]] == "no" and first[column["phone"]] == "+527441234567"
    third = next(r for r in rows if r[1] == "Tres")
    assert third[column["contacted_at"]] == "2026-05-01T12:30:15.123456+00:00"


def test_filters_apply_to_the_export(scene):
    world, crisis, people, other = scene
    rows = written(world["officer"], crisis, params={"status": "accounted_for"})
    assert [r[1] for r in rows] == ["Dos"]


def test_page_streams_the_rows_audited_once_before_the_first(scene):
    world, crisis, people, other = scene
    client = Client()
    client.force_login(world["officer"])
    response = client.get(f"/crises/{crisis.pk}/affected.csv")
    assert response.status_code == 200 and response.streaming
    event = AuditEvent.objects.get(action="export", object_type="crises.welfarestatus")
    assert event.extra["count"] == 3 and event.extra["crisis"] == crisis.pk
    assert event.extra["ids"] == [str(people[1].pk), str(people[2].pk), str(people[0].pk)]
    body = b"".join(response.streaming_content).decode()
    assert "Otra" not in body and body.count("\n") == 4
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_outsiders_get_no_rows(scene):
    world, crisis, people, other = scene
    client = Client()
    client.force_login(world["ngo_worker"])
    response = client.get(f"/crises/{crisis.pk}/affected.csv")
    assert response.status_code in (403, 404) or b"".join(response.streaming_content).decode().count("\n") == 1
