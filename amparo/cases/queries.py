"""Reads for case pages and the API, each from the access policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts import policy
from amparo.cases.models import (
    FOLLOW_UP_STAGE,
    STEP_ORDER,
    ActionStatus,
    Case,
    CaseEvent,
    FollowUp,
    Note,
    PlanAction,
    Step,
)
from amparo.protection.models import Referral


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


@dataclass
class OpenItem:
    """Something still open when a case is closed: a plan action or a referral."""

    kind: str  # "action" or "referral"
    pk: int
    label: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"


def open_referrals(case: Case):
    """The person's open referrals made by the case's organization (draft, sent, accepted, in
    progress): the ones the case answers for."""
    return (
        Referral.objects.open()
        .filter(person_id=case.person_id, from_organization_id=case.organization_id)
        .select_related("to_organization")
        .order_by("created_at", "id")
    )


def open_items(case: Case) -> list[OpenItem]:
    items = [
        OpenItem("action", a.pk, _("action “%(what)s”") % {"what": a.description})
        for a in case.actions.filter(status=ActionStatus.OPEN).order_by("id")
    ]
    items += [
        OpenItem(
            "referral",
            r.pk,
            _("referral %(ref)s to %(org)s (%(status)s)")
            % {"ref": r.reference, "org": r.to_organization.name, "status": r.get_status_display()},
        )
        for r in open_referrals(case)
    ]
    return items


def referrals_of(user, case: Case):
    """The person's referrals the user may see (any organization's, as the policy allows)."""
    return (
        policy.visible(user, Referral)
        .filter(person_id=case.person_id)
        .select_related("from_organization", "to_organization", "service", "screening")
        .order_by("-created_at", "-id")
    )


@dataclass
class ServiceOption:
    service: object
    label: str


def referral_options(case: Case, per_kind: int = 3) -> list[ServiceOption]:
    """Services a plan action may refer to: the pathway's proposals for the case's screening
    first (the protection app's choice of provider), then the nearest eligible services of each
    kind in the person's country. Never the case's own organization."""
    from amparo.protection.codes import ServiceKind
    from amparo.protection.queries import proposals_for, search_services
    from amparo.protection.sharing import person_age

    person = case.person
    seen: set[int] = set()
    out: list[ServiceOption] = []

    def add(service, prefix: str, distance) -> None:
        if service is None or service.pk in seen or service.provider_id == case.organization_id:
            return
        seen.add(service.pk)
        where = f" · {distance:.0f} km" if distance is not None else ""
        label = f"{prefix}{service.get_kind_display()} · {service.name} ({service.provider.name}){where}"
        out.append(ServiceOption(service, label))

    if case.screening_id:
        for p in proposals_for(case.screening):
            add(p.service, f"{p.profile.label} → ", p.distance_km)
    country = person.country or case.organization.country
    for kind in ServiceKind.values:
        for found in search_services(
            kind=kind,
            country=country,
            lat=person.latitude,
            lon=person.longitude,
            age=person_age(person, case.screening),
            sex=person.sex,
            nationality=person.nationality,
            limit=per_kind + 1,
        ):
            add(found.service, "", found.distance_km)
    return out


def stages(case: Case) -> list[dict]:
    """Where the case is: each step (and the follow-up after closure) as done, skipped (with the
    reason), current or to come."""
    skipped = {}
    for e in case.events.filter(kind__in=["skipped", "reopened"]).order_by("at", "id"):
        if e.kind == "reopened":
            skipped = {k: v for k, v in skipped.items() if STEP_ORDER.index(k) < STEP_ORDER.index(Step.ASSESSMENT)}
        else:
            skipped[e.to_value] = e.note
    index = STEP_ORDER.index(case.step)
    out = []
    for i, (code, label) in enumerate(Step.choices):
        state = "done" if i < index else "current" if i == index else "todo"
        if code == Step.CLOSURE and not case.is_open:
            state = "done"
        if state == "done" and code in skipped:
            state = "skipped"
        out.append({"code": code, "label": label, "state": state, "reason": skipped.get(code, "")})
    state = "todo"
    if not case.is_open:
        after = list(case.follow_ups.filter(after_closure=True))
        if any(f.done_at is None for f in after):
            state = "current"
        elif after:
            state = "done"
        else:
            state = "skipped"
    out.append({"code": FOLLOW_UP_STAGE, "label": _("Follow-up"), "state": state, "reason": ""})
    return out


def follow_ups_due(user, *, within_days: int = 7, worker=None, today=None):
    """Follow-ups not yet recorded and due within `within_days` (overdue ones included), of open
    and closed cases the user may see; of one worker's cases when `worker` is given."""
    today = today or timezone.localdate()
    rows = (
        policy.visible(user, FollowUp)
        .filter(done_at__isnull=True, due_date__lte=today + timedelta(days=within_days))
        .select_related("case__person", "case__case_worker", "case__organization")
        .order_by("due_date", "id")
    )
    if worker is not None:
        rows = rows.filter(case__case_worker=worker)
    return rows


def history(case: Case):
    return CaseEvent.objects.filter(case=case).order_by("at", "id")


def person_panel(user, person) -> dict | None:
    """This person's cases held by the user's organizations (the access policy's rule), for the
    registry's person page, and whether the user may open one. None for users outside casework."""
    from amparo.cases import access

    p = policy.principal_for(user)
    if not access.may_use_cases(p):
        return None
    rows = list(cases(user).filter(person=person).order_by("-opened_at", "-id")[:20])
    return {
        "cases": rows,
        "may_open": not any(c.is_open for c in rows) and bool(p.is_system or access.opening_orgs(p, person)),
    }
