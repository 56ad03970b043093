#!/usr/bin/env python3
"""Scale benchmark (issue 19): name search, affected set, outbox creation and the online duplicate
check on the database bench/scale/load.py filled, with the same queries at every size.

    .venv/bin/python bench/scale/bench_scale.py measure [--db amparo_scale]   # → var/bench/scale/<N>.json
    .venv/bin/python bench/scale/bench_scale.py table                         # sizes side by side

Each measurement is the other benchmarks' own, imported:
- name search: bench/registry/bench_registry.py's search phase (`run_search`: the registry's
  search through the list page's scoped queryset against an exact indexed lookup, 400 queries);
- affected set: `amparo.crises.geo.affected_ids` timed as bench/crises/bench_affected.py does
  (median after a warm-up), against PostGIS on the same rows (expression GiST indexes on
  (longitude, latitude), built here if missing: no extra column, so the loader can grow the table);
- outbox creation: a crisis opened on the area (`create_crisis`, welfare rows written), a check-in
  broadcast to its affected people (`create_broadcast`, whose preview plans every message) and
  `confirm_broadcast` (the outbox written), as the crisis page's "send check-in" does; all rolled
  back afterwards;
- online duplicate check: bench/matching/online.py's `measure` (`likely_duplicates` as a case
  worker, a new registration derived from a registered person with the generator's errors).
The queries are drawn (seeded) from the first 1,000,000 people, so every size answers the same ones.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for path in (ROOT, HERE, ROOT / "bench" / "registry", ROOT / "bench" / "crises", ROOT / "bench" / "matching"):
    sys.path.insert(0, str(path))
OUT = ROOT / "var" / "bench" / "scale"
SAMPLE_FROM = 1_000_000
SEED = 11

# A coarse outline of Guatemala (lon, lat): a country-wide flood.
GUATEMALA = [
    [-92.23, 14.54], [-91.6, 14.2], [-90.1, 13.73], [-89.35, 14.42], [-88.22, 15.72], [-89.15, 15.95],
    [-89.15, 17.82], [-90.98, 17.82], [-90.98, 17.25], [-91.43, 17.25], [-90.4, 16.07], [-92.21, 15.26],
    [-92.23, 14.54],
]  # fmt: skip


def log(*parts) -> None:
    print(*parts, flush=True)


def uptime() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def sample_ids(n: int, people: int) -> list[int]:
    return sorted(random.Random(SEED).sample(range(1, min(people, SAMPLE_FROM) + 1), n))


# --- name search ---------------------------------------------------------------------------------


def name_search(queries: int, people: int) -> dict:
    """bench_registry's search phase on a file of the sampled people's names."""
    from bench_registry import run_search
    from django.db import connection

    ids = sample_ids(queries, people)
    path = OUT / "search_sample.csv"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT given_names, first_surname, second_surname FROM registry_person WHERE id = ANY(%s) ORDER BY id",
            [ids],
        )
        rows = cursor.fetchall()
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["given_names", "first_surname", "second_surname"])
        writer.writerows(rows)
    return run_search(path, queries, SEED)


# --- affected set --------------------------------------------------------------------------------


def scenarios():
    from bench_affected import hurricane_cone

    from amparo.crises.services import AreaSpec

    cone = hurricane_cone(500)
    guatemala = {"type": "Polygon", "coordinates": [GUATEMALA]}
    return [
        (
            "earthquake, 50 km circle over Mexico City",
            AreaSpec(kind="circle", center_latitude=19.43, center_longitude=-99.13, radius_km=50),
            "ST_DWithin(geography)",
            "ST_DWithin(ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography, "
            "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s)",
            [-99.13, 19.43, 50_000.0],
        ),
        (
            "hurricane cone, 500 vertices",
            AreaSpec(kind="polygon", geometry=cone),
            "ST_Covers(geometry)",
            "ST_Covers(ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326), ST_SetSRID(ST_MakePoint(longitude, latitude), 4326))",
            [json.dumps(cone)],
        ),
        (
            "country-wide flood, Guatemala outline",
            AreaSpec(kind="polygon", geometry=guatemala),
            "ST_Covers(geometry)",
            "ST_Covers(ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326), ST_SetSRID(ST_MakePoint(longitude, latitude), 4326))",
            [json.dumps(guatemala)],
        ),
    ]


def postgis_indexes() -> float:
    """Expression GiST indexes for the PostGIS reference (geometry and geography of the point);
    seconds spent building them (0 when they exist)."""
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS bench_scale_geom ON registry_person USING gist "
            "((ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)))"
        )
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS bench_scale_geog ON registry_person USING gist "
            "((ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography))"
        )
        cursor.execute("ANALYZE registry_person")
    return time.perf_counter() - t0


def affected(repeat: int) -> list[dict]:
    from bench_affected import timed
    from django.db import connection

    from amparo.crises import geo

    out = []
    for name, spec, ref_name, ref_where, ref_params in scenarios():

        def reference(where=ref_where, params=ref_params):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT id FROM registry_person WHERE record_status = 'active' AND {where}", params)
                return {r[0] for r in cursor.fetchall()}

        amparo_s, ids = timed(lambda spec=spec: geo.affected_ids([spec]), repeat)
        ref_s, ref_ids = timed(reference, repeat)
        row = {
            "scenario": name,
            "affected": len(ids),
            "amparo_ms": amparo_s * 1000,
            "reference": ref_name,
            "reference_ms": ref_s * 1000,
            "identical": set(ids.tolist()) == ref_ids,
        }
        log(
            f"  {name}: {row['affected']:,} people, Amparo {row['amparo_ms']:.0f} ms, "
            f"PostGIS {row['reference_ms']:.0f} ms, identical: {row['identical']}"
        )
        out.append(row)
    return out


# --- outbox --------------------------------------------------------------------------------------


def sender(org):
    from django.contrib.auth import get_user_model

    from amparo.accounts.models import Membership
    from amparo.messaging.models import Channel

    user, _ = get_user_model().objects.get_or_create(username="bench-sender")
    Membership.objects.get_or_create(user=user, organization=org, defaults={"role": "supervisor"})
    if not Channel.objects.filter(organization=org, kind="sms", is_active=True).exists():
        Channel.objects.create(
            organization=org, name="Bench SMS", kind="sms", provider="twilio", sender="+15005550006",
            base_url="http://127.0.0.1:9", account="AC" + "0" * 32, secret_name="BENCH_TWILIO_TOKEN",
        )  # fmt: skip
    return user


def outbox(org, cap: int) -> list[dict]:
    """For two areas: open the crisis, draft the check-in broadcast (preview), confirm it (the
    outbox is written). Rolled back. Skipped (said so) above `cap` recipients."""
    from django.db import transaction

    from amparo.accounts.policy import system_principal
    from amparo.crises.services import create_crisis
    from amparo.messaging import services
    from amparo.messaging.models import Message, Template

    user = sender(org)
    template = Template.objects.get(organization__isnull=True, purpose="checkin")
    # The first check-in link loads the URL configuration (every app's urls, seconds under load):
    # a running server has done it long before, so it stays out of the timings.
    from amparo.messaging.audience import checkin_url

    checkin_url("warm-up")
    out = []
    for name, spec, *_reference in scenarios()[:2]:
        row: dict = {"scenario": name}
        with transaction.atomic():
            t0 = time.perf_counter()
            crisis = create_crisis(
                actor=system_principal("bench"), name=name, kind="earthquake", areas=[spec], organization=org
            )
            row["crisis_s"] = time.perf_counter() - t0
            row["affected"] = crisis.welfare.count()
            t0 = time.perf_counter()
            broadcast = services.create_broadcast(
                actor=user, organization=org, title="Check-in", template=template, crisis=crisis
            )
            row["preview_s"] = time.perf_counter() - t0
            row["reachable"] = broadcast.preview["reachable"]
            if row["reachable"] <= cap:
                t0 = time.perf_counter()
                services.confirm_broadcast(actor=user, broadcast=broadcast)
                row["confirm_s"] = time.perf_counter() - t0
                row["messages"] = Message.objects.filter(broadcast=broadcast).count()
                row["messages_per_s"] = row["messages"] / row["confirm_s"]
            transaction.set_rollback(True)
        log(f"  {name}: {json.dumps(row)}")
        out.append(row)
    return out


# --- online duplicate check ----------------------------------------------------------------------


def online(queries: int, people: int, org) -> dict:
    import generate
    from django.contrib.auth import get_user_model
    from django.db import connection
    from online import make_queries, measure

    ids = sample_ids(queries, people)
    rows = []
    sex = {"female": "F", "male": "M"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.source_record_id, p.given_names, p.first_surname, p.second_surname, p.sex, p.birth_date, "
            "p.nationality, p.country, p.subdivision, p.municipality, f.data, "
            "(SELECT value FROM registry_contactpoint c WHERE c.person_id = p.id AND c.kind = 'phone' LIMIT 1) "
            "FROM registry_person p JOIN matching_personfeatures f ON f.person_id = p.id WHERE p.id = ANY(%s) "
            "ORDER BY p.id",
            [ids],
        )
        for src, given, first, second, s, dob, nat, country, sub, muni, data, phone in cursor.fetchall():
            documents = (data if isinstance(data, dict) else json.loads(data)).get("documents") or []
            rows.append(
                {
                    "source_record_id": src,
                    "given_names": given,
                    "first_surname": first,
                    "second_surname": second,
                    "sex": sex.get(s, ""),
                    "date_of_birth": dob.isoformat() if dob else "",
                    "nationality": nat,
                    # the generator varies places and phone prefixes for its own four countries
                    "country": country if country in generate.PLACES else "MX",
                    "subdivision": sub,
                    "municipality": muni,
                    "phone": phone or "",
                    "document_type": documents[0][0] if documents else "",
                    "document_number": documents[0][1] if documents else "",
                }
            )
    user = get_user_model().objects.get(username="bench-officer")
    return measure(user, org, make_queries(rows, generate.Generator(seed=SEED)))


# --- main ----------------------------------------------------------------------------------------


def database_figures() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_person")
        people = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    return {"people": people, "db_bytes": size}


def run_measure(args) -> None:
    from load import setup_django

    setup_django(args.db)
    from amparo.accounts.models import Organization

    OUT.mkdir(parents=True, exist_ok=True)
    figures = {"started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), **database_figures()}
    people = figures["people"]
    org = Organization.objects.get(slug="bench-org")
    log(f"{people:,} people, database {figures['db_bytes'] / 1e9:.1f} GB, load {uptime()}")
    parts = args.only.split(",")
    if "search" in parts:
        figures["search"] = name_search(args.queries, people) | {"load": uptime()}
        s = figures["search"]
        log(
            f"name search: p50 {s['search_p50_ms']:.1f} ms, p95 {s['search_p95_ms']:.1f} ms; exact "
            f"p50 {s['exact_p50_ms']:.1f} ms, p95 {s['exact_p95_ms']:.1f} ms; empty {s['empty_results']}; load {uptime()}"
        )
    if "affected" in parts:
        figures["postgis_index_s"] = postgis_indexes()
        log(f"PostGIS expression indexes: {figures['postgis_index_s']:.0f} s; load {uptime()}")
        figures["affected"] = affected(args.repeat)
        figures["affected_load"] = uptime()
    if "outbox" in parts:
        figures["outbox"] = outbox(org, args.outbox_cap)
        figures["outbox_load"] = uptime()
    if "online" in parts:
        figures["online"] = online(args.queries, people, org) | {"load": uptime()}
        o = figures["online"]
        log(
            f"online check: p50 {o['p50_ms']:.1f} ms, p95 {o['p95_ms']:.1f} ms, found {o['found']:.1%}; "
            f"exact p50 {o['ref_p50_ms']:.2f} ms; load {uptime()}"
        )
    figures["finished"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    path = OUT / f"{people}.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps(previous | figures, indent=1))
    log(f"written {path}")


def run_table(_args) -> None:
    """The measured sizes side by side (smallest and largest), with the growth factor."""
    results = sorted((json.loads(p.read_text()) for p in OUT.glob("*.json")), key=lambda r: r["people"])
    if len(results) < 1:
        sys.exit("nothing measured yet")
    small, large = results[0], results[-1]

    def label(r):
        n = r["people"]
        return f"{n / 1e6:g}M" if n >= 1e6 else f"{n / 1e3:g}k"

    lines = [(f"what ({label(small)} vs {label(large)} people)", label(small), label(large), "growth")]

    def add(what, a, b, unit="ms", fmt="{:.1f}"):
        if a is None or b is None:
            return
        unit = f" {unit}" if unit else ""
        lines.append((what, fmt.format(a) + unit, fmt.format(b) + unit, f"{b / a:.2f}x" if a else "-"))

    s, t = small.get("search", {}), large.get("search", {})
    for key, what in (
        ("search_p50_ms", "name search p50"),
        ("search_p95_ms", "name search p95"),
        ("exact_p50_ms", "exact lookup p50"),
        ("exact_p95_ms", "exact lookup p95"),
    ):
        add(what, s.get(key), t.get(key))
    for a, b in zip(small.get("affected", []), large.get("affected", []), strict=False):
        add(f"{a['scenario']}: set size", a["affected"], b["affected"], "", "{:,.0f}")
        add(f"{a['scenario']}: Amparo", a["amparo_ms"], b["amparo_ms"])
        add(f"{a['scenario']}: {a['reference']}", a["reference_ms"], b["reference_ms"])
    for a, b in zip(small.get("outbox", []), large.get("outbox", []), strict=False):
        add(f"outbox {a['scenario']}: messages", a.get("messages"), b.get("messages"), "", "{:,.0f}")
        add(f"outbox {a['scenario']}: create_crisis", a.get("crisis_s"), b.get("crisis_s"), "s", "{:.2f}")
        add(f"outbox {a['scenario']}: preview", a.get("preview_s"), b.get("preview_s"), "s", "{:.2f}")
        add(f"outbox {a['scenario']}: confirm", a.get("confirm_s"), b.get("confirm_s"), "s", "{:.2f}")
        add(f"outbox {a['scenario']}: messages/s", a.get("messages_per_s"), b.get("messages_per_s"), "/s", "{:,.0f}")
    o, p = small.get("online", {}), large.get("online", {})
    add("online duplicate check p50", o.get("p50_ms"), p.get("p50_ms"))
    add("online duplicate check p95", o.get("p95_ms"), p.get("p95_ms"))
    add("online check: source among candidates", o.get("found"), p.get("found"), "", "{:.1%}")
    print("| " + " | ".join(lines[0]) + " |")
    print("| --- | ---: | ---: | ---: |")
    for line in lines[1:]:
        print("| " + " | ".join(line) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    measure = sub.add_parser("measure")
    measure.add_argument("--db", default=os.environ.get("BENCH_SCALE_DB", "amparo_scale"))
    measure.add_argument("--queries", type=int, default=400)
    measure.add_argument("--repeat", type=int, default=5)
    measure.add_argument("--outbox-cap", type=int, default=1_000_000)
    measure.add_argument("--only", default="search,affected,outbox,online")
    sub.add_parser("table")
    args = parser.parse_args()
    run_measure(args) if args.command == "measure" else run_table(args)


if __name__ == "__main__":
    main()
