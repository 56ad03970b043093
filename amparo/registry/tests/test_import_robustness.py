"""Imports never crash, never half-import and never exhaust the machine: a file imports all its
valid rows (every bad row reported) or nothing with the reason; control characters are removed
and flagged; duplicate headers, too many rows or columns and XLSX decompression bombs are refused
before anything is read into memory."""

import csv
import io
import tracemalloc
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from amparo.accounts.policy import system_principal
from amparo.registry.importing import engine, files
from amparo.registry.importing.engine import import_people
from amparo.registry.importing.files import UnreadableFile, open_table
from amparo.registry.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(org, path, **kwargs):
    return import_people(actor=system_principal("test"), organization=org, path=path, **kwargs)


def write_csv(path, rows, header="given_names,first_surname,source_record_id"):
    path.write_text(header + "\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def test_a_read_error_after_many_rows_imports_nothing_and_says_why(shelter, tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_LINE", 200)
    rows = [f"Rosa{i},Díaz,R-{i}" for i in range(7)] + ["Ana," + "x" * 300 + ",R-99", "Luis,Pérez,R-100"]
    path = write_csv(tmp_path / "broken.csv", rows)
    with pytest.raises(UnreadableFile, match="near row 9") as raised:
        run(shelter, path, batch_size=2)  # three batches were written before the bad line
    assert Person.objects.count() == 0
    assert raised.value.import_result.rows == 7 and raised.value.import_result.imported == 0


def test_any_error_while_writing_imports_nothing(shelter, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "people.csv", [f"Rosa{i},Díaz,R-{i}" for i in range(6)])
    calls = []
    original = engine._Writer._create

    def failing_create(self, rows, now):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, rows, now)

    monkeypatch.setattr(engine._Writer, "_create", failing_create)
    with pytest.raises(RuntimeError):
        run(shelter, path, batch_size=2)
    assert Person.objects.count() == 0


def test_control_characters_are_removed_and_flagged(shelter, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_text("given_names,first_surname\nRo\x00sa,D\x0bíaz\x1f\nAna,Ruiz\n", encoding="utf-8")
    result = run(shelter, path, report_path=tmp_path / "report.csv")
    assert result.imported == 2 and result.rejected == 0 and result.warnings == 2
    rosa = Person.objects.get(first_surname="Díaz")
    assert rosa.given_names == "Rosa"
    with open(tmp_path / "report.csv", encoding="utf-8-sig") as handle:
        report = list(csv.DictReader(handle))
    assert {(r["column"], r["outcome"]) for r in report} == {("given_names", "warning"), ("first_surname", "warning")}
    assert any("U+0000" in r["reason"] for r in report)


def test_duplicate_headers_are_refused_with_their_names(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("Nombre,Apellido,Teléfono, apellido ,Teléfono\nRosa,Díaz,1,2,3\n", encoding="utf-8")
    with pytest.raises(UnreadableFile) as raised:
        open_table(path)
    assert "“Apellido”" in str(raised.value) and "“Teléfono”" in str(raised.value)


def test_too_many_rows_imports_nothing(shelter, tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 3
    path = write_csv(tmp_path / "long.csv", [f"Rosa{i},Díaz,R-{i}" for i in range(5)])
    with pytest.raises(UnreadableFile, match="more than 3 rows"):
        run(shelter, path, batch_size=1)
    assert Person.objects.count() == 0


def test_too_many_columns_are_refused(tmp_path, settings):
    settings.IMPORT_MAX_COLUMNS = 3
    path = tmp_path / "wide.csv"
    path.write_text("a,b,c,d\n1,2,3,4\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="more than 3 columns"):
        open_table(path)


def _xlsx_with(path, parts: dict[str, bytes]):
    """An XLSX made by openpyxl, with some parts replaced (as an attacker would)."""
    workbook = Workbook()
    workbook.active.append(["given_names", "first_surname"])
    workbook.active.append(["Rosa", "Díaz"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, parts.pop(item.filename, source.read(item.filename)))
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def test_an_xlsx_decompression_bomb_is_refused_before_it_is_read(tmp_path):
    strings = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    strings += b"<si><t>a</t></si>" * 2_500_000 + b"</sst>"  # ~42 MB of shared strings
    path = _xlsx_with(tmp_path / "bomb.xlsx", {"xl/sharedStrings.xml": strings})
    del strings
    assert path.stat().st_size < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFile, match="xl/sharedStrings.xml"):
            open_table(path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000


def test_an_xlsx_whose_sheets_are_too_large_is_refused(tmp_path, settings):
    settings.IMPORT_XLSX_MAX_SHEET_MB = 1
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (i, i) for i in range(1, 30_000)
    )
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + rows + b"</sheetData></worksheet>"
    )
    path = _xlsx_with(tmp_path / "big.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(UnreadableFile, match="MB of sheets"):
        open_table(path)


def test_a_sheet_that_claims_every_column_reads_only_the_allowed_width(tmp_path, settings):
    settings.IMPORT_MAX_COLUMNS = 5
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:XFD1048576"/><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>given_names</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>Rosa</t></is></c>'
        b'<c r="XFD2" t="inlineStr"><is><t>far away</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    path = _xlsx_with(tmp_path / "wide.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    table = open_table(path)
    try:
        assert table.headers == ["given_names"]
        number, cells = next(table.rows)
        assert number == 2 and cells[0] == "Rosa" and len(cells) <= 6
    finally:
        table.close()


def test_the_report_is_readable_by_its_owner_only(shelter, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("given_names,date_of_birth\nRosa,not a date\n", encoding="utf-8")
    result = run(shelter, path, report_path=tmp_path / "report.csv")
    assert result.rejected == 1
    assert (tmp_path / "report.csv").stat().st_mode & 0o777 == 0o600
