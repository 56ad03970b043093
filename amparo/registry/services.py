"""Every write to the registry: one function per use case, keyword-only, in a transaction, audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.accounts.models import Organization
from amparo.registry import indexing
from amparo.registry.access import can_change
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
