"""The offline gazetteer of the region: countries → subdivisions → towns, with coordinates.

Staff and migrants name places ("Tapachula", "juchitan", "Paso Canoas"), not ISO codes or
coordinates. This module turns a typed name into a place with its ISO 3166-2 subdivision and a
position, and a subdivision or country into a representative point, with no network and no
boundary files. It serves the place pickers, provider choice by distance, the portal's "services
near me", and tracing's places along the route.

Data: `data/places.csv`, built by `scripts/build_gazetteer.py` from GeoNames (CC BY 4.0,
populated places of 1,000+ inhabitants) for the nine countries of the region, plus curated border
crossings and reception points (`data/places_curated.csv`, approximate positions). Loaded once
per process (about 11,000 rows, ~20 ms), searched in memory.

A point found here is a town's centre: callers record its precision (`precision_m`) so nobody
mistakes it for a GPS fix.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import pycountry
from rapidfuzz import fuzz, process

DATA = Path(__file__).resolve().parent / "data" / "places.csv"

# The Regional Conference on Migration's members in Mesoamerica and the Caribbean (DOMAIN.md).
REGION = ("MX", "GT", "HN", "SV", "NI", "CR", "PA", "BZ", "DO")

# The precision to record for a position taken from the gazetteer rather than a GPS fix.
TOWN_PRECISION_M = 5_000
SUBDIVISION_PRECISION_M = 50_000
_EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Place:
    id: int
    country: str
    subdivision: str
    name: str
    municipality: str
    lat: float
    lon: float
    population: int
    source: str  # "geonames" or "curated" (approximate, verify locally)
    alternate_names: tuple[str, ...]

    @property
    def subdivision_name(self) -> str:
        sub = subdivision(self.subdivision)
        return sub.name if sub else self.subdivision

    def label(self, language: str = "") -> str:
        """ "Tapachula, Chiapas, Mexico": enough to tell two San Vicentes apart."""
        from amparo.core.places import country_name

        parts = [self.name]
        if self.municipality and fold(self.municipality) != fold(self.name):
            parts.append(self.municipality)
        parts += [self.subdivision_name, country_name(self.country, language)]
        return ", ".join(parts)

    def as_dict(self, language: str = "") -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "label": self.label(language),
            "country": self.country,
            "subdivision": self.subdivision,
            "subdivision_name": self.subdivision_name,
            "municipality": self.municipality,
            "lat": self.lat,
            "lon": self.lon,
            "precision_m": TOWN_PRECISION_M,
        }


@dataclass(frozen=True, slots=True)
class Subdivision:
    code: str
    country: str
    name: str
    type: str
    lat: float  # population-weighted centre of its towns: a representative point, not a boundary centroid
    lon: float
    population: int

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "country": self.country,
            "name": self.name,
            "type": self.type,
            "lat": self.lat,
            "lon": self.lon,
            "precision_m": SUBDIVISION_PRECISION_M,
        }


# Words too common in place names to narrow a search ("Ciudad de Guatemala" is "Guatemala City").
_STOPWORDS = frozenset({"de", "del", "la", "las", "los", "el", "y", "e", "ciudad", "city"})


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: "Peñas  Blancas" and "penas blancas" meet."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


class _PrefixIndex:
    """Sorted words, each with the places it belongs to: all places with a word starting "tapa"."""

    def __init__(self, words: dict[str, set[int]]):
        self.words = sorted(words)
        self.postings = [words[w] for w in self.words]

    def with_prefix(self, prefix: str) -> set[int]:
        found: set[int] = set()
        for j in range(bisect_left(self.words, prefix), len(self.words)):
            if not self.words[j].startswith(prefix):
                break
            found |= self.postings[j]
        return found


class _Index:
    """All places, with prefix indexes over their names and over the areas they lie in."""

    def __init__(self, places: list[Place]):
        self.places = places
        self.by_id = {p.id: p for p in places}
        self.name_keys = [fold(p.name) for p in places]
        self.alternate_keys = [{fold(a) for a in p.alternate_names} for p in places]
        names: dict[str, set[int]] = defaultdict(set)
        areas: dict[str, set[int]] = defaultdict(set)
        sub_names = {
            code: fold(getattr(pycountry.subdivisions.get(code=code), "name", ""))
            for code in {p.subdivision for p in places}
        }
        for i, p in enumerate(places):
            for name in (p.name, *p.alternate_names):
                for word in fold(name).split():
                    names[word].add(i)
            for word in f"{fold(p.municipality)} {sub_names[p.subdivision]}".split():
                areas[word].add(i)
        self.names = _PrefixIndex(names)
        self.areas = _PrefixIndex(areas)

    @cached_property
    def subdivisions(self) -> dict[str, Subdivision]:
        weights: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0])
        for p in self.places:
            w = max(p.population, 1)
            acc = weights[p.subdivision]
            acc[0] += p.lat * w
            acc[1] += p.lon * w
            acc[2] += w
            acc[3] += p.population
        result = {}
        for code, (lat_w, lon_w, total, population) in weights.items():
            iso = pycountry.subdivisions.get(code=code)
            result[code] = Subdivision(
                code=code,
                country=code.split("-")[0],
                name=iso.name if iso else code,
                type=iso.type if iso else "",
                lat=round(lat_w / total, 5),
                lon=round(lon_w / total, 5),
                population=int(population),
            )
        return result


@lru_cache(maxsize=1)
def _index() -> _Index:
    places = []
    with DATA.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            places.append(
                Place(
                    id=int(row["id"]),
                    country=row["country"],
                    subdivision=row["subdivision"],
                    name=row["name"],
                    municipality=row["municipality"],
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    population=int(row["population"] or 0),
                    source=row["source"],
                    alternate_names=tuple(a for a in row["alternate_names"].split("|") if a),
                )
            )
    return _Index(places)


def get(place_id: int | str) -> Place | None:
    try:
        return _index().by_id.get(int(place_id))
    except (TypeError, ValueError):
        return None


def search(query: str, *, country: str = "", subdivision: str = "", limit: int = 10) -> list[Place]:
    """Places whose names start with each typed word, in any order, accents and case ignored
    ("juchitan", "paso can", "san vicente darien"); a word may also name the subdivision or
    municipality. With no such place, the closest spellings ("tapachla"). Larger towns first."""
    folded = fold(query)
    words = [w for w in folded.split() if w not in _STOPWORDS] or folded.split()
    if not words:
        return []
    index = _index()
    country, subdivision = country.upper(), subdivision.upper()

    def in_scope(p: Place) -> bool:
        return (not country or p.country == country) and (not subdivision or p.subdivision == subdivision)

    # Each word must match the place's names, or the subdivision or municipality it lies in
    # ("san vicente darien"); a query naming only an area ("darien") lists that area's largest towns.
    candidates: set[int] | None = None
    name_hits: dict[int, int] = defaultdict(int)
    for word in words:
        by_name = index.names.with_prefix(word)
        for i in by_name:
            name_hits[i] += 1
        matched = by_name | (index.areas.with_prefix(word) if len(word) >= 3 else set())
        candidates = matched if candidates is None else candidates & matched
        if not candidates:
            break
    found = [i for i in (candidates or ()) if in_scope(index.places[i])]
    if found:

        def rank(i: int):
            p = index.places[i]
            exact = index.name_keys[i] == folded or folded in index.alternate_keys[i]
            return (not exact, -name_hits[i], -p.population, p.name)

        return [index.places[i] for i in sorted(found, key=rank)[:limit]]
    return _closest_spellings(folded, in_scope, limit)


def _closest_spellings(folded: str, in_scope, limit: int) -> list[Place]:
    index = _index()
    choices = {i: key for i, key in enumerate(index.name_keys) if in_scope(index.places[i])}
    # Whole-string similarity (not WRatio's partial matches, which find "Ciudad Vieja" for any "ciudad …").
    matches = process.extract(folded, choices, scorer=fuzz.ratio, score_cutoff=80, limit=limit * 3)
    ranked = sorted(matches, key=lambda m: (-round(m[1]), -index.places[m[2]].population))
    return [index.places[m[2]] for m in ranked[:limit]]


def subdivisions(country: str) -> list[Subdivision]:
    """The country's subdivisions that have towns in the gazetteer, by name."""
    country = (country or "").upper()
    return sorted((s for s in _index().subdivisions.values() if s.country == country), key=lambda s: fold(s.name))


def subdivision(code: str) -> Subdivision | None:
    return _index().subdivisions.get((code or "").upper())


def representative_point(
    *, country: str = "", subdivision: str = "", municipality: str = ""
) -> tuple[float, float, int] | None:
    """A point for a place given without coordinates, and its precision in metres: the named
    municipality's largest town, else the subdivision's centre, else the country's largest town.
    None when nothing is known (better no point than a made-up one)."""
    country, subdivision = (country or "").upper(), (subdivision or "").upper()
    if subdivision and not country:
        country = subdivision.split("-")[0]
    if municipality:
        found = search(municipality, country=country, subdivision=subdivision, limit=1)
        if found:
            return found[0].lat, found[0].lon, TOWN_PRECISION_M
    if subdivision:
        sub = _index().subdivisions.get(subdivision)
        return (sub.lat, sub.lon, SUBDIVISION_PRECISION_M) if sub else None
    if country:
        towns = [p for p in _index().places if p.country == country]
        if towns:
            biggest = max(towns, key=lambda p: p.population)
            return biggest.lat, biggest.lon, 200_000
    return None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance: enough to rank services by nearness (the affected-area rule, which
    must be exact, uses geodesics in crises.geo)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def nearest(lat: float, lon: float, *, country: str = "", limit: int = 1) -> list[tuple[Place, float]]:
    """The towns nearest a point, with their distance in km (reverse geocoding a GPS fix)."""
    country = (country or "").upper()
    scored = [(distance_km(lat, lon, p.lat, p.lon), p) for p in _index().places if not country or p.country == country]
    scored.sort(key=lambda pair: pair[0])
    return [(p, round(d, 1)) for d, p in scored[:limit]]
