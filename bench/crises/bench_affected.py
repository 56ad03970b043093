"""Affected population at 1,000,000 people: Amparo (SQL bounding box + vectorised exact test)
against PostGIS (ST_DWithin on geography, ST_Covers on geometry, GiST indexes) on the same
PostgreSQL database, same rows, same run. Result sets must be identical.

Scenarios: (a) 100 km earthquake circle, (b) ~500-vertex hurricane cone, (c) small flood polygon,
(d) a whole state by subdivision code (the reference there is the plain indexed SQL query: PostGIS
has no part in a code lookup).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/amparo_bench_crises \
        .venv/bin/python bench/crises/bench_affected.py --people 1000000
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
os.environ.setdefault("AMPARO_LOG_LEVEL", "WARNING")


def hurricane_cone(vertices: int = 500) -> dict:
    """A forecast cone from the Pacific to inland Guerrero/Morelos: a track whose radius widens."""
    from geographiclib.geodesic import Geodesic

    track = [(14.6, -101.2), (15.6, -100.4), (16.6, -99.8), (17.7, -99.3), (18.9, -98.9)]
    radii_km = [30, 60, 100, 150, 210]
    half = vertices // 2
    left, right = [], []
    for k in range(half):
        t = k / (half - 1) * (len(track) - 1)
        i = min(int(t), len(track) - 2)
        f = t - i
        lat = track[i][0] + f * (track[i + 1][0] - track[i][0])
        lon = track[i][1] + f * (track[i + 1][1] - track[i][1])
        r = (radii_km[i] + f * (radii_km[i + 1] - radii_km[i])) * 1000
        heading = Geodesic.WGS84.Inverse(track[i][0], track[i][1], track[i + 1][0], track[i + 1][1])["azi1"]
        wobble = 1 + 0.03 * math.sin(k / 7)  # a drawn cone is never perfectly smooth
        p = Geodesic.WGS84.Direct(lat, lon, heading - 90, r * wobble)
        q = Geodesic.WGS84.Direct(lat, lon, heading + 90, r * wobble)
        left.append([round(p["lon2"], 6), round(p["lat2"], 6)])
        right.append([round(q["lon2"], 6), round(q["lat2"], 6)])
    ring = left + right[::-1]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def flood_polygon() -> dict:
    """A small irregular flood polygon on the Río Papagayo, east of Acapulco (~20 vertices)."""
    pts = []
    for k in range(20):
        a = 2 * math.pi * k / 20
        r = 0.06 + 0.025 * math.sin(3 * a) + 0.01 * math.cos(5 * a)
        pts.append([round(-99.72 + 1.6 * r * math.cos(a), 6), round(16.92 + r * math.sin(a), 6)])
    pts.append(pts[0])
    return {"type": "Polygon", "coordinates": [pts]}


def timed(fn, repeat: int):
    fn()  # warm-up (caches, prepared geometry, page cache)
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="drop and regenerate the people")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("This benchmark compares with PostGIS: set DATABASE_URL to a PostgreSQL database.")
    call_command("migrate", verbosity=0)
    from amparo.accounts.models import Organization
    from amparo.crises import geo
    from amparo.crises.services import AreaSpec
    from amparo.registry.models import Person

    with connection.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        cur.execute("SELECT postgis_lib_version()")
        postgis_version = cur.fetchone()[0]
    org, _ = Organization.objects.get_or_create(
        slug="bench-org", defaults={"name": "Bench", "kind": "ngo", "country": "MX"}
    )
    have = Person.objects.count()
    if args.fresh or have != args.people:
        from generate_points import load_postgres

        t0 = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("TRUNCATE registry_person CASCADE")
        load_postgres(connection.connection, org.pk, args.people)
        print(f"generated {args.people:,} people in {time.perf_counter() - t0:.1f} s")
        with connection.cursor() as cur:
            cur.execute(
                "ALTER TABLE registry_person DROP COLUMN IF EXISTS bench_geom, DROP COLUMN IF EXISTS bench_geog"
            )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name='registry_person' AND column_name='bench_geom'"
        )
        if cur.fetchone() is None:
            t0 = time.perf_counter()
            cur.execute(
                "ALTER TABLE registry_person ADD COLUMN bench_geom geometry(Point, 4326), "
                "ADD COLUMN bench_geog geography(Point, 4326)"
            )
            cur.execute(
                "UPDATE registry_person SET bench_geom = ST_SetSRID(ST_MakePoint(longitude, latitude), 4326), "
                "bench_geog = ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography WHERE latitude IS NOT NULL"
            )
            cur.execute("CREATE INDEX bench_geom_gist ON registry_person USING gist (bench_geom)")
            cur.execute("CREATE INDEX bench_geog_gist ON registry_person USING gist (bench_geog)")
            print(f"PostGIS columns and GiST indexes built in {time.perf_counter() - t0:.1f} s")
        cur.execute("VACUUM ANALYZE registry_person")

    def postgis(sql, params):
        def run():
            with connection.cursor() as cur:
                cur.execute(sql, params)
                return {r[0] for r in cur.fetchall()}

        return run

    cone, flood = hurricane_cone(500), flood_polygon()
    scenarios = [
        (
            "(a) earthquake circle 100 km",
            AreaSpec(kind="circle", center_latitude=16.9, center_longitude=-99.6, radius_km=100),
            postgis(
                "SELECT id FROM registry_person WHERE record_status = 'active' AND "
                "ST_DWithin(bench_geog, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s)",
                [-99.6, 16.9, 100_000.0],
            ),
            "ST_DWithin(geography)",
        ),
        (
            f"(b) hurricane cone, {len(cone['coordinates'][0]) - 1} vertices",
            AreaSpec(kind="polygon", geometry=cone),
            postgis(
                "SELECT id FROM registry_person WHERE record_status = 'active' AND "
                "ST_Covers(ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326), bench_geom)",
                [json.dumps(cone)],
            ),
            "ST_Covers(geometry)",
        ),
        (
            f"(c) flood polygon, {len(flood['coordinates'][0]) - 1} vertices",
            AreaSpec(kind="polygon", geometry=flood),
            postgis(
                "SELECT id FROM registry_person WHERE record_status = 'active' AND "
                "ST_Covers(ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326), bench_geom)",
                [json.dumps(flood)],
            ),
            "ST_Covers(geometry)",
        ),
        (
            "(d) whole state MX-GRO",
            AreaSpec(kind="administrative", subdivisions=["MX-GRO"]),
            postgis(
                "SELECT id FROM registry_person WHERE record_status = 'active' AND country = %s AND subdivision = %s",
                ["MX", "MX-GRO"],
            ),
            "indexed SQL",
        ),
    ]
    print(f"people: {Person.objects.count():,}; PostgreSQL + PostGIS {postgis_version}; median of {args.repeat} runs")
    print(f"{'scenario':38} {'affected':>9} {'Amparo':>9} {'reference':>10}  ratio  identical")
    ok = True
    for name, spec, reference, ref_name in scenarios:
        amparo_s, ids = timed(lambda spec=spec: geo.affected_ids([spec]), args.repeat)
        ref_s, ref_ids = timed(reference, args.repeat)
        same = set(ids.tolist()) == ref_ids
        ok &= same
        print(
            f"{name:38} {len(ids):>9,} {amparo_s * 1000:>7.1f}ms {ref_s * 1000:>8.1f}ms  {amparo_s / ref_s:4.2f}x  "
            f"{'yes' if same else 'NO'}  ({ref_name})"
        )
    # The whole service once: affected set + bulk write of one WelfareStatus row per person.
    from django.db import transaction

    from amparo.accounts.policy import system_principal
    from amparo.crises.services import create_crisis

    t0 = time.perf_counter()
    with transaction.atomic():
        crisis = create_crisis(
            actor=system_principal("bench"), name="bench cone", kind="tropical_cyclone", areas=[scenarios[1][1]]
        )
        written = crisis.welfare.count()
        transaction.set_rollback(True)
    print(f"create_crisis with the cone (compute + writing {written:,} welfare rows): {time.perf_counter() - t0:.2f} s")
    if not ok:
        sys.exit("result sets differ")


if __name__ == "__main__":
    main()
