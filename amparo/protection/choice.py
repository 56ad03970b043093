"""Provider choice: which service serves a pathway step for one person, and why.

`choose_provider(person, step)` looks only at services whose purpose is the step's (an indexed
column: a prosecutor is never taken for an asylum desk), in the pathway's country, active, for
which the person is eligible (age, sex, nationality, profiles). It starts from the person's place:
the GPS position when recorded, else the centre of their municipality or state from the offline
gazetteer. Among those with free places (shelters), the nearest wins, unless it does not speak the
person's language and one that does is not much farther. The answer carries the distance and the
reasons, e.g. "nearest public prosecutor · 12 km from the person's position · speaks French".

A person who said they do not wish to seek asylum is never sent to an asylum desk: the asylum
step is not proposed, and services that serve only people seeking international protection are
left out of the other steps.

Fast at 20,000 services: growing rings of indexed bounding-box queries (kind + position), exact
WGS84 distances inside the ring (as `queries.nearest_services`); see bench/README.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db.models import Q, prefetch_related_objects
from django.utils.translation import gettext as _

from amparo.core import gazetteer
from amparo.core.labels import language_name
from amparo.protection.codes import AsylumWish, ServiceKind
from amparo.protection.models import PathwayStep, Service
from amparo.protection.queries import RINGS_KM, distance_km, eligible
from amparo.protection.sharing import person_age
from amparo.registry.models import Person

# A provider speaking the person's language is preferred when it is at most this much farther
# than the nearest one (km), or this many times as far.
LANGUAGE_DETOUR_KM = 50.0
LANGUAGE_DETOUR_RATIO = 1.5
ASYLUM_ONLY = "international_protection"
# What choice and the proposals read of a service and its provider (the rest stays in the database).
SERVICE_FIELDS = (
    "id", "provider_id", "kind", "name", "country", "subdivision", "municipality", "latitude", "longitude",
    "min_age", "max_age", "sexes", "nationalities", "languages", "capacity_free", "capacity_total", "is_active",
    "provider__id", "provider__name", "provider__slug", "provider__kind", "provider__is_demo",
    "provider__served_nationality", "provider__is_active",
)  # fmt: skip


@dataclass
class Origin:
    lat: float
    lon: float
    kind: str  # "gps", "municipality", "subdivision", "country"
    label: str = ""


@dataclass
class Choice:
    service: Service | None
    distance_km: float | None = None
    reasons: list[str] = field(default_factory=list)
    skipped: str = ""  # why the step is not proposed at all (the person's own decision)
    origin: Origin | None = None

    @property
    def reason_text(self) -> str:
        return " · ".join(self.reasons)


def person_origin(person: Person) -> Origin | None:
    """Where the person is: their GPS position, else the gazetteer's point for their municipality,
    state or country (None when nothing is known)."""
    if person.latitude is not None and person.longitude is not None:
        precise = person.location_precision_m is None or person.location_precision_m < gazetteer.TOWN_PRECISION_M
        return Origin(person.latitude, person.longitude, "gps" if precise else "municipality", person.municipality)
    point = gazetteer.representative_point(
        country=person.country, subdivision=person.subdivision, municipality=person.municipality
    )
    if point is None:
        return None
    lat, lon, precision = point
    if precision <= gazetteer.TOWN_PRECISION_M:
        return Origin(lat, lon, "municipality", person.municipality)
    if precision <= gazetteer.SUBDIVISION_PRECISION_M:
        sub = gazetteer.subdivision(person.subdivision)
        return Origin(lat, lon, "subdivision", sub.name if sub else person.subdivision)
    return Origin(lat, lon, "country", person.country)


def person_languages(person: Person, screening=None) -> list[str]:
    """The person's languages, most useful first: the interpreter language they asked for, their
    preferred language, then the others (base subtags: "fr", "ht")."""
    tags = []
    if screening is not None and screening.answers.get("needs_interpretation") == "yes":
        tags.append(screening.answers.get("interpretation_language") or "")
    tags += [person.preferred_language, *(person.languages or [])]
    out = []
    for tag in tags:
        lang = (tag or "").split("-")[0].lower()
        if lang and lang not in out:
            out.append(lang)
    return out


def _base_queryset(step: PathwayStep, person: Person):
    qs = (
        Service.objects.active()
        .filter(kind=step.service_kind, country=step.pathway.country)
        .select_related("provider")
        .only(*SERVICE_FIELDS)
    )
    if step.provider_id:
        qs = qs.filter(provider_id=step.provider_id)
    if step.service_kind == ServiceKind.CONSULAR_ASSISTANCE and person.nationality:
        qs = qs.filter(provider__served_nationality=person.nationality)  # the person's own consulate
    if step.service_kind == ServiceKind.SHELTER:
        qs = qs.filter(Q(capacity_free__gt=0) | Q(capacity_free__isnull=True))
    return qs


def _box(lat: float, lon: float, radius_km: float) -> Q:
    dlat = radius_km / 110.0
    coslat = max(math.cos(math.radians(min(abs(lat) + dlat, 89.9))), 0.01)
    dlon = min(radius_km / (111.0 * coslat), 180.0)
    return Q(latitude__gte=lat - dlat, latitude__lte=lat + dlat, longitude__gte=lon - dlon, longitude__lte=lon + dlon)


def _fits(service: Service, person: Person, *, age, profiles, wishes_asylum: str) -> bool:
    if not eligible(service, age=age, sex=person.sex, nationality=person.nationality, profiles=profiles):
        return False
    if wishes_asylum == AsylumWish.NO:
        served = {p.code for p in service.profiles.all()}
        if served and served <= {ASYLUM_ONLY}:
            return False  # an asylum desk, for a person who said no to asylum
    return True


def _within(qs, origin: Origin, keep, radius: float | None) -> list[tuple[float, Service]]:
    """The fitting services within `radius` km (None: anywhere), nearest first: an indexed box
    query, exact distances, then eligibility (the served profiles are read for those only)."""
    ring = qs.filter(_box(origin.lat, origin.lon, radius)) if radius else qs
    near = []
    for s in ring.filter(latitude__isnull=False, longitude__isnull=False):
        d = distance_km(origin.lat, origin.lon, s.latitude, s.longitude)
        if radius is None or d <= radius:
            near.append((d, s))
    if keep.needs_profiles and near:
        prefetch_related_objects([s for _d, s in near], "profiles")
    found = [(d, s) for d, s in near if keep(s)]
    found.sort(key=lambda pair: (pair[0], pair[1].pk))
    return found


def _nearest(qs, origin: Origin, keep) -> tuple[list[tuple[float, Service]], float | None]:
    """The fitting services of the first ring that holds any (exact: everything outside the ring
    is farther than what is inside), and that ring's radius."""
    for radius in (*RINGS_KM, None):
        found = _within(qs, origin, keep, radius)
        if found:
            return found, radius
    return [], None


def _speaks(service: Service, languages: list[str]) -> str:
    spoken = {(tag or "").split("-")[0].lower() for tag in service.languages or ()}
    return next((lang for lang in languages if lang in spoken), "")


def choose_provider(
    person: Person, step: PathwayStep, *, screening=None, profiles=(), exclude_organization_id=None
) -> Choice:
    """The service that serves `step` for `person`, with its distance and the reasons (or why
    none: the step is then the authority named in the pathway)."""
    wishes_asylum = screening.wishes_asylum if screening is not None else AsylumWish.NOT_ASKED
    purpose = ServiceKind(step.service_kind).label
    if step.service_kind == ServiceKind.ASYLUM_PROCEDURE and wishes_asylum == AsylumWish.NO:
        return Choice(None, skipped=_("The person does not wish to seek asylum: no referral to an asylum desk."))
    age = person_age(person, screening)
    qs = _base_queryset(step, person)
    if exclude_organization_id:
        qs = qs.exclude(provider_id=exclude_organization_id)  # never refer to yourself

    def keep(service: Service) -> bool:
        return _fits(service, person, age=age, profiles=profiles, wishes_asylum=wishes_asylum)

    keep.needs_profiles = bool(profiles) or wishes_asylum == AsylumWish.NO

    languages = person_languages(person, screening)
    origin = person_origin(person)
    if origin is None:
        return _without_position(qs, person, step, keep, languages, purpose)
    candidates, radius = [], None
    if step.pathway.subdivision:  # a pathway of one state: its own services first
        candidates, radius = _nearest(qs.filter(subdivision=step.pathway.subdivision), origin, keep)
        qs = qs.filter(subdivision=step.pathway.subdivision) if candidates else qs
    if not candidates:
        candidates, radius = _nearest(qs, origin, keep)
    if not candidates:
        return Choice(None, origin=origin)
    distance, service = candidates[0]
    reasons = [_("nearest: %(purpose)s") % {"purpose": purpose}]
    speaks = _speaks(service, languages) if languages else ""
    switched = False
    if languages and not speaks:
        # One that speaks the person's language, if it is not much farther.
        detour = max(distance + LANGUAGE_DETOUR_KM, distance * LANGUAGE_DETOUR_RATIO)
        if radius is not None and detour > radius:
            candidates = _within(qs, origin, keep, detour)
        for d, other in candidates[1:]:
            lang = _speaks(other, languages)
            if lang and d <= detour:
                reasons = [
                    _("%(purpose)s that speaks %(language)s (the nearest, %(km)s km away, does not)")
                    % {"purpose": purpose, "language": language_name(lang), "km": _km(distance)}
                ]
                distance, service, speaks, switched = d, other, lang, True
                break
    reasons.append(_where(distance, origin))
    if speaks and not switched:
        reasons.append(_("speaks %(language)s") % {"language": language_name(speaks)})
    elif languages and not speaks:
        reasons.append(
            _("no provider nearby speaks %(language)s: ask for an interpreter")
            % {"language": language_name(languages[0])}
        )
    if service.capacity_free is not None:
        reasons.append(_("%(count)s free places") % {"count": service.capacity_free})
    return Choice(service, distance, reasons, origin=origin)


def _km(distance: float) -> str:
    return f"{distance:.0f}" if distance >= 10 else f"{distance:.1f}"


def _where(distance: float, origin: Origin) -> str:
    if origin.kind == "gps":
        return _("%(km)s km from the person's position") % {"km": _km(distance)}
    return _("%(km)s km from %(place)s (no GPS position: centre of the place)") % {
        "km": _km(distance),
        "place": origin.label or origin.kind,
    }


def _without_position(qs, person: Person, step: PathwayStep, keep, languages, purpose) -> Choice:
    """No position at all: a service in the person's (or the pathway's) state, else the country."""
    subdivision = step.pathway.subdivision or person.subdivision
    for scope in ([subdivision] if subdivision else []) + [""]:
        rows = [s for s in (qs.filter(subdivision=scope) if scope else qs).order_by("name", "pk")[:50] if keep(s)]
        if rows:
            rows.sort(key=lambda s: not _speaks(s, languages))
            service = rows[0]
            reasons = [
                (_("%(purpose)s in the person's state") if scope else _("%(purpose)s in the country"))
                % {"purpose": purpose},
                _("the person's position is unknown"),
            ]
            if _speaks(service, languages):
                reasons.append(_("speaks %(language)s") % {"language": language_name(_speaks(service, languages))})
            return Choice(service, None, reasons)
    return Choice(None)
