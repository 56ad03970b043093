"""Exporting a crisis's affected people: the registry's standard columns plus welfare, one row per
person the user may see by name. Audited; spreadsheet formulas neutralised."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

from django.db.models import Prefetch

from amparo.accounts import audit
from amparo.accounts.codes import AuditAction
from amparo.crises import queries
from amparo.crises.models import Crisis, WelfareStatus
from amparo.registry.models import ContactPoint, Document

try:  # the registry's list, once it lands (issue 3); the same list until then
    from amparo.registry.columns import STANDARD_COLUMNS as _REGISTRY_COLUMNS
except ImportError:  # pragma: no cover - depends on the registry's progress
    _REGISTRY_COLUMNS = None

FALLBACK_COLUMNS = (
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
STANDARD_COLUMNS = tuple(getattr(c, "name", c) for c in (_REGISTRY_COLUMNS or FALLBACK_COLUMNS))
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


_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def neutralise(value):
    """Cells a spreadsheet would run as a formula get a leading apostrophe (plain numbers and
    E.164 phones are left alone: they cannot carry a formula)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _first(items, kind=None):
    for item in items:
        if kind is None or item.kind == kind:
            return item
    return None


def person_values(person) -> dict:
    contacts = list(person.contacts.all())
    phone = _first([c for c in contacts if c.kind == "phone"])
    email = _first([c for c in contacts if c.kind == "email"])
    document = _first(list(person.documents.all()))
    values = {
        "date_of_birth": person.birth_date.isoformat() if person.birth_date else "",
        "phone": phone.value if phone else "",
        "email": email.value if email else "",
        "document_type": document.document_type if document else "",
        "document_number": document.number if document else "",
    }
    for name in STANDARD_COLUMNS:
        if name not in values:
            value = getattr(person, name, "")
            values[name] = "" if value is None else value
    return values


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
        Prefetch("person__contacts", queryset=ContactPoint.objects.order_by("-is_primary", "id")),
        Prefetch("person__documents", queryset=Document.objects.order_by("id")),
    )


def write_affected_csv(*, actor, crisis: Crisis, stream, params=None, request=None) -> int:
    """Write the CSV to `stream` (text); returns the number of people written. Audited."""
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    ids = []
    for row in export_rows(actor, crisis, params).iterator(chunk_size=2000):
        values = {**person_values(row.person), **welfare_values(row)}
        writer.writerow([neutralise(values.get(c, "")) for c in COLUMNS])
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
