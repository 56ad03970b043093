"""The streamed export (issue 19): the same cells as the per-person reference (`person_row` +
`neutralize`), read as tuples in batches; the page streams it, audited once before the first row,
scoped; a stream left unfinished leaves the connection usable."""

import csv
import io
from datetime import date

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from amparo.accounts.models import AuditEvent
from amparo.registry import export_copy, exporting
from amparo.registry.columns import ALL_COLUMNS, STANDARD_COLUMNS, person_row, prefetch_for_rows
from amparo.registry.exporting import PersonCells, iter_rows, neutralize, safe
from amparo.registry.models import Consent, ContactPoint, Document, Nationality, Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Ana",
        "=1+2",
        "+cmd",
        "-2+3",
        "-99.82",
        "+50255551234",
        "@x",
        "\tx",
        "\rx",
        "a\x00b",
        "\x00=1",
        "é\x85",
        "a\tb",
    ],
)
def test_safe_is_neutralize(value):
    assert safe(value) == neutralize(value)


@pytest.fixture
def varied(shelter, other_org, make_person):
    """People whose rows exercise every column's rules."""
    people = [
        make_person(
            shelter,
            given_names='=HYPERLINK("x")',
            first_surname="+cmd",
            second_surname="-",
            municipality="@SUM(A1)",
            phones=[("+52 744 123 4567", True), ("+502 5555 1234", False)],
            emails=["a@example.org", "b@example.org"],
            documents=[
                {"document_type": "passport", "number": "=P1"},
                {"document_type": "consular_id", "number": "C2"},
            ],
            latitude=16.85,
            longitude=-99.82,
            country="MX",
            subdivision="MX-GRO",
            birth_date=date(1990, 5, 17),
            birth_date_precision="month",
            languages=["es", "en"],
            preferred_language="es",
            preferred_channel="sms",
            source_record_id="-7",
            consents={"crisis_alerts": (True, "verbal"), "referrals": (False, "verbal")},
        ),
        make_person(shelter, given_names="Ana", first_surname="Pérez", nationality="HN", birth_date=date(1980, 1, 1)),
        make_person(shelter, given_names="Sin", first_surname="Datos", nationality=""),
        make_person(other_org, given_names="Otra", phones=[("+52 744 765 4321", False)], latitude=1.5, longitude=2.5),
    ]
    first = people[0]
    Nationality.objects.create(person=first, country="SV")
    # Stored before text was cleaned at the door: a control character in a name.
    Person.objects.filter(pk=people[1].pk).update(given_names="An\x07a", birth_date_precision="estimated")
    Consent.objects.filter(person=first, purpose="referrals").update(withdrawn_at="2026-01-01T00:00:00Z")
    ContactPoint.objects.create(person=people[2], kind="email", value="=cmd@example.org")
    Document.objects.create(person=people[2], document_type="other", number="\t1")
    return people


def reference_rows(queryset, columns, exact_ids=None):
    rows = []
    for person in prefetch_for_rows(queryset.order_by("pk")):
        row = person_row(person)
        if exact_ids is not None and person.pk not in exact_ids:
            row["latitude"] = row["longitude"] = ""
        rows.append([neutralize(row[c]) for c in columns])
    return rows


@pytest.mark.parametrize("columns", [ALL_COLUMNS, STANDARD_COLUMNS, ("phone",), ("email", "given_names")])
def test_streamed_rows_equal_the_per_person_reference(varied, columns):
    people = Person.objects.all()
    streamed = [list(row) for _pk, row in iter_rows(people, columns)]
    assert streamed == reference_rows(people, columns)
    assert len(streamed) == 4


def test_positions_left_empty_for_people_outside_the_rule(varied, shelter):
    from django.db.models import Q

    rule = Q(registering_organization=shelter)
    exact = set(Person.objects.filter(rule).values_list("pk", flat=True))
    streamed = [list(row) for _pk, row in iter_rows(Person.objects.all(), positions=rule)]
    assert streamed == reference_rows(Person.objects.all(), ALL_COLUMNS, exact)
    other = next(r for r in streamed if r[1] == "Otra")
    assert other[ALL_COLUMNS.index("latitude")] == "" and other[ALL_COLUMNS.index("phone")] == "+527447654321"


def test_rows_in_several_batches_keep_order_and_related_rows(shelter, make_person, monkeypatch):
    monkeypatch.setattr(exporting, "CHUNK", 3)
    for i in range(8):
        make_person(shelter, given_names=f"P{i}", phones=[(f"+52 744 123 45{i:02d}", i % 2 == 0)])
    with CaptureQueriesContext(connection) as queries:
        rows = list(iter_rows(Person.objects.all()))
    # One query per batch of 3 for each related table, never one per person.
    assert sum("registry_contactpoint" in q["sql"] for q in queries.captured_queries) == 3
    assert [r[1][1] for r in rows] == [f"P{i}" for i in range(8)]
    assert [r[1][ALL_COLUMNS.index("whatsapp")] for r in rows] == ["yes", "no"] * 4
    assert [list(r[1]) for r in rows] == reference_rows(Person.objects.all(), ALL_COLUMNS)


def test_unknown_column_refused():
    with pytest.raises(ValueError, match="not a person column"):
        PersonCells(("welfare_status",))


def read(response) -> list[dict]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_page_streams_only_what_the_user_may_see_audited_once(varied, shelter, make_user):
    user = make_user(shelter, "case_worker", username="cw")
    client = Client()
    client.force_login(user)
    response = client.get("/registry/people/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    # The audit event exists before the first row is read.
    event = AuditEvent.objects.get(action="export")
    assert event.actor == user and event.extra["count"] == 3 and event.extra["format"] == "csv"
    assert event.extra["ids"] == [str(p.pk) for p in varied[:3]]
    rows = read(response)
    assert [r["given_names"] for r in rows] == ['\'=HYPERLINK("x")', "Ana", "Sin"]  # never the other org's
    assert list(rows[0]) == list(ALL_COLUMNS)
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_an_export_of_more_than_a_thousand_people_counts_them_all(shelter, make_user, monkeypatch):
    monkeypatch.setattr(exporting, "AUDIT_IDS", 2)
    from amparo.accounts.policy import system_principal

    for i in range(3):
        Person.objects.create(registering_organization=shelter, given_names=f"N{i}")
    exporting.export_people(actor=system_principal(), queryset=Person.objects.all(), output=io.StringIO(), fmt="csv")
    event = AuditEvent.objects.get(action="export")
    assert event.extra["count"] == 3 and len(event.extra["ids"]) == 2


def test_a_stream_stopped_early_leaves_the_connection_usable(shelter, make_user, monkeypatch):
    monkeypatch.setattr(exporting, "CHUNK", 2)
    monkeypatch.setattr(export_copy, "PIECE", 16)  # PostgreSQL: the database writes the rows
    for i in range(7):
        Person.objects.create(registering_organization=shelter, given_names=f"N{i}")
    user = make_user(shelter, "case_worker", username="cw")
    pieces = exporting.stream_people_csv(actor=user, queryset=Person.objects.all())
    next(pieces)
    next(pieces)
    pieces.close()  # the client went away
    with transaction.atomic():  # a savepoint inside the test's transaction
        Person.objects.create(registering_organization=shelter, given_names="After")
    assert Person.objects.filter(given_names="After").exists()
