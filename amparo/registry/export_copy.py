"""PostgreSQL writes an export's CSV itself (issue 19): one `COPY (…) TO STDOUT WITH (FORMAT csv)`
whose query builds every cell, streamed to the caller in pieces of ~64 KB (memory stays flat).

The query wraps the SQL of the SAME scoped queryset the Python path reads (`qs.query.
sql_with_params()`, its parameters bound by the driver's own quoting): scoping and audit stay where
they are. Related rows (contacts, the first document, open consents, nationalities) are
aggregated per person of the export and joined; the cells follow the rules of
`exporting.PersonCells` and `neutralize` exactly (control characters removed; a cell starting with
= + - @, tab or carriage return that is not a plain number of ASCII digits gets a leading
apostrophe), dates and timestamps are written as Python's `isoformat()` writes them (timestamps in
UTC, "+00:00"), coordinates as f"{x:.6f}" (see `coordinate`). Tests on PostgreSQL hold the two
paths byte-identical (`crises/tests/test_export_copy.py`, `registry/tests/test_export_copy.py`).

Empty cells are written as NULL (COPY writes an empty string as `""`, Python's csv writer as
nothing), and each row's final line feed becomes CR LF (Python's csv writer ends rows with CR LF;
a line feed inside a quoted cell is left as it is, by both). Both quote a cell only when it holds
a comma, a double quote, CR or LF.

Where the time goes (100,000 affected people, bench/README.md): the scoped query and its sort,
the four aggregates, the per-row text conversions; the Python side only passes bytes along.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from contextlib import nullcontext

from django.db import connections, transaction

from amparo.registry.columns import ALL_COLUMNS, CONSENT_COLUMNS
from amparo.registry.exporting import PERSON_FIELDS

PIECE = 64 * 1024  # bytes of CSV handed to the caller at a time

# The characters `core.text.clean_text` removes (NUL cannot be stored in PostgreSQL text, and
# surrogates cannot be in UTF-8), as a PostgreSQL regular expression class.
_CONTROL = r"[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]"
_DANGEROUS = r"^[-=+@\t\r]"
_FIRST = "61, 43, 45, 64, 9, 13"  # ascii() of = + - @ tab CR
_PLAIN_NUMBER = r"^[+-]?[0-9]+(\.[0-9]+)?$"  # exporting._PLAIN_NUMBER
# A JSON list of plain words, as jsonb prints it: turned into words by deleting quotes and commas.
_PLAIN_LIST = r'^\["[^"\\,]*"(, "[^"\\,]*")*\]$'
# The session settings the statement's text conversions assume (restored afterwards); no JIT:
# compiling the query's expressions costs seconds, more than it saves.
SETTINGS = {"jit": "off", "DateStyle": "ISO, MDY", "extra_float_digits": "1", "work_mem": "32MB"}


def vendor_copies(using: str) -> bool:
    """May the database write the CSV itself? (PostgreSQL through psycopg 3.)"""
    if connections[using].vendor != "postgresql":
        return False
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    return is_psycopg3


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Safe(str):
    """A text column whose cell is `neutralize(column)`: `copy_statement` tests each row's safe
    columns for control characters at once, then each cell's first character."""


def _safe_cell(column: str) -> str:
    cleaned = f"regexp_replace({column}, {_literal(_CONTROL)}, '', 'g')"
    slow = (
        f"CASE WHEN {cleaned} ~ {_literal(_DANGEROUS)} AND {cleaned} !~ {_literal(_PLAIN_NUMBER)}"
        f" THEN '''' || {cleaned} ELSE NULLIF({cleaned}, '') END"
    )
    formula = f"CASE WHEN {column} !~ {_literal(_PLAIN_NUMBER)} THEN '''' || {column} ELSE {column} END"
    return (
        f"CASE WHEN d.dirty THEN {slow} WHEN ascii({column}) IN ({_FIRST}) THEN {formula} ELSE NULLIF({column}, '') END"
    )


def words(column: str) -> str:
    """SQL: a jsonb list of codes as words separated by spaces (`exporting.json_words`, unsafe)."""
    text = f"{column}::text"
    return (
        f"CASE WHEN {column} = '[]'::jsonb THEN NULL"
        f" WHEN {text} ~ {_literal(_PLAIN_LIST)} THEN translate(substr({text}, 2, length({text}) - 2), '\",', '')"
        f" WHEN jsonb_typeof({column}) = 'array'"
        f" THEN array_to_string(ARRAY(SELECT jsonb_array_elements_text({column})), ' ') END"
    )


def iso_raw(column: str) -> str:
    """SQL, first half of `iso`: the timestamp as UTC text (computed once per row)."""
    return f"({column} AT TIME ZONE 'UTC')::text"


def iso(raw: str) -> str:
    """SQL: `datetime.isoformat()` of an aware UTC datetime. PostgreSQL's ISO text leaves out
    zero microseconds, as Python does, but also a fraction's trailing zeros (".0001"), which
    Python writes (".000100")."""
    return f"overlay(CASE WHEN length({raw}) > 19 THEN rpad({raw}, 26, '0') ELSE {raw} END placing 'T' from 11 for 1) || '+00:00'"


def coordinate(text: str, value: str) -> str:
    """SQL: f"{value:.6f}" from `text`, the float's shortest text (extra_float_digits = 1): padded
    when it has 6 decimals or fewer (the same digits, as it round-trips); otherwise C's %.6f
    through to_char (correctly rounded, as Python's)."""
    return (
        f"CASE WHEN {text} IS NULL THEN NULL WHEN strpos({text}, 'e') > 0 THEN to_char({value}, 'FM99990.000000')"
        f" WHEN strpos({text}, '.') = 0 THEN {text} || '.000000'"
        f" WHEN length({text}) - strpos({text}, '.') <= 6 THEN rpad({text}, strpos({text}, '.') + 6, '0')"
        f" ELSE to_char({value}, 'FM99990.000000') END"
    )


def yes_no(column: str) -> str:
    return f"CASE WHEN {column} THEN 'yes' WHEN NOT {column} THEN 'no' END"


# The inner (scoped) query's columns, by position: exporting.PERSON_FIELDS, then the EXACT flag.
PERSON_NAMES = ("pid", *PERSON_FIELDS[1:], "exact")

# Related rows, aggregated per person of the export (joined to the materialized rows `s`).
_RELATED = """,
ct AS (SELECT c.person_id,
              string_agg(c.value, ' / ' ORDER BY c.id) FILTER (WHERE c.kind = 'phone') AS phone,
              string_agg(c.value, ' / ' ORDER BY c.id) FILTER (WHERE c.kind = 'email') AS email,
              bool_or(c.whatsapp) FILTER (WHERE c.kind = 'phone') AS on_whatsapp
       FROM registry_contactpoint c JOIN s ON c.person_id = s.pid GROUP BY c.person_id),
doc AS (SELECT DISTINCT ON (d.person_id) d.person_id, d.document_type, d.number
        FROM registry_document d JOIN s ON d.person_id = s.pid ORDER BY d.person_id, d.id),
cs AS (SELECT k.person_id, {consents}
       FROM registry_consent k JOIN s ON k.person_id = s.pid WHERE k.withdrawn_at IS NULL GROUP BY k.person_id),
nat AS (SELECT n.person_id, string_agg(n.country, ' ' ORDER BY n.id) AS every,
               string_agg(n.country, ' ' ORDER BY n.id) FILTER (WHERE n.country <> s.nationality) AS others
        FROM registry_nationality n JOIN s ON n.person_id = s.pid GROUP BY n.person_id)
"""
_JOINS = (
    "LEFT JOIN ct ON ct.person_id = s.pid LEFT JOIN doc ON doc.person_id = s.pid"
    " LEFT JOIN cs ON cs.person_id = s.pid LEFT JOIN nat ON nat.person_id = s.pid"
)


def _consents() -> str:
    return ", ".join(
        f"bool_or(k.given) FILTER (WHERE k.purpose = {_literal(purpose)}) AS {column}"
        for column, purpose in CONSENT_COLUMNS.items()
    )


_MIDDLE_PERSON = (
    "s.*",
    "s.birth_date::text AS birth_text",
    "CASE WHEN nat.every IS NULL THEN s.nationality"
    " WHEN s.nationality <> '' THEN concat_ws(' ', s.nationality, nat.others)"
    " ELSE nat.every END AS nationalities",
    "CASE WHEN s.exact THEN s.latitude::text END AS latitude_text",
    "CASE WHEN s.exact THEN s.longitude::text END AS longitude_text",
    "ct.phone",
    "ct.email",
    "CASE WHEN ct.on_whatsapp THEN 'yes' WHEN ct.on_whatsapp IS NOT NULL THEN 'no' END AS whatsapp",
    "doc.document_type",
    "doc.number",
    *(f"cs.{column}" for column in CONSENT_COLUMNS),
    f"{words('s.languages')} AS language_words",
)

# Each person column's cell, from the middle query's row `d` (Safe: neutralized text).
PERSON_CELLS: dict[str, str] = {
    "source_record_id": Safe("d.source_record_id"),
    "given_names": Safe("d.given_names"),
    "first_surname": Safe("d.first_surname"),
    "second_surname": Safe("d.second_surname"),
    "sex": Safe("d.sex"),
    "date_of_birth": "CASE WHEN d.birth_date_precision IN ('year', 'estimated') THEN left(d.birth_text, 4)"
    " WHEN d.birth_date_precision = 'month' THEN left(d.birth_text, 7) ELSE d.birth_text END",
    "nationality": Safe("d.nationalities"),
    "phone": Safe("d.phone"),
    "email": Safe("d.email"),
    "document_type": Safe("d.document_type"),
    "document_number": Safe("d.number"),
    "latitude": coordinate("d.latitude_text", "d.latitude"),
    "longitude": coordinate("d.longitude_text", "d.longitude"),
    "country": Safe("d.country"),
    "subdivision": Safe("d.subdivision"),
    "municipality": Safe("d.municipality"),
    "preferred_language": Safe("d.preferred_language"),
    **{column: yes_no(f"d.{column}") for column in CONSENT_COLUMNS},
    "preferred_channel": Safe("d.preferred_channel"),
    "whatsapp": "d.whatsapp",
    "languages": Safe("d.language_words"),
}
assert set(PERSON_CELLS) == set(ALL_COLUMNS)


def copy_statement(
    inner_sql: str,
    *,
    inner_names: Sequence[str],
    columns: Sequence[str],
    order: Sequence[str],
    middle: Sequence[str] = (),
    cells: dict[str, str] | None = None,
) -> str:
    """The COPY statement: `inner_sql` (a scoped values_list query whose columns are
    `inner_names`: PERSON_NAMES first) materialized once, each row's related values joined and
    computed once (`middle`: more such expressions; OFFSET 0 keeps the planner from copying them
    into each cell that reads them), one cell per column (PERSON_CELLS, then `cells` for other
    columns), the rows ordered by `order` (inner names: one sort, of the finished rows)."""
    cells = {**PERSON_CELLS, **(cells or {})}
    chosen = [cells[c] for c in columns]
    safe_columns = [c for c in chosen if isinstance(c, Safe)]
    inputs = ", ".join("m." + c.removeprefix("d.") for c in safe_columns)
    dirty = f"concat({inputs}) ~ {_literal(_CONTROL)}" if safe_columns else "false"
    select = ",\n       ".join(_safe_cell(c) if isinstance(c, Safe) else c for c in chosen)
    names = ", ".join(inner_names)
    if len(order) == 1:
        rows, ordinal = f"s({names}) AS MATERIALIZED ({inner_sql})", order[0]
    else:
        # Several keys (surname, given names, id): numbered once on the narrow scoped rows, so the
        # sort of the finished rows compares one integer (comparing text keys deep inside a
        # wide row cost a quarter of the statement's time).
        keys = ", ".join(f"i.{name}" for name in order)
        rows = (
            f"s AS MATERIALIZED (SELECT i.*, row_number() OVER (ORDER BY {keys}) AS ordinal"
            f" FROM ({inner_sql}) AS i({names}))"
        )
        ordinal = "ordinal"
    return (
        f"COPY (WITH {rows}"
        f"{_RELATED.format(consents=_consents())}"
        f"SELECT {select}\n"
        f"FROM (SELECT m.*, {dirty} AS dirty FROM (\n"
        f"  SELECT {', '.join([*_MIDDLE_PERSON, *middle])}\n  FROM s {_JOINS}\n"
        f"  OFFSET 0) AS m OFFSET 0) AS d\n"
        f"ORDER BY d.{ordinal}) TO STDOUT WITH (FORMAT csv)"
    )


def copy_pieces(
    using: str, statement: str, params: Sequence, *, header: Sequence[str], bom: bool = False, tally=None
) -> Iterator[str]:
    """The CSV as text, in pieces of about PIECE bytes, the header first; rows end with CR LF.
    `tally` ([0]), if given, receives the number of rows once the last piece is read.
    Parameters are bound by the driver's quoting (psycopg's client-side `mogrify`). Stopped early
    (the client went away), the COPY is cancelled; inside a transaction, within a savepoint that
    is rolled back, so the connection stays usable."""
    connection = connections[using]
    text = io.StringIO()
    if bom:
        text.write("\ufeff")
    csv.writer(text).writerow(header)
    buffer = bytearray(text.getvalue().encode())  # UTF-8, as the connection's client encoding
    sql = connection.ops.compose_sql(statement, params)
    savepoint = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
    rows = 0
    names = list(SETTINGS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join("current_setting(%s)" for _ in names), names)
        before = dict(zip(names, cursor.fetchone(), strict=True))
        _configure(cursor, SETTINGS)
        try:
            with savepoint, cursor.cursor.copy(sql) as copy:
                for row in copy:
                    buffer += row
                    buffer[-1:] = b"\r\n"
                    rows += 1
                    if len(buffer) >= PIECE:
                        yield buffer.decode()  # whole rows: never a character cut in two
                        buffer.clear()
        finally:
            _configure(cursor, before)
    if tally is not None:
        tally[0] += rows
    if buffer:
        yield buffer.decode()


def _configure(cursor, settings: dict[str, str]) -> None:
    names = list(settings)
    cursor.execute(
        "SELECT " + ", ".join("set_config(%s, %s, false)" for _ in names),
        [x for name in names for x in (name, settings[name])],
    )
