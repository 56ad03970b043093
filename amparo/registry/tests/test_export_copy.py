"""The export written by PostgreSQL itself (issue 19, `registry.export_copy`): byte-identical to
the Python path (`python=True`) on people carrying awkward values, scoped the same way (one
organization never sees another's people), positions only where the user may read them, the
stream stoppable early, the session's settings left as they were."""

import csv
import io
import math
import random
from datetime import UTC, date, datetime

import pytest
from django.db import connection, transaction
from django.db.models import JSONField, Value
from django.test import Client

from amparo.accounts.models import AuditEvent
from amparo.accounts.policy import system_principal
from amparo.registry import export_copy, exporting
from amparo.registry.access import exact_position_q
from amparo.registry.columns import ALL_COLUMNS, STANDARD_COLUMNS
from amparo.registry.models import Consent, ContactPoint, Document, Nationality, Person

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]

# Free text a spreadsheet or a CSV reader could trip on; every one goes through both paths.
AWKWARD_TEXT = [
    '=HYPERLINK("http://x")',
    "+cmd",
    "-",
    "-2+3",
    "@SUM(A1)",
    "\tTab",
    "\rCR",
    "a,b",
    'comillas "dobles"',
    "línea\nnueva",
    "retorno\r\nWindows",
    "Ñandú José-Émile",
    "ctl\x07x",
    "\x01=1",
    "é\x85",
    "+123\nfoo",
    "+١٢٣",
    "-99.82",
    "+50255551234",
    "  espacios  ",
    "'ya citado",
    "\\.",
    "x\ufffe",
]


def make_awkward(org, other, make_person) -> list[Person]:
    """People of `org` (and two of `other`) whose rows exercise every rule of both paths."""
    people = []
    for i in range(len(AWKWARD_TEXT)):
        people.append(
            make_person(
                org if i % 7 else other,
                given_names=f"P{i}",
                first_surname="S",
                nationality=["GT", "SV", "HN", ""][i % 4],
                phones=[(f"+52 744 123 {4000 + i}", i % 2 == 0)] if i % 3 else [],
                emails=[f"p{i}@example.org"] if i % 4 == 0 else [],
                birth_date=date(1950 + i, 1 + i % 12, 1 + i % 28) if i % 5 else None,
                birth_date_precision=["day", "month", "year", "estimated"][i % 4],
                latitude=[16.85, 16.8500005, -0.0000001, 0.0, -89.9999995, 12.5, None][i % 7],
                longitude=[-99.82, -99.1234565, 179.9999996, -180.0, 0.1, 1e-7, None][i % 7],
                country="MX",
                subdivision="MX-GRO",
                languages=[["es"], ["es", "en"], [], ["ht", "fr", "es"]][i % 4],
                preferred_language="es",
                preferred_channel="sms",
                consents={"crisis_alerts": (i % 2 == 0, "verbal"), "referrals": (True, "verbal")} if i % 3 else {},
            )
        )
    # Values stored before text was cleaned at the door, or that the forms would refuse.
    for person, text in zip(people, AWKWARD_TEXT, strict=True):
        Person.objects.filter(pk=person.pk).update(
            given_names=text, first_surname=text[::-1], municipality=text, source_record_id=text[:100]
        )
    first, second, third = people[1], people[2], people[3]
    Person.objects.filter(pk=first.pk).update(
        languages=["a,b", 'x"y', "=cmd"], birth_date=date(987, 3, 4), birth_date_precision="year"
    )
    Person.objects.filter(pk=second.pk).update(
        languages=Value(None, JSONField()), sex="=1", country="", birth_date=date(987, 3, 4)
    )
    Person.objects.filter(pk=third.pk).update(nationality="", languages=["é\x07"])
    for n, country in enumerate(("SV", "HN", "GT")):
        Nationality.objects.get_or_create(person=first, country=country)
        Nationality.objects.get_or_create(person=third, country=["CU", "HT", "VE"][n])
    ContactPoint.objects.create(person=first, kind="phone", value="+502 5555 1234", whatsapp=True)
    ContactPoint.objects.create(person=first, kind="phone", value="=2+2")
    ContactPoint.objects.create(person=first, kind="email", value="@b@example.org")
    ContactPoint.objects.create(person=second, kind="email", value='dos,"coma"@example.org')
    Document.objects.create(person=first, document_type="passport", number="=P1")
    Document.objects.create(person=first, document_type="consular_id", number="C2")
    Document.objects.create(person=second, document_type="-other", number="\t1")
    Document.objects.create(person=third, document_type="other", number="línea\n2")
    Consent.objects.filter(person=first, purpose="referrals").update(withdrawn_at=datetime(2026, 1, 1, tzinfo=UTC))
    Consent.objects.create(person=second, purpose="sharing_host_authorities", given=False, method="verbal")
    return people


@pytest.fixture
def awkward(shelter, other_org, make_person):
    return make_awkward(shelter, other_org, make_person)


def both(queryset, columns=ALL_COLUMNS, **kwargs) -> tuple[str, str]:
    by_database = "".join(exporting.people_csv(queryset, columns, **kwargs))
    by_python = "".join(exporting.people_csv(queryset, columns, python=True, **kwargs))
    return by_database, by_python


@pytest.mark.parametrize("columns", [ALL_COLUMNS, STANDARD_COLUMNS, ("phone", "latitude", "languages")])
def test_the_database_writes_the_same_bytes_as_python(awkward, columns):
    by_database, by_python = both(Person.objects.all(), columns, bom=True)
    assert by_database == by_python
    rows = list(csv.reader(io.StringIO(by_database.removeprefix("\ufeff"))))
    assert len(rows) == len(AWKWARD_TEXT) + 1 and rows[0] == list(columns)


def test_cells_follow_the_rules(awkward):
    text, _ = both(Person.objects.all())
    rows = {r["source_record_id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows['\'=HYPERLINK("http://x")']["given_names"] == '\'=HYPERLINK("http://x")'
    assert rows["'+123\nfoo"]["municipality"] == "'+123\nfoo"  # not a plain number: a line follows
    assert rows["'+١٢٣"]["given_names"] == "'+١٢٣"  # plain numbers are ASCII digits
    assert rows["-99.82"]["given_names"] == "-99.82" and rows["+50255551234"]["municipality"] == "+50255551234"
    assert rows["ctlx"]["given_names"] == "ctlx" and rows["'=1"]["given_names"] == "'=1"
    assert rows["é"]["given_names"] == "é" and rows["x"]["given_names"] == "x"
    first = rows["'+cmd"]
    assert first["date_of_birth"] == "0987" and first["languages"] == 'a,b x"y =cmd'
    assert first["phone"].startswith("'+52") and first["phone"].endswith(" / +502 5555 1234 / =2+2")
    assert first["document_type"] == "passport" and first["document_number"] == "'=P1"
    assert first["consent_referrals"] == ""  # withdrawn
    assert first["nationality"].split() == ["SV", "HN", "GT"]
    assert rows["'-"]["sex"] == "'=1" and rows["'-"]["consent_sharing"] == "no"
    assert rows["'-"]["document_type"] == "'-other" and rows["'-"]["document_number"] == "'\t1"
    third = rows["'-2+3"]
    assert {"CU", "HT", "VE"} <= set(third["nationality"].split()) and third["languages"] == "é"


def test_positions_only_where_the_user_may_read_them(awkward, shelter, other_org, make_user):
    user = make_user(shelter, "case_worker", username="cw")
    by_database, by_python = both(Person.objects.all(), positions=exact_position_q(user))
    assert by_database == by_python
    theirs = {
        exporting.neutralize(n)
        for n in Person.objects.filter(registering_organization=other_org).values_list("given_names", flat=True)
    }
    rows = list(csv.DictReader(io.StringIO(by_database)))
    assert {r["latitude"] for r in rows if r["given_names"] in theirs} == {""}
    assert "16.850001" in {r["latitude"] for r in rows if r["given_names"] not in theirs}  # 16.8500005


def test_the_page_streams_the_databases_bytes_scoped_and_audited_once(awkward, shelter, other_org, make_user):
    user = make_user(shelter, "case_worker", username="cw")
    client = Client()
    client.force_login(user)
    response = client.get("/registry/people/export.csv")
    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    mine = Person.objects.filter(registering_organization=shelter)
    expected = "".join(exporting.people_csv(mine, positions=exact_position_q(user), bom=True, python=True))
    assert body == expected
    theirs = Person.objects.filter(registering_organization=other_org).values_list("given_names", flat=True)
    assert len(theirs) == 4
    for name in theirs:
        assert exporting.neutralize(name) not in {r["given_names"] for r in csv.DictReader(io.StringIO(body[1:]))}
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_the_command_writes_the_same_file_both_ways(awkward, tmp_path):
    actor = system_principal()
    out = io.StringIO()
    count = exporting.export_people(actor=actor, queryset=Person.objects.all(), output=out, fmt="csv")
    reference = io.StringIO()
    exporting.export_people(actor=actor, queryset=Person.objects.all(), output=reference, fmt="csv", python=True)
    assert count == len(AWKWARD_TEXT) and out.getvalue() == reference.getvalue()


def test_a_stream_stopped_early_leaves_the_connection_usable_and_settings_restored(shelter, monkeypatch):
    monkeypatch.setattr(export_copy, "PIECE", 64)
    Person.objects.bulk_create(Person(registering_organization=shelter, given_names=f"N{i}" * 10) for i in range(200))
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    pieces = exporting.people_csv(Person.objects.all())
    next(pieces)
    next(pieces)
    pieces.close()  # the client went away
    with transaction.atomic():  # a savepoint inside the test's transaction
        Person.objects.create(registering_organization=shelter, given_names="After")
    assert Person.objects.filter(given_names="After").exists()
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == jit


def test_coordinates_and_timestamps_are_formatted_as_python_does():
    rng = random.Random(19)
    values = [0.0, -0.0, 1e-7, -1e-7, 5e-7, 0.5, -180.0, 90.0, 16.8500005, 2.0000005, 1.0000015]
    values += [round(rng.uniform(-180, 180), rng.choice((4, 6, 7, 8, 12))) for _ in range(3000)]
    values += [rng.uniform(-90, 90) for _ in range(1000)]
    with connection.cursor() as cursor:
        cursor.execute("SET extra_float_digits = 1")
        sql = export_copy.coordinate("v::text", "v")
        cursor.execute(f"SELECT {sql} FROM unnest(%s::float8[]) AS t(v)", [values])
        written = [r[0] for r in cursor.fetchall()]
    assert written == [f"{v:.6f}" for v in values]
    assert all(math.isfinite(v) for v in values)
    moments = [
        datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=UTC),
        datetime(2026, 5, 1, 12, 30, 15, tzinfo=UTC),
        datetime(2026, 5, 1, 12, 30, 15, 100, tzinfo=UTC),
        datetime(2026, 5, 1, 12, 30, 15, 120000, tzinfo=UTC),
        datetime(987, 1, 2, 3, 4, 5, tzinfo=UTC),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'America/Mexico_City'")  # the text is UTC whatever the session's zone
        sql = export_copy.iso(export_copy.iso_raw("v"))
        cursor.execute(f"SELECT {sql} FROM unnest(%s::timestamptz[]) AS t(v)", [moments])
        written = [r[0] for r in cursor.fetchall()]
        cursor.execute("SET TIME ZONE 'UTC'")
    assert written == [m.isoformat() for m in moments]
