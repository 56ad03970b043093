"""Cases API: the caseload, one case (with the notes the caller may read, its consent,
assessment, steps, plan, the person's referrals and follow-ups) and closure, scoped by the policy
and through the same services as the pages. Every read is audited."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Router, Schema
from ninja.errors import HttpError

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.cases import access, queries, services
from amparo.cases.models import Case, CaseConsent

router = Router(tags=["cases"])


class CaseOut(Schema):
    id: int
    reference: str
    person_id: int
    organization: str
    case_worker: str
    supervisor: str | None
    priority: int
    step: str
    opened_at: datetime
    next_review_due: date | None
    review_overdue: bool
    closed_at: datetime | None
    closure_reason: str
    closure_note: str
    profiles_changed_at: datetime | None


class NoteOut(Schema):
    author: str
    created_at: datetime
    sensitivity: str
    text: str


class ActionOut(Schema):
    id: int
    description: str
    owner: str | None
    due_date: date | None
    status: str
    referral_id: int | None
    closure_note: str


class ConsentOut(Schema):
    given_by: str
    given_by_name: str
    method: str
    recorded_at: datetime
    recorded_by: str


class StageOut(Schema):
    code: str
    state: str
    reason: str


class NeedOut(Schema):
    domain: str
    level: str
    note: str


class BestInterestsOut(Schema):
    child_heard: bool
    child_views: str
    not_heard_reason: str
    care_arrangement: str
    family_situation: str
    safety: str
    health_and_development: str
    education: str
    authority_informed: bool
    recommended_measure: str
    recommendation: str


class AssessmentOut(Schema):
    assessed_at: datetime
    assessed_by: str
    needs: list[NeedOut]
    risks: str
    strengths: str
    best_interests: BestInterestsOut | None


class DeadlineOut(Schema):
    kind: str
    until: datetime


class ReferralOut(Schema):
    id: int
    reference: str
    status: str
    from_organization: str
    to_organization: str
    service_kind: str
    profiles_changed_at: datetime | None
    care_deadlines: list[DeadlineOut]


class FollowUpOut(Schema):
    id: int
    kind: str
    due_date: date
    done_at: datetime | None
    outcome: str
    after_closure: bool


class OpenItemOut(Schema):
    key: str
    kind: str
    id: int
    label: str


class CaseDetailOut(CaseOut):
    consent: ConsentOut | None
    stages: list[StageOut]
    assessment: AssessmentOut | None
    actions: list[ActionOut]
    referrals: list[ReferralOut]
    follow_ups: list[FollowUpOut]
    open_items: list[OpenItemOut]
    notes: list[NoteOut]


class ClosureIn(Schema):
    reason: str
    note: str = ""
    open_item_reasons: dict[str, str] = {}
    follow_up_date: date | None = None
    follow_up_kind: str = "call"
    no_follow_up_reason: str = ""
    skip_reason: str = ""


class ClosureRefusedOut(Schema):
    detail: str
    open_items: list[OpenItemOut]


BIA_FIELDS = list(BestInterestsOut.model_fields)


def _case(c: Case) -> dict:
    return {
        "id": c.pk,
        "reference": c.reference,
        "person_id": c.person_id,
        "organization": c.organization.slug,
        "case_worker": c.case_worker.get_username(),
        "supervisor": c.supervisor.get_username() if c.supervisor else None,
        "priority": c.priority,
        "step": c.step,
        "opened_at": c.opened_at,
        "next_review_due": c.next_review_due,
        "review_overdue": c.review_overdue,
        "closed_at": c.closed_at,
        "closure_reason": c.closure_reason,
        "closure_note": c.closure_note,
        "profiles_changed_at": c.profiles_changed_at,
    }


def _item(item) -> dict:
    return {"key": item.key, "kind": item.kind, "id": item.pk, "label": item.label}


def _assessment(case: Case) -> dict | None:
    a = case.assessments.prefetch_related("needs").select_related("bia").first()
    if a is None:
        return None
    bia = getattr(a, "bia", None)
    return {
        "assessed_at": a.assessed_at,
        "assessed_by": a.assessed_by_label,
        "needs": [{"domain": n.domain, "level": n.level, "note": n.note} for n in a.needs.all()],
        "risks": a.risks,
        "strengths": a.strengths,
        "best_interests": {name: getattr(bia, name) for name in BIA_FIELDS} if bia else None,
    }


def _detail(request, case: Case) -> dict:
    consent = CaseConsent.objects.filter(case=case).first()
    return dict(
        _case(case),
        consent={
            "given_by": consent.given_by,
            "given_by_name": consent.given_by_name,
            "method": consent.method,
            "recorded_at": consent.recorded_at,
            "recorded_by": consent.recorded_by_label,
        }
        if consent
        else None,
        stages=[{"code": s["code"], "state": s["state"], "reason": s["reason"]} for s in queries.stages(case)],
        assessment=_assessment(case),
        actions=[
            {
                "id": a.pk,
                "description": a.description,
                "owner": a.owner.get_username() if a.owner else None,
                "due_date": a.due_date,
                "status": a.status,
                "referral_id": a.referral_id,
                "closure_note": a.closure_note,
            }
            for a in case.actions.select_related("owner")
        ],
        referrals=[
            {
                "id": r.pk,
                "reference": r.reference,
                "status": r.status,
                "from_organization": r.from_organization.slug,
                "to_organization": r.to_organization.slug,
                "service_kind": r.service_kind,
                "profiles_changed_at": r.profiles_changed_at,
                "care_deadlines": [{"kind": kind, "until": until} for kind, until in r.care_deadlines()],
            }
            for r in queries.referrals_of(request.user, case)
        ],
        follow_ups=[
            {
                "id": f.pk,
                "kind": f.kind,
                "due_date": f.due_date,
                "done_at": f.done_at,
                "outcome": f.outcome,
                "after_closure": f.after_closure,
            }
            for f in case.follow_ups.all()
        ],
        open_items=[_item(i) for i in queries.open_items(case)] if case.is_open else [],
        notes=[
            {"author": n.author_label, "created_at": n.created_at, "sensitivity": n.sensitivity, "text": n.text}
            for n in queries.notes_of(request.user, case)
        ],
    )


@router.get("/cases", response=list[CaseOut])
def case_list(request, step: str = "", mine: bool = False):
    p = policy.principal_for(request.user)
    if not access.may_use_cases(p):
        raise HttpError(403, "forbidden")
    rows = queries.cases(request.user)
    if step:
        rows = rows.filter(step=step)
    if mine:
        rows = rows.filter(case_worker=request.user)
    rows = list(rows[:500])
    audit.record_many(request.user, AuditAction.VIEW, Case, [c.pk for c in rows], request=request, summary="api cases")
    return [_case(c) for c in rows]


@router.get("/cases/{case_id}", response=CaseDetailOut)
def case_detail(request, case_id: int):
    case = policy.get_visible_or_404(request.user, queries.cases(request.user), pk=case_id)
    audit.record(request.user, AuditAction.VIEW_SENSITIVE, case, request=request, summary="api case")
    return _detail(request, case)


@router.post("/cases/{case_id}/close", response={200: CaseDetailOut, 409: ClosureRefusedOut})
def case_close(request, case_id: int, payload: ClosureIn):
    """Close the case (services.close_case). 409 with the open actions and referrals when one of
    them has no reason; 422 for any other refused rule."""
    case = policy.get_visible_or_404(request.user, queries.cases(request.user), pk=case_id)
    try:
        services.close_case(
            actor=request.user,
            case=case,
            reason=payload.reason,
            note=payload.note,
            open_item_reasons=payload.open_item_reasons,
            follow_up_date=payload.follow_up_date,
            follow_up_kind=payload.follow_up_kind,
            no_follow_up_reason=payload.no_follow_up_reason,
            skip_reason=payload.skip_reason,
            request=request,
        )
    except services.ClosureBlocked as exc:
        return 409, {"detail": "; ".join(exc.messages), "open_items": [_item(i) for i in exc.items]}
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "forbidden") from None
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from None
    case.refresh_from_db()
    return 200, _detail(request, case)
