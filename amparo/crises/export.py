"""Exporting a crisis's affected people: the registry's standard columns (amparo.registry.columns)
plus welfare, one row per person the user may see by name. Audited; spreadsheet formulas
neutralised (the registry's rule)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime

from amparo.accounts import audit, disclosure
from amparo.accounts.codes import AuditAction
from amparo.crises import queries
from amparo.crises.codes import ACCOUNTED_FOR, WelfareCode
from amparo.crises.models import Crisis, WelfareStatus
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


def export_rows(user, crisis: Crisis, params=None) -> QuerySet[WelfareStatus]:
    """The welfare rows an export writes, in its order (scoped by the policy, the list's filters)."""
    qs = queries.filter_welfare(queries.welfare_rows(user, crisis), params or {})
    return qs.order_by("person__first_surname", "person__given_names", "pk")


def open_affected_export(*, actor, crisis: Crisis, params=None, request=None) -> tuple[int, Iterator[list]]:
    """Write the export's audit event (before any row leaves), then return the number of people
    and the rows' batches, read as they are consumed (one query per batch of related rows)."""
    qs = export_rows(actor, crisis, params)
    count = audit_export(
        actor,
        qs,
        model=WelfareStatus,
        id_field="person_id",
        summary=f"affected people of crisis {crisis.pk}: %(count)s",
        request=request,
        crisis=crisis.pk,
    )
    return count, _batches(actor, qs)


def _iso(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value.tzinfo is None:  # SQLite gives naive datetimes, in UTC
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _batches(actor, qs) -> Iterator[list]:
    cells = PersonCells(STANDARD_COLUMNS)
    names, exact = person_values(exact_position_q(actor), relation="person")
    values = qs.annotate(_exact=exact).values_list(*names, "_exact", *_WELFARE_VALUES)
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


def write_affected_csv(*, actor, crisis: Crisis, stream, params=None, request=None) -> int:
    """Write the CSV to `stream` (text); returns the number of people written. Audited."""
    _count, row_batches = open_affected_export(actor=actor, crisis=crisis, params=params, request=request)
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    written = 0
    for rows in row_batches:
        writer.writerows(rows)
        written += len(rows)
    return written


def stream_affected_csv(*, actor, crisis: Crisis, params=None, request=None) -> Iterator[str]:
    """The CSV as pieces of text for a StreamingHttpResponse (audited now, read while sent)."""
    _count, row_batches = open_affected_export(actor=actor, crisis=crisis, params=params, request=request)
    return csv_chunks(COLUMNS, row_batches)


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
