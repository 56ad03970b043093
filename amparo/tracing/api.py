"""Tracing API (/api/tracing/): inquiries from other organizations (Red Cross RFL, another
consulate), what the inquiring side may read of them, and PFIF 1.4 out (GET /pfif) and in
(POST /pfif, the XML as the body). Scoped by the access policy like the pages; reads audited."""

from __future__ import annotations

import io
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from ninja import Router, Schema
from ninja.errors import HttpError

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.accounts.models import Organization
from amparo.tracing import pfif, queries, services
from amparo.tracing.models import Inquiry

router = Router(tags=["tracing"])


class InquiryIn(Schema):
    organization: str | None = None  # slug; required when the caller acts for several
    given_names: str
    first_surname: str = ""
    second_surname: str = ""
    nicknames: list[str] = []
    sex: str = "unknown"
    birth_date: date | None = None
    age_min: int | None = None
    age_max: int | None = None
    nationality: str = ""
    last_seen_place: str = ""
    last_seen_country: str = ""
    last_seen_on: date | None = None
    route: list[str] = []
    distinguishing_features: str = ""
    crisis: int | None = None
    inquirer_name: str
    inquirer_relationship: str = ""
    inquirer_phone: str = ""
    inquirer_email: str = ""
    inquirer_language: str = ""
    inquirer_consents_contact: bool = False
    inquirer_consents_share: bool = False
    source_record_id: str = ""


class DisclosureOut(Schema):
    kind: str
    content: str
    at: datetime


class InquiryOut(Schema):
    id: int
    organization: str
    state: str
    inquirer_status: str
    given_names: str
    first_surname: str
    second_surname: str
    candidates: int
    disclosures: list[DisclosureOut]


class ImportOut(Schema):
    people: int
    inquiries: int
    notes: int
    unchanged: int


class Problem(Schema):
    detail: str
    errors: list[str] = []


def _organization(request, slug: str | None) -> Organization:
    principal = policy.principal_for(request.user)
    own = principal.organization_ids(policy.NAMING_ROLES)
    qs = Organization.objects.filter(pk__in=own)
    if slug:
        org = qs.filter(slug=slug).first()
    elif len(own) == 1:
        org = qs.first()
    else:
        raise HttpError(400, "You act for several organizations: give the slug of one")
    if org is None:
        raise HttpError(403, "You may not act for this organization")
    return org


def _out(user, inquiry: Inquiry) -> dict:
    code, _label = queries.state_for(user, inquiry)
    return {
        "id": inquiry.pk, "organization": inquiry.organization.slug, "state": code,
        "inquirer_status": services.inquirer_status(inquiry), "given_names": inquiry.given_names,
        "first_surname": inquiry.first_surname, "second_surname": inquiry.second_surname,
        "candidates": len(queries.candidates_for(user, inquiry)),
        "disclosures": list(queries.disclosures_for(user, inquiry)),
    }  # fmt: skip


@router.post("/inquiries", response={201: InquiryOut, 400: Problem}, summary="Record an inquiry")
def create_inquiry(request, payload: InquiryIn):
    org = _organization(request, payload.organization)
    values = payload.dict(exclude={"organization", "crisis"})
    data = services.InquiryData(**values, crisis_id=payload.crisis)
    try:
        inquiry = services.record_inquiry(actor=request.user, organization=org, data=data, source="api",
                                          request=request)  # fmt: skip
    except ValidationError as exc:
        return 400, {"detail": "Invalid fields", "errors": exc.messages}
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Forbidden") from exc
    return 201, _out(request.user, inquiry)


@router.get("/inquiries/{inquiry_id}", response=InquiryOut, summary="Read an inquiry (audited)")
def read_inquiry(request, inquiry_id: int):
    try:
        inquiry = policy.get_visible_or_404(request.user, Inquiry.objects.select_related("organization"), pk=inquiry_id)
    except Http404:
        raise HttpError(404, "Not found") from None
    audit.record(request.user, AuditAction.VIEW, inquiry, request=request, summary="tracing inquiry", via="api")
    return _out(request.user, inquiry)


@router.get("/pfif", summary="Export PFIF 1.4 (people who consented to sharing; audited)")
def export(request, crisis: int | None = None):
    if not policy.principal_for(request.user).sees_names:
        raise HttpError(403, "Your role sees aggregates only")
    crisis_obj = None
    if crisis is not None:
        from amparo.crises.models import Crisis

        crisis_obj = policy.visible(request.user, Crisis).filter(pk=crisis).first()
        if crisis_obj is None:
            raise HttpError(404, "Not found")
    out = io.StringIO()
    pfif.export_pfif(actor=request.user, output=out, crisis=crisis_obj, request=request)
    return HttpResponse(out.getvalue(), content_type="application/xml; charset=utf-8")


@router.post("/pfif", response={200: ImportOut, 400: Problem, 413: Problem},
             summary="Import PFIF (the XML document as the request body; all or nothing)")  # fmt: skip
def import_(request, organization: str | None = None):
    org = _organization(request, organization)
    if not policy.can_write_registry(request.user, org.pk):
        raise HttpError(403, "You may not import people for this organization")
    body = request.body
    if len(body) > pfif.max_bytes():
        return 413, {"detail": "The document is too large", "errors": []}
    try:
        result = pfif.import_pfif(actor=request.user, organization=org, source=body, request=request)
    except pfif.PfifError as exc:
        return 400, {"detail": "Nothing was imported", "errors": exc.errors}
    return 200, result.__dict__
