"""PFIF 1.4 (People Finder Interchange Format) in and out.

Reading (`read_pfif`) treats the file as hostile: it is parsed with defusedxml (no entities, no
DTD, no external references), its size is capped (`TRACING_PFIF_MAX_BYTES`), every record is
checked before anything is written, and an error names the line and the record. PFIF 1.2 and 1.3
files are read too (1.2's first_name/last_name are given_name/family_name). Text is stripped of
surrounding whitespace and inner runs of spaces.

Importing (`import_pfif`) writes everything or nothing (one transaction), and is idempotent:
a person_record_id or note_record_id already imported for the organization is never written
twice. A person with an `information_sought` note is an inquiry (someone looks for them);
any other person is a registry person with found-person notes, and with `--crisis`, their notes'
status updates welfare: believed_alive and is_note_author → safe, believed_missing → missing
(source partner); believed_dead is a note staff must confirm (DOMAIN.md).

Exporting (`export_pfif`) writes the people the actor may see who consented to sharing
(`sharing_host_authorities`), never one whose note says nobody may be told, never a position
(the place only: municipality, subdivision, country; coordinates in notes are coarsened to
about 10 km), and the inquiries whose inquirer agreed to share their details.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import TreeBuilder
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction, ConsentPurpose, RecordStatus
from amparo.accounts.models import Organization
from amparo.core.places import is_country_code, is_subdivision_code
from amparo.registry import indexing, normalize
from amparo.registry.bulk import insert_dicts
from amparo.registry.models import DatePrecision, Person, Sex
from amparo.tracing.codes import OPEN_STATES, InquirySource, NoteKind, Wish
from amparo.tracing.models import FoundNote, Inquiry

NAMESPACES = {
    "http://zesty.ca/pfif/1.4": "1.4",
    "http://zesty.ca/pfif/1.3": "1.3",
    "http://zesty.ca/pfif/1.2": "1.2",
}
NS = "http://zesty.ca/pfif/1.4"
LINE = "{amparo}line"
STATUSES = ("information_sought", "is_note_author", "believed_alive", "believed_missing", "believed_dead")
STATUS_TO_NOTE = {
    "information_sought": NoteKind.LOOKING_FOR_FAMILY,
    "is_note_author": NoteKind.FOUND,
    "believed_alive": NoteKind.FOUND,
    "believed_missing": NoteKind.MISSING,
    "believed_dead": NoteKind.DECEASED,
    "": NoteKind.COMMENT,
}
NOTE_TO_STATUS = {
    NoteKind.FOUND: "believed_alive",
    NoteKind.LOOKING_FOR_FAMILY: "is_note_author",
    NoteKind.MISSING: "believed_missing",
    NoteKind.DECEASED: "believed_dead",
    NoteKind.COMMENT: "",
}
STATUS_TO_WELFARE = {"believed_alive": "safe", "is_note_author": "safe", "believed_missing": "missing"}
WELFARE_TO_STATUS = {
    "safe": "believed_alive",
    "evacuated_relocated": "believed_alive",
    "repatriated": "believed_alive",
    "needs_assistance": "believed_alive",
    "missing": "believed_missing",
    "deceased": "believed_dead",
}
RENAMED = {"first_name": "given_name", "last_name": "family_name"}
RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]*(:[0-9]+)?/\S{1,150}$")
DOB = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
AGE = re.compile(r"^(\d{1,3})(?:-(\d{1,3}))?$")
COORDINATES = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)[\s,]+(-?\d{1,3}(?:\.\d+)?)\s*$")
MAX_FIELD = 2000
MAX_ERRORS = 50


def max_bytes() -> int:
    return int(getattr(settings, "TRACING_PFIF_MAX_BYTES", 200 * 1024 * 1024))


def domain() -> str:
    return getattr(settings, "TRACING_PFIF_DOMAIN", "amparo.local")


class PfifError(Exception):
    """The file cannot be imported; `errors` lists each problem with its line and record."""

    def __init__(self, errors: list[str]):
        self.errors = errors[:MAX_ERRORS]
        more = len(errors) - len(self.errors)
        super().__init__("; ".join(self.errors) + (f"; and {more} more" if more > 0 else ""))


# --- Reading ------------------------------------------------------------------------------------


@dataclass
class PfifNote:
    line: int
    values: dict[str, str]
    person_record_id: str = ""

    @property
    def record_id(self) -> str:
        return self.values.get("note_record_id", "")

    @property
    def status(self) -> str:
        return self.values.get("status", "")


@dataclass
class PfifPerson:
    line: int
    values: dict[str, str]
    notes: list[PfifNote] = field(default_factory=list)

    @property
    def record_id(self) -> str:
        return self.values.get("person_record_id", "")


@dataclass
class PfifDocument:
    version: str
    persons: list[PfifPerson]
    notes: list[PfifNote]  # top-level notes (about a person in this file or already imported)


def _clean(name: str, text: str | None) -> str:
    text = (text or "").strip()
    if name in ("text", "description", "full_name", "alternate_names", "profile_urls"):
        return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    return " ".join(text.split())


class _Builder(TreeBuilder):
    """Builds one record at a time (a person with its notes, or a top-level note), converts it to
    a plain dict and drops the elements, so a large file never sits in memory as a tree."""

    def __init__(self):
        super().__init__()
        self.parser = None
        self.depth = 0
        self.stack: list = []
        self.root_tag = ""
        self.persons: list[PfifPerson] = []
        self.notes: list[PfifNote] = []

    def start(self, tag, attrs):
        attrs = (
            {**attrs, LINE: str(self.parser.parser.CurrentLineNumber)}
            if attrs
            else {LINE: str(self.parser.parser.CurrentLineNumber)}
        )
        element = super().start(tag, attrs)
        if not self.stack:
            self.root_tag = tag
        self.stack.append(element)
        return element

    def end(self, tag):
        element = super().end(tag)
        self.stack.pop()
        if len(self.stack) == 1:  # a record, child of the root
            self._record(element)
            self.stack[0].remove(element)
        return element

    def _record(self, element) -> None:
        ns, _, local = element.tag.rpartition("}")
        if local == "person":
            person = PfifPerson(int(element.get(LINE)), _fields(element))
            for child in element:
                if child.tag.rpartition("}")[2] == "note":
                    note = PfifNote(int(child.get(LINE)), _fields(child))
                    note.person_record_id = note.values.get("person_record_id") or person.record_id
                    person.notes.append(note)
            self.persons.append(person)
        elif local == "note":
            note = PfifNote(int(element.get(LINE)), _fields(element))
            note.person_record_id = note.values.get("person_record_id", "")
            self.notes.append(note)
        else:
            raise PfifError([f"line {element.get(LINE)}: unexpected element <{local}> (expected person or note)"])


def _fields(element) -> dict[str, str]:
    out = {}
    for child in element:
        name = child.tag.rpartition("}")[2]
        if name == "note":
            continue
        name = RENAMED.get(name, name)
        out[name] = _clean(name, child.text)
    return out


def read_pfif(source: bytes | IO[bytes]) -> PfifDocument:
    """Parse and check a PFIF document; PfifError (with lines and records) when it is not one."""
    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    limit = max_bytes()
    read = 0
    chunks = [source] if isinstance(source, bytes) else iter(lambda: source.read(1 << 16), b"")
    try:
        for chunk in chunks:
            read += len(chunk)
            if read > limit:
                raise PfifError([f"the file is larger than {limit // (1024 * 1024)} MB"])
            parser.feed(chunk)
        parser.close()
    except DefusedXmlException as exc:
        raise PfifError(
            [f"refused: {type(exc).__name__} (entities, DTDs and external references are not allowed)"]
        ) from exc
    except SyntaxError as exc:  # xml.etree.ElementTree.ParseError
        raise PfifError([f"not well-formed XML: {exc}"]) from exc
    ns, _, local = builder.root_tag.rpartition("}")
    version = NAMESPACES.get(ns.lstrip("{"))
    if local != "pfif" or version is None:
        raise PfifError([f"not a PFIF document: the root is <{local}> in namespace {ns.lstrip('{') or '(none)'}"])
    document = PfifDocument(version=version, persons=builder.persons, notes=builder.notes)
    errors = check(document)
    if errors:
        raise PfifError(errors)
    return document


def check(document: PfifDocument) -> list[str]:
    errors: list[str] = []
    seen_people: set[str] = set()
    seen_notes: set[str] = set()
    for person in document.persons:
        where = f"line {person.line}, person {person.record_id or '(no person_record_id)'}"
        errors += [f"{where}: {e}" for e in _person_problems(person.values)]
        if person.record_id in seen_people:
            errors.append(f"{where}: person_record_id appears twice in the file")
        seen_people.add(person.record_id)
        for note in person.notes:
            errors += _note_errors(note, seen_notes)
    for note in document.notes:
        errors += _note_errors(note, seen_notes)
        if not note.person_record_id:
            errors.append(f"line {note.line}, note {note.record_id}: a top-level note needs a person_record_id")
    return errors


def _too_long(values: dict) -> list[str]:
    return [f"{name} is longer than {MAX_FIELD} characters" for name, v in values.items() if len(v) > MAX_FIELD]


def _person_problems(v: dict) -> list[str]:
    problems = _too_long(v)
    if not RECORD_ID.match(v.get("person_record_id", "")):
        problems.append("person_record_id must be 'domain/id'")
    if not (v.get("full_name") or v.get("given_name") or v.get("family_name")):
        problems.append("no name (full_name, given_name or family_name)")
    if v.get("sex") and v["sex"] not in ("female", "male", "other"):
        problems.append(f"sex {v['sex']!r} is not female, male or other")
    if v.get("date_of_birth") and not _dob(v["date_of_birth"]):
        problems.append(f"date_of_birth {v['date_of_birth']!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    if v.get("age") and not _age(v["age"]):
        problems.append(f"age {v['age']!r} is not a number or a range like 35-45")
    for name in ("source_date", "entry_date", "expiry_date"):
        if v.get(name) and _datetime(v[name]) is None:
            problems.append(f"{name} {v[name]!r} is not a UTC date and time (YYYY-MM-DDThh:mm:ssZ)")
    return problems


def _note_errors(note: PfifNote, seen: set[str]) -> list[str]:
    v = note.values
    where = f"line {note.line}, note {note.record_id or '(no note_record_id)'}"
    problems = _too_long(v)
    if not RECORD_ID.match(note.record_id):
        problems.append("note_record_id must be 'domain/id'")
    elif note.record_id in seen:
        problems.append("note_record_id appears twice in the file")
    seen.add(note.record_id)
    if note.status and note.status not in STATUSES:
        problems.append(f"status {note.status!r} is not one of {', '.join(STATUSES)}")
    for name in ("source_date", "entry_date"):
        if v.get(name) and _datetime(v[name]) is None:
            problems.append(f"{name} {v[name]!r} is not a UTC date and time (YYYY-MM-DDThh:mm:ssZ)")
    return [f"{where}: {p}" for p in problems]


def _dob(text: str) -> tuple[date, str] | None:
    m = DOB.match(text)
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    precision = DatePrecision.DAY if m[3] else DatePrecision.MONTH if m[2] else DatePrecision.YEAR
    return value, precision


def _age(text: str) -> tuple[int, int] | None:
    m = AGE.match(text)
    if not m:
        return None
    low, high = int(m[1]), int(m[2] or m[1])
    return (low, high) if low <= high <= 130 else None


UTC_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _datetime(text: str) -> datetime | None:
    """A PFIF date and time (always UTC, 'Z'); fromisoformat after the pattern (strptime is ten
    times slower, and a feed repeats it twice per record)."""
    if not UTC_DATETIME.match(text or ""):
        return None
    try:
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    except ValueError:
        return None


def coarse_place(text: str) -> str:
    """A place as written, but coordinates rounded to 0.1° (about 10 km): never an exact position."""
    m = COORDINATES.match(text or "")
    if not m:
        return text
    return f"{round(float(m[1]), 1)} {round(float(m[2]), 1)}"


# --- Importing ----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    people: int = 0
    inquiries: int = 0
    notes: int = 0
    unchanged: int = 0  # records already imported (idempotent re-import)
    welfare: int = 0
    person_ids: list[int] = field(default_factory=list)
    inquiry_ids: list[int] = field(default_factory=list)


def _split_name(v: dict) -> tuple[str, str, str, list[str]]:
    lines = [line for line in v.get("full_name", "").splitlines() if line]
    others = lines[1:] + [line for line in v.get("alternate_names", "").splitlines() if line]
    given, family = v.get("given_name", ""), v.get("family_name", "")
    if not given and not family and lines:
        words = lines[0].split()
        given = " ".join(words[:-2] if len(words) > 2 else words[:1])
        family = " ".join(words[-2:] if len(words) > 2 else words[1:])
    surnames = family.split(maxsplit=1)
    return (
        given or family,
        surnames[0] if given and surnames else "",
        surnames[1] if given and len(surnames) > 1 else "",
        others,
    )


def _place(v: dict) -> dict:
    country = v.get("home_country", "").upper()
    country = country if is_country_code(country) else ""
    state = v.get("home_state", "").upper()
    return {
        "country": country,
        "subdivision": state if is_subdivision_code(state) else "",
        "municipality": v.get("home_city", "")[:120],
    }


def import_pfif(
    *, actor, organization: Organization, source: bytes | IO[bytes], crisis=None, request=None
) -> ImportResult:
    """Import a PFIF document for `organization`: all or nothing, idempotent, audited once."""
    principal = policy.principal_for(actor)
    if not policy.can_write_registry(principal, organization.pk):
        raise PermissionError("You may not import people for this organization.")
    document = read_pfif(source)
    result = ImportResult()
    with transaction.atomic():
        _write(principal, organization, document, result, crisis)
        audit.record(principal, AuditAction.IMPORT, organization=organization, request=request,
                     object_type="tracing.pfif", summary=f"PFIF {document.version} import",
                     people=result.people, inquiries=result.inquiries, notes=result.notes,
                     unchanged=result.unchanged)  # fmt: skip
        from amparo.tracing.services import _match_later

        _match_later(inquiry_ids=result.inquiry_ids, person_ids=result.person_ids)
        if result.person_ids and len(result.person_ids) <= 5000:
            from amparo.registry.services import notify_saved

            ids = list(result.person_ids)
            transaction.on_commit(lambda: notify_saved(ids))
    return result


def _write(principal, organization: Organization, document: PfifDocument, result: ImportResult, crisis) -> None:
    now = timezone.now()
    org_id = organization.pk
    user_id = principal.user.pk if principal.user is not None else None
    persons = document.persons
    ids = [p.record_id for p in persons] + [n.person_record_id for n in document.notes]
    existing_people = _existing(Person.objects.filter(registering_organization_id=org_id), ids)
    existing_inquiries = _existing(Inquiry.objects.filter(organization_id=org_id), ids)
    note_ids = [n.record_id for p in persons for n in p.notes] + [n.record_id for n in document.notes]
    existing_notes = set(_existing(FoundNote.objects.filter(organization_id=org_id), note_ids))

    sought = [p for p in persons if any(n.status == "information_sought" for n in p.notes)]
    found = [p for p in persons if p not in sought]
    new_inquiries = [p for p in sought if p.record_id not in existing_inquiries]
    new_people = [p for p in found if p.record_id not in existing_people]
    result.unchanged += len(persons) - len(new_inquiries) - len(new_people)

    # Inquiries (someone looks for this person).
    for p in new_inquiries:
        given, s1, s2, others = _split_name(p.values)
        asking = next(n for n in p.notes if n.status == "information_sought")
        v, a = p.values, asking.values
        dob = _dob(v.get("date_of_birth", ""))
        age = _age(v.get("age", ""))
        inquiry = Inquiry.objects.create(
            organization_id=org_id, source=InquirySource.PFIF, source_record_id=p.record_id, given_names=given[:150],
            first_surname=s1[:150], second_surname=s2[:150], nicknames=others[:20],
            sex=_sex(v.get("sex", "")), birth_date=dob[0] if dob else None,
            birth_date_precision=dob[1] if dob else DatePrecision.DAY,
            age_min=age[0] if age else None, age_max=age[1] if age else None,
            last_seen_place=coarse_place(a.get("last_known_location", ""))[:200],
            last_seen_country=_place(v)["country"],
            distinguishing_features=v.get("description", ""),
            inquirer_name=(a.get("author_name") or v.get("author_name") or "?")[:200],
            inquirer_phone=(a.get("author_phone") or v.get("author_phone", ""))[:40],
            inquirer_email=(a.get("author_email") or v.get("author_email", ""))[:254],
            crisis=crisis, created_at=now,
        )  # fmt: skip
        existing_inquiries[p.record_id] = inquiry.pk
        result.inquiry_ids.append(inquiry.pk)
        result.inquiries += 1
    if result.inquiry_ids:
        from amparo.tracing.services import write_keys

        write_keys(list(Inquiry.objects.filter(pk__in=result.inquiry_ids)))

    # Registry people (found, alive, missing…), written in bulk like the registry's import.
    rows, keys = [], []
    for p in new_people:
        given, s1, s2, others = _split_name(p.values)
        v = p.values
        dob = _dob(v.get("date_of_birth", ""))
        age = _age(v.get("age", ""))
        birth, precision = dob if dob else (None, DatePrecision.DAY)
        if birth is None and age:
            year = (_datetime(v.get("source_date", "")) or now).year - (age[0] + age[1]) // 2
            birth, precision = date(year, 1, 1), DatePrecision.ESTIMATED
        rows.append({
            "registering_organization_id": org_id, "created_by_id": user_id, "source_record_id": p.record_id,
            "given_names": given[:150], "first_surname": s1[:150], "second_surname": s2[:150],
            "other_names": others[:20], "sex": _sex(v.get("sex", "")), "birth_date": birth,
            "birth_date_precision": precision, "created_at": now, "updated_at": now,
            "search_name": normalize.search_name(given, s1, s2, others[:20]),
            "location_source": "pfif" if any(_place(v).values()) else "", **_place(v),
        })  # fmt: skip
    pks = insert_dicts(Person, rows, returning_pk=True) if rows else []
    for pk, p, row in zip(pks, new_people, rows, strict=True):
        existing_people[p.record_id] = pk
        keys.append((pk, normalize.person_keys(row["given_names"], row["first_surname"], row["second_surname"],
                                               row["other_names"])))  # fmt: skip
    if keys:
        # New ids: their keys cannot exist yet, so they go in without conflict checks (COPY).
        indexing.write_keys(keys, new_people=True)
    result.person_ids = list(pks)
    result.people = len(pks)

    # Notes: on registry people (found-person notes) and, with a crisis, their welfare.
    notes, welfare = [], []
    for note in [n for p in found for n in p.notes] + document.notes:
        if note.record_id in existing_notes:
            result.unchanged += 1
            continue
        person_id = existing_people.get(note.person_record_id)
        if person_id is None:
            if note.person_record_id in existing_inquiries:
                result.unchanged += 1  # a note on an inquiry: the inquiry holds what it says
                continue
            raise PfifError([f"line {note.line}, note {note.record_id}: person {note.person_record_id} is neither "
                             "in this file nor already imported for this organization"])  # fmt: skip
        v = note.values
        notes.append({
            "person_id": person_id, "organization_id": org_id, "kind": STATUS_TO_NOTE[note.status],
            "wish": Wish.ASK_ME, "place": coarse_place(v.get("last_known_location", ""))[:200],
            "text": v.get("text", ""), "author_name": v.get("author_name", "")[:200], "pfif_status": note.status,
            "source_record_id": note.record_id, "created_by_id": user_id,
            "created_at": _datetime(v.get("source_date", "")) or now,
        })  # fmt: skip
        existing_notes.add(note.record_id)
        if crisis is not None and note.status in STATUS_TO_WELFARE:
            welfare.append((person_id, STATUS_TO_WELFARE[note.status]))
    insert_dicts(FoundNote, notes)
    result.notes = len(notes)
    if welfare:
        from amparo.crises.services import update_welfare

        people = Person.objects.in_bulk({pid for pid, _s in welfare})
        for person_id, status in dict(welfare).items():
            update_welfare(actor=principal, crisis=crisis, person=people[person_id], status=status, source="partner")
            result.welfare += 1


def _existing(queryset, record_ids) -> dict[str, int]:
    ids = sorted({r for r in record_ids if r})
    found: dict[str, int] = {}
    for start in range(0, len(ids), 5000):
        part = ids[start : start + 5000]
        found.update(queryset.filter(source_record_id__in=part).values_list("source_record_id", "pk"))
    return found


def _sex(value: str) -> str:
    return {"female": Sex.FEMALE, "male": Sex.MALE, "other": Sex.INTERSEX_OTHER}.get(value, Sex.UNKNOWN)


# --- Exporting ----------------------------------------------------------------------------------


def _element(name: str, value) -> str:
    if value in (None, ""):
        return ""
    return f"<pfif:{name}>{escape(str(value))}</pfif:{name}>"


def _utc(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def _record_id(source_record_id: str, kind: str, pk: int) -> str:
    return source_record_id if RECORD_ID.match(source_record_id or "") else f"{domain()}/{kind}.{pk}"


def exportable_people(actor, crisis=None):
    """The people `actor` may see who consented to sharing and whose notes do not forbid it."""
    people = (
        Person.objects.visible_to(actor)
        .exclude(record_status=RecordStatus.MERGED)
        .with_consent(ConsentPurpose.SHARING_HOST_AUTHORITIES)
        .exclude(found_notes__wish=Wish.NOBODY)
    )
    if crisis is not None:
        people = people.filter(welfare_statuses__crisis=crisis)
    return people.select_related("registering_organization").order_by("pk")


def _dob_text(person: Person) -> tuple[str, str]:
    """(date_of_birth, age): an estimated date of birth is exported as an age."""
    if not person.birth_date:
        return "", ""
    b = person.birth_date
    if person.birth_date_precision == DatePrecision.ESTIMATED:
        today = timezone.localdate()
        return "", str(today.year - b.year)
    if person.birth_date_precision == DatePrecision.YEAR:
        return f"{b.year:04d}", ""
    if person.birth_date_precision == DatePrecision.MONTH:
        return f"{b.year:04d}-{b.month:02d}", ""
    return b.isoformat(), ""


def export_pfif(*, actor, output: IO[str] | str | Path, crisis=None, request=None) -> int:
    """Write a PFIF 1.4 document; returns the number of person records. Audited once."""
    if isinstance(output, str | Path):
        with open(output, "w", encoding="utf-8") as handle:
            return export_pfif(actor=actor, output=handle, crisis=crisis, request=request)
    principal = policy.principal_for(actor)
    count = 0
    exported: list[int] = []
    output.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<pfif:pfif xmlns:pfif="{NS}">\n')
    for chunk in _chunks(exportable_people(principal, crisis)):
        for record in _people_xml(principal, chunk, crisis):
            output.write(record)
            count += 1
        exported += [p.pk for p in chunk]
    for inquiry in _exportable_inquiries(principal, crisis):
        output.write(_inquiry_xml(inquiry))
        count += 1
    output.write("</pfif:pfif>\n")
    audit.record_many(principal, AuditAction.EXPORT, Person, exported, request=request,
                      summary="PFIF 1.4 export", crisis=getattr(crisis, "pk", None), records=count)  # fmt: skip
    return count


def _chunks(queryset, size: int = 2000) -> Iterator[list[Person]]:
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last)[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def _people_xml(principal, people: list[Person], crisis) -> Iterator[str]:
    ids = [p.pk for p in people]
    notes: dict[int, list[FoundNote]] = {}
    for note in policy.visible(principal, FoundNote).filter(person_id__in=ids).select_related("organization"):
        notes.setdefault(note.person_id, []).append(note)
    welfare = {}
    if crisis is not None:
        from amparo.crises.models import WelfareStatus

        welfare = {w.person_id: w for w in WelfareStatus.objects.filter(crisis=crisis, person_id__in=ids)}
    for person in people:
        record_id = _record_id(person.source_record_id, "person", person.pk)
        dob, age = _dob_text(person)
        parts = [
            "<pfif:person>",
            _element("person_record_id", record_id),
            _element("entry_date", _utc(person.updated_at)),
            _element("author_name", person.registering_organization.name),
            _element("source_name", person.registering_organization.name),
            _element("source_date", _utc(person.created_at)),
            _element("full_name", person.full_name),
            _element("given_name", person.given_names),
            _element("family_name", person.surnames),
            _element("alternate_names", "\n".join(person.other_names or [])),
            _element("sex", {"female": "female", "male": "male", "intersex_other": "other"}.get(person.sex, "")),
            _element("date_of_birth", dob),
            _element("age", age),
            _element("home_city", person.municipality),
            _element("home_state", person.subdivision),
            _element("home_country", person.country),
        ]
        for note in sorted(notes.get(person.pk, []), key=lambda n: (n.created_at, n.pk)):
            parts.append(_note_xml(
                _record_id(note.source_record_id, "note", note.pk), record_id, note.author_name or note.organization.name,
                note.created_at, NOTE_TO_STATUS.get(note.kind, ""), coarse_place(note.place), note.text,
            ))  # fmt: skip
        w = welfare.get(person.pk)
        if w is not None and w.status in WELFARE_TO_STATUS and w.updated_at:
            parts.append(_note_xml(f"{domain()}/welfare.{crisis.pk}.{person.pk}", record_id,
                                   person.registering_organization.name, w.updated_at, WELFARE_TO_STATUS[w.status],
                                   "", f"Welfare in {crisis.name}: {w.status}"))  # fmt: skip
        parts.append("</pfif:person>\n")
        yield "".join(parts)


def _note_xml(note_id, person_id, author, at, status, place, text) -> str:
    return "".join([
        "<pfif:note>", _element("note_record_id", note_id), _element("person_record_id", person_id),
        _element("entry_date", _utc(at)), _element("author_name", author or "?"), _element("source_date", _utc(at)),
        _element("status", status), _element("last_known_location", place), _element("text", text or "-"),
        "</pfif:note>",
    ])  # fmt: skip


def _exportable_inquiries(principal, crisis):
    qs = policy.visible(principal, Inquiry).filter(state__in=OPEN_STATES, inquirer_consents_share=True)
    if crisis is not None:
        qs = qs.filter(crisis=crisis)
    return qs.select_related("organization").order_by("pk").iterator(chunk_size=2000)


def _inquiry_xml(inquiry: Inquiry) -> str:
    record_id = _record_id(inquiry.source_record_id, "inquiry", inquiry.pk)
    surnames = " ".join(p for p in (inquiry.first_surname, inquiry.second_surname) if p)
    age = ""
    if inquiry.age_min is not None:
        age = str(inquiry.age_min) if inquiry.age_min == inquiry.age_max else f"{inquiry.age_min}-{inquiry.age_max}"
    dob = ""
    if inquiry.birth_date:
        dob = {"year": f"{inquiry.birth_date.year:04d}", "month": inquiry.birth_date.strftime("%Y-%m")}.get(
            inquiry.birth_date_precision, inquiry.birth_date.isoformat()
        )
    return "".join([
        "<pfif:person>", _element("person_record_id", record_id), _element("entry_date", _utc(inquiry.updated_at)),
        _element("author_name", inquiry.inquirer_name), _element("source_name", inquiry.organization.name),
        _element("source_date", _utc(inquiry.created_at)), _element("full_name", inquiry.sought_name),
        _element("given_name", inquiry.given_names), _element("family_name", surnames),
        _element("alternate_names", "\n".join(inquiry.nicknames or [])),
        _element("description", inquiry.distinguishing_features),
        _element("sex", {"female": "female", "male": "male", "intersex_other": "other"}.get(inquiry.sex, "")),
        _element("date_of_birth", dob), _element("age", "" if dob else age),
        _element("home_country", inquiry.last_seen_country),
        _note_xml(f"{record_id}.sought", record_id, inquiry.inquirer_name, inquiry.created_at, "information_sought",
                  inquiry.last_seen_place, "Information sought by " + (inquiry.inquirer_relationship or "a relative")),
        "</pfif:person>\n",
    ])  # fmt: skip
