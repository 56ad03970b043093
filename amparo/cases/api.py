"""Cases API: the caseload, one case (with the notes the caller may read), scoped by the policy."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema
from ninja.errors import HttpError

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.cases import access, queries
from amparo.cases.models import Case

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
    closure_reason: str


class NoteOut(Schema):
    author: str
    created_at: datetime
    sensitivity: str
    text: str


class ActionOut(Schema):
    description: str
    owner: str | None
    due_date: date | None
    status: str


class CaseDetailOut(CaseOut):
    actions: list[ActionOut]
    notes: list[NoteOut]


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
        "closure_reason": c.closure_reason,
    }


@router.get("/cases", response=list[CaseOut])
def case_list(request, step: str = "", mine: bool = False):
    p = policy.principal_for(request.user)
    if not (p.is_system or access.case_orgs(p)):
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
    return dict(
        _case(case),
        actions=[
            {
                "description": a.description,
                "owner": a.owner.get_username() if a.owner else None,
                "due_date": a.due_date,
                "status": a.status,
            }
            for a in case.actions.select_related("owner")
        ],
        notes=[
            {"author": n.author_label, "created_at": n.created_at, "sensitivity": n.sensitivity, "text": n.text}
            for n in queries.notes_of(request.user, case)
        ],
    )
