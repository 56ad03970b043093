"""Protection API: referrals (scoped; a receiving provider gets the shared snapshot only), the
service directory and nearest services."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.protection import access, queries, services
from amparo.protection.models import Referral

router = Router(tags=["protection"])


class ReferralSharedOut(Schema):
    """What a receiving provider sees: the snapshot the sender chose, never the person's record."""

    id: int
    reference: str
    status: str
    urgency: str
    service_kind: str
    from_organization: str
    to_organization: str
    reason: str
    shared_fields: list[str]
    shared_data: dict
    sent_at: datetime | None
    respond_by: datetime | None
    overdue: bool
    decline_reason: str
    outcome: str


class ReferralSenderOut(ReferralSharedOut):
    person_id: int
    created_by: str


def _shared(r: Referral) -> dict:
    return {
        "id": r.pk,
        "reference": r.reference,
        "status": r.status,
        "urgency": r.urgency,
        "service_kind": r.service_kind,
        "from_organization": r.from_organization.slug,
        "to_organization": r.to_organization.slug,
        "reason": r.reason,
        "shared_fields": r.shared_fields,
        "shared_data": r.shared_data,
        "sent_at": r.sent_at,
        "respond_by": r.respond_by,
        "overdue": r.overdue_flagged_at is not None and r.status == "sent",
        "decline_reason": r.decline_reason,
        "outcome": r.outcome,
    }


@router.get("/referrals/inbox", response=list[ReferralSharedOut])
def referral_inbox(request, status: str = ""):
    rows = queries.inbox(request.user)
    if status:
        rows = rows.filter(status=status)
    rows = list(rows[:500])
    audit.record_many(
        request.user, AuditAction.VIEW, Referral, [r.pk for r in rows], request=request, summary="api referral inbox"
    )
    return [_shared(r) for r in rows]


@router.get("/referrals/sent", response=list[ReferralSenderOut])
def referral_sent(request, status: str = ""):
    rows = queries.outbox(request.user)
    if status:
        rows = rows.filter(status=status)
    rows = list(rows[:500])
    audit.record_many(
        request.user,
        AuditAction.VIEW_SENSITIVE,
        Referral,
        [r.pk for r in rows],
        request=request,
        summary="api referrals sent",
    )
    return [dict(_shared(r), person_id=r.person_id, created_by=r.created_by_label) for r in rows]


@router.get("/referrals/{referral_id}", response=ReferralSenderOut | ReferralSharedOut)
def referral_detail(request, referral_id: int):
    referral = policy.get_visible_or_404(
        request.user, Referral.objects.select_related("from_organization", "to_organization"), pk=referral_id
    )
    sender = access.is_sender(request.user, referral)
    audit.record(
        request.user,
        AuditAction.VIEW_SENSITIVE if sender else AuditAction.VIEW,
        referral,
        request=request,
        summary="api referral",
    )
    data = _shared(referral)
    if sender:
        data.update(person_id=referral.person_id, created_by=referral.created_by_label)
    return data


class TransitionIn(Schema):
    status: str
    note: str = ""


@router.post("/referrals/{referral_id}/status", response=ReferralSharedOut)
def referral_status(request, referral_id: int, payload: TransitionIn):
    referral = policy.get_visible_or_404(
        request.user, Referral.objects.select_related("from_organization", "to_organization"), pk=referral_id
    )
    try:
        services.transition_referral(
            actor=request.user, referral=referral, to_status=payload.status, note=payload.note, request=request
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "forbidden") from None
    except (ValidationError, ValueError) as exc:
        raise HttpError(422, "; ".join(getattr(exc, "messages", [str(exc)]))) from None
    return _shared(referral)


class ServiceOut(Schema):
    id: int
    name: str
    provider: str
    kind: str
    country: str
    subdivision: str
    municipality: str
    latitude: float | None
    longitude: float | None
    capacity_free: int | None
    capacity_total: int | None
    languages: list[str]
    hours: str
    distance_km: float | None


@router.get("/services", response=list[ServiceOut])
def service_search(
    request,
    kind: str = "",
    lat: float | None = Query(None, ge=-90, le=90),  # noqa: B008
    lon: float | None = Query(None, ge=-180, le=180),  # noqa: B008
    radius_km: float | None = Query(None, gt=0, le=20_000),  # noqa: B008
    with_capacity: bool = False,
    limit: int = Query(100, ge=1, le=500),  # noqa: B008
):
    principal = policy.principal_for(request.user)
    if not principal.seats and not principal.is_system:
        raise HttpError(403, "forbidden")
    if (lat is None) != (lon is None):
        raise HttpError(422, "give both lat and lon, or neither")
    found = queries.search_services(
        kind=kind,
        lat=lat,
        lon=lon,
        radius_km=radius_km,
        with_capacity=with_capacity,
        limit=limit,
        user=request.user,
    )
    return [
        {
            "id": f.service.pk,
            "name": f.service.name,
            "provider": f.service.provider.slug,
            "kind": f.service.kind,
            "country": f.service.country,
            "subdivision": f.service.subdivision,
            "municipality": f.service.municipality,
            "latitude": f.service.latitude,
            "longitude": f.service.longitude,
            "capacity_free": f.service.capacity_free,
            "capacity_total": f.service.capacity_total,
            "languages": f.service.languages,
            "hours": f.service.hours,
            "distance_km": round(f.distance_km, 2) if f.distance_km is not None else None,
        }
        for f in found
    ]
