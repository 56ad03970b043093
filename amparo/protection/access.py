"""Who sees what in protection (plugged into accounts.policy).

- Profiles, questions, rules, pathways and the service directory are reference data: every member
  of an organization sees them (analysts included; they name nobody).
- Screenings and their suggestions are SENSITIVE: seats in `policy.SENSITIVE_ROLES` (consular
  officer, case worker, supervisor) of an organization that may see the person by name read all
  of the person's screenings. First-contact staff (`provider_staff` of a shelter or clinic) make
  the preliminary identification of the people their organization serves (registered) and read
  back only the screenings their own organization made, never another organization's.
  Never migration officers, civil protection or analysts (analysts get counts only).
- A referral is seen by the sending organization's sensitive seats, and — once sent — by the
  members of the receiving organization, who read only its shared snapshot (`shared_data`); the
  Person row is never widened for them.
"""

from __future__ import annotations

from django.db.models import Q

from amparo.accounts import policy
from amparo.accounts.codes import Role
from amparo.protection.models import (
    CountryDirectory,
    DirectoryReview,
    Indicator,
    PathwayStep,
    Profile,
    Referral,
    ReferralEvent,
    ReferralPathway,
    Screening,
    ScreeningDraft,
    ScreeningRule,
    ScreeningSuggestion,
    Service,
)
from amparo.registry.models import Person


def sensitive_principal(p: policy.Principal) -> policy.Principal:
    """The same user restricted to their sensitive seats (so a migration-officer seat held by a
    case worker elsewhere never widens what the sensitive seats see)."""
    return p.restricted_to(policy.SENSITIVE_ROLES)


# First-contact staff: the preliminary identification is written for them (RCM guidelines).
FIRST_CONTACT_ROLES = frozenset({Role.PROVIDER_STAFF})
SCREENING_ROLES = policy.SENSITIVE_ROLES | FIRST_CONTACT_ROLES


def first_contact_organizations(p: policy.Principal) -> set[int]:
    return p.organization_ids(FIRST_CONTACT_ROLES)


def _first_contact_person_q(organization_ids) -> Q:
    """The people a first-contact organization serves: those it registered."""
    return Q(registering_organization_id__in=organization_ids)


def sensitive_person_q(p: policy.Principal) -> Q:
    sp = sensitive_principal(p)
    if not sp.seats:
        return policy.NOTHING
    return Q(person__in=Person.objects.filter(policy.names_q(sp, Person)).values("pk"))


def _reference(p: policy.Principal) -> Q:
    return policy.EVERYTHING


def _own_first_contact_screenings(p: policy.Principal) -> Q:
    orgs = first_contact_organizations(p)
    if not orgs:
        return policy.NOTHING
    people = Person.objects.filter(_first_contact_person_q(orgs)).values("pk")
    return Q(organization_id__in=orgs, person__in=people)


def _screenings(p: policy.Principal) -> Q:
    return sensitive_person_q(p) | _own_first_contact_screenings(p)


def _screening_counts(p: policy.Principal) -> Q:
    # Analysts count (never read) the screenings their own organizations made.
    return Q(organization_id__in=p.organization_ids())


def _drafts(p: policy.Principal) -> Q:
    # A draft is the organization's unfinished work: read by the seats that screen for it.
    orgs = p.organization_ids(SCREENING_ROLES)
    return (
        Q(organization_id__in=orgs) & (sensitive_person_q(p) | _own_first_contact_screenings(p))
        if orgs
        else policy.NOTHING
    )


def _suggestions(p: policy.Principal) -> Q:
    return Q(screening__in=Screening.objects.filter(_screenings(p)).values("pk"))


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


for _model in (Profile, Indicator, ScreeningRule, ReferralPathway, PathwayStep, Service, CountryDirectory):
    policy.register(_model, names=_reference)
policy.register(DirectoryReview, names=_reference)
policy.register(Screening, names=_screenings, counts=_screening_counts)
policy.register(ScreeningSuggestion, names=_suggestions)
policy.register(ScreeningDraft, names=_drafts)
policy.register(Referral, names=_referrals, counts=_referral_counts)
policy.register(ReferralEvent, names=_referral_events)


def is_sender(user, referral: Referral) -> bool:
    p = policy.principal_for(user)
    return p.is_system or referral.from_organization_id in sending_organizations(p)


def is_receiver(user, referral: Referral) -> bool:
    p = policy.principal_for(user)
    return p.is_system or referral.to_organization_id in receiving_organizations(p)


def can_screen(user, person: Person) -> bool:
    """A sensitive seat that sees the person may screen them, refer them and review any of their
    screenings (cases rely on this too)."""
    p = policy.principal_for(user)
    if p.is_system:
        return True
    sp = sensitive_principal(p)
    return bool(sp.seats) and Person.objects.filter(policy.names_q(sp, Person), pk=person.pk).exists()


def first_contact_organization_id(user, person: Person) -> int | None:
    """The user's first-contact organization that serves `person` (registered them), or None."""
    p = policy.principal_for(user)
    orgs = first_contact_organizations(p)
    if p.is_system or not orgs or person.registering_organization_id not in orgs:
        return None
    return person.registering_organization_id


def can_identify(user, person: Person) -> bool:
    """The preliminary identification (a screening): sensitive seats that see the person, and
    first-contact staff of the organization that serves them."""
    return can_screen(user, person) or first_contact_organization_id(user, person) is not None


def can_review(user, screening: Screening) -> bool:
    """Confirm or reject a screening's profiles: sensitive seats that see the person, and the
    first-contact staff of the organization that made this screening (their own, no other)."""
    if can_screen(user, screening.person):
        return True
    return screening.organization_id in first_contact_organizations(policy.principal_for(user)) and (
        first_contact_organization_id(user, screening.person) is not None
    )


def may_use_screenings(user) -> bool:
    """Whether the screening pages are for this user at all (a seat that screens)."""
    p = policy.principal_for(user)
    return p.is_system or bool(p.seats_with(SCREENING_ROLES))


def can_update_capacity(user, service: Service) -> bool:
    """Provider staff (and the provider's admins and case workers) keep their own capacity live."""
    p = policy.principal_for(user)
    return p.is_system or service.provider_id in p.organization_ids(policy.NAMING_ROLES)


def reviewing_organization_id(user, country: str) -> int | None:
    """The organization on whose behalf the user reviews `country`'s directory: one the user is an
    administrator of, in that country (None: the user may not review it)."""
    p = policy.principal_for(user)
    ids = sorted(s.organization_id for s in p.seats_with([Role.ORG_ADMIN]) if s.country == (country or "").upper())
    return ids[0] if ids else None
