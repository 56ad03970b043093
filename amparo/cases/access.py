"""Who sees which cases (plugged into accounts.policy).

- Cases are sensitive: the consular officers, case workers and supervisors of the organization
  that holds the case see it (after a transfer, the new organization does).
- A sensitive note is read only by the case's worker and the organization's supervisors.
- An open case makes its person visible, by name, to the sensitive seats of the organization that
  holds it (a case transferred to another organization brings the person along, visibly audited).
- Analysts count cases of their organizations; they never read them.
"""

from __future__ import annotations

from django.db.models import Q

from amparo.accounts import policy
from amparo.accounts.codes import Role
from amparo.cases.models import Case, CaseEvent, FollowUp, Note, PlanAction, Sensitivity, Step
from amparo.registry.models import Person


def case_orgs(p: policy.Principal) -> set[int]:
    return p.organization_ids(policy.SENSITIVE_ROLES)


def supervisor_orgs(p: policy.Principal) -> set[int]:
    return p.organization_ids([Role.SUPERVISOR])


def _cases(p: policy.Principal) -> Q:
    return Q(organization_id__in=case_orgs(p))


def _case_counts(p: policy.Principal) -> Q:
    return Q(organization_id__in=p.organization_ids())


def _via_case(p: policy.Principal) -> Q:
    return Q(case__organization_id__in=case_orgs(p))


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
for _model in (PlanAction, FollowUp, CaseEvent):
    policy.register(_model, names=_via_case)
policy.register(Note, names=_notes)
policy.extend(Person, _people_with_cases)


def can_manage(user, case: Case) -> bool:
    p = policy.principal_for(user)
    return p.is_system or case.organization_id in case_orgs(p)


def is_supervisor(user, case: Case) -> bool:
    p = policy.principal_for(user)
    return p.is_system or case.organization_id in supervisor_orgs(p)
