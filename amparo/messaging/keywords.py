"""Automatic answers to keywords: nearest shelters, the consulate's contact, information text.

Shelters come from what Amparo holds: organizations of kind shelter with coordinates (the
protection app's service directory can replace `nearest_shelters` later without touching
callers).
"""

from __future__ import annotations

from geographiclib.geodesic import Geodesic

from amparo.accounts.codes import OrganizationKind
from amparo.accounts.models import Organization


def nearest_shelters(*, latitude: float | None, longitude: float | None, country: str = "", limit: int = 3):
    shelters = Organization.objects.filter(
        kind=OrganizationKind.SHELTER, is_active=True, latitude__isnull=False, longitude__isnull=False
    )
    if country:
        in_country = shelters.filter(country=country)
        shelters = in_country if in_country.exists() else shelters
    shelters = list(shelters[:500])
    if latitude is None or longitude is None:
        return [(s, None) for s in shelters[:limit]]
    geod = Geodesic.WGS84
    ranked = sorted(
        ((s, geod.Inverse(latitude, longitude, s.latitude, s.longitude)["s12"] / 1000) for s in shelters),
        key=lambda pair: pair[1],
    )
    return ranked[:limit]


def shelters_text(person) -> str:
    lines = []
    for shelter, km in nearest_shelters(
        latitude=person.latitude, longitude=person.longitude, country=person.country or ""
    ):
        parts = [shelter.name]
        if shelter.city:
            parts.append(shelter.city)
        if shelter.phone:
            parts.append(shelter.phone)
        if km is not None:
            parts.append(f"{km:.0f} km")
        lines.append(", ".join(parts))
    return "\n".join(lines)


def consulate_for(person, sender: Organization) -> Organization:
    """The sender if it is a consulate; else a consulate serving the person's nationality where
    they are; else the sender."""
    if sender.kind == OrganizationKind.CONSULATE:
        return sender
    found = Organization.objects.filter(
        kind=OrganizationKind.CONSULATE, is_active=True, served_nationality=person.nationality
    )
    if person.country:
        found = found.filter(jurisdiction_country=person.country)
    return found.first() or sender
