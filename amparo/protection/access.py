"""Who sees what in protection (plugged into accounts.policy).

- Profiles, questions, rules, pathways and the service directory are reference data: every member
  of an organization sees them (analysts included; they name nobody).
- Screenings and their suggestions are SENSITIVE: only seats in `policy.SENSITIVE_ROLES`
  (consular officer, case worker, supervisor) of an organization that may see the person by name.
  Never migration officers, civil protection or analysts (analysts get counts only).
- A referral is seen by the sending organization's sensitive seats, and — once sent — by the
  members of the receiving organization, who read only its shared snapshot (`shared_data`); the
  Person row is never widened for them.
"""

from __future__ import annotations

from django.db.models import Q

from amparo.accounts import policy
from amparo.protection.models import (
    Indicator,
    PathwayStep,
    Profile,
    Referral,
    ReferralEvent,
    ReferralPathway,
    Screening,
    ScreeningRule,
    ScreeningSuggestion,
    Service,
)
from amparo.registry.models import Person


def sensitive_principal(p: policy.Principal) -> policy.Principal:
    """The same user restricted to their sensitive seats (so a migration-officer seat held by a
    case worker elsewhere never widens what the sensitive seats see)."""
    return p.restricted_to(policy.SENSITIVE_ROLES)


def sensitive_person_q(p: policy.Principal) -> Q:
    sp = sensitive_principal(p)
    if not sp.seats:
        return policy.NOTHING
    return Q(person__in=Person.objects.filter(policy.names_q(sp, Person)).values("pk"))


def _reference(p: policy.Principal) -> Q:
    return policy.EVERYTHING


def _screenings(p: policy.Principal) -> Q:
    return sensitive_person_q(p)


def _screening_counts(p: policy.Principal) -> Q:
    # Analysts count (never read) the screenings their own organizations made.
    return Q(organization_id__in=p.organization_ids())


def _suggestions(p: policy.Principal) -> Q:
    return Q(screening__in=Screening.objects.filter(sensitive_person_q(p)).values("pk"))


def receiving_organizations(p: policy.Principal) -> set[int]:
    return p.organization_ids(policy.NAMING_ROLES)


def sending_organizations(p: policy.Principal) -> set[int]:
    return p.organization_ids(policy.SENSITIVE_ROLES)


def _referrals(p: policy.Principal) -> Q:
    return Q(from_organization_id__in=sending_organizations(p)) | (
        Q(to_organization_id__in=receiving_organizations(p)) & ~Q(status="draft")
    )


def _referral_counts(p: policy.Principal) -> Q:
    orgs = p.organization_ids()
    return Q(from_organization_id__in=orgs) | Q(to_organization_id__in=orgs)


def _referral_events(p: policy.Principal) -> Q:
    return Q(referral__in=Referral.objects.filter(_referrals(p)).values("pk"))


for _model in (Profile, Indicator, ScreeningRule, ReferralPathway, PathwayStep, Service):
    policy.register(_model, names=_reference)
policy.register(Screening, names=_screenings, counts=_screening_counts)
policy.register(ScreeningSuggestion, names=_suggestions)
policy.register(Referral, names=_referrals, counts=_referral_counts)
policy.register(ReferralEvent, names=_referral_events)


def is_sender(user, referral: Referral) -> bool:
    p = policy.principal_for(user)
    return p.is_system or referral.from_organization_id in sending_organizations(p)


def is_receiver(user, referral: Referral) -> bool:
    p = policy.principal_for(user)
    return p.is_system or referral.to_organization_id in receiving_organizations(p)


def can_screen(user, person: Person) -> bool:
    """A sensitive seat that sees the person may screen them (and refer them)."""
    p = policy.principal_for(user)
    if p.is_system:
        return True
    sp = sensitive_principal(p)
    return bool(sp.seats) and Person.objects.filter(policy.names_q(sp, Person), pk=person.pk).exists()


def can_update_capacity(user, service: Service) -> bool:
    """Provider staff (and the provider's admins and case workers) keep their own capacity live."""
    p = policy.principal_for(user)
    return p.is_system or service.provider_id in p.organization_ids(policy.NAMING_ROLES)
