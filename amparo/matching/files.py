"""Reading a people file (CSV/XLSX with the registry import columns) for `amparo dedupe --input`.

Uses the registry's reader (`amparo.registry.importing.files.open_table` and
`amparo.registry.columns.column_for_header`: encodings, delimiters, Spanish and English headers)
when it is installed, and a plain reader of the standard columns otherwise. Every row becomes a
record: a value that does not parse (a bad date, "1988", a local phone) is matched on what is
usable or left out of the comparison, never a reason to drop the row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from amparo.matching import features as feat
from amparo.matching.normalize import fold

STANDARD_COLUMNS = (
    "source_record_id",
    "given_names",
    "first_surname",
    "second_surname",
    "sex",
    "date_of_birth",
    "nationality",
    "phone",
    "email",
    "document_type",
    "document_number",
    "latitude",
    "longitude",
    "country",
    "subdivision",
    "municipality",
    "preferred_language",
)

_FALLBACK_ALIASES = {
    "id": "source_record_id",
    "nombres": "given_names",
    "nombre": "given_names",
    "apellido paterno": "first_surname",
    "primer apellido": "first_surname",
    "apellido materno": "second_surname",
    "segundo apellido": "second_surname",
    "sexo": "sex",
    "fecha de nacimiento": "date_of_birth",
    "birth date": "date_of_birth",
    "nacionalidad": "nationality",
    "telefono": "phone",
    "correo": "email",
    "documento": "document_number",
    "municipio": "municipality",
    "pais": "country",
}


class UnreadableInput(Exception):
    """The file itself cannot be read."""


@dataclass
class InputRow:
    number: int  # row number in the file (header = 1)
    source_record_id: str
    cells: dict[str, str]


def _column_for(header: str) -> str | None:
    try:
        from amparo.registry.columns import column_for_header
    except ImportError:
        folded = fold(header).replace(" ", "_")
        if folded in STANDARD_COLUMNS:
            return folded
        return _FALLBACK_ALIASES.get(fold(header))
    return column_for_header(header)


def _open(path: Path) -> tuple[list[str], Iterator[tuple[int, list]]]:
    try:
        from amparo.registry.importing.files import UnreadableFile, open_table
    except ImportError:
        return _open_csv_fallback(path)
    try:
        table = open_table(path)
    except UnreadableFile as exc:
        raise UnreadableInput(str(exc)) from exc
    return table.headers, table.rows


def _open_csv_fallback(path: Path) -> tuple[list[str], Iterator[tuple[int, list]]]:
    if not path.is_file():
        raise UnreadableInput(f"File not found: {path}")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise UnreadableInput(f"{path.name} is empty: no header row")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    headers = [h.strip() for h in next(reader)]

    def rows():
        for number, cells in enumerate(reader, start=2):
            if any(str(c).strip() for c in cells):
                yield number, cells

    return headers, rows()


def read_rows(path: str | Path) -> list[InputRow]:
    headers, rows = _open(Path(path))
    columns = [_column_for(h) for h in headers]
    if "given_names" not in columns and "first_surname" not in columns:
        raise UnreadableInput(
            f"{Path(path).name}: no name column found (expected given_names or first_surname, got {', '.join(headers)})"
        )
    out = []
    for number, cells in rows:
        record: dict[str, str] = {}
        for column, value in zip(columns, cells, strict=False):
            if column and value is not None and str(value).strip():
                record[column] = str(value).strip()
        source_id = record.get("source_record_id", "") or f"row-{number}"
        out.append(InputRow(number=number, source_record_id=source_id, cells=record))
    return out


def m_means_female(rows: list[InputRow]) -> bool:
    return any(r.cells.get("sex", "").strip().upper() == "H" for r in rows)


def features_of_rows(rows: list[InputRow], *, organization_country: str = "") -> list[feat.Features]:
    """Features of every row (a plain loop: handing Features between processes costs more
    than building them)."""
    return _features(rows, m_means_female(rows), organization_country)


def records_of_rows(rows: list[InputRow], *, organization_country: str = "", workers: int | None = None):
    """Batch records (amparo.matching.batch.Records) of every row, encoded in parallel."""
    from functools import partial

    from amparo.matching import batch

    convert = partial(_features, spanish_sex=m_means_female(rows), organization_country=organization_country)
    return batch.Records.build(rows, convert, workers=workers)


def _features(rows: list[InputRow], spanish_sex: bool, organization_country: str) -> list[feat.Features]:
    out = []
    for row in rows:
        cells = dict(row.cells)
        sex = cells.get("sex", "").strip().upper()
        if spanish_sex and sex == "M":
            cells["sex"] = "female"
        elif spanish_sex and sex == "H":
            cells["sex"] = "male"
        if cells.get("document_number"):
            cells["document_type"] = cells.get("document_type", "")
        out.append(feat.from_data(cells, organization_country=organization_country))
    return out
