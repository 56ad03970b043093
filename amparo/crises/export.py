"""Exporting a crisis's affected people: the registry's standard columns (amparo.registry.columns)
plus welfare, one row per person the user may see by name. Audited; spreadsheet formulas
neutralised (the registry's rule)."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from amparo.accounts import audit, disclosure
from amparo.accounts.codes import AuditAction
from amparo.crises import queries
from amparo.crises.models import Crisis, WelfareStatus
from amparo.registry.access import exact_position_q
from amparo.registry.columns import STANDARD_COLUMNS, person_row, prefetch_for_rows
from amparo.registry.exporting import neutralize
from amparo.registry.models import Person

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


def export_rows(user, crisis: Crisis, params=None) -> Iterable[WelfareStatus]:
    qs = queries.filter_welfare(queries.welfare_rows(user, crisis), params or {})
    return qs.order_by("person__first_surname", "person__given_names", "pk").prefetch_related(
        *(f"person__{name}" for name in prefetch_for_rows(Person.objects.none())._prefetch_related_lookups)
    )


def write_affected_csv(*, actor, crisis: Crisis, stream, params=None, request=None) -> int:
    """Write the CSV to `stream` (text); returns the number of people written. Audited."""
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    ids = []
    exact = set(
        export_rows(actor, crisis, params)
        .filter(person__in=Person.objects.filter(exact_position_q(actor)).values("pk"))
        .values_list("person_id", flat=True)
    )
    for row in export_rows(actor, crisis, params).iterator(chunk_size=2000):
        values = {**person_row(row.person), **welfare_values(row)}
        if row.person_id not in exact:  # never an exact position through an enforcement seat
            values["latitude"] = values["longitude"] = ""
        writer.writerow([neutralize(values.get(c, "")) for c in COLUMNS])
        ids.append(row.person_id)
    audit.record_many(
        actor,
        AuditAction.EXPORT,
        WelfareStatus,
        ids,
        request=request,
        summary=f"affected people of crisis {crisis.pk}",
        crisis=crisis.pk,
    )
    return len(ids)


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
