"""Reads for case pages and the API, each from the access policy."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from amparo.accounts import policy
from amparo.cases.models import ActionStatus, Case, FollowUp, Note, PlanAction, Step


def cases(user):
    return policy.visible(user, Case).select_related("person", "organization", "case_worker", "supervisor")


def with_overdue(qs, today=None):
    today = today or timezone.localdate()
    return qs.annotate(
        overdue_actions=Count(
            "actions", filter=Q(actions__status=ActionStatus.OPEN, actions__due_date__lt=today), distinct=True
        ),
        overdue_follow_ups=Count(
            "follow_ups", filter=Q(follow_ups__done_at__isnull=True, follow_ups__due_date__lt=today), distinct=True
        ),
    )


def caseload(user, worker=None):
    """Open cases of one worker (default: the user), most urgent first, with their overdue counts."""
    return with_overdue(cases(user).open().filter(case_worker=worker or user)).order_by("-priority", "opened_at")


def overdue(user, today=None):
    """For a supervisor: open cases of their organizations with an overdue action, follow-up or
    plan review."""
    today = today or timezone.localdate()
    late_action = PlanAction.objects.filter(case=OuterRef("pk"), status=ActionStatus.OPEN, due_date__lt=today)
    late_follow_up = FollowUp.objects.filter(case=OuterRef("pk"), done_at__isnull=True, due_date__lt=today)
    return with_overdue(
        cases(user)
        .exclude(step=Step.CLOSURE)
        .filter(Exists(late_action) | Exists(late_follow_up) | Q(next_review_due__lt=today))
    ).order_by("case_worker__username", "-priority")


def notes_of(user, case: Case):
    return policy.visible(user, Note).filter(case=case)


def person_panel(user, person) -> dict | None:
    """This person's cases held by the user's organizations (the access policy's rule), for the
    registry's person page, and whether the user may open one. None for users outside casework."""
    from amparo.cases import access
    from amparo.protection.access import can_screen

    p = policy.principal_for(user)
    if not (p.is_system or access.case_orgs(p)):
        return None
    rows = list(cases(user).filter(person=person).order_by("-opened_at", "-id")[:20])
    return {
        "cases": rows,
        "may_open": not any(c.is_open for c in rows) and can_screen(user, person),
    }
