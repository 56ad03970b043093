"""Every write of case management: keyword-only, one transaction, access-checked, audited."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction, OrganizationKind
from amparo.accounts.models import Membership, Organization
from amparo.cases import access
from amparo.cases.models import (
    PLAN_REVIEW_INTERVAL,
    STEP_ORDER,
    ActionStatus,
    Case,
    CaseEvent,
    ClosureReason,
    FollowUp,
    Note,
    PlanAction,
    Sensitivity,
    Step,
)
from amparo.protection import access as protection_access
from amparo.protection.codes import Decision, Priority
from amparo.protection.models import Screening, ScreeningSuggestion
from amparo.registry.models import Person


class CaseError(ValidationError):
    """A case-management rule refused the action (the message says which and why)."""


class AsylumRegime(CaseError):
    """Refugees and asylum seekers are referred to the asylum authority, not an ordinary case."""


def _event(case: Case, principal, kind: str, from_value="", to_value="", note="") -> None:
    CaseEvent.objects.create(
        case=case,
        actor_label=principal.label,
        kind=kind,
        from_value=str(from_value)[:200],
        to_value=str(to_value)[:200],
        note=(note or "")[:300],
    )


def _require_manage(principal, case: Case) -> None:
    if not access.can_manage(principal, case):
        raise PermissionDenied(_("You may not change this case."))


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise CaseError(_("Case %(ref)s is closed; reopen it first.") % {"ref": case.reference})


def _check_worker(user, organization: Organization, *, label: str) -> None:
    ok = Membership.objects.filter(
        user=user, organization=organization, is_active=True, role__in=policy.SENSITIVE_ROLES
    ).exists()
    if not ok:
        raise CaseError(
            _("%(user)s is not a case worker, supervisor or consular officer of %(org)s (%(field)s).")
            % {"user": user.get_username(), "org": organization.name, "field": label}
        )


def _asylum_profile_confirmed(person: Person) -> bool:
    latest = Screening.objects.filter(person=person).order_by("-screened_at", "-id").first()
    return (
        latest is not None
        and ScreeningSuggestion.objects.filter(
            screening=latest, decision=Decision.CONFIRMED, profile__asylum_regime=True
        ).exists()
    )


@transaction.atomic
def open_case(
    *,
    actor,
    person: Person,
    case_worker=None,
    supervisor=None,
    priority: int | None = None,
    screening: Screening | None = None,
    summary: str = "",
    organization: Organization | None = None,
    request=None,
) -> Case:
    principal = policy.principal_for(actor)
    if organization is None:
        if not protection_access.sensitive_principal(principal).seats:
            raise PermissionDenied(_("Only case workers, supervisors and consular officers open cases."))
        # The seat through which the case worker sees the person (the registering one first).
        acting = policy.acting_organization_id(principal, person, policy.SENSITIVE_ROLES)
        if acting is None and not principal.is_system:
            raise PermissionDenied(_("You may not open a case for this person."))
        organization = Organization.objects.get(pk=acting) if acting else person.registering_organization
    if not principal.is_system and organization.pk not in access.case_orgs(principal):
        raise PermissionDenied(_("You may only open cases for your own organization."))
    if not protection_access.can_screen(principal, person):
        raise PermissionDenied(_("You may not open a case for this person."))
    if Case.objects.open().filter(person=person, organization=organization).exists():
        raise CaseError(_("%(name)s already has an open case here.") % {"name": person.full_name})
    if _asylum_profile_confirmed(person) and organization.kind not in (
        OrganizationKind.ASYLUM_AUTHORITY,
        OrganizationKind.UN_AGENCY,
    ):
        raise AsylumRegime(
            _(
                "%(name)s is identified as a person in need of international protection: refer them to the "
                "asylum authority and UNHCR (see the screening's pathway) rather than opening an ordinary case."
            )
            % {"name": person.full_name}
        )
    case_worker = case_worker or principal.user
    if case_worker is None:
        raise CaseError(_("A case needs a case worker."))
    _check_worker(case_worker, organization, label=_("case worker"))
    if supervisor is not None:
        _check_worker(supervisor, organization, label=_("supervisor"))
    if screening is None:
        screening = Screening.objects.filter(person=person).order_by("-screened_at", "-id").first()
    case = Case.objects.create(
        person=person,
        household=person.household,
        organization=organization,
        case_worker=case_worker,
        supervisor=supervisor,
        priority=priority or (screening.priority if screening else Priority.MEDIUM),
        step=Step.SCREENING if screening else Step.IDENTIFICATION,
        screening=screening,
        summary=summary,
        opened_by_label=principal.label,
    )
    _event(case, principal, "opened", to_value=case.step)
    audit.record(
        principal,
        AuditAction.CREATE,
        case,
        request=request,
        organization=organization,
        summary=f"case for person {person.pk}",
        person_id=person.pk,
    )
    return case


@transaction.atomic
def advance_step(*, actor, case: Case, to_step: str, note: str = "", request=None) -> Case:
    """Move a case forward through the steps (closure has its own action, with a reason)."""
    principal = policy.principal_for(actor)
    _require_manage(principal, case)
    _require_open(case)
    if to_step == Step.CLOSURE:
        raise CaseError(_("Close a case with a closure reason."))
    if to_step not in STEP_ORDER or STEP_ORDER.index(to_step) <= STEP_ORDER.index(case.step):
        raise CaseError(
            _("A case moves forward: from “%(from)s” it cannot go to “%(to)s”.")
            % {"from": case.get_step_display(), "to": dict(Step.choices).get(to_step, to_step)}
        )
    before = case.step
    case.step = to_step
    fields = ["step"]
    if to_step == Step.CASE_PLAN and case.next_review_due is None:
        case.next_review_due = timezone.localdate() + PLAN_REVIEW_INTERVAL
        fields.append("next_review_due")
    case.save(update_fields=fields)
    _event(case, principal, "step", before, to_step, note)
    audit.record(principal, AuditAction.STATUS_CHANGE, case, request=request, summary=f"step {before} → {to_step}")
    return case


@transaction.atomic
def close_case(*, actor, case: Case, reason: str, note: str = "", request=None) -> Case:
    principal = policy.principal_for(actor)
    _require_manage(principal, case)
    _require_open(case)
    if reason not in ClosureReason.values:
        raise CaseError(_("Choose a closure reason."))
    before = case.step
    case.step, case.closed_at, case.closure_reason, case.closure_note = Step.CLOSURE, timezone.now(), reason, note[:300]
    case.save(update_fields=["step", "closed_at", "closure_reason", "closure_note"])
    _event(case, principal, "closed", before, reason, note)
    audit.record(principal, AuditAction.STATUS_CHANGE, case, request=request, summary=f"closed: {reason}")
    return case


@transaction.atomic
def reopen_case(*, actor, case: Case, note: str = "", request=None) -> Case:
    principal = policy.principal_for(actor)
    _require_manage(principal, case)
    if case.is_open:
        raise CaseError(_("Case %(ref)s is already open.") % {"ref": case.reference})
    if Case.objects.open().filter(person=case.person, organization=case.organization).exists():
        raise CaseError(_("This person already has another open case here."))
    reason = case.closure_reason
    case.step, case.closed_at, case.closure_reason, case.closure_note = Step.ASSESSMENT, None, "", ""
    case.save(update_fields=["step", "closed_at", "closure_reason", "closure_note"])
    _event(case, principal, "reopened", reason, Step.ASSESSMENT, note)
    audit.record(principal, AuditAction.STATUS_CHANGE, case, request=request, summary="reopened")
    return case


@transaction.atomic
def review_plan(*, actor, case: Case, note: str = "", request=None) -> Case:
    """Record a plan review; the next one is due within three months."""
    principal = policy.principal_for(actor)
    _require_manage(principal, case)
    _require_open(case)
    case.plan_reviewed_at = timezone.now()
    case.next_review_due = timezone.localdate() + PLAN_REVIEW_INTERVAL
    case.save(update_fields=["plan_reviewed_at", "next_review_due"])
    _event(case, principal, "reviewed", to_value=case.next_review_due.isoformat(), note=note)
    audit.record(principal, AuditAction.UPDATE, case, request=request, summary="plan reviewed")
    return case


@transaction.atomic
def add_action(
    *, actor, case: Case, description: str, owner=None, due_date: date | None = None, referral=None, request=None
) -> PlanAction:
    principal = policy.principal_for(actor)
    _require_manage(principal, case)
    _require_open(case)
    if not description.strip():
        raise CaseError(_("Describe the action."))
    if (
        owner is not None
        and not Membership.objects.filter(user=owner, organization=case.organization, is_active=True).exists()
    ):
        raise CaseError(_("The owner must be a member of %(org)s.") % {"org": case.organization.name})
    action = PlanAction.objects.create(
        case=case, description=description.strip()[:300], owner=owner, due_date=due_date, referral=referral
    )
    audit.record(principal, AuditAction.UPDATE, case, request=request, summary="plan action added")
    return action


@transaction.atomic
def finish_action(*, actor, action: PlanAction, status: str = ActionStatus.DONE, request=None) -> PlanAction:
    principal = policy.principal_for(actor)
    _require_manage(principal, action.case)
    if status not in (ActionStatus.DONE, ActionStatus.CANCELLED):
        raise CaseError(_("An action is done or cancelled."))
    if (
        PlanAction.objects.filter(pk=action.pk, status=ActionStatus.OPEN).update(
            status=status, completed_at=timezone.now()
        )
        != 1
    ):
        raise CaseError(_("This action is not open any more."))
    action.refresh_from_db()
    audit.record(principal, AuditAction.UPDATE, action.case, request=request, summary=f"plan action {status}")
    return action


@transaction.atomic
def add_note(*, actor, case: Case, text: str, sensitivity: str = Sensitivity.NORMAL, request=None) -> Note:
    principal = policy.principal_for(actor)
    _require_manage(principal, case)
    if not text.strip():
        raise CaseError(_("The note is empty."))
    if sensitivity not in Sensitivity.values:
        raise CaseError(_("Unknown sensitivity “%(value)s”.") % {"value": sensitivity})
    note = Note.objects.create(
        case=case, author=principal.user, author_label=principal.label, text=text.strip(), sensitivity=sensitivity
    )
    audit.record(principal, AuditAction.UPDATE, case, request=request, summary=f"{sensitivity} note added")
    return note


@transaction.atomic
def add_follow_up(*, actor, case: Case, due_date: date, kind: str = "call", request=None) -> FollowUp:
    principal = policy.principal_for(actor)
    _require_manage(principal, case)
    _require_open(case)
    follow_up = FollowUp.objects.create(case=case, due_date=due_date, kind=kind)
    audit.record(principal, AuditAction.UPDATE, case, request=request, summary="follow-up planned")
    return follow_up


@transaction.atomic
def record_follow_up(*, actor, follow_up: FollowUp, outcome: str, request=None) -> FollowUp:
    principal = policy.principal_for(actor)
    _require_manage(principal, follow_up.case)
    if (
        FollowUp.objects.filter(pk=follow_up.pk, done_at__isnull=True).update(
            done_at=timezone.now(), outcome=outcome[:300], by_label=principal.label
        )
        != 1
    ):
        raise CaseError(_("This follow-up was already recorded."))
    follow_up.refresh_from_db()
    audit.record(principal, AuditAction.UPDATE, follow_up.case, request=request, summary="follow-up done")
    return follow_up


@transaction.atomic
def transfer_case(
    *,
    actor,
    case: Case,
    to_worker,
    to_organization: Organization | None = None,
    supervisor=None,
    note: str = "",
    request=None,
) -> Case:
    """Hand a case to another worker, in the same or another organization (audited both sides)."""
    principal = policy.principal_for(actor)
    _require_manage(principal, case)
    _require_open(case)
    to_organization = to_organization or case.organization
    _check_worker(to_worker, to_organization, label=_("new case worker"))
    if supervisor is not None:
        _check_worker(supervisor, to_organization, label=_("supervisor"))
    elif to_organization.pk != case.organization_id:
        supervisor = None
    else:
        supervisor = case.supervisor
    if (
        to_organization.pk != case.organization_id
        and Case.objects.open().filter(person=case.person, organization=to_organization).exists()
    ):
        raise CaseError(_("%(org)s already has an open case for this person.") % {"org": to_organization.name})
    before = f"{case.organization.slug}/{case.case_worker.get_username()}"
    after = f"{to_organization.slug}/{to_worker.get_username()}"
    from_org = case.organization
    case.organization, case.case_worker, case.supervisor = to_organization, to_worker, supervisor
    case.save(update_fields=["organization", "case_worker", "supervisor"])
    _event(case, principal, "transferred", before, after, note)
    for org in {from_org, to_organization}:
        audit.record(
            principal,
            AuditAction.SHARE if org != from_org else AuditAction.UPDATE,
            case,
            request=request,
            organization=org,
            summary=f"case transferred {before} → {after}",
            before=before,
            after=after,
        )
    return case


def user_by_username(username: str):
    return get_user_model().objects.filter(username=username).first()
