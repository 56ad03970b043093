"""Export: the standard columns, only what the actor may see, audited, formula injection neutralised."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from amparo.accounts.models import AuditEvent
from amparo.registry.columns import STANDARD_COLUMNS
from amparo.registry.exporting import neutralize

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(shelter, other_org, make_person):
    make_person(
        shelter, given_names='=HYPERLINK("http://evil")', first_surname="+cmd", municipality="@SUM(A1)", country="MX"
    )
    make_person(shelter, given_names="Ana", first_surname="Pérez", latitude=16.85, longitude=-99.82, country="MX")
    make_person(other_org, given_names="Secreta", first_surname="Otra")


def read_csv(path):
    with open(path, encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("-99.82", "-99.82"),
        ("+50255551234", "+50255551234"),
        ("Ana", "Ana"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_neutralised(value, safe):
    assert neutralize(value) == safe


def test_csv_export_writes_standard_columns_neutralised(people, tmp_path):
    path = tmp_path / "people.csv"
    call_command("export_people", "--output", str(path), stdout=StringIO())
    rows = read_csv(path)
    assert list(rows[0].keys())[: len(STANDARD_COLUMNS)] == list(STANDARD_COLUMNS)
    evil = next(r for r in rows if "HYPERLINK" in r["given_names"])
    assert evil["given_names"].startswith("'=") and evil["first_surname"] == "'+cmd"
    assert evil["municipality"] == "'@SUM(A1)"
    ana = next(r for r in rows if r["given_names"] == "Ana")
    assert ana["longitude"] == "-99.820000"


def test_xlsx_export_holds_no_formula(people, tmp_path):
    path = tmp_path / "people.xlsx"
    call_command("export_people", "--output", str(path), stdout=StringIO())
    sheet = load_workbook(path).active
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value]
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "@")) for v in values)
    assert sheet.cell(1, 1).value == "source_record_id"


def test_export_as_a_user_contains_only_what_they_may_see_and_is_audited(people, shelter_user, tmp_path):
    path = tmp_path / "mine.csv"
    call_command("export_people", "--output", str(path), "--as", shelter_user.username, stdout=StringIO())
    assert {r["given_names"] for r in read_csv(path)} == {'=HYPERLINK("http://evil")'.replace("=", "'=", 1), "Ana"}
    event = AuditEvent.objects.get(action="export")
    assert event.actor == shelter_user and event.extra["count"] == 2


def test_export_by_organization_and_bad_format(people, shelter, tmp_path):
    path = tmp_path / "org.csv"
    call_command("export_people", "--org", shelter.slug, "--output", str(path), stdout=StringIO())
    assert len(read_csv(path)) == 2
    with pytest.raises(CommandError, match="csv"):
        call_command("export_people", "--output", str(tmp_path / "x.pdf"))


def test_export_then_import_round_trips(people, shelter, other_org, tmp_path):
    from amparo.accounts.policy import system_principal
    from amparo.registry.importing.engine import import_people
    from amparo.registry.models import Person

    path = tmp_path / "round.csv"
    call_command("export_people", "--org", shelter.slug, "--output", str(path), stdout=StringIO())
    result = import_people(actor=system_principal(), organization=other_org, path=path)
    assert (result.imported, result.rejected) == (2, 0)
    assert Person.objects.filter(registering_organization=other_org, given_names__startswith="=HYPER").exists()
