"""Importing people from a field file: the service behind `amparo import-people` and the web import.

Rows are parsed one by one (rows.parse_row) and written in batches with bulk inserts and updates
(a few statements per table per batch, never one save per row). The whole file is one
transaction: it imports every valid row, with every rejected row in the report, or nothing at
all when anything stops it (a read error at row 3,001, a database error, a killed worker), so a
failed import never leaves a silent part of a file behind. Running a file again updates the
people the organization already has with the same source record id instead of creating copies.
Blank cells never erase what the registry knows. Every rejected row goes to a CSV report (row
number, column, value, reason), created readable by its owner only; phones that do not parse and
removed control characters are kept and flagged. One audit event records the import.

On SQLite the transaction holds the database's write lock until the import ends: other writes
wait (up to the busy timeout), so large files belong to PostgreSQL or to quiet hours.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.accounts.models import Organization
from amparo.core.files import open_private
from amparo.registry import indexing, normalize
from amparo.registry.bulk import insert_dicts, insert_rows
from amparo.registry.columns import ALL_COLUMNS, IGNORE, column_for_header
from amparo.registry.importing.files import Table, UnreadableFile, count_rows, open_table
from amparo.registry.importing.rows import FieldError, ParsedRow, RowContext, parse_row, sex_m_means_female
from amparo.registry.models import (
    Consent,
    ConsentMethod,
    ContactKind,
    ContactPoint,
    Document,
    LocationHistory,
    Nationality,
    Person,
    normalize_document_number,
)
from amparo.registry.normalize import digits

BATCH_SIZE = 1000
NOTIFY_LIMIT = 10_000  # above this, apps refresh their copies themselves (matching's periodic task)
ANALYZE_AFTER = 20_000  # rows written; then refresh the planner's statistics of the registry
_JOINED = {"phone", "email", "nationality", "languages"}  # several columns may feed these


class MappingError(ValueError):
    """A --map entry names a header the file lacks or a column the registry does not know."""


@dataclass
class Problem:
    row: int
    column: str
    value: str
    reason: str
    kind: str = "rejected"  # or "warning" (kept, flagged)


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    rejected: int = 0
    warnings: int = 0
    rows: int = 0
    dry_run: bool = False
    report_path: Path | None = None
    columns: dict[str, str] = field(default_factory=dict)  # header -> standard column
    ignored_headers: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # the first ones, for display
    person_ids: list[int] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return f"imported {self.imported}, updated {self.updated}, rejected {self.rejected}"


def resolve_columns(headers: list[str], overrides: Mapping[str, str] | None = None) -> dict[int, str]:
    """Column index → standard column, from recognised headers and explicit overrides
    ({"Header": "field"}; the field "ignore" skips a column)."""
    overrides = dict(overrides or {})
    folded_overrides = {h.strip().casefold(): f.strip() for h, f in overrides.items()}
    known_headers = {h.strip().casefold() for h in headers}
    for header, target in overrides.items():
        if header.strip().casefold() not in known_headers:
            raise MappingError(_("The file has no column “%(header)s”") % {"header": header})
        if target not in ALL_COLUMNS and target != IGNORE:
            raise MappingError(
                _("Unknown field “%(field)s”; use one of: %(fields)s")
                % {"field": target, "fields": ", ".join(ALL_COLUMNS + (IGNORE,))}
            )
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        target = folded_overrides.get(header.strip().casefold()) or column_for_header(header)
        if target and target != IGNORE:
            mapping[index] = target
    return mapping


def parse_mapping_args(items: list[str] | None) -> dict[str, str]:
    """["Nombre completo=given_names", ...] → {"Nombre completo": "given_names"}."""
    mapping = {}
    for item in items or ():
        header, sep, target = item.rpartition("=")
        if not sep or not header.strip():
            raise MappingError(_('Write each mapping as "Column header=field", not “%(item)s”') % {"item": item})
        mapping[header.strip()] = target.strip()
    return mapping


def import_people(
    *,
    actor,
    organization: Organization,
    path: str | Path,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    report_path: str | Path | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    batch_size: int = BATCH_SIZE,
    request=None,
) -> ImportResult:
    """Import (or, with dry_run, only check) a CSV/XLSX file into `organization`'s registry.
    Raises UnreadableFile when the file cannot be read and MappingError for a bad mapping. Any
    exception leaves nothing written, and carries `import_result`: the rows read and the problems
    found until it happened."""
    principal = policy.principal_for(actor)
    if not policy.can_write_registry(principal, organization.pk):
        raise PermissionDenied(_("You may not register people for this organization."))
    path = Path(path)
    table = open_table(path)
    try:
        columns = resolve_columns(table.headers, mapping)
    except MappingError:
        table.close()
        raise
    result = ImportResult(dry_run=dry_run)
    result.columns = {table.headers[i]: c for i, c in columns.items()}
    result.ignored_headers = [h for i, h in enumerate(table.headers) if i not in columns and h]
    if "given_names" not in columns.values():
        table.close()
        raise MappingError(_('No column holds the given names: map one with --map "Header=given_names"'))

    m_means_female = False
    sex_index = [i for i, c in columns.items() if c == "sex"]
    if sex_index:
        table.close()
        m_means_female = sex_m_means_female(_cell(cells, sex_index[0]) for _n, cells in open_table(path).rows)
        table = open_table(path)
    context = RowContext(organization_country=organization.country, m_means_female=m_means_female)
    total = count_rows(path) if progress else None

    writer = _Writer(principal=principal, organization=organization, dry_run=dry_run, result=result)
    reporter = _Report(report_path or default_report_path(path), result)
    try:
        with nullcontext() if dry_run else transaction.atomic():
            _read_and_write(table, columns, context, writer, reporter, batch_size, progress, total)
            if not dry_run:
                audit.record(
                    principal,
                    AuditAction.IMPORT,
                    object_type="registry.person",
                    organization=organization,
                    request=request,
                    summary=f"{path.name}: {result.summary}",
                    file=path.name,
                    imported=result.imported,
                    updated=result.updated,
                    rejected=result.rejected,
                    ids=[str(i) for i in result.person_ids[:1000]],
                )
    except BaseException as exc:
        # Nothing was written (the transaction rolled back): say so, and keep what was found
        # until then (the report's rows) for the caller to show.
        if not dry_run:
            result.imported = result.updated = 0
            result.person_ids = []
        exc.import_result = result
        raise
    finally:
        table.close()
        reporter.close()
    if progress:
        progress(result.rows, result.rows)
    if not dry_run and result.imported + result.updated >= ANALYZE_AFTER:
        indexing.analyze()
    if not dry_run and writer.touched and len(writer.touched) <= NOTIFY_LIMIT:
        from amparo.registry.services import notify_saved

        notify_saved(writer.touched)
    return result


def _read_and_write(table, columns, context, writer, reporter, batch_size, progress, total) -> None:
    result = writer.result
    seen_ids: dict[str, int] = {}
    batch: list[tuple[int, ParsedRow]] = []
    for number, cells in _records(table, columns):
        result.rows += 1
        parsed = parse_row(cells, context=context)
        sid = parsed.data.source_record_id if parsed.ok else ""
        if sid:
            first = seen_ids.setdefault(sid, number)
            if first != number:
                parsed = ParsedRow(
                    data=None,
                    errors=[
                        FieldError(
                            "source_record_id",
                            _("the same id is already at row %(row)d of this file") % {"row": first},
                            sid,
                        )
                    ],
                )
        for warning in parsed.warnings:
            reporter.add(number, warning, "warning")
        if not parsed.ok:
            result.rejected += 1
            for error in parsed.errors:
                reporter.add(number, error, "rejected")
            continue
        batch.append((number, parsed))
        if len(batch) >= batch_size:
            writer.flush(batch)
            batch = []
            if progress:
                progress(result.rows, total)
    writer.flush(batch)


def default_report_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejected.csv")


def _cell(cells: list, index: int):
    return cells[index] if index < len(cells) else None


def _records(table: Table, columns: dict[int, str]):
    for number, cells in table.rows:
        record: dict[str, object] = {}
        for index, column in columns.items():
            value = _cell(cells, index)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if column in record:
                if column in _JOINED:
                    record[column] = f"{record[column]} / {value}"
                continue
            record[column] = value
        yield number, record


class _Report:
    """The rejected-rows CSV (written only when something is rejected or flagged)."""

    SHOWN = 200

    def __init__(self, path: Path, result: ImportResult):
        self.path, self.result = Path(path), result
        self.handle = None
        self.writer = None

    def add(self, row: int, problem: FieldError, kind: str) -> None:
        if kind == "warning":
            self.result.warnings += 1
        if len(self.result.problems) < self.SHOWN:
            self.result.problems.append(Problem(row, problem.column, problem.value, problem.message, kind))
        if self.writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = open_private(self.path, "w", encoding="utf-8-sig", newline="")
            self.writer = csv.writer(self.handle)
            self.writer.writerow(["row", "outcome", "column", "value", "reason"])
            self.result.report_path = self.path
        self.writer.writerow([row, kind, problem.column, _safe(problem.value), problem.message])

    def close(self) -> None:
        if self.handle:
            self.handle.close()


def _safe(value: str) -> str:
    from amparo.registry.exporting import neutralize

    return neutralize(value)


class _Writer:
    """Bulk writes of one batch: new people, then updates of the people already known."""

    def __init__(self, *, principal, organization, dry_run, result):
        self.principal, self.organization, self.dry_run, self.result = principal, organization, dry_run, result
        self.touched: list[int] = []  # people written, for the apps' person_saved hooks
        self.known_words: set[str] = set()  # name words already in NameWord (written by this import)

    def flush(self, batch: list[tuple[int, ParsedRow]]) -> None:
        if not batch:
            return
        ids = [p.data.source_record_id for _n, p in batch if p.data.source_record_id]
        existing = {}
        if ids:
            # The blank-id exclusion is the unique index's own condition: without it neither
            # database may use that partial index for a thousand ids, and each batch read every
            # person of the organization (PostgreSQL: a sequential scan), so an import slowed
            # down as the registry grew.
            existing = {
                p.source_record_id: p
                for p in Person.objects.filter(registering_organization=self.organization, source_record_id__in=ids)
                .exclude(source_record_id="")
                .order_by()
            }
        new = [(n, p) for n, p in batch if p.data.source_record_id not in existing]
        old = [(n, p, existing[p.data.source_record_id]) for n, p in batch if p.data.source_record_id in existing]
        self.result.imported += len(new)
        self.result.updated += len(old)
        if self.dry_run:
            return
        now = timezone.now()
        created = self._create(new, now)  # inside import_people's one transaction
        self._update(old, now)
        self.result.person_ids.extend(created[: max(0, 1000 - len(self.result.person_ids))])
        if len(self.touched) <= NOTIFY_LIMIT:
            self.touched.extend(created)
            self.touched.extend(person.pk for _n, _p, person in old)

    # -- new people -------------------------------------------------------------------------

    def _create(self, rows: list[tuple[int, ParsedRow]], now) -> list[int]:
        """Insert new people and everything they come with, without a model instance per row."""
        if not rows:
            return []
        user_id = self.principal.user.pk if self.principal.user is not None else None
        people = []
        for _n, parsed in rows:
            d = parsed.data
            values = {
                "registering_organization_id": self.organization.pk,
                "created_by_id": user_id,
                "source_record_id": d.source_record_id,
                "given_names": d.given_names,
                "first_surname": d.first_surname,
                "second_surname": d.second_surname,
                "other_names": [],
                "sex": d.sex,
                "birth_date": d.birth_date,
                "birth_date_precision": d.birth_date_precision,
                "nationality": d.nationalities[0] if d.nationalities else "",
                "languages": d.languages,
                "preferred_language": d.preferred_language or (d.languages[0] if d.languages else ""),
                "preferred_channel": d.preferred_channel,
                "created_at": now,
                "updated_at": now,
                "search_name": normalize.search_name(d.given_names, d.first_surname, d.second_surname),
            }
            if _has_location(d):
                values.update(
                    latitude=d.latitude,
                    longitude=d.longitude,
                    country=d.country,
                    subdivision=d.subdivision,
                    municipality=d.municipality,
                    location_observed_at=now,
                    location_source="import",
                )
            people.append(values)
        pks = insert_dicts(Person, people, returning_pk=True)
        nationalities, contacts, documents, locations, consents, keys = [], [], [], [], [], []
        for pk, (_n, parsed) in zip(pks, rows, strict=True):
            d = parsed.data
            nationalities.extend((pk, c) for c in d.nationalities)
            contacts.extend(_contact_dicts(pk, parsed, now))
            documents.extend(
                {
                    "person_id": pk,
                    "document_type": doc["document_type"],
                    "number": doc["number"],
                    "number_normalized": normalize_document_number(doc["number"]),
                }
                for doc in d.documents
            )
            if _has_location(d):
                locations.append(
                    {
                        "person_id": pk,
                        "latitude": d.latitude,
                        "longitude": d.longitude,
                        "country": d.country,
                        "subdivision": d.subdivision,
                        "municipality": d.municipality,
                        "observed_at": now,
                        "source": "import",
                        "recorded_by_label": self.principal.label,
                    }
                )
            consents.extend(
                {
                    "person_id": pk,
                    "purpose": purpose,
                    "given": given,
                    "method": method or ConsentMethod.IMPORTED,
                    "recorded_at": now,
                    "recorded_by_id": user_id,
                    "recorded_by_label": self.principal.label,
                }
                for purpose, (given, method) in d.consents.items()
            )
            keys.append((pk, normalize.person_keys(d.given_names, d.first_surname, d.second_surname)))
        # New people: nothing to conflict with (duplicates within a row are removed above).
        insert_rows(Nationality, ["person", "country"], nationalities)
        insert_dicts(ContactPoint, contacts)
        insert_dicts(Document, documents)
        insert_dicts(LocationHistory, locations)
        insert_dicts(Consent, consents)
        indexing.write_keys(keys, new_people=True, known_words=self.known_words)
        return pks

    # -- people already in the registry ------------------------------------------------------

    def _update(self, rows: list[tuple[int, ParsedRow, Person]], now) -> None:
        if not rows:
            return
        person_ids = [person.pk for _n, _p, person in rows]
        changed_fields: set[str] = set()
        changed: list[Person] = []
        renamed: list[Person] = []
        nationalities, contacts, documents, locations, consents = [], [], [], [], []
        known_docs = set(
            Document.objects.filter(person_id__in=person_ids).values_list(
                "person_id", "document_type", "number_normalized"
            )
        )
        open_consents = {
            (c.person_id, c.purpose): c
            for c in Consent.objects.filter(person_id__in=person_ids, withdrawn_at__isnull=True)
        }
        closing: list[int] = []
        for _n, parsed, person in rows:
            d, present = parsed.data, parsed.present
            fields = _apply(person, d, present)
            if {"given_names", "first_surname", "second_surname"} & fields:
                indexing.set_search_name(person)
                fields.add("search_name")
                renamed.append(person)
            if _has_location(d) and _location_differs(person, d):
                _set_location(person, d, now)
                fields.update(_LOCATION_FIELDS)
                locations.append(_history(person, d, now, self.principal.label))
            if fields:
                person.updated_at = now
                fields.add("updated_at")
                changed_fields |= fields
                changed.append(person)
            nationalities.extend(Nationality(person=person, country=c) for c in d.nationalities)
            contacts.extend(_contacts(person, parsed, now))
            for doc in d.documents:
                key = (person.pk, doc["document_type"], normalize_document_number(doc["number"]))
                if key not in known_docs:
                    known_docs.add(key)
                    documents.append(
                        Document(person=person, document_type=key[1], number=doc["number"], number_normalized=key[2])
                    )
            for purpose, (given, method) in d.consents.items():
                current = open_consents.get((person.pk, purpose))
                if current is not None and current.given == given:
                    continue
                if current is not None:
                    closing.append(current.pk)
                consents.append(
                    Consent(
                        person=person,
                        purpose=purpose,
                        given=given,
                        method=method,
                        recorded_at=now,
                        recorded_by=self.principal.user,
                        recorded_by_label=self.principal.label,
                    )
                )
        if changed:
            Person.objects.bulk_update(changed, sorted(changed_fields), batch_size=BATCH_SIZE)
        if closing:
            Consent.objects.filter(pk__in=closing).update(withdrawn_at=now, withdrawn_by_label=self.principal.label)
        Nationality.objects.bulk_create(nationalities, batch_size=BATCH_SIZE, ignore_conflicts=True)
        ContactPoint.objects.bulk_create(contacts, batch_size=BATCH_SIZE, ignore_conflicts=True)
        Document.objects.bulk_create(documents, batch_size=BATCH_SIZE)
        LocationHistory.objects.bulk_create(locations, batch_size=BATCH_SIZE)
        Consent.objects.bulk_create(consents, batch_size=BATCH_SIZE)
        if renamed:
            indexing.index_people(renamed, replace=True)


_LOCATION_FIELDS = {
    "latitude",
    "longitude",
    "country",
    "subdivision",
    "municipality",
    "location_observed_at",
    "location_source",
}


def _has_location(d) -> bool:
    return d.latitude is not None or bool(d.country or d.subdivision or d.municipality)


def _location_differs(person: Person, d) -> bool:
    return (person.latitude, person.longitude, person.country, person.subdivision, person.municipality) != (
        d.latitude if d.latitude is not None else person.latitude,
        d.longitude if d.longitude is not None else person.longitude,
        d.country or person.country,
        d.subdivision or person.subdivision,
        d.municipality or person.municipality,
    )


def _set_location(person: Person, d, now) -> None:
    if d.latitude is not None:
        person.latitude, person.longitude = d.latitude, d.longitude
    person.country = d.country or person.country
    person.subdivision = d.subdivision or person.subdivision
    person.municipality = d.municipality or person.municipality
    person.location_observed_at = now
    person.location_source = "import"


def _history(person: Person, d, now, label: str) -> LocationHistory:
    return LocationHistory(
        person=person,
        latitude=person.latitude,
        longitude=person.longitude,
        country=person.country,
        subdivision=person.subdivision,
        municipality=person.municipality,
        observed_at=now,
        source="import",
        recorded_by_label=label,
    )


def _apply(person: Person, d, present: frozenset[str]) -> set[str]:
    """Copy the row's non-blank values onto an existing person; return the changed fields."""
    changes: dict[str, object] = {}
    for column in ("given_names", "first_surname", "second_surname", "sex"):
        if column in present:
            changes[column] = getattr(d, column)
    if "date_of_birth" in present:
        changes["birth_date"], changes["birth_date_precision"] = d.birth_date, d.birth_date_precision
    if "nationality" in present and d.nationalities:
        changes["nationality"] = d.nationalities[0]
    if "preferred_language" in present:
        changes["preferred_language"] = d.preferred_language
    if "languages" in present or "preferred_language" in present:
        merged = list(dict.fromkeys([*(person.languages or []), *d.languages]))
        changes["languages"] = merged
    if "preferred_channel" in present:
        changes["preferred_channel"] = d.preferred_channel
    fields = set()
    for name, value in changes.items():
        if getattr(person, name) != value:
            setattr(person, name, value)
            fields.add(name)
    return fields


def _contact_dicts(person_id: int, parsed: ParsedRow, now) -> list[dict]:
    rows, seen = [], set()
    for index, (phone, whatsapp) in enumerate(parsed.phones):
        if phone.value in seen:
            continue
        seen.add(phone.value)
        rows.append(
            {
                "person_id": person_id,
                "kind": ContactKind.PHONE,
                "value": phone.value[:254],
                "raw_value": phone.raw[:254],
                "is_valid": phone.is_valid,
                "whatsapp": whatsapp,
                "verified": False,
                "is_primary": index == 0,
                "search_digits": (phone.national_number if phone.is_valid else digits(phone.raw))[-15:],
                "created_at": now,
            }
        )
    for index, email in enumerate(parsed.data.emails):
        if email not in seen:
            seen.add(email)
            rows.append(
                {
                    "person_id": person_id,
                    "kind": ContactKind.EMAIL,
                    "value": email,
                    "raw_value": email,
                    "is_primary": index == 0,
                    "created_at": now,
                }
            )
    return rows


def _contacts(person: Person, parsed: ParsedRow, now) -> list[ContactPoint]:
    rows, seen = [], set()
    for index, (phone, whatsapp) in enumerate(parsed.phones):
        if phone.value in seen:
            continue
        seen.add(phone.value)
        rows.append(
            ContactPoint(
                person=person,
                kind=ContactKind.PHONE,
                value=phone.value[:254],
                raw_value=phone.raw[:254],
                is_valid=phone.is_valid,
                whatsapp=whatsapp,
                is_primary=index == 0,
                search_digits=(phone.national_number if phone.is_valid else digits(phone.raw))[-15:],
                created_at=now,
            )
        )
    for index, email in enumerate(parsed.data.emails):
        if email in seen:
            continue
        seen.add(email)
        rows.append(
            ContactPoint(person=person, kind=ContactKind.EMAIL, value=email, raw_value=email, is_primary=index == 0)
        )
    return rows


__all__ = ["ImportResult", "MappingError", "UnreadableFile", "import_people", "parse_mapping_args", "resolve_columns"]
