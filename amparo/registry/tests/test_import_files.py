"""Importing field files: Latin-1 semicolon files with Spanish headers and broken rows, UTF-8 with
BOM and English headers, XLSX; re-import updates; dry run; rejected-rows report; CLI contract."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from amparo.accounts.models import AuditEvent
from amparo.accounts.policy import system_principal
from amparo.registry.importing.engine import MappingError, import_people
from amparo.registry.models import Consent, ContactPoint, Document, LocationHistory, Person

pytestmark = pytest.mark.django_db


def run(shelter, path, **kwargs):
    return import_people(actor=system_principal("test"), organization=shelter, path=path, **kwargs)


def test_latin1_semicolon_file_with_spanish_headers_imports_valid_rows_and_reports_broken_ones(
    shelter, latin1_file, latin1_expected_report, tmp_path
):
    with translation.override("en"):
        result = run(shelter, latin1_file, report_path=tmp_path / "rejected.csv")

    assert (result.imported, result.updated, result.rejected) == (5, 0, 4)
    assert result.summary == "imported 5, updated 0, rejected 4"
    assert result.ignored_headers == ["Observaciones"]
    maria = Person.objects.get(source_record_id="A-001")
    assert (maria.given_names, maria.first_surname, maria.second_surname) == ("María José", "López", "García")
    assert maria.sex == "female"  # the column holds H, so M is "mujer"
    assert maria.birth_date.isoformat() == "1990-05-17"
    assert maria.nationality == "GT"
    assert (maria.country, maria.subdivision, maria.municipality) == ("MX", "MX-GRO", "Acapulco")
    assert (maria.latitude, maria.longitude) == (16.8531, -99.8237)
    assert maria.languages == ["es", "quc"] and maria.preferred_language == "es"
    assert maria.preferred_channel == "whatsapp"
    assert Person.objects.get(source_record_id="A-002").sex == "male"
    assert Person.objects.get(source_record_id="A-005").birth_date_precision == "year"
    consents = {c.purpose: c.given for c in Consent.objects.filter(person=maria)}
    assert consents == {"crisis_alerts": True, "sharing_host_authorities": False}
    assert Document.objects.get(person=maria).document_type == "national_id"
    assert LocationHistory.objects.filter(person=maria, source="import").count() == 1

    with open(tmp_path / "rejected.csv", encoding="utf-8-sig") as handle:
        report = list(csv.DictReader(handle))
    rejected = {(r["row"], r["column"]) for r in report if r["outcome"] == "rejected"}
    assert rejected == {
        ("4", "date_of_birth"),
        ("5", "given_names"),
        ("7", "nationality"),
        ("9", "latitude"),
        ("9", "consent_alerts"),
    }
    assert all(r["reason"] for r in report)
    assert (tmp_path / "rejected.csv").read_bytes() == latin1_expected_report.read_bytes()


def test_the_report_is_written_next_to_the_file_by_default_in_the_active_language(shelter, latin1_file):
    with translation.override("es"):
        result = run(shelter, latin1_file)

    assert result.report_path == latin1_file.with_name("latin1_semicolon_es.rejected.csv")
    with open(result.report_path, encoding="utf-8-sig") as handle:
        reasons = {r["column"]: r["reason"] for r in csv.DictReader(handle) if r["outcome"] == "rejected"}
    assert reasons["given_names"] == "los nombres son obligatorios"


def test_phones_are_parsed_with_location_then_nationality_then_organization_country(shelter, latin1_file):
    run(shelter, latin1_file)
    # "5555 1234" is no Mexican number (the location) but a Guatemalan one (the nationality).
    assert ContactPoint.objects.get(person__source_record_id="A-001", kind="phone").value == "+50255551234"
    assert ContactPoint.objects.get(person__source_record_id="A-002", kind="phone").value == "+50498765432"
    # Written with its country code but without "+".
    assert ContactPoint.objects.get(person__source_record_id="A-009", kind="phone").value == "+50244556677"
    assert ContactPoint.objects.get(person__source_record_id="A-001", kind="phone").whatsapp


def test_an_unparseable_phone_is_kept_as_written_and_flagged_not_rejected(shelter, latin1_file):
    result = run(shelter, latin1_file)
    phone = ContactPoint.objects.get(person__source_record_id="A-007", kind="phone")
    assert (phone.value, phone.is_valid) == ("no tiene", False)
    assert result.warnings == 3


def test_reimporting_the_same_file_updates_the_same_people(shelter, latin1_file):
    run(shelter, latin1_file)
    ids = set(Person.objects.values_list("pk", flat=True))
    counts = (ContactPoint.objects.count(), Consent.objects.count(), Document.objects.count())

    again = run(shelter, latin1_file)

    assert (again.imported, again.updated, again.rejected) == (0, 5, 4)
    assert set(Person.objects.values_list("pk", flat=True)) == ids
    assert (ContactPoint.objects.count(), Consent.objects.count(), Document.objects.count()) == counts


def test_reimport_applies_changes_and_keeps_what_blank_cells_do_not_say(shelter, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text("id,given names,surname,phone,nationality,consent_alerts\nX1,Ana,Pérez,+50255550000,GT,yes\n")
    run(shelter, first)
    second = tmp_path / "second.csv"
    second.write_text("id,given names,surname,phone,nationality,consent_alerts\nX1,Ana Lucía,,+50255551111,,no\n")
    run(shelter, second)
    ana = Person.objects.get(source_record_id="X1")
    assert (ana.given_names, ana.first_surname, ana.nationality) == ("Ana Lucía", "Pérez", "GT")
    assert set(ana.contacts.values_list("value", flat=True)) == {"+50255550000", "+50255551111"}
    assert Consent.objects.active("crisis_alerts").filter(person=ana).count() == 0
    assert Consent.objects.filter(person=ana, purpose="crisis_alerts", withdrawn_at__isnull=True).get().given is False
    from amparo.registry.queries import PersonFilters, search_people

    assert list(search_people(system_principal(), PersonFilters(q="lucia perez"))) == [ana]


def test_dry_run_reports_and_writes_nothing(shelter, latin1_file, tmp_path):
    result = run(shelter, latin1_file, dry_run=True, report_path=tmp_path / "r.csv")
    assert (result.imported, result.rejected) == (5, 4)
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="import").exists()
    assert (tmp_path / "r.csv").exists()


def test_utf8_bom_comma_file_with_english_headers_and_f_m_codes(shelter, tmp_path):
    path = tmp_path / "english.csv"
    path.write_bytes(
        "\ufeffSource ID,First name,Last name,Sex,Date of birth,Nationality,Phone\n"
        "E1,Marie,Joseph,F,1991-04-02,Haitian,3456-7890\n"
        "E2,Jean,Pierre,M,02/04/1990,HTI,\n".encode()
    )
    result = run(shelter, path)
    assert result.summary == "imported 2, updated 0, rejected 0"
    assert Person.objects.get(source_record_id="E1").sex == "female"
    assert Person.objects.get(source_record_id="E2").sex == "male"  # no H in the column: M is male
    assert Person.objects.get(source_record_id="E2").nationality == "HT"
    # No location; the nationality (HT) reads the number.
    assert ContactPoint.objects.get(person__source_record_id="E1").value == "+50934567890"


def test_year_first_dates_and_apostrophe_phones_as_other_systems_write_them(shelter, tmp_path):
    """Files from other systems (bench/matching/generate_varied.py writes them this way): year-first
    dates with slashes or dots and ISO's basic form are read; an eight-digit day-first date is
    refused, not guessed; a spreadsheet's leading apostrophe is not part of a phone number."""
    path = tmp_path / "other-system.csv"
    path.write_text(
        "source_record_id,given_names,first_surname,date_of_birth,nationality,phone\n"
        "Y1,Rosa,Díaz,1953/01/29,GT,'+502 5555 1234\n"
        "Y2,Ana,Pérez,19980105,GT,'+52 55 1234 5678 / '5555 4321\n"
        "Y3,Luis,Ruiz,1990.5.7,GT,\n"
        "Y4,Juan,Soto,17051990,GT,\n"  # 17 May 1990 written day first without separators
        "Y5,Iris,Mejía,1990/13/01,GT,\n",  # year first, then no month 13: refused
        encoding="utf-8",
    )
    with translation.override("en"):
        result = run(shelter, path, report_path=tmp_path / "rejected.csv")
    assert (result.imported, result.rejected, result.warnings) == (3, 2, 0)
    born = dict(Person.objects.values_list("source_record_id", "birth_date"))
    assert {k: v.isoformat() for k, v in born.items()} == {"Y1": "1953-01-29", "Y2": "1998-01-05", "Y3": "1990-05-07"}
    phones = ContactPoint.objects.filter(kind="phone").order_by("person__source_record_id", "pk")
    assert [(p.value, p.raw_value, p.is_valid) for p in phones] == [
        ("+50255551234", "+502 5555 1234", True),
        ("+525512345678", "+52 55 1234 5678", True),
        ("+50255554321", "5555 4321", True),
    ]
    report = list(csv.DictReader((tmp_path / "rejected.csv").open(encoding="utf-8-sig")))
    assert {(r["row"], r["column"]) for r in report} == {("5", "date_of_birth"), ("6", "date_of_birth")}


def test_numbered_subdivision_codes_are_read_with_or_without_a_leading_zero():
    from amparo.registry.importing.vocabulary import subdivision_code

    assert subdivision_code("PA-06", "PA") == "PA-6"  # ISO writes Panamá's provinces unpadded
    assert subdivision_code("gt-1", "") == "GT-01"  # and Guatemala's departments padded
    assert subdivision_code("MX-13", "MX") is None  # Mexico's are letters: a number is not guessed


def test_xlsx_file_with_dates_and_numbers_as_cells(shelter, tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["Nombre(s)", "Primer apellido", "Fecha de nacimiento", "Nacionalidad", "Celular", "Latitud", "Longitud"]
    )
    sheet.append(["Óscar", "Mejía", datetime(1988, 7, 9), "salvadoreño", 50377778888, 17.0654, -96.7237])
    sheet.append(["Iris", "Cruz", "no sé", "SV", None, None, None])
    path = tmp_path / "people.xlsx"
    workbook.save(path)

    result = run(shelter, path)

    assert (result.imported, result.rejected) == (1, 1)
    oscar = Person.objects.get(given_names="Óscar")
    assert oscar.birth_date.isoformat() == "1988-07-09" and oscar.nationality == "SV"
    assert oscar.contacts.get().value == "+50377778888"
    assert (oscar.latitude, oscar.longitude) == (17.0654, -96.7237)
    assert result.problems[0].row == 3 and result.problems[0].column == "date_of_birth"


def test_map_option_covers_unknown_headers_and_rejects_unknown_fields(shelter, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Nombre de pila,Ape,Comentario\nRosa,Díaz,hola\n", encoding="utf-8")
    result = run(shelter, path, mapping={"Nombre de pila": "given_names", "Ape": "first_surname"})
    assert result.imported == 1 and Person.objects.get().first_surname == "Díaz"
    with pytest.raises(MappingError):
        run(shelter, path, mapping={"Nombre de pila": "nickname"})
    with pytest.raises(MappingError):
        run(shelter, path, mapping={"No such header": "given_names"})


def test_the_same_source_id_twice_in_a_file_is_rejected_the_second_time(shelter, tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("id,nombres\nD1,Ana\nD1,Ana María\n", encoding="utf-8")
    result = run(shelter, path)
    assert (result.imported, result.rejected) == (1, 1)
    assert result.problems[0].row == 3


def test_command_prints_summary_and_report_path(shelter, latin1_file, tmp_path):
    out = StringIO()
    call_command(
        "import_people", str(latin1_file), "--org", shelter.slug, "--report", str(tmp_path / "r.csv"), stdout=out
    )
    text = out.getvalue()
    assert "imported 5, updated 0, rejected 4" in text
    assert str(tmp_path / "r.csv") in text
    event = AuditEvent.objects.get(action="import")
    assert event.actor_label == "cli:import-people" and event.extra["imported"] == 5


def test_command_fails_only_when_the_file_cannot_be_read(shelter, tmp_path):
    with pytest.raises(CommandError, match="not found|no encontrado"):
        call_command("import_people", str(tmp_path / "missing.csv"), "--org", shelter.slug)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CommandError, match="XLSX"):
        call_command("import_people", str(broken), "--org", shelter.slug)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CommandError):
        call_command("import_people", str(empty), "--org", shelter.slug)


def test_command_as_a_user_of_another_organization_is_refused(shelter, outsider, latin1_file):
    with pytest.raises(CommandError):
        call_command("import_people", str(latin1_file), "--org", shelter.slug, "--as", outsider.username)
    assert not Person.objects.exists()
