"""Reads of the portal. The public ones (published pages, active crises at a place, services near
a place) involve no personal data; the ones about a person start from the phone the person proved
they hold, never from anything typed in a URL."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from amparo.accounts.codes import RecordStatus
from amparo.core import gazetteer
from amparo.crises.codes import Phase
from amparo.crises.geo import covers_points, polygon_from_geojson, within_circle
from amparo.crises.models import Crisis
from amparo.portal.codes import TOPIC_FOR_CRISIS_KIND, Topic, VersionStatus
from amparo.portal.models import InfoPageVersion
from amparo.registry.models import ContactKind, ContactPoint, Person

TOPIC_ORDER = {code: i for i, code in enumerate(Topic.values)}


@dataclass(frozen=True)
class Where:
    """The place a person chose: a gazetteer town, a subdivision, or a GPS fix, with a label."""

    country: str
    subdivision: str
    lat: float | None
    lon: float | None
    label: str
    precision_m: int | None = None

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


def where_from(*, place_id: str = "", lat: str = "", lon: str = "", language: str = "") -> Where | None:
    """A chosen town (by gazetteer id) or a position from the phone (rounded to ~100 m: nothing
    more precise is needed to find a shelter, and nothing more precise is kept)."""
    place = gazetteer.get(place_id) if place_id else None
    if place is not None:
        return Where(place.country, place.subdivision, place.lat, place.lon, place.label(language),
                     gazetteer.TOWN_PRECISION_M)  # fmt: skip
    try:
        lat_f, lon_f = round(float(lat), 3), round(float(lon), 3)
    except (TypeError, ValueError):
        return None
    if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        return None
    near = gazetteer.nearest(lat_f, lon_f)
    if near and near[0][1] < 100:
        town = near[0][0]
        return Where(town.country, town.subdivision, lat_f, lon_f, town.label(language), 100)
    return Where("", "", lat_f, lon_f, f"{lat_f}, {lon_f}", 100)


def published_pages(country: str, language: str) -> list[InfoPageVersion]:
    """The country's published pages in `language`, in topic order (several organizations may
    publish on one topic: each is shown with its name)."""
    rows = (
        InfoPageVersion.objects.filter(status=VersionStatus.PUBLISHED, language=language, page__country=country.upper())
        .select_related("page", "page__organization")
        .order_by("page__topic", "page__organization__name")
    )
    return sorted(rows, key=lambda v: TOPIC_ORDER.get(v.page.topic, 99))


def published_page(version_id: int, language: str) -> InfoPageVersion | None:
    return (
        InfoPageVersion.objects.filter(pk=version_id, status=VersionStatus.PUBLISHED, language=language)
        .select_related("page", "page__organization")
        .first()
    )


def languages_of(version: InfoPageVersion) -> list[str]:
    return list(
        InfoPageVersion.objects.filter(page=version.page, status=VersionStatus.PUBLISHED).values_list(
            "language", flat=True
        )
    )


def active_crises_at(where: Where) -> list[Crisis]:
    """Real crises under way whose affected area holds the place (never an exercise: drills are
    not public). A town picked from the list counts by its subdivision too."""
    crises = (
        Crisis.objects.filter(is_exercise=False, phase__in=(Phase.WATCH, Phase.RESPONSE))
        .prefetch_related("areas")
        .order_by("-started_at")
    )
    return [c for c in crises if any(_area_holds(area, where) for area in c.areas.all())]


def _area_holds(area, where: Where) -> bool:
    if area.kind == "administrative":
        return bool(where.subdivision) and where.subdivision in (area.subdivisions or [])
    if not where.has_point:
        return False
    lats, lons = np.array([where.lat]), np.array([where.lon])
    if area.kind == "circle" and area.center_latitude is not None and area.radius_km is not None:
        return bool(within_circle(area.center_latitude, area.center_longitude, area.radius_km * 1000, lats, lons)[0])
    if area.kind == "polygon" and area.geometry:
        return bool(covers_points(polygon_from_geojson(area.geometry), lats, lons)[0])
    return False


def crisis_topic(crisis: Crisis) -> str:
    return TOPIC_FOR_CRISIS_KIND.get(crisis.kind, Topic.EMERGENCY)


def people_with_phone(phone: str) -> list[Person]:
    """The active records that hold this verified phone, in every organization. Only ever called
    with a phone the person just proved they hold by entering the code sent to it."""
    ids = ContactPoint.objects.filter(kind=ContactKind.PHONE, value=phone, is_valid=True).values("person_id")
    return list(
        Person.objects.filter(pk__in=ids)
        .exclude(record_status=RecordStatus.MERGED)
        .exclude(registering_organization__is_exercise=True)  # a drill's synthetic people are nobody's
        .select_related("registering_organization")
        .order_by("pk")
    )


def phone_is_known(phone: str) -> bool:
    return ContactPoint.objects.filter(
        kind=ContactKind.PHONE, value=phone, is_valid=True, person__registering_organization__is_exercise=False
    ).exists()
