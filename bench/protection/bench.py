"""Protection benchmarks (issue 7).

1. `nearest_services("shelter", lat, lon, 3)` — what the SHELTER keyword calls — and
   `choice.choose_provider(person, step)` — what the referral proposals call (issue 14) — over 20,000 services spread over Mexico and Central America: p50/p95 latency for 500
   random points, against (a) the reference, an exact lookup of one service by primary key, and
   (b) the naive way, a geodesic distance to every shelter.
2. A provider's referral inbox (first page of 50, scoped by the access policy) among 100,000
   referrals addressed to 200 providers: p50/p95 against the same primary-key reference.

Runs on a fresh SQLite file, then on PostgreSQL at BENCH_POSTGRES (default
postgres://postgres@127.0.0.1:5432) in the database amparo_protection_bench, created and dropped.

Usage: bench/protection/run.sh [--services 20000] [--referrals 100000] [--queries 500]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASE_PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PG_DB = "amparo_protection_bench"


def percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples) * 1000, samples[int(len(samples) * 0.95) - 1] * 1000


def timed(fn, points):
    out = []
    for p in points:
        start = time.perf_counter()
        fn(p)
        out.append(time.perf_counter() - start)
    return percentiles(out)


def child(args):
    """Runs inside a process whose DATABASE_URL points at the database under test."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from amparo.accounts.models import Membership, Organization
    from amparo.protection import queries
    from amparo.protection.models import Referral, Service
    from amparo.registry.models import Person

    rng = random.Random(7)
    kinds = ["shelter", "health", "legal_aid", "food", "mhpss", "documents"]
    orgs = Organization.objects.bulk_create(
        [
            Organization(slug=f"bench-org-{i}", name=f"Bench provider {i}", kind="shelter", country="MX")
            for i in range(200)
        ]
    )
    sender = Organization.objects.create(slug="bench-sender", name="Bench NGO", kind="ngo", country="MX")
    services = []
    for i in range(args.services):
        services.append(
            Service(
                provider=orgs[i % len(orgs)],
                kind=kinds[i % 3 if i % 2 else 0],
                name=f"Service {i}",
                country="MX",
                latitude=rng.uniform(7.5, 32.5),
                longitude=rng.uniform(-117.0, -77.5),
                capacity_total=40,
                capacity_free=rng.choice([0, 1, 5, 10]),
            )
        )
    Service.objects.bulk_create(services, batch_size=2000)
    person = Person.objects.create(registering_organization=sender, given_names="Bench", first_surname="Person")
    # A sent referral needs the person's consent (a database constraint says so).
    from amparo.registry.models import Consent

    consent = Consent.objects.create(person=person, purpose="referrals", method="verbal")
    now = timezone.now()
    Referral.objects.bulk_create(
        [
            Referral(
                person=person,
                consent=consent,
                from_organization=sender,
                to_organization=orgs[i % len(orgs)],
                service_kind="shelter",
                status=("sent", "accepted", "in_progress", "completed", "declined")[i % 5],
                decline_reason="full" if i % 5 == 4 else "",
                response_hours=72,
                sent_at=now,
                created_by_label="bench",
                shared_fields=["full_name"],
                shared_data={"full_name": f"Person {i}"},
            )
            for i in range(args.referrals)
        ],
        batch_size=5000,
    )
    user = get_user_model().objects.create_user(username="bench-staff", password="x" * 12)
    Membership.objects.create(user=user, organization=orgs[3], role="provider_staff")
    shelter_count = Service.objects.filter(kind="shelter").count()

    points = [(rng.uniform(12.0, 25.0), rng.uniform(-105.0, -85.0)) for _ in range(args.queries)]
    ids = list(Service.objects.values_list("pk", flat=True))
    ref_ids = [rng.choice(ids) for _ in range(args.queries)]
    Service.objects.get(pk=ids[0])  # warm up
    queries.nearest_services("shelter", *points[0], 3)

    reference = timed(lambda pk: Service.objects.get(pk=pk), ref_ids)
    nearest = timed(lambda p: queries.nearest_services("shelter", p[0], p[1], 3), points)

    def naive(p):
        found = [
            (queries.distance_km(p[0], p[1], s.latitude, s.longitude), s)
            for s in Service.objects.filter(kind="shelter", capacity_free__gt=0)
        ]
        found.sort(key=lambda f: f[0])
        return found[:3]

    # Provider choice for a pathway step (issue 14): the same shelters, by place, purpose,
    # capacity and language, with eligibility and reasons (a person at each random point).
    from amparo.protection.choice import choose_provider
    from amparo.protection.models import PathwayStep

    step = (
        PathwayStep.objects.select_related("pathway")
        .filter(pathway__country="MX", pathway__subdivision="", service_kind="shelter")
        .first()
    )

    def choose(p):
        person = Person(given_names="Bench", latitude=p[0], longitude=p[1], country="MX", languages=["fr"])
        return choose_provider(person, step)

    choose(points[0])  # warm up
    chosen = timed(choose, points)
    if args.only_choice:  # quick: the two nearest-provider figures only
        print(f"  services: {args.services} ({shelter_count} shelters)")
        print(f"  reference  exact pk lookup             p50 {reference[0]:7.2f} ms  p95 {reference[1]:7.2f} ms")
        print(f"  nearest_services(shelter, 3)          p50 {nearest[0]:7.2f} ms  p95 {nearest[1]:7.2f} ms")
        print(f"  choose_provider(person, shelter step)  p50 {chosen[0]:7.2f} ms  p95 {chosen[1]:7.2f} ms")
        return
    brute = timed(naive, points[: max(20, args.queries // 10)])
    # Same answers, both ways (the ring search is exact, not approximate).
    for p in points[:20]:
        fast = [d["id"] for d in queries.nearest_services("shelter", p[0], p[1], 3)]
        assert fast == [s.pk for _, s in naive(p)], (p, fast)

    def inbox(_):
        user._amparo_principal = None
        del user._amparo_principal
        return list(queries.inbox(user)[:50])

    inbox_times = timed(inbox, range(args.queries))
    print(f"  services: {args.services} ({shelter_count} shelters), referrals: {args.referrals}")
    print(f"  reference  exact pk lookup             p50 {reference[0]:7.2f} ms  p95 {reference[1]:7.2f} ms")
    print(
        f"  nearest_services(shelter, 3)          p50 {nearest[0]:7.2f} ms  p95 {nearest[1]:7.2f} ms"
        f"  ({nearest[1] / reference[1]:.1f}x reference p95)"
    )
    print(
        f"  choose_provider(person, shelter step)  p50 {chosen[0]:7.2f} ms  p95 {chosen[1]:7.2f} ms"
        f"  ({chosen[1] / reference[1]:.1f}x reference p95)"
    )
    print(f"  naive geodesic to every shelter       p50 {brute[0]:7.2f} ms  p95 {brute[1]:7.2f} ms")
    print(
        f"  provider inbox, first 50 (scoped)     p50 {inbox_times[0]:7.2f} ms  p95 {inbox_times[1]:7.2f} ms"
        f"  ({inbox_times[1] / reference[1]:.1f}x reference p95)"
    )


def run(label, env, args):
    print(f"--- {label}", flush=True)
    subprocess.run([str(ROOT / ".venv/bin/amparo"), "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            "--services",
            str(args.services),
            "--referrals",
            str(args.referrals),
            "--queries",
            str(args.queries),
            *(["--only-choice"] if args.only_choice else []),
        ],
        env=env,
        check=True,
        cwd=ROOT,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=20000)
    parser.add_argument("--referrals", type=int, default=100000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--only-choice", action="store_true", help="only nearest_services and choose_provider")
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        child(args)
        return
    base = {**os.environ, "AMPARO_LOG_LEVEL": "WARNING", "AMPARO_DEBUG": "0", "AMPARO_SECRET_KEY": "bench-" + "x" * 50}
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", {**base, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}, args)
    try:
        import psycopg

        with psycopg.connect(f"{BASE_PG}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
    except Exception as exc:  # noqa: BLE001
        print(f"--- PostgreSQL skipped: {exc}")
        return
    try:
        run("PostgreSQL", {**base, "DATABASE_URL": f"{BASE_PG}/{PG_DB}"}, args)
    finally:
        with psycopg.connect(f"{BASE_PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
