"""Every write of the portal: information pages (draft → review → published by another person),
self-reports, self-registrations and the person's own changes to their data.

The migrant side has no user account: its writes run as the system actor `portal:self-service`
and only ever touch the records that hold the phone the person proved they hold (the views pass
that phone, taken from the session, never from the request). Each is audited with the address it
came from, and each change to a record reaches its organization's staff (a DataRequest row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction, ConsentPurpose, OrganizationKind
from amparo.accounts.models import Organization
from amparo.portal.access import EDITOR_ROLES
from amparo.portal.codes import RegistrationStatus, RequestKind, RequestStatus, VersionStatus
from amparo.portal.models import LANGUAGES, DataRequest, InfoPage, InfoPageVersion, SelfRegistration
from amparo.registry import services as registry
from amparo.registry.models import ConsentMethod, ContactKind, ContactPoint, Person

SELF_SERVICE = "portal:self-service"


def self_service_actor():
    return policy.system_principal(SELF_SERVICE)


# --- Information pages ------------------------------------------------------------------------


def _require_editor(actor, organization_id: int):
    principal = policy.principal_for(actor)
    if not principal.is_system and organization_id not in principal.organization_ids(EDITOR_ROLES):
        raise PermissionDenied(_("You may not edit this organization's information pages."))
    return principal


@transaction.atomic
def create_page(*, actor, organization: Organization, country: str, topic: str) -> InfoPage:
    principal = _require_editor(actor, organization.pk)
    page, created = InfoPage.objects.get_or_create(organization=organization, country=country.upper(), topic=topic)
    if created:
        audit.record(principal, AuditAction.CREATE, page, organization=organization, summary=f"{country} {topic}")
    return page


@transaction.atomic
def save_draft(*, actor, page: InfoPage, language: str, title: str, body: str) -> InfoPageVersion:
    """Write the page's text in a language: the open draft is edited, or a new draft starts from
    the published text (which stays online until the new version is published)."""
    principal = _require_editor(actor, page.organization_id)
    if language not in LANGUAGES:
        raise ValidationError(_("Unknown language."))
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise ValidationError(_("A page needs a title and a text."))
    draft = InfoPageVersion.objects.filter(
        page=page, language=language, status__in=(VersionStatus.DRAFT, VersionStatus.IN_REVIEW)
    ).first()
    if draft is None:
        number = (InfoPageVersion.objects.filter(page=page, language=language).aggregate(n=Max("number"))["n"] or 0) + 1
        draft = InfoPageVersion(page=page, language=language, number=number)
    draft.title, draft.body, draft.status, draft.submitted_at = title, body, VersionStatus.DRAFT, None
    draft.author, draft.author_label = principal.user, principal.label[:150]
    draft.full_clean(exclude=["page", "author", "reviewed_by"])
    draft.save()
    audit.record(principal, AuditAction.UPDATE, draft, organization=page.organization_id, summary=f"draft {language}")
    return draft


@transaction.atomic
def submit_for_review(*, actor, version: InfoPageVersion) -> InfoPageVersion:
    principal = _require_editor(actor, version.page.organization_id)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be sent for review."))
    version.status, version.submitted_at = VersionStatus.IN_REVIEW, timezone.now()
    version.save(update_fields=["status", "submitted_at"])
    audit.record(principal, AuditAction.STATUS_CHANGE, version, organization=version.page.organization_id,
                 summary="sent for review")  # fmt: skip
    return version


@transaction.atomic
def publish(*, actor, version: InfoPageVersion) -> InfoPageVersion:
    """Publish a reviewed version: a second person, never its author, takes responsibility for
    what migrants will read. The previous published text is kept as superseded."""
    principal = _require_editor(actor, version.page.organization_id)
    if version.status != VersionStatus.IN_REVIEW:
        raise ValidationError(_("Only a version waiting for review can be published."))
    if not principal.is_system and principal.user is not None and version.author_id == principal.user.pk:
        raise PermissionDenied(_("Someone other than the author must review and publish this text."))
    now = timezone.now()
    InfoPageVersion.objects.filter(page=version.page, language=version.language, status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.SUPERSEDED
    )
    version.status, version.published_at = VersionStatus.PUBLISHED, now
    version.reviewed_by, version.reviewed_by_label = principal.user, principal.label[:150]
    version.save(update_fields=["status", "published_at", "reviewed_by", "reviewed_by_label"])
    audit.record(principal, AuditAction.STATUS_CHANGE, version, organization=version.page.organization_id,
                 summary=f"published v{version.number} {version.language}")  # fmt: skip
    return version


@transaction.atomic
def send_back(*, actor, version: InfoPageVersion) -> InfoPageVersion:
    """The reviewer returns the text to its author as a draft."""
    principal = _require_editor(actor, version.page.organization_id)
    if version.status != VersionStatus.IN_REVIEW:
        raise ValidationError(_("Only a version waiting for review can be sent back."))
    version.status, version.submitted_at = VersionStatus.DRAFT, None
    version.save(update_fields=["status", "submitted_at"])
    audit.record(principal, AuditAction.STATUS_CHANGE, version, organization=version.page.organization_id,
                 summary="sent back to draft")  # fmt: skip
    return version


@transaction.atomic
def withdraw_page(*, actor, version: InfoPageVersion) -> InfoPageVersion:
    """Take a published text offline (wrong or out of date) without publishing another."""
    principal = _require_editor(actor, version.page.organization_id)
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("Only a published version can be taken offline."))
    version.status = VersionStatus.SUPERSEDED
    version.save(update_fields=["status"])
    audit.record(principal, AuditAction.STATUS_CHANGE, version, organization=version.page.organization_id,
                 summary="taken offline")  # fmt: skip
    return version


# --- Self-report in a crisis ------------------------------------------------------------------


@dataclass
class SelfReportOutcome:
    updated: list[Person] = field(default_factory=list)  # records whose welfare the answer updated
    to_inbox: bool = False  # staff must look (no record, or the update was refused)


def self_report(
    *,
    phone: str,
    crisis,
    answer: str,
    needs: Sequence[str] = (),
    note: str = "",
    person_ids: Sequence[int] | None = None,
    people: Sequence[Person],
    request=None,
) -> SelfReportOutcome:
    """A person who proved they hold `phone` says they are safe or need help in `crisis`.

    Applied as source `self_report` to the records holding the phone that the crisis affects (or
    to those the person chose, on a shared phone); anything else (no record, a record not in the
    crisis, a refused update) goes to the crisis organization's inbox for staff to look at. A
    self-report never sets or leaves `deceased` and never overrides a later staff entry
    (crises.services.update_welfare's rules for automatic sources).
    """
    from amparo.crises import services as crises
    from amparo.crises.models import WelfareStatus

    status = "safe" if answer == "safe" else "needs_assistance"
    chosen = [p for p in people if person_ids is None or p.pk in person_ids]
    in_crisis = set(WelfareStatus.objects.filter(crisis=crisis, person__in=chosen).values_list("person_id", flat=True))
    outcome = SelfReportOutcome()
    actor = self_service_actor()
    for person in chosen:
        if person.pk not in in_crisis:
            continue
        try:
            crises.update_welfare(
                actor=actor, crisis=crisis, person=person, status=status, source="self_report", needs=needs,
                note=note[:500], request=request, from_answer=True,  # the person answered, after a phone code
            )  # fmt: skip
        except crises.WelfareUpdateRefused:
            outcome.to_inbox = True
        else:
            outcome.updated.append(person)
    if not outcome.updated:
        outcome.to_inbox = True
    if outcome.to_inbox:
        _report_to_inbox(phone=phone, crisis=crisis, answer=answer, needs=needs, note=note,
                         person=chosen[0] if len(chosen) == 1 else None)  # fmt: skip
    return outcome


def _report_to_inbox(*, phone, crisis, answer, needs, note, person) -> None:
    from amparo.messaging.inbound import record_portal_report

    record_portal_report(
        organization=crisis.organization, crisis=crisis, phone=phone, person=person, intent=answer,
        needs=list(needs), body=note,
    )  # fmt: skip


# --- Self-registration ------------------------------------------------------------------------


def consulates_for(nationality: str, country: str) -> list[Organization]:
    """The consulates of `nationality` that serve people in `country`."""
    return list(
        Organization.objects.filter(
            kind=OrganizationKind.CONSULATE,
            is_active=True,
            served_nationality=nationality.upper(),
            jurisdiction_country=country.upper(),
        ).order_by("name")
    )


@dataclass
class Registration:
    given_names: str
    surnames: str
    phone: str  # E.164, verified
    nationality: str
    country: str
    subdivision: str
    municipality: str
    latitude: float | None
    longitude: float | None
    precision_m: int | None
    language: str
    consents: dict[str, bool]  # purpose -> given


@transaction.atomic
def self_register(*, data: Registration, organization: Organization, request=None) -> SelfRegistration:
    """Create the record in the consulate's registry, marked self-registered and unverified, with
    the verified phone and one consent answer per purpose; possible duplicates go to the
    consulate's duplicate review queue."""
    if organization.kind != OrganizationKind.CONSULATE:
        raise ValidationError(_("Choose a consulate."))
    first, _sep, second = data.surnames.strip().partition(" ")
    actor = self_service_actor()
    person = registry.register_person(
        actor=actor,
        organization=organization,
        data=registry.PersonData(
            given_names=data.given_names.strip(),
            first_surname=first,
            second_surname=second.strip(),
            nationalities=[data.nationality],
            languages=[data.language],
            preferred_language=data.language,
            preferred_channel="sms",
            phones=[(data.phone, False)],
            latitude=data.latitude,
            longitude=data.longitude,
            location_precision_m=data.precision_m,
            country=data.country,
            subdivision=data.subdivision,
            municipality=data.municipality,
            location_source="self_registration",
            consents={p: (given, ConsentMethod.SELF_REGISTERED) for p, given in data.consents.items()},
        ),
        request=request,
    )
    ContactPoint.objects.filter(person=person, kind=ContactKind.PHONE, value=data.phone).update(verified=True)
    registration = SelfRegistration.objects.create(person=person, organization=organization)
    _queue_duplicates(registration.pk)  # at once: the consulate's queue shows it with its candidates
    return registration


def _queue_duplicates(registration_id: int) -> None:
    """The duplicate check of a new self-registration, within the consulate's own view of the
    registry: likely pairs go to its review queue, and the count shows on the registration."""
    from amparo.matching import queries as matching_queries
    from amparo.matching.services import record_pairs, refresh_keys

    registration = SelfRegistration.objects.select_related("person", "organization").get(pk=registration_id)
    refresh_keys([registration.person_id])
    scope = _organization_reader(registration.organization)
    found = matching_queries.likely_duplicates(
        scope, registration.person, limit=5, organization_country=registration.organization.country
    )
    if found:
        record_pairs([(registration.person_id, c.person.pk, c.score) for c in found], found_by="portal")
    SelfRegistration.objects.filter(pk=registration_id).update(duplicates_found=len(found))


def _organization_reader(organization: Organization):
    """A principal that sees what the consulate's officers see (for the duplicate check)."""
    from amparo.accounts.codes import Role

    seat = policy.Seat(
        organization_id=organization.pk, role=Role.CONSULAR_OFFICER, kind=organization.kind,
        country=organization.country, served_nationality=organization.served_nationality,
        jurisdiction_country=organization.jurisdiction_country,
        jurisdiction_subdivisions=tuple(organization.jurisdiction_subdivisions or ()),
    )  # fmt: skip
    return policy.Principal(user=None, label=f"portal:duplicates:{organization.slug}", seats=(seat,))


@transaction.atomic
def decide_registration(*, actor, registration: SelfRegistration, verified: bool, note: str = "", request=None):
    """Staff verify a self-registration (they reached the person and the record is right) or
    reject it (not a real person). A rejected record is deleted, since nothing may rely on an
    unverified record; the audit event remains. A real person
    already registered is handled in the duplicate queue (merge) instead."""
    from django.db.models import ProtectedError

    principal = policy.principal_for(actor)
    if not policy.can_write_registry(principal, registration.organization_id):
        raise PermissionDenied(_("You may not review this organization's self-registrations."))
    if registration.status != RegistrationStatus.UNVERIFIED:
        raise ValidationError(_("This self-registration was already reviewed."))
    person = registration.person
    audit.record(principal, AuditAction.STATUS_CHANGE if verified else AuditAction.DELETE, person, request=request,
                 organization=registration.organization_id,
                 summary="self-registration verified" if verified else "self-registration rejected")  # fmt: skip
    registration.status = RegistrationStatus.VERIFIED if verified else RegistrationStatus.REJECTED
    registration.decided_by, registration.decided_at, registration.note = principal.user, timezone.now(), note[:300]
    registration.save(update_fields=["status", "decided_by", "decided_at", "note"])
    if not verified:
        try:
            with transaction.atomic():
                person.delete()
        except ProtectedError:
            raise ValidationError(
                _("This record is already used (a screening, a case or a message): verify it or merge it instead.")
            ) from None
    return registration


# --- My data ----------------------------------------------------------------------------------


def _request(person: Person, kind: str, details: dict) -> DataRequest:
    return DataRequest.objects.create(
        person=person, person_label=person.full_name[:200], organization_id=person.registering_organization_id,
        kind=kind, details=details,
        status=RequestStatus.OPEN if kind == RequestKind.DELETION else RequestStatus.DONE,
    )  # fmt: skip


def _own(person: Person, people: Sequence[Person]) -> None:
    if person.pk not in {p.pk for p in people}:
        raise PermissionDenied(_("This record does not hold your phone number."))


@transaction.atomic
def change_location(*, person: Person, people: Sequence[Person], country: str, subdivision: str,
                    municipality: str, latitude, longitude, precision_m, request=None) -> None:  # fmt: skip
    _own(person, people)
    registry.record_location(
        actor=self_service_actor(), person=person, latitude=latitude, longitude=longitude, precision_m=precision_m,
        country=country, subdivision=subdivision, municipality=municipality, source="self_report",
    )  # fmt: skip
    _request(person, RequestKind.LOCATION_CHANGED, {"subdivision": subdivision, "municipality": municipality})


@transaction.atomic
def add_email(*, person: Person, people: Sequence[Person], email: str, request=None) -> None:
    _own(person, people)
    email = email.strip().lower()
    ContactPoint.objects.get_or_create(
        person=person, kind=ContactKind.EMAIL, value=email, defaults={"raw_value": email}
    )
    audit.record(self_service_actor(), AuditAction.UPDATE, person, request=request,
                 organization=person.registering_organization_id, summary="contact email added by the person")  # fmt: skip
    _request(person, RequestKind.CONTACT_CHANGED, {"added": "email"})


@transaction.atomic
def remove_contact(*, person: Person, people: Sequence[Person], contact_id: int, verified_phone: str, request=None):
    """The person removes a phone or e-mail from their record, but never the phone they proved
    they hold (it is how they reach "My data")."""
    _own(person, people)
    contact = ContactPoint.objects.filter(pk=contact_id, person=person).first()
    if contact is None or (contact.kind == ContactKind.PHONE and contact.value == verified_phone):
        raise ValidationError(_("This contact cannot be removed here."))
    contact.delete()
    audit.record(self_service_actor(), AuditAction.UPDATE, person, request=request,
                 organization=person.registering_organization_id, summary=f"contact {contact.kind} removed by the person")  # fmt: skip
    _request(person, RequestKind.CONTACT_CHANGED, {"removed": contact.kind})


@transaction.atomic
def set_consent(*, person: Person, people: Sequence[Person], purpose: str, given: bool, request=None) -> None:
    """The person gives or withdraws a consent; withdrawing takes effect at once."""
    _own(person, people)
    if purpose not in ConsentPurpose.values:
        raise ValidationError(_("Unknown purpose."))
    registry.record_consent(
        actor=self_service_actor(), person=person, purpose=purpose, given=given, method=ConsentMethod.SELF_REGISTERED
    )
    if not given:
        _request(person, RequestKind.CONSENT_WITHDRAWN, {"purpose": purpose})


@transaction.atomic
def request_deletion(*, person: Person, people: Sequence[Person], reason: str = "", request=None) -> DataRequest:
    _own(person, people)
    open_request = DataRequest.objects.filter(
        person=person, kind=RequestKind.DELETION, status=RequestStatus.OPEN
    ).first()
    if open_request is not None:
        return open_request
    made = _request(person, RequestKind.DELETION, {"reason": reason[:500]})
    audit.record(self_service_actor(), AuditAction.CREATE, made, request=request,
                 organization=person.registering_organization_id, summary="deletion requested by the person")  # fmt: skip
    return made


@transaction.atomic
def handle_request(*, actor, data_request: DataRequest, done: bool, note: str = "", request=None) -> DataRequest:
    """Staff answer a person's request (a deletion done or refused with the reason: an open case,
    a legal duty to keep the record)."""
    principal = policy.principal_for(actor)
    if not policy.can_write_registry(principal, data_request.organization_id):
        raise PermissionDenied(_("You may not answer this organization's requests."))
    if not done and not note.strip():
        raise ValidationError(_("Say why the request cannot be done."))
    data_request.status = RequestStatus.DONE if done else RequestStatus.REFUSED
    data_request.handled_by, data_request.handled_at, data_request.note = principal.user, timezone.now(), note[:500]
    data_request.save(update_fields=["status", "handled_by", "handled_at", "note"])
    audit.record(principal, AuditAction.STATUS_CHANGE, data_request, request=request,
                 organization=data_request.organization_id, summary=f"request {data_request.kind} {data_request.status}")  # fmt: skip
    return data_request
