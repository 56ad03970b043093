"""Reads shared by pages, the API and other apps; each starts from the access policy.

`nearest_services(kind, lat, lon, limit)` is the public entry point other apps call (messaging's
SHELTER keyword): the service directory is reference data, so it needs no user.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db.models import Q
from geographiclib.geodesic import Geodesic

from amparo.accounts import policy
from amparo.protection.codes import Decision, ReferralStatus
from amparo.protection.models import (
    PathwayStep,
    Profile,
    Referral,
    ReferralPathway,
    Screening,
    Service,
)
from amparo.registry.models import Person


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """WGS84 geodesic distance (DOMAIN.md: never a sphere, never degrees)."""
    return Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)["s12"] / 1000.0


def _bounding_box(lat: float, lon: float, radius_km: float) -> Q:
    # A generous box first (indexed), the exact geodesic test after: 1° of latitude ≥ 110.5 km.
    dlat = radius_km / 110.0
    coslat = max(math.cos(math.radians(min(abs(lat) + dlat, 89.9))), 0.01)
    dlon = min(radius_km / (111.0 * coslat), 180.0)
    return Q(latitude__gte=lat - dlat, latitude__lte=lat + dlat, longitude__gte=lon - dlon, longitude__lte=lon + dlon)


def eligible(service: Service, *, age=None, sex: str = "", nationality: str = "", profiles=()) -> bool:
    """Whether a person fits the service's eligibility (unknown facts never exclude)."""
    if age is not None:
        if service.min_age is not None and age < service.min_age:
            return False
        if service.max_age is not None and age > service.max_age:
            return False
    if sex and sex != "unknown" and service.sexes and sex not in service.sexes:
        return False
    if nationality and service.nationalities and nationality not in service.nationalities:
        return False
    wanted = {p.code if hasattr(p, "code") else p for p in profiles}
    if not wanted:
        return True
    served = {p.code for p in service.profiles.all()}
    return not (served and not (served & wanted))


@dataclass
class Found:
    service: Service
    distance_km: float | None


def search_services(
    *,
    kind: str = "",
    lat: float | None = None,
    lon: float | None = None,
    radius_km: float | None = None,
    country: str = "",
    subdivision: str = "",
    with_capacity: bool = False,
    age=None,
    sex: str = "",
    nationality: str = "",
    profiles=(),
    limit: int | None = None,
    user=None,
) -> list[Found]:
    """The directory by need and distance: active services, nearest first when a point is given."""
    qs = Service.objects.active().select_related("provider")
    if profiles:
        qs = qs.prefetch_related("profiles")
    if user is not None:
        qs = policy.visible(user, qs)
    if kind:
        qs = qs.filter(kind=kind)
    if country:
        qs = qs.filter(country=country.upper())
    if subdivision:
        qs = qs.filter(subdivision=subdivision.upper())
    if with_capacity:
        qs = qs.filter(Q(capacity_free__gt=0) | Q(capacity_free__isnull=True, capacity_total__isnull=True))
    if lat is not None and lon is not None and radius_km:
        qs = qs.filter(_bounding_box(lat, lon, radius_km))
    found = []
    for service in qs:
        if not eligible(service, age=age, sex=sex, nationality=nationality, profiles=profiles):
            continue
        dist = None
        if lat is not None and lon is not None and service.latitude is not None and service.longitude is not None:
            dist = distance_km(lat, lon, service.latitude, service.longitude)
            if radius_km and dist > radius_km:
                continue
        found.append(Found(service, dist))
    if lat is not None and lon is not None:
        found.sort(key=lambda f: (f.distance_km is None, f.distance_km or 0.0))
    return found[:limit] if limit else found


# Search rings for the nearest services: each ring is an indexed box query; the first ring holding
# `limit` services answers exactly (anything outside it is farther than everything inside).
RINGS_KM = (10, 50, 200, 800, 3200)


def nearest_services(kind: str, lat: float, lon: float, limit: int = 3, *, with_capacity: bool = True) -> list[dict]:
    """The `limit` nearest active services of `kind` (shelters: only those with free places), as
    plain dicts for an SMS or WhatsApp reply: name, provider, address, phone, hours, distance_km,
    free places. No personal data is involved."""
    capacity = with_capacity and kind == "shelter"
    results: list[Found] = []
    for radius in (*RINGS_KM, None):
        results = [
            f
            for f in search_services(kind=kind, lat=lat, lon=lon, radius_km=radius, with_capacity=capacity)
            if f.distance_km is not None
        ]
        if len(results) >= limit:
            break
    out = []
    for f in results[:limit]:
        s = f.service
        out.append(
            {
                "id": s.pk,
                "name": s.name,
                "provider": s.provider.name,
                "address": s.address,
                "municipality": s.municipality,
                "phone": s.phone or s.provider.phone,
                "hours": s.hours,
                "latitude": s.latitude,
                "longitude": s.longitude,
                "distance_km": round(f.distance_km, 1),
                "capacity_free": s.capacity_free,
            }
        )
    return out


# --- Screenings ----------------------------------------------------------------------------


def screenings_of(user, person: Person):
    return (
        policy.visible(user, Screening)
        .filter(person=person)
        .select_related("organization")
        .prefetch_related("suggestions__profile")
    )


def latest_screening(user, person: Person) -> Screening | None:
    return screenings_of(user, person).first()


# --- Pathways and proposals ----------------------------------------------------------------


def pathway_for(profile: Profile, country: str, subdivision: str = "") -> ReferralPathway | None:
    """The most specific active pathway: the subdivision's, else the country's."""
    qs = ReferralPathway.objects.filter(profile=profile, country=(country or "").upper(), is_active=True)
    if subdivision:
        specific = qs.filter(subdivision=subdivision.upper()).first()
        if specific:
            return specific
    return qs.filter(subdivision="").first()


@dataclass
class Proposal:
    profile: Profile
    pathway: ReferralPathway
    step: PathwayStep
    service: Service | None
    distance_km: float | None
    referral: Referral | None = None
    reasons: list[str] = field(default_factory=list)
    skipped: str = ""

    @property
    def key(self) -> str:
        return f"{self.step.pk}-{self.service.pk if self.service else 0}"

    @property
    def reason_text(self) -> str:
        return " · ".join(self.reasons)


@dataclass
class NoPathway:
    """A confirmed profile with no pathway in the person's country: whom to contact instead."""

    profile: Profile
    country: str
    contact: dict  # {"name", "contact", "source"}; empty when the country has no directory


def proposals_for(screening: Screening) -> list[Proposal]:
    """For each confirmed profile: its pathway's steps, each with the provider chosen for this
    person (`choice.choose_provider`: by place, purpose, capacity and language, with the reasons),
    or none (the authority is outside Amparo), and any referral already made from this screening."""
    from amparo.protection.choice import choose_provider

    person = screening.person
    confirmed = [s.profile for s in screening.suggestions.all() if s.decision == Decision.CONFIRMED]
    country = person.country or screening.organization.country
    existing = {
        (r.profile_id, r.service_kind, r.to_organization_id): r
        for r in Referral.objects.filter(screening=screening).exclude(status=ReferralStatus.CLOSED)
    }
    proposals = []
    for profile in confirmed:
        pathway = pathway_for(profile, country, person.subdivision)
        if pathway is None:
            continue
        for step in pathway.steps.select_related("pathway").all():
            choice = choose_provider(
                person,
                step,
                screening=screening,
                profiles=confirmed,
                exclude_organization_id=screening.organization_id,
            )
            service = choice.service
            referral = existing.get((profile.pk, step.service_kind, service.provider_id)) if service else None
            proposals.append(
                Proposal(profile, pathway, step, service, choice.distance_km, referral, choice.reasons, choice.skipped)
            )
    return proposals


def no_pathway_for(screening: Screening) -> list[NoPathway]:
    """Confirmed profiles without an active pathway in the person's country, each with the
    competent authority to contact (never hidden: DOMAIN.md)."""
    from amparo.protection.models import CountryDirectory

    person = screening.person
    country = (person.country or screening.organization.country or "").upper()
    directory = CountryDirectory.objects.filter(country=country).first()
    out = []
    for suggestion in screening.suggestions.all():
        if suggestion.decision != Decision.CONFIRMED:
            continue
        if pathway_for(suggestion.profile, country, person.subdivision) is None:
            contact = (directory.contacts if directory else {}).get(suggestion.profile.code) or {}
            out.append(NoPathway(suggestion.profile, country, contact))
    return out


# --- Referrals -----------------------------------------------------------------------------


def inbox(user):
    """Referrals addressed to the user's organizations (never drafts). Views render only the
    shared snapshot of these rows."""
    from amparo.protection.access import receiving_organizations

    p = policy.principal_for(user)
    return (
        policy.visible(user, Referral)
        .filter(to_organization_id__in=receiving_organizations(p))
        .exclude(status=ReferralStatus.DRAFT)
        .select_related("from_organization", "to_organization", "service")
        .only(
            "id",
            "status",
            "urgency",
            "service_kind",
            "reason",
            "shared_fields",
            "shared_data",
            "sent_at",
            "respond_by",
            "answered_at",
            "decline_reason",
            "outcome",
            "overdue_flagged_at",
            "from_organization__name",
            "to_organization__name",
            "service__name",
            "response_hours",
            "created_at",
            "from_organization_id",
            "to_organization_id",
            "service_id",
        )
    )


def outbox(user):
    from amparo.protection.access import sending_organizations

    p = policy.principal_for(user)
    return (
        policy.visible(user, Referral)
        .filter(from_organization_id__in=sending_organizations(p))
        .select_related("person", "to_organization", "service", "profile")
    )


# --- The person page's panel (registered with core.ui.add_person_panel) --------------------


def person_panel(user, person: Person) -> dict | None:
    """This person's screenings and referrals that `user` may see, for the registry's person page:
    screenings for sensitive seats and first-contact staff (their own), referrals as the policy allows (sent by, or addressed
    to, the user's organizations). None when there is nothing the user could see or do here."""
    from amparo.protection.access import can_identify, may_use_screenings, sensitive_principal

    p = policy.principal_for(user)
    screenings, may_screen = [], False
    if may_use_screenings(p):
        screenings = list(policy.visible(p, Screening).filter(person=person).select_related("organization")[:20])
        may_screen = can_identify(p, person)
    # First-contact staff see the section for the people they serve (and their own screenings).
    sees_screenings = p.is_system or bool(sensitive_principal(p).seats) or may_screen or bool(screenings)
    referrals = list(
        policy.visible(user, Referral)
        .filter(person=person)
        .select_related("from_organization", "to_organization", "service")[:20]
    )
    if not (sees_screenings or referrals):
        return None
    return {
        "sees_screenings": sees_screenings,
        "screenings": screenings,
        "referrals": referrals,
        "may_screen": may_screen,
    }


def household_facts(person: Person) -> dict:
    """What the registry says about the person's household: how many children (under 18) and
    other adults are in it (members of unknown age count as neither). Hints for the screening."""
    from amparo.protection.sharing import age_on

    out = {"children": 0, "other_adults": 0}
    if not person.household_id:
        return out
    members = Person.objects.filter(household_id=person.household_id).exclude(pk=person.pk)
    for birth_date in members.exclude(record_status__in=["merged", "deceased"]).values_list("birth_date", flat=True):
        age = age_on(birth_date)
        if age is None:
            continue
        out["children" if age < 18 else "other_adults"] += 1
    return out
