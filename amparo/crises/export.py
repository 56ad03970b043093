"""Exporting a crisis's affected people: the registry's standard columns (amparo.registry.columns)
plus welfare, one row per person the user may see by name. Audited; spreadsheet formulas
neutralised (the registry's rule)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import UTC

from django.db import connections
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.dateparse import parse_datetime

from amparo.accounts import audit, disclosure
from amparo.accounts.codes import AuditAction
from amparo.crises import queries
from amparo.crises.codes import ACCOUNTED_FOR, WelfareCode
from amparo.crises.models import Crisis, WelfareStatus
from amparo.registry import export_copy
from amparo.registry.access import exact_position_q
from amparo.registry.columns import STANDARD_COLUMNS
from amparo.registry.exporting import (
    EXACT,
    Cache,
    PersonCells,
    audit_export,
    batches,
    csv_chunks,
    hashable,
    json_words,
    neutralize,
    person_values,
    raw_rows,
)

WELFARE_COLUMNS = (
    "welfare_status",
    "accounted_for",
    "needs",
    "people_with",
    "welfare_source",
    "welfare_updated_at",
    "contacted_at",
    "replied_at",
    "location_observed_at",
    "in_area",
)
COLUMNS = STANDARD_COLUMNS + WELFARE_COLUMNS


def welfare_values(row: WelfareStatus) -> dict:
    """One welfare row's values in WELFARE_COLUMNS (the reference the streamed export equals)."""

    def iso(dt):
        return dt.isoformat() if dt else ""

    return {
        "welfare_status": row.status,
        "accounted_for": "yes" if row.is_accounted_for else "no",
        "needs": " ".join(row.needs),
        "people_with": row.people_with if row.people_with is not None else "",
        "welfare_source": row.source,
        "welfare_updated_at": iso(row.updated_at),
        "contacted_at": iso(row.contacted_at),
        "replied_at": iso(row.replied_at),
        "location_observed_at": iso(row.person.location_observed_at),
        "in_area": "yes" if row.in_area else "no",
    }


# What the streamed export reads per row after the person's columns and the EXACT flag.
_WELFARE_VALUES = (
    "status",
    "needs",
    "people_with",
    "source",
    "updated_at",
    "contacted_at",
    "replied_at",
    "person__location_observed_at",
    "in_area",
)
_W = EXACT + 1
_TIME_VALUES = (4, 5, 6, 7)  # the timestamps among _WELFARE_VALUES


def export_rows(user, crisis: Crisis, params=None) -> QuerySet[WelfareStatus]:
    """The welfare rows an export writes, in its order (scoped by the policy, the list's filters)."""
    qs = queries.filter_welfare(queries.welfare_rows(user, crisis), params or {})
    return qs.order_by("person__first_surname", "person__given_names", "pk")


def open_affected_export(*, actor, crisis: Crisis, params=None, request=None) -> tuple[int, Iterator[list]]:
    """Write the export's audit event (before any row leaves), then return the number of people
    and the rows' batches, read as they are consumed (one query per batch of related rows)."""
    qs = export_rows(actor, crisis, params)
    return _audit(actor, qs, crisis, request), _batches(actor, qs)


def _audit(actor, qs, crisis: Crisis, request) -> int:
    """The export's audit event (one per export, whichever path writes the rows): its count."""
    return audit_export(
        actor,
        qs,
        model=WelfareStatus,
        id_field="person_id",
        summary=f"affected people of crisis {crisis.pk}: %(count)s",
        request=request,
        crisis=crisis.pk,
    )


# How Django stores a datetime in SQLite (UTC, naive): rewritten as isoformat() writes it, unparsed.
_SQLITE_TIME = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?\Z")


def _iso(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        if _SQLITE_TIME.match(value):
            return f"{value[:10]}T{value[11:]}+00:00"
        value = parse_datetime(value)
    if value.tzinfo is None:  # SQLite gives naive datetimes, in UTC
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _batches(actor, qs) -> Iterator[list]:
    cells = PersonCells(STANDARD_COLUMNS)
    names, exact = person_values(exact_position_q(actor), relation="person")
    welfare: list = list(_WELFARE_VALUES)
    if connections[qs.db].vendor == "sqlite":
        # Timestamps read as the text SQLite holds: the driver's converter (keyed on the column's
        # declared type) would parse each into a datetime only for it to be written back as text.
        texts = {f"_text_{i}": Cast(welfare[i], TextField()) for i in _TIME_VALUES}
        qs = qs.annotate(**texts)
        for i, alias in zip(_TIME_VALUES, texts, strict=True):
            welfare[i] = alias
    values = qs.annotate(_exact=exact).values_list(*names, "_exact", *welfare)
    when = Cache(_iso)
    code = Cache(lambda value: neutralize("" if value is None else str(value)))
    words = Cache(json_words)
    accounted = {status: "yes" if status in ACCOUNTED_FOR else "no" for status in WelfareCode.values}
    for batch in batches(raw_rows(values)):
        rows = cells.rows(batch)
        for row, r in zip(rows, batch, strict=True):
            status = r[_W]
            row.extend(
                (
                    code[status],
                    accounted.get(status, "no"),
                    words[hashable(r[_W + 1])],
                    "" if r[_W + 2] is None else str(r[_W + 2]),
                    code[r[_W + 3]],
                    when[r[_W + 4]],
                    when[r[_W + 5]],
                    when[r[_W + 6]],
                    when[r[_W + 7]],
                    "yes" if r[_W + 8] else "no",
                )
            )
        yield rows


def write_affected_csv(*, actor, crisis: Crisis, stream, params=None, request=None, python: bool = False) -> int:
    """Write the CSV to `stream` (text); returns the number of people written. Audited."""
    written = [0]
    for piece in affected_csv(actor=actor, crisis=crisis, params=params, request=request, python=python, tally=written):
        stream.write(piece)
    return written[0]


def stream_affected_csv(*, actor, crisis: Crisis, params=None, request=None) -> Iterator[str]:
    """The CSV as pieces of text for a StreamingHttpResponse (audited now, read while sent)."""
    return affected_csv(actor=actor, crisis=crisis, params=params, request=request)


def affected_csv(
    *, actor, crisis: Crisis, params=None, request=None, python: bool = False, tally=None
) -> Iterator[str]:
    """The export as pieces of CSV text, its audit event written now (before any row leaves).
    On PostgreSQL the database writes the rows (`registry.export_copy`: the same bytes, ~3x
    less CPU); elsewhere, or with `python`, they are built here. `tally` ([0]) receives the number
    of rows written once the last piece is read."""
    qs = export_rows(actor, crisis, params)
    if python or not export_copy.vendor_copies(qs.db):
        count, row_batches = open_affected_export(actor=actor, crisis=crisis, params=params, request=request)
        return csv_chunks(COLUMNS, _tallied(row_batches, tally))
    _audit(actor, qs, crisis, request)
    names, exact = person_values(exact_position_q(actor), relation="person")
    inner = qs.order_by().annotate(_exact=exact).values_list(*names, "_exact", *_WELFARE_VALUES, "pk")
    sql, sql_params = inner.query.sql_with_params()
    statement = export_copy.copy_statement(
        sql,
        inner_names=export_copy.PERSON_NAMES + _WELFARE_NAMES,
        columns=COLUMNS,
        order=("first_surname", "given_names", "wid"),
        middle=_WELFARE_MIDDLE,
        cells=_WELFARE_CELLS,
    )
    return export_copy.copy_pieces(qs.db, statement, sql_params, header=COLUMNS, tally=tally)


def _tallied(row_batches, tally):
    for rows in row_batches:
        if tally is not None:
            tally[0] += len(rows)
        yield rows


# The welfare columns on PostgreSQL: the inner query's names for _WELFARE_VALUES (+ the row's pk),
# what the middle query computes once per row, and each column's cell (export_copy).
_WELFARE_NAMES = (
    "w_status",
    "w_needs",
    "w_people_with",
    "w_source",
    "w_updated_at",
    "w_contacted_at",
    "w_replied_at",
    "w_observed_at",
    "w_in_area",
    "wid",
)
_TIMES = ("w_updated_at", "w_contacted_at", "w_replied_at", "w_observed_at")
_WELFARE_MIDDLE = (
    f"{export_copy.words('s.w_needs')} AS needs_words",
    *(f"{export_copy.iso_raw('s.' + name)} AS {name}_iso" for name in _TIMES),
)
_ACCOUNTED_SQL = ", ".join(f"'{code}'" for code in sorted(ACCOUNTED_FOR))
_WELFARE_CELLS = {
    "welfare_status": export_copy.Safe("d.w_status"),
    "accounted_for": f"CASE WHEN d.w_status IN ({_ACCOUNTED_SQL}) THEN 'yes' ELSE 'no' END",
    "needs": export_copy.Safe("d.needs_words"),
    "people_with": "d.w_people_with::text",
    "welfare_source": export_copy.Safe("d.w_source"),
    "welfare_updated_at": export_copy.iso("d.w_updated_at_iso"),
    "contacted_at": export_copy.iso("d.w_contacted_at_iso"),
    "replied_at": export_copy.iso("d.w_replied_at_iso"),
    "location_observed_at": export_copy.iso("d.w_observed_at_iso"),
    "in_area": "CASE WHEN d.w_in_area THEN 'yes' ELSE 'no' END",
}


# Aggregates for partners and authorities: HXL hashtags under the header (DOMAIN.md).
COUNT_COLUMNS = (
    ("country", "#country+code"),
    ("subdivision", "#adm1+code"),
    ("nationality", "#group+nationality+code"),
    ("affected", "#affected"),
    ("reached", "#reached"),
    ("accounted_for", "#affected+accounted"),
    ("in_need", "#inneed"),
    ("missing", "#affected+missing"),
)
SMALL_CELL = disclosure.SMALL_CELL  # counts from 1 to 4 are published as "<5" (accounts/disclosure.py)


def write_counts_csv(*, actor, crisis: Crisis, stream, suppress_small: bool = True, request=None) -> int:
    """Counts per country, subdivision and nationality with an HXL row; audited as an export."""
    writer = csv.writer(stream)
    writer.writerow([c for c, _tag in COUNT_COLUMNS])
    writer.writerow([tag for _c, tag in COUNT_COLUMNS])
    rows = queries.counts_by_place(actor, crisis)
    for row in rows:
        values = []
        for column, _tag in COUNT_COLUMNS:
            value = row[column]
            # A published file: small cells are suppressed whoever downloads it (unless a caller
            # that sees names asks for exact counts), and always for those who see counts only.
            value = disclosure.suppress(value, actor, published=suppress_small)
            values.append(neutralize(value))
        writer.writerow(values)
    audit.record(actor, AuditAction.EXPORT, crisis, request=request, summary="crisis counts (HXL)", rows=len(rows))
    return len(rows)
