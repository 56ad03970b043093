"""Exporting people to CSV and XLSX: only what the user may see, audited, formula injection
neutralised (a cell starting with = + - @, tab or carriage return gets a leading apostrophe, so a
spreadsheet shows it as text instead of running it)."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import connection, connections
from django.db.models import BooleanField, Exists, OuterRef, Q, Value
from django.utils.translation import gettext as _

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.core.text import CONTROL_CHARACTERS, clean_text
from amparo.registry.columns import ALL_COLUMNS, CONSENT_COLUMNS
from amparo.registry.models import Consent, ContactPoint, Document, Nationality, Person

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
# A longitude or an E.164 phone: never a formula. ASCII digits, the whole cell (not "+1" followed by
# a line feed): the rule export_copy writes in SQL.
_PLAIN_NUMBER = re.compile(r"\A[+-]?[0-9]+(\.[0-9]+)?\Z")
CHUNK = 2000
AUDIT_IDS = 1000  # ids listed in an export's audit event (accounts.audit.record_many)


class ExportFormatError(ValueError):
    pass


def neutralize(value) -> str:
    """A cell safe to open in a spreadsheet: no formula, no control character (XLSX refuses them;
    records stored before they were cleaned at the door may still hold some)."""
    text = clean_text("" if value is None else str(value))
    if text.startswith(_DANGEROUS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def export_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ExportFormatError(_("Export to a .csv or .xlsx file, not “%(suffix)s”") % {"suffix": suffix or path})
    return suffix[1:]


# --- Rows at 50,000+ a second (issue 19) ---------------------------------------------------
# An export reads people as rows straight from the database driver (the SQL of a scoped
# `values_list` queryset, through Django's chunked cursor: a server-side cursor on PostgreSQL),
# never as model instances, and fetches what `columns.person_row` reads from other tables
# (contacts, documents, open consents, nationalities) once per batch of CHUNK people into dicts.
# Whether a person's exact position may be written is a column of the same query. Cells are the
# strings `person_row` + `neutralize` give (held equal by a test); code-like values (sex,
# countries, languages, document types, dates) are converted and made safe once per distinct
# value, so the Python work per row is a few dict lookups and one regex test per free-text cell.

PERSON_FIELDS: tuple[str, ...] = (
    "pk",
    "source_record_id",
    "given_names",
    "first_surname",
    "second_surname",
    "sex",
    "birth_date",
    "birth_date_precision",
    "nationality",
    "latitude",
    "longitude",
    "country",
    "subdivision",
    "municipality",
    "preferred_language",
    "preferred_channel",
    "languages",
)
EXACT = len(PERSON_FIELDS)  # the index of the "exact position may be written" column
_UNSAFE = re.compile(r"\A[=+\-@\t\r]|" + CONTROL_CHARACTERS.pattern)
# The same test over a row's free-text cells, each preceded by a NUL: a cell that starts with a
# dangerous character and is not a plain number (an E.164 phone is one), or any other control
# character. A NUL inside a cell shows as one NUL too many (`_row_unsafe`).
_CONTROL_BUT_NUL = CONTROL_CHARACTERS.pattern.replace("\x00-\x08", "\x01-\x08")
assert CONTROL_CHARACTERS.pattern != _CONTROL_BUT_NUL
_UNSAFE_IN_ROW = re.compile(r"\x00(?:[=@\t\r]|[+\-](?![0-9]+(?:\.[0-9]+)?(?:\x00|\Z)))|" + _CONTROL_BUT_NUL)


def _row_unsafe(texts: Sequence[str]) -> bool:
    """Might one of these cells need `neutralize`? (Never a false "no"; rarely a false "yes".)"""
    joined = "\x00" + "\x00".join(texts)
    return _UNSAFE_IN_ROW.search(joined) is not None or joined.count("\x00") != len(texts)


def safe(value: str) -> str:
    """`neutralize(value)` for a string, without its cost when there is nothing to change."""
    return neutralize(value) if _UNSAFE.search(value) else value


def _coordinate(value: float) -> str:
    text = f"{value:.6f}"
    return text if math.isfinite(value) else neutralize(text)


def exact_position(positions: Q | None, outer: str = "pk"):
    """An expression for the EXACT column: may this row's person's position be written?"""
    if positions is None or positions == policy.EVERYTHING:
        return Value(True, output_field=BooleanField())
    return Exists(Person.objects.filter(positions, pk=OuterRef(outer)))


def raw_rows(queryset) -> Iterator[tuple]:
    """The rows of a `values_list` queryset as the driver returns them (no per-value converters:
    dates and JSON may come as text on SQLite), read CHUNK at a time; the cursor is closed when the
    caller stops early (an unfinished cursor on SQLite breaks the connection's next savepoint)."""
    connection = connections[queryset.db]
    sql, params = queryset.query.sql_with_params()
    chunked = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    cursor = connection.chunked_cursor() if chunked else connection.cursor()
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield from rows
    finally:
        cursor.close()


def batches(iterator: Iterator, size: int | None = None) -> Iterator[list]:
    """Lists of up to `size` (CHUNK) items of `iterator`, closed if the caller stops early."""
    size = size or CHUNK
    try:
        while batch := list(islice(iterator, size)):
            yield batch
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


def _by_person(model, columns: Sequence[str], ids: Sequence[int], where: str = "", order: str = "id") -> list[tuple]:
    """(person_id, columns…) of `model`'s rows of these people (and maybe of others: callers look
    rows up by person), ordered by person then `order`. The ids are integers read from the
    database, written into the SQL as numbers: Django's per-value preparation of a 2,000-item IN
    list costs more than the query."""
    if not ids:
        return []
    quote = connection.ops.quote_name
    low, high = min(ids), max(ids)
    if high - low < 2 * len(ids):
        # Dense ids (the registry export reads by primary key): one index range scan; rows of
        # people in the range but not in the batch are never looked up.
        people = f"person_id BETWEEN {int(low)} AND {int(high)}"
    else:
        people = f"person_id IN ({','.join(str(int(i)) for i in ids)})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT person_id, {', '.join(quote(c) for c in columns)} FROM {quote(model._meta.db_table)}"
            f" WHERE {people}{where} ORDER BY person_id, {order}"
        )
        return cursor.fetchall()


class Cache(dict):
    """value → cell, computed once per distinct value; bounded (cleared when full)."""

    def __init__(self, make, limit: int = 100_000):
        super().__init__()
        self.make, self.limit = make, limit

    def __missing__(self, key):
        if len(self) >= self.limit:
            self.clear()
        self[key] = value = self.make(key)
        return value


def _text(value) -> str:
    return "" if value is None else str(value)


def json_words(value) -> str:
    """A JSON list of codes (languages, needs) as the export writes it: words separated by spaces."""
    if isinstance(value, str):
        value = json.loads(value)
    return neutralize(" ".join(value or ()))


def hashable(value):
    return tuple(value) if isinstance(value, list) else value


class PersonCells:
    """Cells of `columns` (a selection of ALL_COLUMNS) for batches of raw rows whose first items
    are PERSON_FIELDS and then the EXACT flag (see `person_values`)."""

    def __init__(self, columns=ALL_COLUMNS):
        unknown = set(columns) - set(ALL_COLUMNS)
        if unknown:
            raise ValueError(f"not a person column: {sorted(unknown)}")
        index = [ALL_COLUMNS.index(c) for c in columns]
        if index == list(range(len(ALL_COLUMNS))):
            self._pick = None
        elif index == list(range(len(index))):  # a prefix (STANDARD_COLUMNS)
            n = len(index)
            self._pick = lambda row: row[:n]
        else:
            self._pick = lambda row: [row[i] for i in index]
        self._codes = Cache(lambda value: neutralize(_text(value)))
        self._births = Cache(_birth_cell)
        self._words = Cache(json_words)
        self._nationalities = Cache(lambda countries: neutralize(" ".join(countries)))

    def rows(self, people: Sequence[Sequence]) -> list:
        """One row of cells per person of the batch, in order."""
        ids = [p[0] for p in people]
        code = self._codes
        # What other tables hold, turned into cells per person once for the batch.
        phones: dict[int, list[str]] = {}
        emails: dict[int, list[str]] = {}
        whatsapp: set[int] = set()
        for person_id, kind, value, on_whatsapp in _by_person(ContactPoint, ("kind", "value", "whatsapp"), ids):
            if kind == "phone":
                phones.setdefault(person_id, []).append(value)
                if on_whatsapp:
                    whatsapp.add(person_id)
            elif kind == "email":
                emails.setdefault(person_id, []).append(value)
        contacts = {
            pk: (
                " / ".join(phones[pk]) if pk in phones else "",
                " / ".join(emails[pk]) if pk in emails else "",
                "yes" if pk in whatsapp else ("no" if pk in phones else ""),
            )
            for pk in phones.keys() | emails.keys()
        }
        documents: dict[int, tuple[str, str]] = {}
        for person_id, kind, number in _by_person(Document, ("document_type", "number"), ids, order="id DESC"):
            documents[person_id] = (code[kind], number)  # the person's first document is read last
        answers: dict[int, dict[str, bool]] = {}
        for person_id, purpose, given in _by_person(Consent, ("purpose", "given"), ids, " AND withdrawn_at IS NULL"):
            answers.setdefault(person_id, {})[purpose] = given
        purposes = tuple(CONSENT_COLUMNS.values())
        consents = {
            pk: tuple("" if (v := given.get(purpose)) is None else ("yes" if v else "no") for purpose in purposes)
            for pk, given in answers.items()
        }
        held: dict[int, list[str]] = {}
        for person_id, country in _by_person(Nationality, ("country",), ids):
            held.setdefault(person_id, []).append(country)
        main_of = {p[0]: p[8] for p in people}
        nationalities = {}
        for pk, countries in held.items():
            if pk not in main_of:
                continue
            main = main_of[pk] or countries[0]
            nationalities[pk] = self._nationalities[(main, *(n for n in countries if n != main))]

        births, words, safe_, unsafe = self._births, self._words, safe, _row_unsafe
        no_contacts, no_document, no_consents = ("", "", ""), ("", ""), ("", "", "")
        pick = self._pick
        out = []
        for p in people:
            pk = p[0]
            phone, email, on_whatsapp = contacts.get(pk, no_contacts)
            document_type, number = documents.get(pk, no_document)
            texts = (p[1], p[2], p[3], p[4], phone, email, number, p[13])
            if unsafe(texts):  # one test for the row's free text; rarely true
                texts = tuple(safe_(t) for t in texts)
            located = p[EXACT]
            latitude, longitude = p[9], p[10]
            alerts, referrals, sharing = consents.get(pk, no_consents)
            row = [
                texts[0],
                texts[1],
                texts[2],
                texts[3],
                code[p[5]],
                births[(p[6], p[7])],
                nationalities.get(pk) or code[p[8]],
                texts[4],
                texts[5],
                document_type,
                texts[6],
                "" if latitude is None or not located else _coordinate(latitude),
                "" if longitude is None or not located else _coordinate(longitude),
                code[p[11]],
                code[p[12]],
                texts[7],
                code[p[14]],
                alerts,
                referrals,
                sharing,
                code[p[15]],
                on_whatsapp,
                words[hashable(p[16])],
            ]
            out.append(row if pick is None else pick(row))
        return out


def _birth_cell(key) -> str:
    birth_date, precision = key
    if birth_date is None:
        return ""
    if isinstance(birth_date, str):  # SQLite gives dates as text
        birth_date = date.fromisoformat(birth_date)
    if precision in ("year", "estimated"):
        return birth_date.isoformat()[:4]  # "0987", as isoformat() and PostgreSQL write a year
    if precision == "month":
        return birth_date.isoformat()[:7]
    return birth_date.isoformat()


def person_values(positions: Q | None, relation: str = "") -> tuple[tuple[str, ...], Any]:
    """The values_list names PersonCells reads and the EXACT column's expression, for a queryset
    of people, or of rows that point to one through `relation` ("person")."""
    if not relation:
        return PERSON_FIELDS, exact_position(positions)
    names = (f"{relation}_id",) + tuple(f"{relation}__{f}" for f in PERSON_FIELDS[1:])
    return names, exact_position(positions, outer=f"{relation}_id")


def iter_batches(queryset, columns=ALL_COLUMNS, *, positions: Q | None = None) -> Iterator[tuple[list[int], list]]:
    """(ids, rows of safe cells) per batch of the people in `queryset`, by primary key."""
    cells = PersonCells(columns)
    names, exact = person_values(positions)
    people = queryset.order_by("pk").annotate(_exact=exact).values_list(*names, "_exact")
    for batch in batches(raw_rows(people)):
        yield [p[0] for p in batch], cells.rows(batch)


def iter_rows(queryset, columns=ALL_COLUMNS, *, positions: Q | None = None):
    """(pk, row of safe cells) of the people in `queryset`, by primary key, in bounded memory.
    `positions`: a Q on Person of those whose exact position may be written (registry.access.
    exact_position_q); the others' latitude and longitude are left empty."""
    for ids, rows in iter_batches(queryset, columns, positions=positions):
        yield from zip(ids, rows, strict=True)


def csv_chunks(header: Sequence[str], row_batches: Iterable[list], *, bom: bool = False) -> Iterator[str]:
    """CSV text, one piece per batch of rows (for a StreamingHttpResponse)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write("\ufeff")
    writer.writerow(header)
    for rows in row_batches:
        writer.writerows(rows)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def people_csv(
    queryset, columns=ALL_COLUMNS, *, positions: Q | None = None, bom: bool = False, python: bool = False, tally=None
) -> Iterator[str]:
    """The CSV of `queryset` (already scoped by the policy) as pieces of text, by primary key. On
    PostgreSQL the database writes the rows (`export_copy`: the same bytes); elsewhere, or with
    `python`, they are built here. `tally` ([0]) receives the number of rows written."""
    from amparo.registry import export_copy

    if python or not export_copy.vendor_copies(queryset.db):
        return csv_chunks(columns, _tallied(iter_batches(queryset, columns, positions=positions), tally), bom=bom)
    inner = queryset.order_by().annotate(_exact=exact_position(positions)).values_list(*PERSON_FIELDS, "_exact")
    sql, params = inner.query.sql_with_params()
    statement = export_copy.copy_statement(sql, inner_names=export_copy.PERSON_NAMES, columns=columns, order=("pid",))
    return export_copy.copy_pieces(queryset.db, statement, params, header=columns, bom=bom, tally=tally)


def _tallied(id_batches, tally):
    for ids, rows in id_batches:
        if tally is not None:
            tally[0] += len(ids)
        yield rows


def write_people(queryset, output, fmt: str, columns=ALL_COLUMNS, *, positions=None, python: bool = False) -> int:
    """Write `queryset` (already scoped by the policy) to `output` (a path or a text stream for
    CSV, a path or a binary stream for XLSX); return the number of people written."""
    if fmt == "csv":
        written = [0]
        close = False
        if isinstance(output, (str, Path)):
            output, close = open(output, "w", encoding="utf-8-sig", newline=""), True  # noqa: SIM115
        try:
            for piece in people_csv(queryset, columns, positions=positions, python=python, tally=written):
                output.write(piece)
        finally:
            if close:
                output.close()
        return written[0]
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("people")
    sheet.append(list(columns))
    written = 0
    for batch_ids, rows in iter_batches(queryset, columns, positions=positions):
        for row in rows:
            sheet.append(list(row))
        written += len(batch_ids)
    workbook.save(output)
    return written


def audit_export(actor, queryset, *, model=Person, id_field: str = "pk", summary: str, request=None, **extra) -> int:
    """The export's audit event, written before its first row leaves: the number of rows and the
    first 1,000 ids in the order written (`queryset` already ordered). Returns the count."""
    first = list(queryset.values_list(id_field, flat=True)[:AUDIT_IDS])
    count = len(first) if len(first) < AUDIT_IDS else queryset.count()
    audit.record_many(
        actor,
        AuditAction.EXPORT,
        model,
        first,
        count=count,
        summary=summary % {"count": count},
        request=request,
        **extra,
    )
    return count


def export_people(*, actor, queryset, output, fmt: str, request=None, organization=None, python: bool = False) -> int:
    """Write the export (to a path or a stream) after its audit event; returns the count."""
    assert queryset.model is Person
    from amparo.registry.access import exact_position_q

    audit_export(
        actor,
        queryset.order_by("pk"),
        summary=f"export {fmt}: %(count)s people",
        request=request,
        format=fmt,
        organization_filter=getattr(organization, "slug", ""),
    )
    return write_people(queryset, output, fmt, positions=exact_position_q(actor), python=python)


def stream_people_csv(*, actor, queryset, request=None, organization=None) -> Iterator[str]:
    """The CSV export as pieces of text for a StreamingHttpResponse. The audit event is written
    now, before the response starts; the rows are read while the response is sent."""
    assert queryset.model is Person
    from amparo.registry.access import exact_position_q

    audit_export(
        actor,
        queryset.order_by("pk"),
        summary="export csv: %(count)s people",
        request=request,
        format="csv",
        organization_filter=getattr(organization, "slug", ""),
    )
    return people_csv(queryset, positions=exact_position_q(actor), bom=True)
