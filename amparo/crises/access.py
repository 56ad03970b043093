"""Who sees crises and welfare (plugged into accounts.policy).

- Crises (hazard areas, phases) are shared knowledge: every member of an active organization sees
  them; opening and changing one is for CRISIS_MANAGERS.
- A welfare status is named exactly when its person is (registry's rule); it is counted when its
  person is countable, and a civil-protection organization counts every affected person in its
  country, whatever their nationality (MICIC guideline 4), without ever seeing names.
- Welfare is changed by the roles that name people (analysts never do), on people they see.
"""

from __future__ import annotations

from django.db.models import Q

from amparo.accounts import policy
from amparo.accounts.codes import OrganizationKind, Role
from amparo.crises.models import AffectedArea, CapAlert, ConsularAlertLevel, Crisis, WelfareHistory, WelfareStatus
from amparo.registry.models import Person

CRISIS_MANAGERS = frozenset({Role.ORG_ADMIN, Role.CONSULAR_OFFICER, Role.CIVIL_PROTECTION_COORDINATOR, Role.SUPERVISOR})
WELFARE_WRITERS = policy.NAMING_ROLES


def _members(p: policy.Principal) -> Q:
    return policy.EVERYTHING if p.seats else policy.NOTHING


def _welfare_names(p: policy.Principal) -> Q:
    return Q(person__in=Person.objects.filter(policy.names_q(p, Person)).values("pk"))


def _civil_protection_countries(p: policy.Principal) -> list[str]:
    return sorted({s.country for s in p.seats if s.kind == OrganizationKind.CIVIL_PROTECTION})


def _welfare_counts(p: policy.Principal) -> Q:
    q = Q(person__in=policy.countable(p, Person).values("pk"))
    if countries := _civil_protection_countries(p):
        q |= Q(person__country__in=countries)
    return q


def countable_affected(user):
    """The people `user` may count among a crisis's affected, before any welfare row exists: the
    rule above (`_welfare_counts`) read on Person. The drawn-area preview counts with it, so it
    shows what the crisis will show once saved."""
    p = policy.principal_for(user)
    people = policy.countable(p, Person)
    if countries := _civil_protection_countries(p):
        # the wall between drills and real people is kept by the caller's population (geo)
        people = people | Person.objects.filter(country__in=countries)
    return people


def _history_names(p: policy.Principal) -> Q:
    return Q(welfare__person__in=Person.objects.filter(policy.names_q(p, Person)).values("pk"))


policy.register(Crisis, names=_members)
policy.register(AffectedArea, names=_members)
policy.register(CapAlert, names=_members)
policy.register(ConsularAlertLevel, names=_members)
policy.register(WelfareStatus, names=_welfare_names, counts=_welfare_counts)
policy.register(WelfareHistory, names=_history_names)


def can_manage_crises(user) -> bool:
    return policy.principal_for(user).has_role(*CRISIS_MANAGERS)


def can_change_crisis(user, crisis) -> bool:
    """Every organization reads a crisis (counts; names only of its own people); the one that
    opened it changes it (its areas decide who is affected for everyone). A crisis no
    organization opened (from a CAP feed, by the system) is changed by any crisis manager."""
    principal = policy.principal_for(user)
    if principal.is_system:
        return True
    if crisis.organization_id is None:
        return can_manage_crises(principal)
    return crisis.organization_id in principal.organization_ids(CRISIS_MANAGERS)


def manager_organizations(user) -> list:
    """The organizations the user opens crises for (one per seat with a crisis-manager role)."""
    from amparo.accounts.models import Organization

    ids = policy.principal_for(user).organization_ids(CRISIS_MANAGERS)
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


def can_write_welfare(user) -> bool:
    return policy.principal_for(user).has_role(*WELFARE_WRITERS)


def can_set_alert_level(user, organization_id: int) -> bool:
    """A consulate's own officers and administrators set its alert level."""
    p = policy.principal_for(user)
    return p.is_system or any(
        s.organization_id == organization_id and s.is_consulate and s.role in (Role.CONSULAR_OFFICER, Role.ORG_ADMIN)
        for s in p.seats
    )
