"""Reading CSV and XLSX files as they come from the field.

CSV: UTF-8 with or without BOM, else Windows-1252 (a superset of Latin-1's printable range; bytes
Windows-1252 leaves undefined fall back to Latin-1); comma, semicolon or tab separated (guessed
from the header line). XLSX: the first sheet, read-only (streamed). The first non-empty row holds
the headers. Rows are numbered as a spreadsheet shows them (the header is row 1), so a rejected
row can be found in the file.

Limits (settings IMPORT_*; docs/operators.md), so a file cannot exhaust the machine: rows, columns
and the length of a CSV line are bounded while reading; an XLSX is a zip archive whose parts'
uncompressed sizes are checked from its directory before openpyxl opens it (a 390 KB archive can
hold gigabytes of shared strings, which openpyxl keeps in memory even in read-only mode).
Duplicate column headers are refused: two columns with one name cannot be told apart.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

MAX_LINE = 1 << 20  # characters in one CSV line (and one field)
csv.field_size_limit(MAX_LINE)


class UnreadableFile(Exception):
    """The file itself cannot be read (missing, not CSV/XLSX, no header row)."""


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[object]]]  # (row number, cells)
    encoding: str = ""
    delimiter: str = ""
    close: callable = lambda: None  # noqa: E731


def open_table(path: str | Path) -> Table:
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile(_("File not found: %(path)s") % {"path": path})
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04"):
        check_xlsx_archive(path)
        return _checked(_open_xlsx(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise UnreadableFile(_("%(name)s is not a valid XLSX file") % {"name": path.name})
    if path.suffix.lower() == ".xls" or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(_("Old Excel (.xls) files are not read: save the sheet as XLSX or CSV"))
    return _checked(_open_csv(path))


def _checked(table: Table) -> Table:
    """Refuse a header row that is too wide or names a column twice."""
    named = [h for h in table.headers if h]
    width = max((i + 1 for i, h in enumerate(table.headers) if h), default=0)
    if width > settings.IMPORT_MAX_COLUMNS:
        table.close()
        raise UnreadableFile(_("The file has more than %(limit)d columns.") % {"limit": settings.IMPORT_MAX_COLUMNS})
    seen: dict[str, str] = {}
    repeated: list[str] = []
    for header in named:
        key = " ".join(header.split()).casefold()
        if key in seen and seen[key] not in repeated:
            repeated.append(seen[key])
        seen.setdefault(key, header)
    if repeated:
        table.close()
        raise UnreadableFile(
            _(
                "These column headers appear more than once: %(names)s. Rename or remove the copies so each column has its own name."
            )
            % {"names": ", ".join(f"“{name}”" for name in repeated)}
        )
    return table


def check_xlsx_archive(path: Path) -> None:
    """Bound an XLSX before it is opened, from the sizes its zip directory declares (Python's
    zipfile never inflates a part past its declared size, so the check cannot be lied to)."""
    mb = 1024 * 1024
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFile(
            _("%(name)s is not a valid XLSX file: %(error)s") % {"name": path.name, "error": exc}
        ) from exc
    if len(parts) > 10_000:
        raise UnreadableFile(_("%(name)s is not a valid XLSX file: too many parts") % {"name": path.name})
    sheets = sum(p.file_size for p in parts if p.filename.startswith("xl/worksheets/"))
    if sheets > settings.IMPORT_XLSX_MAX_SHEET_MB * mb:
        raise UnreadableFile(
            _(
                "%(name)s holds %(size)d MB of sheets once uncompressed, more than the %(limit)d MB allowed: "
                "split it, or save it as CSV."
            )
            % {"name": path.name, "size": sheets // mb, "limit": settings.IMPORT_XLSX_MAX_SHEET_MB}
        )
    for part in parts:
        if not part.filename.startswith("xl/worksheets/") and part.file_size > settings.IMPORT_XLSX_MAX_PART_MB * mb:
            raise UnreadableFile(
                _(
                    "%(name)s holds %(size)d MB in %(part)s once uncompressed, more than the %(limit)d MB allowed: "
                    "save it as CSV."
                )
                % {
                    "name": path.name,
                    "size": part.file_size // mb,
                    "part": part.filename,
                    "limit": settings.IMPORT_XLSX_MAX_PART_MB,
                }
            )


def _too_many_rows(name: str) -> UnreadableFile:
    return UnreadableFile(
        _("%(name)s has more than %(limit)d rows: split it into smaller files.")
        % {"name": name, "limit": settings.IMPORT_MAX_ROWS}
    )


def _bounded_lines(handle, name: str):
    """The file's lines for the CSV reader, refusing one longer than MAX_LINE characters (a line
    of a million separators would otherwise become a list of a million cells)."""
    number = 1  # the header line was read already
    while True:
        line = handle.readline(MAX_LINE + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE:
            raise UnreadableFile(
                _("%(name)s cannot be read near row %(row)d: a line longer than %(limit)d characters")
                % {"name": name, "row": number, "limit": MAX_LINE}
            )
        yield line


def detect_encoding(path: Path) -> str:
    """'utf-8-sig' when the whole file is valid UTF-8 (BOM or not), else 'cp1252' or 'latin-1'."""
    with open(path, "rb") as handle:
        if handle.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            return "cp1252"
        except UnicodeDecodeError:
            return "latin-1"


def _open_csv(path: Path) -> Table:
    encoding = detect_encoding(path)
    handle = open(path, encoding=encoding, newline="")  # noqa: SIM115 (closed by Table.close)
    first = ""
    while True:
        line = handle.readline(MAX_LINE + 1)
        if not line:
            handle.close()
            raise UnreadableFile(_("%(name)s is empty: no header row") % {"name": path.name})
        if len(line) > MAX_LINE:
            handle.close()
            raise UnreadableFile(
                _("%(name)s cannot be read near row %(row)d: a line longer than %(limit)d characters")
                % {"name": path.name, "row": 1, "limit": MAX_LINE}
            )
        if line.strip():
            first = line
            break
    delimiter = max((";", ",", "\t", "|"), key=lambda d: _count_outside_quotes(first, d))
    if _count_outside_quotes(first, delimiter) == 0:
        delimiter = ","
    header_rows = list(csv.reader(io.StringIO(first), delimiter=delimiter))
    headers = [h.strip() for h in header_rows[0]] if header_rows else []
    if not any(headers):
        handle.close()
        raise UnreadableFile(_("%(name)s has no header row") % {"name": path.name})
    reader = csv.reader(_bounded_lines(handle, path.name), delimiter=delimiter)
    limit = settings.IMPORT_MAX_ROWS + 1

    def rows():
        number = 1
        try:
            for cells in reader:
                number += 1
                if number > limit:
                    raise _too_many_rows(path.name)
                if any(c.strip() for c in cells):
                    yield number, cells
        except csv.Error as exc:
            raise UnreadableFile(
                _("%(name)s cannot be read near row %(row)d: %(error)s")
                % {
                    "name": path.name,
                    "row": number,
                    "error": exc,
                }
            ) from exc
        finally:
            handle.close()

    return Table(headers=headers, rows=rows(), encoding=encoding, delimiter=delimiter, close=handle.close)


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count


def _open_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken archive
        raise UnreadableFile(
            _("%(name)s is not a valid XLSX file: %(error)s") % {"name": path.name, "error": exc}
        ) from exc
    sheet = workbook.worksheets[0]
    # max_col bounds every row's width whatever the sheet's declared dimension says.
    iterator = sheet.iter_rows(values_only=True, max_col=settings.IMPORT_MAX_COLUMNS + 1)
    number = 0
    headers: list[str] = []
    for values in iterator:
        number += 1
        if any(v not in (None, "") for v in values):
            headers = [str(v).strip() if v is not None else "" for v in values]
            break
    if not headers:
        workbook.close()
        raise UnreadableFile(_("%(name)s is empty: no header row") % {"name": path.name})
    while headers and not headers[-1]:
        headers.pop()  # the padding up to the sheet's width
    start = number
    limit = settings.IMPORT_MAX_ROWS + start

    def rows():
        n = start
        try:
            for values in iterator:
                n += 1
                if n > limit:
                    raise _too_many_rows(path.name)
                if any(v not in (None, "") for v in values):
                    yield n, list(values)
        finally:
            workbook.close()

    return Table(headers=headers, rows=rows(), encoding="xlsx", delimiter="", close=workbook.close)


def count_rows(path: str | Path) -> int | None:
    """Data rows in a CSV (lines minus the header; quoted newlines make it an estimate), for a
    progress bar. None for XLSX (the sheet's dimension is not always recorded)."""
    path = Path(path)
    with open(path, "rb") as handle:
        if handle.read(4) == b"PK\x03\x04":
            return None
        handle.seek(0)
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    return max(0, lines - 1)
