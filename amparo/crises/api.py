"""JSON API for crises (mounted at /api/crises/), scoped by the access policy: crises, their
counts (what the caller may count), the affected people the caller may name, welfare updates."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from amparo.accounts import audit, disclosure, policy
from amparo.accounts.codes import AuditAction
from amparo.crises import queries
from amparo.crises.models import Crisis
from amparo.crises.services import InvalidWelfareUpdate, WelfareUpdateRefused, update_welfare
from amparo.registry.models import Person

router = Router(tags=["crises"])


class CrisisOut(Schema):
    id: int
    name: str
    kind: str
    severity: str
    phase: str
    started_at: datetime
    ended_at: datetime | None
    countries: list[str]
    is_exercise: bool


# A count, or "<5" where small-cell suppression hides 1 to 4 from a caller who sees counts only.
Count = int | str


class CountsOut(Schema):
    affected: Count
    contacted: Count
    replied: Count
    accounted_for: Count
    needs_assistance: Count
    missing: Count
    outside_now: Count
    by_status: dict[str, Count]
    by_nationality: list[dict]


class AffectedOut(Schema):
    person_id: int
    full_name: str
    nationality: str
    subdivision: str
    location_observed_at: datetime | None
    status: str
    needs: list[str]
    updated_at: datetime | None
    replied_at: datetime | None
    in_area: bool


class AffectedFilters(Schema):
    status: str | None = None
    nationality: str | None = None
    need: str | None = None
    no_reply: bool = False
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class WelfareIn(Schema):
    status: str
    source: Literal["staff", "field_visit", "partner"] = "staff"  # never one saying the person answered
    needs: list[str] = []
    note: str = ""
    people_with: int | None = None


@router.get("/", response=list[CrisisOut])
def list_crises(request):
    return list(queries.crises_for(request.auth)[:200])


@router.get("/{crisis_id}", response=CrisisOut)
def get_crisis(request, crisis_id: int):
    return policy.get_visible_or_404(request.auth, Crisis, pk=crisis_id)


@router.get("/{crisis_id}/counts", response=CountsOut)
def crisis_counts(request, crisis_id: int):
    crisis = policy.get_visible_or_404(request.auth, Crisis, pk=crisis_id)
    principal = policy.principal_for(request.auth)
    funnel = disclosure.suppress_counts(queries.funnel(request.auth, crisis), principal)
    funnel["by_status"] = disclosure.suppress_counts(funnel["by_status"], principal)
    by_nationality = [
        disclosure.suppress_counts(r, principal) for r in queries.counts_by_nationality(request.auth, crisis)
    ]
    return {**funnel, "by_nationality": by_nationality}


@router.get("/{crisis_id}/affected", response=list[AffectedOut])
def affected(request, crisis_id: int, filters: Query[AffectedFilters]):
    crisis = policy.get_visible_or_404(request.auth, Crisis, pk=crisis_id)
    params = {k: v for k, v in filters.dict().items() if v not in (None, False) and k not in ("limit", "offset")}
    rows = queries.filter_welfare(queries.welfare_rows(request.auth, crisis), params).order_by("pk")
    page = list(rows[filters.offset : filters.offset + filters.limit])
    audit.record_many(
        request.auth, AuditAction.VIEW, Person, [r.person_id for r in page], summary=f"api affected {crisis.pk}"
    )
    return [
        AffectedOut(
            person_id=r.person_id,
            full_name=r.person.full_name,
            nationality=r.person.nationality,
            subdivision=r.person.subdivision,
            location_observed_at=r.person.location_observed_at,
            status=r.status,
            needs=r.needs,
            updated_at=r.updated_at,
            replied_at=r.replied_at,
            in_area=r.in_area,
        )
        for r in page
    ]


@router.post("/{crisis_id}/welfare/{person_id}", response=AffectedOut)
def post_welfare(request, crisis_id: int, person_id: int, payload: WelfareIn):
    crisis = policy.get_visible_or_404(request.auth, Crisis, pk=crisis_id)
    person = policy.get_visible_or_404(request.auth, Person.objects.active(), pk=person_id)
    try:
        row = update_welfare(actor=request.auth, crisis=crisis, person=person, request=request, **payload.dict())
    except InvalidWelfareUpdate as exc:
        raise HttpError(422, str(exc)) from None
    except WelfareUpdateRefused as exc:
        raise HttpError(409, str(exc)) from None
    except PermissionDenied:
        raise HttpError(403, "You may not change this person's welfare.") from None
    return AffectedOut(
        person_id=person.pk,
        full_name=person.full_name,
        nationality=person.nationality,
        subdivision=person.subdivision,
        location_observed_at=person.location_observed_at,
        status=row.status,
        needs=row.needs,
        updated_at=row.updated_at,
        replied_at=row.replied_at,
        in_area=row.in_area,
    )
