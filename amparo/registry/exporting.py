"""Exporting people to CSV and XLSX: only what the user may see, audited, formula injection
neutralised (a cell starting with = + - @, tab or carriage return gets a leading apostrophe, so a
spreadsheet shows it as text instead of running it)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from django.utils.translation import gettext as _

from amparo.accounts import audit
from amparo.accounts.codes import AuditAction
from amparo.core.text import clean_text
from amparo.registry.columns import ALL_COLUMNS, person_row, prefetch_for_rows
from amparo.registry.models import Person

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")  # a longitude or an E.164 phone: never a formula
CHUNK = 2000


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


def iter_rows(queryset, columns=ALL_COLUMNS, *, positions=None):
    """Rows (lists of safe strings) of the people in `queryset`, in pk chunks (bounded memory).
    `positions`: a Q on Person of those whose exact position may be written (registry.access.
    exact_position_q); the others' latitude and longitude are left empty."""
    last = 0
    base = queryset.order_by("pk")
    while True:
        chunk = list(prefetch_for_rows(base.filter(pk__gt=last))[:CHUNK])
        if not chunk:
            return
        exact = None
        if positions is not None:
            ids = [p.pk for p in chunk]
            exact = set(Person.objects.filter(positions, pk__in=ids).values_list("pk", flat=True))
        for person in chunk:
            row = person_row(person)
            if exact is not None and person.pk not in exact:
                row["latitude"] = row["longitude"] = ""
            yield person.pk, [neutralize(row[c]) for c in columns]
        last = chunk[-1].pk


def write_people(queryset, output, fmt: str, columns=ALL_COLUMNS, *, positions=None) -> list[int]:
    """Write `queryset` (already scoped by the policy) to `output` (a path or a binary stream);
    return the ids written."""
    ids: list[int] = []
    if fmt == "csv":
        close = False
        if isinstance(output, (str, Path)):
            output, close = open(output, "w", encoding="utf-8-sig", newline=""), True  # noqa: SIM115
        writer = csv.writer(output)
        writer.writerow(columns)
        for pk, row in iter_rows(queryset, columns, positions=positions):
            writer.writerow(row)
            ids.append(pk)
        if close:
            output.close()
        return ids
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("people")
    sheet.append(list(columns))
    for pk, row in iter_rows(queryset, columns, positions=positions):
        sheet.append(row)
        ids.append(pk)
    workbook.save(output)
    return ids


def export_people(*, actor, queryset, output, fmt: str, request=None, organization=None) -> int:
    """Write the export and its audit event (who, how many, which ids); returns the count."""
    assert queryset.model is Person
    from amparo.registry.access import exact_position_q

    ids = write_people(queryset, output, fmt, positions=exact_position_q(actor))
    audit.record_many(
        actor,
        AuditAction.EXPORT,
        Person,
        ids,
        summary=f"export {fmt}: {len(ids)} people",
        request=request,
        format=fmt,
        organization_filter=getattr(organization, "slug", ""),
    )
    return len(ids)
