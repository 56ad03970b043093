"""Who sees which cases (plugged into accounts.policy).

- Cases are sensitive: the consular officers, case workers and supervisors of the organization
  that holds the case see it (after a transfer, the new organization does).
- A sensitive note is read only by the case's worker and the organization's supervisors.
- An open case makes its person visible, by name, to the sensitive seats of the organization that
  holds it (a case transferred to another organization brings the person along, visibly audited).
- Shelter and clinic staff (first-contact seats, `provider_staff`) may hold cases of the people
  their organization serves; they see only the cases they hold (their own), never their
  colleagues' or another organization's.
- Analysts count cases of their organizations; they never read them.
"""

from __future__ import annotations

from django.db.models import Q

from amparo.accounts import policy
from amparo.accounts.codes import Role
from amparo.cases.models import (
    Assessment,
    AssessmentNeed,
    BestInterestsAssessment,
    Case,
    CaseConsent,
    CaseEvent,
    FollowUp,
    Note,
    PlanAction,
    Sensitivity,
    Step,
)
from amparo.registry.models import Person

# First-contact staff hold cases too (their own only).
OWN_CASE_ROLES = frozenset({Role.PROVIDER_STAFF})
CASE_WORKER_ROLES = frozenset(policy.SENSITIVE_ROLES) | OWN_CASE_ROLES


def case_orgs(p: policy.Principal) -> set[int]:
    """Organizations whose every case the user's sensitive seats see."""
    return p.organization_ids(policy.SENSITIVE_ROLES)


def own_case_orgs(p: policy.Principal) -> set[int]:
    """Organizations where the user sees only the cases they hold (first-contact seats)."""
    return p.organization_ids(OWN_CASE_ROLES) - case_orgs(p)


def may_use_cases(p: policy.Principal) -> bool:
    return p.is_system or bool(case_orgs(p) or own_case_orgs(p))


def opening_orgs(p: policy.Principal, person: Person) -> set[int]:
    """Organizations the user may open a case in for `person`: their sensitive seats' ones, and
    the shelter or clinic that serves (registered) the person."""
    orgs = set(case_orgs(p))
    if person.registering_organization_id in own_case_orgs(p):
        orgs.add(person.registering_organization_id)
    return orgs


def _own(p: policy.Principal, prefix: str = "") -> Q:
    orgs = own_case_orgs(p)
    if not orgs or p.user is None:
        return policy.NOTHING
    return Q(**{f"{prefix}organization_id__in": orgs, f"{prefix}case_worker_id": p.user.pk})


def supervisor_orgs(p: policy.Principal) -> set[int]:
    return p.organization_ids([Role.SUPERVISOR])


def _cases(p: policy.Principal) -> Q:
    return Q(organization_id__in=case_orgs(p)) | _own(p)


def _case_counts(p: policy.Principal) -> Q:
    return Q(organization_id__in=p.organization_ids())


def _via_case(p: policy.Principal) -> Q:
    return Q(case__organization_id__in=case_orgs(p)) | _own(p, "case__")


def _via_assessment(p: policy.Principal) -> Q:
    return Q(assessment__case__organization_id__in=case_orgs(p)) | _own(p, "assessment__case__")


def _consents(p: policy.Principal) -> Q:
    # Refusals (no case) are read by the casework seats of the organization that asked.
    return Q(organization_id__in=case_orgs(p)) | Q(case__in=Case.objects.filter(_own(p)).values("pk"))


def _notes(p: policy.Principal) -> Q:
    visible = _via_case(p)
    mine = Q(case__case_worker_id=p.user.pk) if p.user is not None else policy.NOTHING
    return visible & (Q(sensitivity=Sensitivity.NORMAL) | mine | Q(case__organization_id__in=supervisor_orgs(p)))


def _people_with_cases(p: policy.Principal) -> Q:
    # Only people the organization would not see otherwise (cases transferred in): a short id list,
    # computed once per request, so the common case adds nothing to the registry's person queries.
    orgs = case_orgs(p)
    if not orgs:
        return policy.NOTHING
    key = ("cases:transferred-people", frozenset(orgs))
    if key not in p._cache:
        p._cache[key] = list(
            Case.objects.filter(organization_id__in=orgs)
            .exclude(step=Step.CLOSURE)
            .exclude(person__registering_organization_id__in=orgs)
            .values_list("person_id", flat=True)[:10000]
        )
    ids = p._cache[key]
    return Q(pk__in=ids) if ids else policy.NOTHING


policy.register(Case, names=_cases, counts=_case_counts)
for _model in (PlanAction, FollowUp, CaseEvent, Assessment):
    policy.register(_model, names=_via_case)
for _model in (AssessmentNeed, BestInterestsAssessment):
    policy.register(_model, names=_via_assessment)
policy.register(CaseConsent, names=_consents)
policy.register(Note, names=_notes)
policy.extend(Person, _people_with_cases)


def can_manage(user, case: Case) -> bool:
    p = policy.principal_for(user)
    return (
        p.is_system
        or case.organization_id in case_orgs(p)
        or (case.organization_id in own_case_orgs(p) and p.user is not None and case.case_worker_id == p.user.pk)
    )


def is_supervisor(user, case: Case) -> bool:
    p = policy.principal_for(user)
    return p.is_system or case.organization_id in supervisor_orgs(p)
