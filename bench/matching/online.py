"""Online duplicate check at scale: p50/p95 of `likely_duplicates` on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/amparo_matching_bench \
        python bench/matching/online.py --people 1000000 [--queries 1000]

Loads the generated registry (bench/out/latam_N_7.csv) into a fresh database with COPY: people
(owned by one organization), their match features and blocking keys. Then registers nothing but
asks, for each query, "who is likely this person?" as a case worker of that organization (so
the access policy is applied), with a new registration derived from a random person with the
errors of the generator. The reference in the same run: an exact indexed lookup of one person
by source record id through the ORM.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def load(path: Path, organization, people: int) -> None:
    from psycopg.types.json import Jsonb

    from amparo.matching import files
    from amparo.matching.models import FEATURES_VERSION
    from amparo.registry.models import Person

    rows = files.read_rows(path)
    features = files.features_of_rows(rows)
    now = timezone.now()
    fields = [f for f in Person._meta.concrete_fields]
    columns = ", ".join(f.column for f in fields)
    sex = {"F": "female", "M": "male"}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY registry_person ({columns}) FROM STDIN") as copy:
            for index, row in enumerate(rows, start=1):
                cells = row.cells
                f = features[index - 1]
                explicit = {
                    "id": index,
                    "registering_organization_id": organization.pk,
                    "source_record_id": row.source_record_id,
                    "given_names": cells.get("given_names", "")[:150] or "?",
                    "first_surname": cells.get("first_surname", "")[:150],
                    "second_surname": cells.get("second_surname", "")[:150],
                    "sex": sex.get(cells.get("sex", ""), "unknown"),
                    "nationality": cells.get("nationality", "")[:2],
                    "country": cells.get("country", "")[:2],
                    "subdivision": cells.get("subdivision", "")[:10],
                    "municipality": cells.get("municipality", "")[:120],
                    "created_at": now,
                    "updated_at": now,
                }
                if f.dob and f.dob[1] and f.dob[2]:
                    explicit["birth_date"] = f"{f.dob[0]:04d}-{f.dob[1]:02d}-{f.dob[2]:02d}"
                values = []
                for field in fields:
                    value = explicit[field.attname] if field.attname in explicit else field.get_default()
                    if field.get_internal_type() == "JSONField":
                        value = Jsonb(value)
                    values.append(value)
                copy.write_row(values)
        with raw.copy(
            "COPY matching_personfeatures (person_id, data, version, source_updated_at, computed_at) FROM STDIN"
        ) as copy:
            for index, f in enumerate(features, start=1):
                copy.write_row((index, Jsonb(f.to_json()), FEATURES_VERSION, now, now))
        with raw.copy("COPY matching_personkey (person_id, key) FROM STDIN") as copy:
            for index, f in enumerate(features, start=1):
                for key in f.blocking_keys():
                    copy.write_row((index, key))
        cursor.execute("SELECT setval(pg_get_serial_sequence('registry_person', 'id'), %s)", [people + 1])
        cursor.execute("ANALYZE registry_person; ANALYZE matching_personkey; ANALYZE matching_personfeatures")
    print(f"loaded {len(rows)} people, features and keys in {time.perf_counter() - started:.0f}s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL database")
    import generate
    from django.contrib.auth import get_user_model

    from amparo.accounts.codes import OrganizationKind
    from amparo.accounts.models import Membership, Organization
    from amparo.registry.models import Person
    from bench import latam_file

    call_command("migrate", verbosity=0)
    path = latam_file(args.people, 7)
    organization, _ = Organization.objects.get_or_create(
        slug="bench-shelter", defaults={"name": "Bench shelter", "kind": OrganizationKind.SHELTER, "country": "MX"}
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-worker")
    Membership.objects.get_or_create(user=user, organization=organization, defaults={"role": "case_worker"})
    if Person.objects.count() != args.people:
        if Person.objects.exists():
            sys.exit("the database holds another registry: drop it first")
        load(path, organization, args.people)

    import csv

    with open(path, encoding="utf-8") as handle:
        sample_rows = [r for r in csv.DictReader(handle)]
    queries = make_queries(random.Random(11).sample(sample_rows, args.queries), generate.Generator(seed=11))
    figures = measure(user, organization, queries)
    print(
        f"online check at {args.people} people ({args.queries} queries, as a case worker):"
        f" p50={figures['p50_ms']:.1f} ms p95={figures['p95_ms']:.1f} ms;"
        f" the person it came from was among the candidates for {figures['found']:.1%}"
    )
    print(
        "reference, exact indexed lookup by source record id:"
        f" p50={figures['ref_p50_ms']:.2f} ms p95={figures['ref_p95_ms']:.2f} ms"
    )


FIELDS = (
    "given_names",
    "first_surname",
    "second_surname",
    "sex",
    "phone",
    "document_type",
    "document_number",
    "nationality",
    "country",
    "municipality",
)


def make_queries(rows: list[dict], g) -> list[tuple[dict, dict]]:
    """(form data, the row it came from): a new registration derived from each row with the
    generator's errors (`g`, a generate.Generator). Rows need the generator's columns."""
    queries = []
    for row in rows:
        base = dict(row)
        d = base.get("date_of_birth", "")
        parts = d.split("-") if "-" in d else list(reversed(d.split("/"))) if "/" in d else []
        base["dob"] = tuple(int(x) for x in parts) if len(parts) == 3 else (1980, 1, 1)
        q = g.duplicate(base)
        queries.append(({k: q.get(k, "") for k in FIELDS} | {"birth_date": q["date_of_birth"]}, row))
    return queries


def measure(user, organization, queries: list[tuple[dict, dict]]) -> dict:
    """p50/p95 of `likely_duplicates` as `user` for each query (after a warm-up of 20), how often
    the row it came from was among the candidates, and the reference: an exact indexed lookup of
    one person by source record id through the ORM."""
    from amparo.matching.queries import likely_duplicates
    from amparo.registry.models import Person

    for data, _row in queries[:20]:  # warm-up: connections, caches
        likely_duplicates(user, data)
    times, found = [], 0
    for data, row in queries:
        t = time.perf_counter()
        result = likely_duplicates(user, data, limit=5)
        times.append((time.perf_counter() - t) * 1000)
        if any(c.person.source_record_id == row["source_record_id"] for c in result):
            found += 1
    ref = []
    for _data, row in queries:
        t = time.perf_counter()
        Person.objects.visible_to(user).filter(
            registering_organization=organization, source_record_id=row["source_record_id"]
        ).first()
        ref.append((time.perf_counter() - t) * 1000)
    return {
        "queries": len(queries),
        "p50_ms": percentile(times, 0.5),
        "p95_ms": percentile(times, 0.95),
        "found": found / len(queries),
        "ref_p50_ms": percentile(ref, 0.5),
        "ref_p95_ms": percentile(ref, 0.95),
    }


if __name__ == "__main__":
    main()
