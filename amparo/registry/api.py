"""Registry API (/api/registry/): list, search, read, create and update people. Scoped by the
access policy like the pages; reads of a record, searches and changes are audited. Creating a
person reads the same fields, with the same rules, as an import row (codes, country names or
demonyms; phones parsed with the person's countries)."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction, RecordStatus
from amparo.accounts.models import Organization
from amparo.core.places import is_country_code
from amparo.registry import services
from amparo.registry.access import can_change, can_see_position, can_see_sensitive
from amparo.registry.importing.rows import RowContext, parse_row, sex_m_means_female
from amparo.registry.models import Person
from amparo.registry.queries import MAX_PAGE, Page, PersonFilters, search_people

router = Router(tags=["registry"])


class ContactOut(Schema):
    kind: str
    value: str
    is_valid: bool
    whatsapp: bool
    verified: bool


class DocumentOut(Schema):
    document_type: str
    number: str
    issuing_country: str
    expiry_date: date | None


class ConsentOut(Schema):
    purpose: str
    given: bool
    method: str
    recorded_at: datetime


class PersonSummary(Schema):
    id: int
    source_record_id: str
    given_names: str
    first_surname: str
    second_surname: str
    sex: str
    birth_date: date | None
    nationality: str
    country: str
    subdivision: str
    municipality: str
    record_status: str
    registering_organization: str


class PersonOut(PersonSummary):
    other_names: list[str]
    birth_date_precision: str
    nationalities: list[str]
    languages: list[str]
    preferred_language: str
    preferred_channel: str
    latitude: float | None
    longitude: float | None
    location_observed_at: datetime | None
    household_id: int | None
    household_role: str
    contacts: list[ContactOut]
    documents: list[DocumentOut]
    consents: list[ConsentOut]
    # Sensitive: null unless the caller's role may see them.
    migratory_status: str | None = None
    special_needs: str | None = None
    gender_identity: str | None = None


class PersonPage(Schema):
    page: int
    has_next: bool
    results: list[PersonSummary]


class PersonIn(Schema):
    """The standard import columns (docs/registry.md), as strings, read with the import's rules."""

    organization: str | None = None  # slug; required when the caller registers for several
    source_record_id: str = ""
    given_names: str
    first_surname: str = ""
    second_surname: str = ""
    sex: str = ""
    date_of_birth: str = ""
    nationality: str = ""
    phone: str = ""
    whatsapp: str = ""
    email: str = ""
    document_type: str = ""
    document_number: str = ""
    latitude: str = ""
    longitude: str = ""
    country: str = ""
    subdivision: str = ""
    municipality: str = ""
    preferred_language: str = ""
    languages: str = ""
    preferred_channel: str = ""
    consent_alerts: str = ""
    consent_referrals: str = ""
    consent_sharing: str = ""


class PersonPatch(Schema):
    given_names: str | None = None
    first_surname: str | None = None
    second_surname: str | None = None
    other_names: list[str] | None = None
    sex: str | None = None
    birth_date: date | None = None
    birth_date_precision: str | None = None
    place_of_birth: str | None = None
    nationalities: list[str] | None = None
    languages: list[str] | None = None
    preferred_language: str | None = None
    preferred_channel: str | None = None
    record_status: str | None = None
    migratory_status: str | None = None
    special_needs: str | None = None
    gender_identity: str | None = None


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]]


def _summary(person: Person) -> dict:
    return {
        "id": person.pk,
        "source_record_id": person.source_record_id,
        "given_names": person.given_names,
        "first_surname": person.first_surname,
        "second_surname": person.second_surname,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "nationality": person.nationality,
        "country": person.country,
        "subdivision": person.subdivision,
        "municipality": person.municipality,
        "record_status": person.record_status,
        "registering_organization": person.registering_organization.slug,
    }


def _detail(user, person: Person) -> dict:
    out = _summary(person)
    out.update(
        other_names=person.other_names or [],
        birth_date_precision=person.birth_date_precision,
        nationalities=list(person.nationalities.values_list("country", flat=True)),
        languages=person.languages or [],
        preferred_language=person.preferred_language,
        preferred_channel=person.preferred_channel,
        latitude=person.latitude,
        longitude=person.longitude,
        location_observed_at=person.location_observed_at,
        household_id=person.household_id,
        household_role=person.household_role,
        contacts=list(person.contacts.all()),
        documents=list(person.documents.all()),
        consents=list(person.consents.filter(withdrawn_at__isnull=True)),
    )
    if can_see_sensitive(user, person):
        out.update({name: getattr(person, name) for name in Person.SENSITIVE_FIELDS})
    if not can_see_position(user, person):
        out.update(latitude=None, longitude=None)  # the place (subdivision, municipality) only
    return out


def _get(request, person_id: int) -> Person:
    try:
        return policy.get_visible_or_404(
            request.user, Person.objects.select_related("registering_organization"), pk=person_id
        )
    except Http404:
        raise HttpError(404, "Not found") from None


@router.get("/people", response=PersonPage, summary="List or search people")
def list_people(
    request,
    q: str = "",
    nationality: str = "",
    country: str = "",
    subdivision: str = "",
    municipality: str = "",
    status: RecordStatus | None = Query(None),  # noqa: B008
    page: int = Query(1, ge=1, le=MAX_PAGE),  # noqa: B008
):
    """Name (any order, no accents), phone or document number in `q`; filters by nationality,
    place and record status (never by migratory status). 50 per page, newest first for lists."""
    if not policy.principal_for(request.user).sees_names:
        raise HttpError(403, "Your role sees aggregates only")
    filters = PersonFilters(
        q=q,
        nationality=nationality,
        country=country,
        subdivision=subdivision,
        municipality=municipality,
        status=status.value if status else "",
    )
    result = Page(search_people(request.user, filters).select_related("registering_organization"), page, 50)
    audit.record_many(
        request.user,
        AuditAction.SEARCH if not filters.is_empty else AuditAction.VIEW,
        Person,
        [p.pk for p in result],
        request=request,
        summary=q[:100] if q.strip() else "people list",
        via="api",
    )
    return {"page": result.number, "has_next": result.has_next(), "results": [_summary(p) for p in result]}


@router.get("/people/{person_id}", response=PersonOut, summary="Read a person's record (audited)")
def read_person(request, person_id: int):
    person = _get(request, person_id)
    sensitive = can_see_sensitive(request.user, person)
    audit.record(
        request.user,
        AuditAction.VIEW_SENSITIVE if sensitive else AuditAction.VIEW,
        person,
        request=request,
        summary=person.full_name,
        via="api",
    )
    return _detail(request.user, person)


@router.post("/people", response={201: PersonOut, 400: FieldErrors, 403: FieldErrors}, summary="Register a person")
def create_person(request, payload: PersonIn):
    principal = policy.principal_for(request.user)
    writable = principal.organization_ids(policy.REGISTRY_WRITERS)
    if payload.organization:
        organization = Organization.objects.filter(slug=payload.organization, pk__in=writable).first()
    elif len(writable) > 1:
        return 400, {
            "detail": "Invalid fields",
            "errors": {"organization": ["you register for several organizations: give the slug of one"]},
        }
    else:
        organization = Organization.objects.filter(pk__in=writable).first()
    if organization is None:
        return 403, {"detail": "You may not register people for this organization.", "errors": {}}
    row = payload.dict(exclude={"organization"})
    context = RowContext(organization_country=organization.country, m_means_female=sex_m_means_female([row["sex"]]))
    parsed = parse_row(row, context=context)
    if not parsed.ok:
        errors: dict[str, list[str]] = {}
        for error in parsed.errors:
            errors.setdefault(error.column, []).append(error.message)
        return 400, {"detail": "Invalid fields", "errors": errors}
    if (
        parsed.data.source_record_id
        and Person.objects.filter(
            registering_organization=organization, source_record_id=parsed.data.source_record_id
        ).exists()
    ):
        return 400, {"detail": "Invalid fields", "errors": {"source_record_id": ["already used in this organization"]}}
    try:
        person = services.register_person(
            actor=request.user, organization=organization, data=parsed.data, request=request
        )
    except ValidationError as exc:
        return 400, {"detail": "Invalid fields", "errors": exc.message_dict}
    return 201, _detail(request.user, Person.objects.select_related("registering_organization").get(pk=person.pk))


@router.patch(
    "/people/{person_id}", response={200: PersonOut, 400: FieldErrors, 403: FieldErrors}, summary="Change a person"
)
def update_person(request, person_id: int, payload: PersonPatch):
    person = _get(request, person_id)
    if not can_change(request.user, person):
        return 403, {"detail": "Only the registering organization changes this record.", "errors": {}}
    changes = payload.dict(exclude_unset=True)
    nationalities = changes.pop("nationalities", None)
    if nationalities is not None:
        nationalities = [str(c).upper() for c in nationalities]
        unknown = [c for c in nationalities if not is_country_code(c)]
        if unknown:
            return 400, {
                "detail": "Invalid fields",
                "errors": {"nationalities": [f"unknown country code {unknown[0]}"]},
            }
    if changes.get("record_status") == RecordStatus.MERGED:
        return 400, {"detail": "Invalid fields", "errors": {"record_status": ["merging is done by the matching app"]}}
    try:
        services.update_person(
            actor=request.user, person=person, changes=changes, nationalities=nationalities, request=request
        )
    except ValidationError as exc:
        return 400, {"detail": "Invalid fields", "errors": exc.message_dict}
    except PermissionDenied as exc:
        return 403, {"detail": str(exc), "errors": {}}
    person.refresh_from_db()
    return _detail(request.user, person)
