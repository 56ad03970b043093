"""Countries, subdivisions and time zones: thin helpers over pycountry and the tz database."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pycountry

# The region's capitals' zones; anything else falls back to the tz database's zone.tab.
_REGION_ZONES = {
    "MX": "America/Mexico_City",
    "GT": "America/Guatemala",
    "HN": "America/Tegucigalpa",
    "SV": "America/El_Salvador",
    "NI": "America/Managua",
    "CR": "America/Costa_Rica",
    "PA": "America/Panama",
    "BZ": "America/Belize",
    "CU": "America/Havana",
    "DO": "America/Santo_Domingo",
    "HT": "America/Port-au-Prince",
    "JM": "America/Jamaica",
    "CO": "America/Bogota",
    "VE": "America/Caracas",
    "EC": "America/Guayaquil",
    "US": "America/New_York",
    "BR": "America/Sao_Paulo",
}


@lru_cache(maxsize=1)
def _zone_tab() -> dict[str, str]:
    zones: dict[str, str] = {}
    path = Path("/usr/share/zoneinfo/zone.tab")
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                parts = line.split("\t")
                zones.setdefault(parts[0], parts[2])
    return zones


def default_time_zone(country: str) -> str:
    country = (country or "").upper()
    return _REGION_ZONES.get(country) or _zone_tab().get(country) or "UTC"


def country_name(code: str, language: str = "") -> str:
    """The country's CLDR name in `language` (a Django language code; the active one when empty);
    an unknown code is returned as given. See core/labels.py."""
    from amparo.core import labels

    return labels.country_name(code, language or None)


def is_country_code(code: str) -> bool:
    return bool(code) and pycountry.countries.get(alpha_2=code.upper()) is not None


def is_subdivision_code(code: str) -> bool:
    return bool(code) and pycountry.subdivisions.get(code=code.upper()) is not None


def country_choices(language: str = "") -> list[tuple[str, str]]:
    """Every country as (code, name), named and sorted in `language` (the active one when empty)."""
    from amparo.core import labels

    return labels.country_choices(language or None)


def subdivision_suggestions(text: str, *, countries=(), limit: int = 5) -> list[tuple[str, str]]:
    """The ISO 3166-2 codes someone probably meant by `text`, as (code, name): an unknown code
    ("GT-GU" where the standard has GT-01) matched by its letters against the names of its
    country's subdivisions ("GU…" → Guatemala), or a name ("Guerrero") matched in `countries`."""
    from amparo.core.gazetteer import fold

    text = (text or "").strip()
    country, sep, rest = text.upper().partition("-")
    if sep and len(country) == 2 and is_country_code(country):
        scope, wanted = [country], fold(rest)
    else:
        scope, wanted = [c.upper() for c in countries if is_country_code(c)], fold(text)
    if not wanted:
        return []
    found = []
    for code in scope:
        for sub in pycountry.subdivisions.get(country_code=code) or ():
            name = fold(sub.name)
            words = name.split()
            initials = "".join(w[0] for w in words)
            if (
                name == wanted
                or name.startswith(wanted)
                or initials == wanted
                or any(w.startswith(wanted) for w in words)
            ):
                found.append((0 if name.startswith(wanted) else 1, sub.name, sub.code))
    return [(code, name) for _rank, name, code in sorted(found)[:limit]]


def subdivision_examples(country: str, limit: int = 4) -> list[tuple[str, str]]:
    """A few of a country's ISO 3166-2 codes with their names, for an error message."""
    subs = sorted(pycountry.subdivisions.get(country_code=(country or "").upper()) or (), key=lambda s: s.code)
    return [(s.code, s.name) for s in subs[:limit]]
