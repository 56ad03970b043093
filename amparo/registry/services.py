"""Every write to the registry: one function per use case, keyword-only, in a transaction, audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.accounts.models import Organization
from amparo.registry import indexing
from amparo.registry.access import can_change, can_enter_sensitive, can_see_sensitive
from amparo.registry.models import (
    Consent,
    ContactKind,
    ContactPoint,
    Document,
    LocationHistory,
    Nationality,
    Person,
)
from amparo.registry.normalize import digits
from amparo.registry.phones import parse_phone


@dataclass
class PersonData:
    """What a registration carries; forms, the API, imports and demo data fill it the same way."""

    given_names: str
    first_surname: str = ""
    second_surname: str = ""
    other_names: list[str] = field(default_factory=list)
    sex: str = "unknown"
    gender_identity: str = ""
    birth_date: date | None = None
    birth_date_precision: str = "day"
    place_of_birth: str = ""
    nationalities: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    preferred_language: str = ""
    preferred_channel: str = ""
    migratory_status: str = "unknown"
    special_needs: str = ""
    source_record_id: str = ""
    phones: list[tuple[str, bool]] = field(default_factory=list)  # (number as written, whatsapp)
    emails: list[str] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)  # document_type, number, issuing_country, expiry_date
    latitude: float | None = None
    longitude: float | None = None
    location_precision_m: int | None = None
    country: str = ""
    subdivision: str = ""
    municipality: str = ""
    location_observed_at: datetime | None = None
    location_source: str = "registration"
    consents: dict[str, tuple[bool, str]] = field(default_factory=dict)  # purpose -> (given, method)


_PERSON_FIELDS = (
    "given_names",
    "first_surname",
    "second_surname",
    "other_names",
    "sex",
    "gender_identity",
    "birth_date",
    "birth_date_precision",
    "place_of_birth",
    "languages",
    "preferred_language",
    "preferred_channel",
    "migratory_status",
    "special_needs",
    "source_record_id",
)


@transaction.atomic
def register_person(
    *, actor, organization: Organization, data: PersonData, request=None, audit_event: bool = True
) -> Person:
    """Create a person owned by `organization`, with contacts, documents, location and consents."""
    principal = policy.principal_for(actor)
    if not policy.can_write_registry(principal, organization.pk):
        raise PermissionDenied(_("You may not register people for this organization."))
    person = Person(
        registering_organization=organization,
        created_by=principal.user,
        **{name: getattr(data, name) for name in _PERSON_FIELDS},
    )
    if not can_enter_sensitive(principal, organization.pk):
        for name in Person.SENSITIVE_FIELDS:  # the seat that registers has no sensitive role
            setattr(person, name, Person._meta.get_field(name).get_default())
    nationalities = [c.upper() for c in data.nationalities if c]
    person.nationality = nationalities[0] if nationalities else ""
    if not person.preferred_language and data.languages:
        person.preferred_language = data.languages[0]
    person.full_clean(exclude=["registering_organization", "created_by", "merged_into", "household"])
    indexing.set_search_name(person)
    person.save()
    indexing.index_people([person], replace=False)
    Nationality.objects.bulk_create([Nationality(person=person, country=c) for c in dict.fromkeys(nationalities)])
    _add_contacts(person, data, organization)
    for doc in data.documents:
        Document.objects.create(person=person, **doc)
    if data.latitude is not None or data.country or data.subdivision:
        record_location(
            actor=principal,
            person=person,
            latitude=data.latitude,
            longitude=data.longitude,
            precision_m=data.location_precision_m,
            country=data.country,
            subdivision=data.subdivision,
            municipality=data.municipality,
            observed_at=data.location_observed_at,
            source=data.location_source,
            audit_event=False,
        )
    for purpose, (given, method) in data.consents.items():
        record_consent(actor=principal, person=person, purpose=purpose, given=given, method=method, audit_event=False)
    if audit_event:
        audit.record(
            principal, AuditAction.CREATE, person, request=request, organization=organization, summary=person.full_name
        )
    transaction.on_commit(lambda: notify_saved([person.pk]))
    return person


def _add_contacts(person: Person, data: PersonData, organization: Organization) -> None:
    regions = (data.country, person.nationality, organization.country)
    for number, whatsapp in data.phones:
        if not number.strip():
            continue
        parsed = parse_phone(number, *regions)
        ContactPoint.objects.get_or_create(
            person=person,
            kind=ContactKind.PHONE,
            value=parsed.value,
            defaults={
                "raw_value": parsed.raw,
                "is_valid": parsed.is_valid,
                "whatsapp": whatsapp,
                "search_digits": (parsed.national_number if parsed.is_valid else digits(parsed.raw))[-15:],
            },
        )
    for email in data.emails:
        if email.strip():
            ContactPoint.objects.get_or_create(
                person=person, kind=ContactKind.EMAIL, value=email.strip().lower(), defaults={"raw_value": email}
            )


@transaction.atomic
def record_location(
    *,
    actor,
    person: Person,
    latitude: float | None,
    longitude: float | None,
    precision_m: int | None = None,
    country: str = "",
    subdivision: str = "",
    municipality: str = "",
    observed_at: datetime | None = None,
    source: str = "staff",
    audit_event: bool = True,
) -> LocationHistory:
    """Add a position to the history; it becomes the person's last known location if it is newer."""
    principal = policy.principal_for(actor)
    observed_at = observed_at or timezone.now()
    entry = LocationHistory.objects.create(
        person=person,
        latitude=latitude,
        longitude=longitude,
        precision_m=precision_m,
        country=country.upper(),
        subdivision=subdivision.upper(),
        municipality=municipality,
        observed_at=observed_at,
        source=source,
        recorded_by_label=principal.label,
    )
    if person.location_observed_at is None or observed_at >= person.location_observed_at:
        person.latitude, person.longitude, person.location_precision_m = latitude, longitude, precision_m
        person.country, person.subdivision, person.municipality = entry.country, entry.subdivision, municipality
        person.location_observed_at, person.location_source = observed_at, source
        person.save(
            update_fields=[
                "latitude",
                "longitude",
                "location_precision_m",
                "country",
                "subdivision",
                "municipality",
                "location_observed_at",
                "location_source",
                "updated_at",
            ]
        )
    if audit_event:
        audit.record(principal, AuditAction.UPDATE, person, summary="location", source=source)
    return entry


@transaction.atomic
def record_consent(
    *, actor, person: Person, purpose: str, given: bool, method: str, audit_event: bool = True
) -> Consent:
    """Record the person's current answer for a purpose; the previous answer is closed, not erased."""
    principal = policy.principal_for(actor)
    now = timezone.now()
    Consent.objects.filter(person=person, purpose=purpose, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by_label=principal.label
    )
    consent = Consent.objects.create(
        person=person,
        purpose=purpose,
        given=given,
        method=method,
        recorded_at=now,
        recorded_by=principal.user,
        recorded_by_label=principal.label,
    )
    if audit_event:
        audit.record(
            principal,
            AuditAction.UPDATE,
            person,
            summary=f"consent {purpose}: {'yes' if given else 'no'}",
            purpose=purpose,
            given=given,
            method=method,
        )
    return consent


@transaction.atomic
def withdraw_consent(*, actor, person: Person, purpose: str) -> int:
    """The person withdraws consent for a purpose: no message or sharing relies on it from now."""
    principal = policy.principal_for(actor)
    if not can_change(principal, person):
        raise PermissionDenied(_("You may not change this record."))
    changed = Consent.objects.filter(person=person, purpose=purpose, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by_label=principal.label
    )
    audit.record(principal, AuditAction.UPDATE, person, summary=f"consent {purpose} withdrawn", purpose=purpose)
    return changed


def has_consent(person: Person, purpose: str) -> bool:
    return Consent.objects.active(purpose).filter(person=person).exists()


def nationality_codes(person: Person) -> Iterable[str]:
    return person.nationalities.values_list("country", flat=True)


EDITABLE_FIELDS = _PERSON_FIELDS + ("record_status",)
_NAME_FIELDS = {"given_names", "first_surname", "second_surname", "other_names"}


@transaction.atomic
def update_person(
    *, actor, person: Person, changes: dict, nationalities: list[str] | None = None, request=None
) -> set[str]:
    """Change a person's own fields (and, if given, their nationalities, main one first); returns
    the names of the changed fields. Only the registering organization edits a record; the search
    index follows a name change; the audit event lists the fields, not their values."""
    principal = policy.principal_for(actor)
    if not can_change(principal, person):
        raise PermissionDenied(_("You may not change this record."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    changes = _nulls_as_empty(changes)
    if not can_see_sensitive(principal, person):
        changes = {k: v for k, v in changes.items() if k not in Person.SENSITIVE_FIELDS}
    changed = {name for name, value in changes.items() if getattr(person, name) != value}
    for name in changed:
        setattr(person, name, changes[name])
    if nationalities is not None:
        codes = list(dict.fromkeys(c.upper() for c in nationalities if c))
        if codes != list(person.nationalities.values_list("country", flat=True)) or (
            codes[:1] != [person.nationality] if codes else person.nationality
        ):
            person.nationalities.exclude(country__in=codes).delete()
            Nationality.objects.bulk_create(
                [Nationality(person=person, country=c) for c in codes], ignore_conflicts=True
            )
            person.nationality = codes[0] if codes else ""
            changed.add("nationality")
    if not changed:
        return changed
    person.full_clean(exclude=["registering_organization", "created_by", "merged_into", "household"])
    if changed & _NAME_FIELDS:
        indexing.set_search_name(person)
        changed.add("search_name")
    person.save(update_fields=sorted(changed | {"updated_at"}))
    if changed & _NAME_FIELDS:
        indexing.index_people([person], replace=True)
    audit.record(
        principal,
        AuditAction.UPDATE,
        person,
        request=request,
        summary=person.full_name,
        fields=sorted(changed - {"search_name"}),
    )
    transaction.on_commit(lambda: notify_saved([person.pk]))
    return changed


def _nulls_as_empty(changes: dict) -> dict:
    """`null` (an API client clearing a field) for a field the database keeps NOT NULL: its
    default or empty value (no other names, no languages, sex unknown), or a field error for a
    field that must have a value (the given names)."""
    cleaned = {}
    for name, value in changes.items():
        field = Person._meta.get_field(name)
        if value is None and not field.null:
            if field.has_default():
                value = field.get_default()
            elif field.blank:
                value = ""
            else:
                raise ValidationError({name: [_("This field cannot be empty.")]})
        cleaned[name] = value
    return cleaned


@transaction.atomic
def add_contact(*, actor, person: Person, kind: str, value: str, whatsapp: bool = False, request=None) -> ContactPoint:
    """Add a phone (parsed as DOMAIN.md says; kept and flagged when it does not parse) or e-mail."""
    principal = policy.principal_for(actor)
    if not can_change(principal, person):
        raise PermissionDenied(_("You may not change this record."))
    data = PersonData(given_names=person.given_names, country=person.country)
    if kind == ContactKind.PHONE:
        data.phones = [(value, whatsapp)]
    else:
        data.emails = [value]
    before = set(person.contacts.values_list("pk", flat=True))
    _add_contacts(person, data, person.registering_organization)
    contact = person.contacts.exclude(pk__in=before).first() or person.contacts.filter(kind=kind).last()
    audit.record(principal, AuditAction.UPDATE, person, request=request, summary=f"contact {kind} added")
    return contact


@transaction.atomic
def remove_contact(*, actor, contact: ContactPoint, request=None) -> None:
    principal = policy.principal_for(actor)
    if not can_change(principal, contact.person):
        raise PermissionDenied(_("You may not change this record."))
    contact.delete()
    audit.record(
        principal, AuditAction.UPDATE, contact.person, request=request, summary=f"contact {contact.kind} removed"
    )


@transaction.atomic
def add_document(
    *, actor, person: Person, document_type: str, number: str, issuing_country: str = "", expiry_date=None, request=None
) -> Document:
    principal = policy.principal_for(actor)
    if not can_change(principal, person):
        raise PermissionDenied(_("You may not change this record."))
    document = Document(
        person=person,
        document_type=document_type,
        number=number.strip(),
        issuing_country=issuing_country.upper(),
        expiry_date=expiry_date,
    )
    document.full_clean(exclude=["person", "number_normalized"])
    document.save()
    audit.record(principal, AuditAction.UPDATE, person, request=request, summary=f"document {document_type} added")
    return document


@transaction.atomic
def create_household(*, actor, organization: Organization, name: str, is_travelling_group: bool = False):
    from amparo.registry.models import Household

    principal = policy.principal_for(actor)
    if not policy.can_write_registry(principal, organization.pk):
        raise PermissionDenied(_("You may not register people for this organization."))
    household = Household.objects.create(
        name=name.strip(), registering_organization=organization, is_travelling_group=is_travelling_group
    )
    audit.record(principal, AuditAction.CREATE, household, organization=organization, summary=household.name)
    return household


@transaction.atomic
def set_household(*, actor, person: Person, household, role: str = "", request=None) -> None:
    """Put a person in a household or travelling group (or take them out with household=None)."""
    principal = policy.principal_for(actor)
    if not can_change(principal, person):
        raise PermissionDenied(_("You may not change this record."))
    if household is not None and household.registering_organization_id != person.registering_organization_id:
        raise PermissionDenied(_("The household belongs to another organization."))
    person.household, person.household_role = household, (role if household else "")
    person.save(update_fields=["household", "household_role", "updated_at"])
    audit.record(
        principal,
        AuditAction.UPDATE,
        person,
        request=request,
        summary=f"household {household.pk if household else '-'} {role}".strip(),
    )


def notify_saved(person_ids: list[int]) -> None:
    """Tell the apps that keep their own copy of person data (matching's blocking keys) that
    these people changed: each AppConfig may define `person_saved(person_ids)`."""
    from django.apps import apps

    for config in apps.get_app_configs():
        hook = getattr(config, "person_saved", None)
        if callable(hook):
            hook(list(person_ids))
