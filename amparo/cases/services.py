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
    Assessment,
    AssessmentNeed,
    BestInterestsAssessment,
    CareArrangement,
    Case,
    CaseConsent,
    CaseEvent,
    ChildMeasure,
    ClosureReason,
    ConsentGiver,
    ConsentMethod,
    FollowUp,
    FollowUpKind,
    NeedDomain,
    NeedLevel,
    Note,
    PlanAction,
    Sensitivity,
    Step,
)
from amparo.protection import access as protection_access
from amparo.protection import services as protection_services
from amparo.protection.codes import Decision, Priority
from amparo.protection.models import Referral, Screening, ScreeningSuggestion, Service
from amparo.protection.sharing import DEFAULT_SHARED_FIELDS, person_age
from amparo.registry.models import Person


class CaseError(ValidationError):
    """A case-management rule refused the action (the message says which and why)."""


class AsylumRegime(CaseError):
    """Refugees and asylum seekers are referred to the asylum authority, not an ordinary case."""


class SkipNeedsReason(CaseError):
    """A step was skipped without saying why."""


class ClosureBlocked(CaseError):
    """Open plan actions or referrals without a reason: `items` lists them (queries.OpenItem)."""

    def __init__(self, messages, *, items):
        super().__init__(messages)
        self.items = items


class BestInterestsRequired(CaseError):
    """A child's assessment needs its best-interests assessment."""


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


def _check_worker(user, organization: Organization, *, label: str, person: Person | None = None, roles=None) -> None:
    """The user holds a casework seat in the organization. Shelter and clinic staff (first-contact
    seats) may hold cases too, but only of the people their organization serves (registered)."""
    roles = set(roles or access.CASE_WORKER_ROLES)
    seats = set(
        Membership.objects.filter(user=user, organization=organization, is_active=True, role__in=roles).values_list(
            "role", flat=True
        )
    )
    ok = bool(seats & set(policy.SENSITIVE_ROLES)) or (
        bool(seats) and person is not None and person.registering_organization_id == organization.pk
    )
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


def _opening_organization(principal, person: Person, organization: Organization | None) -> Organization:
    """The organization that opens (or is refused) the case: the seat through which the user sees
    the person by name (registering one first), else the shelter or clinic that serves them."""
    if not protection_access.can_identify(principal, person):
        raise PermissionDenied(_("You may not open a case for this person."))
    if organization is None:
        acting = policy.acting_organization_id(principal, person, policy.SENSITIVE_ROLES)
        if acting is None and not principal.is_system:
            acting = protection_access.first_contact_organization_id(principal, person)
        if acting is None and not principal.is_system:
            raise PermissionDenied(_("You may not open a case for this person."))
        organization = Organization.objects.get(pk=acting) if acting else person.registering_organization
    if not principal.is_system and organization.pk not in access.opening_orgs(principal, person):
        raise PermissionDenied(_("You may only open cases for your own organization."))
    return organization


def _check_consent(given_by: str, given_by_name: str, method: str) -> None:
    if method not in ConsentMethod.values:
        raise CaseError(_("Say how the person consented to case management (written or verbal)."))
    if given_by not in ConsentGiver.values:
        raise CaseError(_("Say who answered: the person, a parent or guardian, or a representative."))
    if given_by != ConsentGiver.PERSON and not given_by_name.strip():
        raise CaseError(_("Name the guardian or representative who answered."))


@transaction.atomic
def open_case(
    *,
    actor,
    person: Person,
    consent_method: str,
    consent_given_by: str = ConsentGiver.PERSON,
    consent_given_by_name: str = "",
    case_worker=None,
    supervisor=None,
    priority: int | None = None,
    screening: Screening | None = None,
    summary: str = "",
    organization: Organization | None = None,
    request=None,
) -> Case:
    """Open a case with the person's consent to case management (who answered, how; the user and
    time are recorded). Without consent there is no case: record the refusal instead."""
    principal = policy.principal_for(actor)
    organization = _opening_organization(principal, person, organization)
    _check_consent(consent_given_by, consent_given_by_name, consent_method)
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
    _check_worker(case_worker, organization, label=_("case worker"), person=person)
    if supervisor is not None:
        _check_worker(supervisor, organization, label=_("supervisor"), roles=policy.SENSITIVE_ROLES)
    if screening is None:
        screening = Screening.objects.filter(person=person).order_by("-screened_at", "-id").first()
    case = Case.objects.create(
        person=person,
        household=person.household,
        organization=organization,
        case_worker=case_worker,
        supervisor=supervisor,
        priority=priority or (screening.priority if screening else Priority.MEDIUM),
        step=Step.OPENING,
        screening=screening,
        summary=summary,
        opened_by_label=principal.label,
    )
    CaseConsent.objects.create(
        person=person,
        organization=organization,
        case=case,
        given=True,
        given_by=consent_given_by,
        given_by_name=consent_given_by_name.strip()[:150],
        method=consent_method,
        recorded_by=principal.user,
        recorded_by_label=principal.label,
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
        consent_method=consent_method,
        consent_given_by=consent_given_by,
    )
    return case


@transaction.atomic
def record_refusal(
    *,
    actor,
    person: Person,
    method: str,
    reason: str,
    given_by: str = ConsentGiver.PERSON,
    given_by_name: str = "",
    organization: Organization | None = None,
    request=None,
) -> CaseConsent:
    """The person (or their guardian) declines case management: no case is opened, and the refusal
    is kept with its reason. Screening, referrals and direct assistance remain open to them."""
    principal = policy.principal_for(actor)
    organization = _opening_organization(principal, person, organization)
    _check_consent(given_by, given_by_name, method)
    if not reason.strip():
        raise CaseError(_("Write down the reason the person gave for declining case management."))
    refusal = CaseConsent.objects.create(
        person=person,
        organization=organization,
        given=False,
        given_by=given_by,
        given_by_name=given_by_name.strip()[:150],
        method=method,
        refusal_reason=reason.strip()[:300],
        recorded_by=principal.user,
        recorded_by_label=principal.label,
    )
    audit.record(
        principal,
        AuditAction.CREATE,
        refusal,
        request=request,
        organization=organization,
        summary=f"case management declined by person {person.pk}",
        person_id=person.pk,
    )
    return refusal


def _skip(case: Case, principal, steps, reason: str) -> None:
    for step in steps:
        _event(case, principal, "skipped", to_value=step, note=reason)


@transaction.atomic
def advance_step(*, actor, case: Case, to_step: str, note: str = "", skip_reason: str = "", request=None) -> Case:
    """Move a case to a later step. Steps are taken in order: moving past one needs a reason (kept in
    the history for each skipped step). Closure has its own action, with its checks."""
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
    skipped = STEP_ORDER[STEP_ORDER.index(case.step) + 1 : STEP_ORDER.index(to_step)]
    if skipped and not skip_reason.strip():
        raise SkipNeedsReason(
            _("Going to “%(to)s” skips %(steps)s: give the reason.")
            % {"to": dict(Step.choices)[to_step], "steps": ", ".join(f"“{dict(Step.choices)[s]}”" for s in skipped)}
        )
    before = case.step
    case.step = to_step
    fields = ["step"]
    if STEP_ORDER.index(to_step) >= STEP_ORDER.index(Step.CASE_PLAN) and case.next_review_due is None:
        case.next_review_due = timezone.localdate() + PLAN_REVIEW_INTERVAL
        fields.append("next_review_due")
    case.save(update_fields=fields)
    _skip(case, principal, skipped, skip_reason.strip())
    _event(case, principal, "step", before, to_step, note)
    audit.record(
        principal,
        AuditAction.STATUS_CHANGE,
        case,
        request=request,
        summary=f"step {before} → {to_step}" + (f" (skipped {', '.join(skipped)})" if skipped else ""),
    )
    return case


# Closures that explain by themselves why the remaining steps did not happen.
INVOLUNTARY_CLOSURES = (
    ClosureReason.TRANSFERRED,
    ClosureReason.PERSON_LEFT,
    ClosureReason.LOST_CONTACT,
    ClosureReason.DECEASED,
)
NO_FOLLOW_UP_NEEDED = (ClosureReason.TRANSFERRED, ClosureReason.DECEASED)


@transaction.atomic
def close_case(
    *,
    actor,
    case: Case,
    reason: str,
    note: str = "",
    open_item_reasons: dict[str, str] | None = None,
    follow_up_date: date | None = None,
    follow_up_kind: str = FollowUpKind.CALL,
    no_follow_up_reason: str = "",
    skip_reason: str = "",
    request=None,
) -> Case:
    """Close a case. Every open plan action and open referral of the case's organization for the
    person is either settled first or given an explicit reason here (`open_item_reasons`, keyed by
    `OpenItem.key`); otherwise the closure is refused with the list. Open actions are cancelled with
    their reason; referrals continue with their provider, the reason kept in the case's history.
    A follow-up after closure is planned (`follow_up_date`), or its absence explained. Closing
    before monitoring with "goals met" skips steps and needs `skip_reason`."""
    from amparo.cases.queries import open_items

    principal = policy.principal_for(actor)
    _require_manage(principal, case)
    _require_open(case)
    if reason not in ClosureReason.values:
        raise CaseError(_("Choose a closure reason."))
    open_item_reasons = {k: (v or "").strip() for k, v in (open_item_reasons or {}).items()}
    items = open_items(case)
    missing = [item for item in items if not open_item_reasons.get(item.key)]
    if missing:
        raise ClosureBlocked(
            [
                _("Still open: %(item)s. Settle it, or give the reason it stays open.") % {"item": item.label}
                for item in missing
            ],
            items=missing,
        )
    skipped = STEP_ORDER[STEP_ORDER.index(case.step) + 1 : STEP_ORDER.index(Step.CLOSURE)]
    if skipped and reason not in INVOLUNTARY_CLOSURES and not skip_reason.strip():
        raise SkipNeedsReason(
            _("Closing now skips %(steps)s: give the reason.")
            % {"steps": ", ".join(f"“{dict(Step.choices)[s]}”" for s in skipped)}
        )
    if reason not in NO_FOLLOW_UP_NEEDED:
        if follow_up_date is None and not no_follow_up_reason.strip():
            raise CaseError(_("Plan a follow-up after closure, or say why there will be none."))
        if follow_up_date is not None and follow_up_date < timezone.localdate():
            raise CaseError(_("The follow-up after closure cannot be in the past."))
        if follow_up_kind not in FollowUpKind.values:
            raise CaseError(_("Unknown kind of follow-up “%(kind)s”.") % {"kind": follow_up_kind})
    now = timezone.now()
    for item in items:
        why = open_item_reasons[item.key][:300]
        if item.kind == "action":
            PlanAction.objects.filter(pk=item.pk, status=ActionStatus.OPEN).update(
                status=ActionStatus.CANCELLED, completed_at=now, closure_note=why
            )
        _event(case, principal, "left_open", item.key, item.label, why)
    _skip(case, principal, skipped, skip_reason.strip() or str(ClosureReason(reason).label))
    before = case.step
    case.step, case.closed_at, case.closure_reason, case.closure_note = Step.CLOSURE, now, reason, note[:300]
    case.save(update_fields=["step", "closed_at", "closure_reason", "closure_note"])
    _event(case, principal, "closed", before, reason, note)
    if follow_up_date is not None:
        FollowUp.objects.create(case=case, due_date=follow_up_date, kind=follow_up_kind, after_closure=True)
        _event(case, principal, "follow_up_planned", to_value=follow_up_date.isoformat())
    elif no_follow_up_reason.strip():
        _event(case, principal, "no_follow_up", note=no_follow_up_reason.strip())
    audit.record(
        principal,
        AuditAction.STATUS_CHANGE,
        case,
        request=request,
        summary=f"closed: {reason}",
        left_open=[item.key for item in items],
        follow_up=follow_up_date.isoformat() if follow_up_date else None,
    )
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
    if referral is not None:
        _check_referral_for_case(principal, case, referral)
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
    _check_worker(to_worker, to_organization, label=_("new case worker"), person=case.person)
    if supervisor is not None:
        _check_worker(supervisor, to_organization, label=_("supervisor"), roles=policy.SENSITIVE_ROLES)
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


def is_child(case: Case) -> bool:
    """Under 18 by the screening's answer, else the registered date of birth."""
    age = person_age(case.person, case.screening)
    return age is not None and age < 18


def _clean_needs(needs: dict) -> list[AssessmentNeed]:
    rows, errors = [], []
    for domain, value in needs.items():
        level, note = (value.get("level", ""), value.get("note", "")) if isinstance(value, dict) else (value, "")
        if domain not in NeedDomain.values:
            errors.append(_("Unknown needs domain “%(domain)s”.") % {"domain": domain})
        elif level not in NeedLevel.values:
            errors.append(
                _("“%(domain)s” has no level “%(level)s”.") % {"domain": NeedDomain(domain).label, "level": level}
            )
        else:
            rows.append(AssessmentNeed(domain=domain, level=level, note=(note or "").strip()[:300]))
    if errors:
        raise CaseError(errors)
    if not rows:
        raise CaseError(_("Assess at least one needs domain."))
    return rows


BIA_TEXT_FIELDS = (
    "child_views",
    "not_heard_reason",
    "family_situation",
    "safety",
    "health_and_development",
    "education",
    "recommendation",
)


def _clean_bia(bia: dict) -> dict:
    clean = {name: str(bia.get(name) or "").strip() for name in BIA_TEXT_FIELDS}
    clean["not_heard_reason"] = clean["not_heard_reason"][:300]
    clean["child_heard"] = bool(bia.get("child_heard"))
    clean["authority_informed"] = bool(bia.get("authority_informed"))
    clean["care_arrangement"] = bia.get("care_arrangement") or ""
    clean["recommended_measure"] = bia.get("recommended_measure") or ""
    errors = []
    if clean["child_heard"] and not clean["child_views"]:
        errors.append(_("Write down the child's views and wishes."))
    if not clean["child_heard"] and not clean["not_heard_reason"]:
        errors.append(_("Say why the child was not heard."))
    if clean["care_arrangement"] not in CareArrangement.values:
        errors.append(_("Choose the child's current care arrangement."))
    if not clean["family_situation"]:
        errors.append(_("Describe the family situation and where the parents are."))
    if clean["recommended_measure"] not in ChildMeasure.values:
        errors.append(_("Choose the recommended measure."))
    if not clean["recommendation"]:
        errors.append(_("Give the recommendation and its reasons."))
    if errors:
        raise BestInterestsRequired(errors)
    return clean


@transaction.atomic
def record_assessment(
    *,
    actor,
    case: Case,
    needs: dict,
    risks: str = "",
    strengths: str = "",
    bia: dict | None = None,
    request=None,
) -> Assessment:
    """A structured assessment: a level (and note) per needs domain, the risks and the strengths
    (what protects the person: family, skills, networks). For a child, the best-interests
    assessment is part of it and required. A case at opening moves to the assessment step."""
    principal = policy.principal_for(actor)
    _require_manage(principal, case)
    _require_open(case)
    rows = _clean_needs(needs or {})
    child = is_child(case)
    if child and not bia:
        raise BestInterestsRequired(
            _("%(name)s is a child: the assessment includes a best-interests assessment.")
            % {"name": case.person.full_name}
        )
    bia_data = _clean_bia(bia) if bia else None
    assessment = Assessment.objects.create(
        case=case,
        assessed_by=principal.user,
        assessed_by_label=principal.label,
        risks=risks.strip(),
        strengths=strengths.strip(),
    )
    for row in rows:
        row.assessment = assessment
    AssessmentNeed.objects.bulk_create(rows)
    if bia_data:
        BestInterestsAssessment.objects.create(assessment=assessment, **bia_data)
    _event(case, principal, "assessed", to_value=str(len([r for r in rows if r.level != NeedLevel.NONE])))
    if case.step == Step.OPENING:
        case.step = Step.ASSESSMENT
        case.save(update_fields=["step"])
        _event(case, principal, "step", Step.OPENING, Step.ASSESSMENT)
    audit.record(
        principal,
        AuditAction.UPDATE,
        case,
        request=request,
        summary="assessment recorded" + (" with best-interests assessment" if bia_data else ""),
    )
    return assessment


def _check_referral_for_case(principal, case: Case, referral: Referral) -> None:
    if referral.person_id != case.person_id or not policy.visible(principal, Referral).filter(pk=referral.pk).exists():
        raise CaseError(_("This referral is not one of %(name)s's.") % {"name": case.person.full_name})


@transaction.atomic
def refer_from_action(
    *,
    actor,
    action: PlanAction,
    service: Service,
    reason: str = "",
    shared_fields=DEFAULT_SHARED_FIELDS,
    urgency: str | None = None,
    request=None,
) -> Referral:
    """Make the plan action's referral: a draft made by the protection app's own service (its
    rules: who may refer, minimum-necessary sharing; consent is asked when it is sent), linked to
    the action. The referral page sends it."""
    principal = policy.principal_for(actor)
    case = action.case
    _require_manage(principal, case)
    _require_open(case)
    if action.status != ActionStatus.OPEN:
        raise CaseError(_("This action is not open any more."))
    if action.referral_id is not None:
        raise CaseError(_("This action already has a referral (%(ref)s).") % {"ref": action.referral.reference})
    if not service.is_active or not service.provider.is_active:
        raise CaseError(_("This service is not active."))
    referral = protection_services.create_referral(
        actor=principal,
        person=case.person,
        to_organization=service.provider,
        service=service,
        service_kind=service.kind,
        screening=case.screening,
        reason=reason or action.description,
        shared_fields=shared_fields,
        urgency=urgency,
        from_organization=case.organization,
        request=request,
    )
    action.referral = referral
    action.save(update_fields=["referral"])
    _event(case, principal, "referred", to_value=referral.reference, note=service.name)
    return referral


@transaction.atomic
def link_referral(*, actor, action: PlanAction, referral: Referral, request=None) -> PlanAction:
    """Link an existing referral of the person to a plan action."""
    principal = policy.principal_for(actor)
    _require_manage(principal, action.case)
    _check_referral_for_case(principal, action.case, referral)
    action.referral = referral
    action.save(update_fields=["referral"])
    audit.record(
        principal, AuditAction.UPDATE, action.case, request=request, summary=f"action linked to {referral.reference}"
    )
    return action


def flag_profile_change(*, person: Person, screening: Screening, actor) -> list[int]:
    """Called by the protection app (hook `profiles_changed`) when a new screening changes the
    person's profiles: the person's open cases are flagged for review. Returns their ids."""
    principal = policy.principal_for(actor)
    ids = list(Case.objects.open().filter(person=person).values_list("pk", flat=True))
    if not ids:
        return []
    Case.objects.filter(pk__in=ids).update(profiles_changed_at=timezone.now(), profiles_changed_screening=screening)
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(case_id=pk, actor_label=principal.label, kind="profiles_changed", to_value=str(screening.pk))
            for pk in ids
        ]
    )
    for pk in ids:
        audit.record(
            principal,
            AuditAction.STATUS_CHANGE,
            object_type="cases.case",
            object_id=pk,
            summary=f"profiles changed by screening {screening.pk}",
        )
    return ids


@transaction.atomic
def review_profile_change(*, actor, case: Case, note: str = "", request=None) -> Case:
    """The case worker has looked at the new screening's profiles: the flag is cleared (kept in
    the history with the note)."""
    principal = policy.principal_for(actor)
    _require_manage(principal, case)
    if case.profiles_changed_at is None:
        raise CaseError(_("Nothing to review: the profiles have not changed."))
    screening_id = case.profiles_changed_screening_id
    updates = {"profiles_changed_at": None, "profiles_changed_screening": None}
    if screening_id and case.is_open:
        updates["screening_id"] = screening_id  # the case now follows the newer screening
    Case.objects.filter(pk=case.pk).update(**updates)
    case.refresh_from_db()
    _event(case, principal, "profiles_reviewed", to_value=str(screening_id or ""), note=note)
    audit.record(principal, AuditAction.UPDATE, case, request=request, summary="profile change reviewed")
    return case


def user_by_username(username: str):
    return get_user_model().objects.filter(username=username).first()
