#!/usr/bin/env python3
"""Registry benchmark: import throughput and name search at scale, on the database DATABASE_URL
names (SQLite or PostgreSQL), each figure next to a reference measured in the same run.

    DATABASE_URL=sqlite:///var/bench/reg.sqlite3 python bench/registry/bench_registry.py import FILE.csv
    DATABASE_URL=... python bench/registry/bench_registry.py raw FILE.csv
    DATABASE_URL=... python bench/registry/bench_registry.py search FILE.csv [--queries 400]
    DATABASE_URL=... python bench/registry/bench_registry.py series FILE1.csv FILE2.csv ...

- `raw`: the reference. Reads the same file with the csv module and bulk-inserts the same rows
  into the same tables (people, nationalities, contacts, documents, location history, consents)
  with raw multi-row INSERTs, without parsing, validating, normalising or indexing names.
- `import`: `amparo import-people`'s service (registry.importing.engine.import_people) on the file.
- `series`: imports the files one after the other into the same registry (files of different
  people: bench/registry/series.sh makes ten of 100,000) and prints each file's time and the
  registry's size before it: the cost per row must stay flat as the registry grows.
- `search`: after `import`, name queries sampled from the file (seeded) as users type them: given
  name + surname in either order, full names, accents dropped, capitals, prefixes being typed,
  single surnames; each query fetches the first page (51 rows) exactly as the list page does
  (`queries.search_people` as a user of the registering organization). Reference: the exact
  indexed lookup of the same person (`first_surname = … AND given_names = …`, the index the
  registry had before search), through the same scoped queryset and page size.
Results are printed as one JSON line (and human-readable lines) for run.sh to collect.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
os.environ.setdefault("AMPARO_DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from amparo.accounts.models import Membership, Organization  # noqa: E402
from amparo.registry.bulk import insert_dicts, insert_rows  # noqa: E402
from amparo.registry.models import (  # noqa: E402
    Consent,
    ContactPoint,
    Document,
    LocationHistory,
    Nationality,
    Person,
)

ORG = "bench-org"


def setup() -> Organization:
    call_command("migrate", verbosity=0)
    org, _ = Organization.objects.get_or_create(slug=ORG, defaults={"name": "Bench", "kind": "ngo", "country": "MX"})
    user, _ = get_user_model().objects.get_or_create(username="bench-officer")
    Membership.objects.get_or_create(user=user, organization=org, defaults={"role": "case_worker"})
    return org


def vendor() -> str:
    return connection.vendor


def _server_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend (same machine), 0 for SQLite (which runs
    inside this process and is counted by time.process_time)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


class CpuClock:
    """Wall time and CPU time (this process + the database backend): on a shared machine the CPU
    time compares the import with its reference fairly even when the load changes between runs."""

    def __enter__(self):
        self.wall, self.cpu, self.server = time.perf_counter(), time.process_time(), _server_cpu()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.client_cpu = time.process_time() - self.cpu
        self.server_cpu = _server_cpu() - self.server
        self.cpu = self.client_cpu + self.server_cpu


RAW_COLUMNS = (
    "source_record_id",
    "given_names",
    "first_surname",
    "second_surname",
    "sex",
    "nationality",
    "languages",
    "preferred_language",
    "preferred_channel",
    "latitude",
    "longitude",
    "country",
    "subdivision",
    "municipality",
    "phone",
    "email",
    "document_type",
    "document_number",
    "consent_alerts",
    "consent_referrals",
    "consent_sharing",
)


def raw_insert(path: Path, batch: int = 1000, method: str = "bulk_create") -> dict:
    """The reference: the same rows, read with csv and inserted as they are, with Django's
    bulk_create (`bulk_create`) or with the registry's own fastest path (`sql`: multi-row INSERT
    on SQLite, COPY on PostgreSQL), which the import itself uses."""
    org = setup()
    now = timezone.now()
    writer = _raw_chunk if method == "sql" else _bulk_create_chunk
    rows = 0
    with CpuClock() as clock, open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        # A file from another generator (bench/matching/generate_varied.py) lacks some columns:
        # the reference writes them empty, as the import does.
        blank = dict.fromkeys(c for c in RAW_COLUMNS if c not in (reader.fieldnames or ()))
        chunk: list[dict] = []
        for row in reader:
            chunk.append({**row, **{c: "" for c in blank}} if blank else row)
            if len(chunk) >= batch:
                writer(org, chunk, now)
                rows += len(chunk)
                chunk = []
        if chunk:
            writer(org, chunk, now)
            rows += len(chunk)
    return {
        "method": method,
        "rows": rows,
        "seconds": clock.wall,
        "rows_per_s": rows / clock.wall,
        "cpu_seconds": clock.cpu,
        "server_cpu_seconds": clock.server_cpu,
        "rows_per_cpu_s": rows / clock.cpu,
    }


def _float(text: str):
    try:
        return float(text)
    except ValueError:
        return None


def _people_values(org, chunk: list[dict], now) -> list[dict]:
    return [
        {
            "registering_organization_id": org.pk,
            "source_record_id": r["source_record_id"],
            "given_names": r["given_names"],
            "first_surname": r["first_surname"],
            "second_surname": r["second_surname"],
            "other_names": [],
            "sex": r["sex"][:16],
            "birth_date": None,
            "nationality": r["nationality"][:2],
            "languages": r["languages"].split(),
            "preferred_language": r["preferred_language"],
            "preferred_channel": r["preferred_channel"],
            "latitude": _float(r["latitude"]),
            "longitude": _float(r["longitude"]),
            "country": r["country"],
            "subdivision": r["subdivision"],
            "municipality": r["municipality"],
            "location_observed_at": now,
            "location_source": "import",
            "created_at": now,
            "updated_at": now,
        }
        for r in chunk
    ]


def _contacts(pk, r, now) -> list[dict]:
    out = []
    if r["phone"]:
        out.append({"person_id": pk, "kind": "phone", "value": r["phone"], "raw_value": r["phone"], "created_at": now})
    if r["email"]:
        out.append({"person_id": pk, "kind": "email", "value": r["email"], "raw_value": r["email"], "created_at": now})
    return out


def _documents(pk, r) -> list[dict]:
    if not r["document_number"]:
        return []
    number = r["document_number"]
    return [
        {"person_id": pk, "document_type": r["document_type"] or "other", "number": number, "number_normalized": number}
    ]


def _location(pk, r, now) -> dict:
    return {
        "person_id": pk,
        "latitude": _float(r["latitude"]),
        "longitude": _float(r["longitude"]),
        "country": r["country"],
        "subdivision": r["subdivision"],
        "municipality": r["municipality"],
        "observed_at": now,
        "source": "import",
    }


_CONSENTS = (
    ("consent_alerts", "crisis_alerts"),
    ("consent_referrals", "referrals"),
    ("consent_sharing", "sharing_host_authorities"),
)


def _consents(pk, r, now) -> list[dict]:
    return [
        {"person_id": pk, "purpose": purpose, "given": r[column] == "yes", "method": "imported", "recorded_at": now}
        for column, purpose in _CONSENTS
        if r[column]
    ]


def _raw_chunk(org, chunk: list[dict], now) -> None:
    with transaction.atomic():
        pks = insert_dicts(Person, _people_values(org, chunk, now), returning_pk=True)
        nats, contacts, docs, locs, consents = [], [], [], [], []
        for pk, r in zip(pks, chunk, strict=True):
            nats.append((pk, r["nationality"][:2]))
            contacts.extend(_contacts(pk, r, now))
            docs.extend(_documents(pk, r))
            locs.append(_location(pk, r, now))
            consents.extend(_consents(pk, r, now))
        insert_rows(Nationality, ["person", "country"], nats)
        insert_dicts(ContactPoint, contacts)
        insert_dicts(Document, docs)
        insert_dicts(LocationHistory, locs)
        insert_dicts(Consent, consents)


def _bulk_create_chunk(org, chunk: list[dict], now) -> None:
    """The same rows as _raw_chunk, through Django's bulk_create."""
    with transaction.atomic():
        people = [Person(**values) for values in _people_values(org, chunk, now)]
        Person.objects.bulk_create(people)
        nats, contacts, docs, locs, consents = [], [], [], [], []
        for person, r in zip(people, chunk, strict=True):
            pk = person.pk
            nats.append(Nationality(person_id=pk, country=r["nationality"][:2]))
            contacts.extend(ContactPoint(**c) for c in _contacts(pk, r, now))
            docs.extend(Document(**d) for d in _documents(pk, r))
            locs.append(LocationHistory(**_location(pk, r, now)))
            consents.extend(Consent(**c) for c in _consents(pk, r, now))
        Nationality.objects.bulk_create(nats, ignore_conflicts=True)
        ContactPoint.objects.bulk_create(contacts, ignore_conflicts=True)
        Document.objects.bulk_create(docs)
        LocationHistory.objects.bulk_create(locs)
        Consent.objects.bulk_create(consents)


def run_import(path: Path) -> dict:
    from amparo.accounts.policy import system_principal
    from amparo.registry.importing.engine import import_people

    org = setup()
    with CpuClock() as clock:
        result = import_people(
            actor=system_principal("bench"), organization=org, path=path, report_path=path.with_suffix(".rejected.csv")
        )
    seconds = clock.wall
    return {
        "rows": result.rows,
        "imported": result.imported,
        "updated": result.updated,
        "rejected": result.rejected,
        "phones_flagged": result.warnings,
        "seconds": seconds,
        "rows_per_s": result.rows / seconds,
        "cpu_seconds": clock.cpu,
        "server_cpu_seconds": clock.server_cpu,
        "rows_per_cpu_s": result.rows / clock.cpu,
    }


def run_series(paths: list[Path]) -> dict:
    """Each file imported in turn into the same registry, with its own clock."""
    from amparo.accounts.policy import system_principal
    from amparo.registry.importing.engine import import_people

    org = setup()
    files = []
    for number, path in enumerate(paths, 1):
        before = Person.objects.count()
        with CpuClock() as clock:
            result = import_people(
                actor=system_principal("bench"),
                organization=org,
                path=path,
                report_path=path.with_suffix(".rejected.csv"),
            )
        figures = {
            "file": number,
            "name": path.name,
            "people_before": before,
            "rows": result.rows,
            "imported": result.imported,
            "updated": result.updated,
            "rejected": result.rejected,
            "seconds": round(clock.wall, 2),
            "cpu_seconds": round(clock.cpu, 2),
            "server_cpu_seconds": round(clock.server_cpu, 2),
            "load_average": os.getloadavg()[0],
        }
        files.append(figures)
        print(
            f"file {number} ({path.name}) into {before:,} people: {result.summary}; {clock.wall:.1f} s wall, "
            f"{clock.cpu:.1f} CPU-s ({clock.server_cpu:.1f} of them the server's), load {figures['load_average']:.2f}",
            file=sys.stderr,
            flush=True,
        )
    first, last = files[0], files[-1]
    return {
        "files": files,
        "people": Person.objects.count(),
        "last_vs_first_wall": last["seconds"] / first["seconds"],
        "last_vs_first_cpu": last["cpu_seconds"] / first["cpu_seconds"],
    }


def _queries(path: Path, count: int, seed: int) -> list[tuple[str, str, str, str]]:
    """(kind, query, given_names, first_surname) sampled from the file: reservoir sampling."""
    from amparo.registry import normalize

    rng = random.Random(seed)
    sample: list[dict] = []
    with open(path, encoding="utf-8", newline="") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            if len(sample) < count:
                sample.append(row)
            else:
                j = rng.randrange(i + 1)
                if j < count:
                    sample[j] = row
    out = []
    for row in sample:
        given, first, second = row["given_names"], row["first_surname"], row["second_surname"]
        g = given.split()[0]
        kind = rng.choices(
            ["given_surname", "surname_given", "full_name", "no_accents_caps", "typing_prefix", "single_surname"],
            [30, 15, 20, 15, 10, 10],
        )[0]
        if kind == "given_surname":
            q = f"{g} {first}"
        elif kind == "surname_given":
            q = f"{first} {g}"
        elif kind == "full_name":
            q = f"{given} {first} {second}".strip()
        elif kind == "no_accents_caps":
            q = normalize.fold(f"{g} {first}").upper()
        elif kind == "typing_prefix":
            q = f"{g} {first[: max(3, len(first) // 2)]}"
        else:
            q = first
        out.append((kind, q, given, first))
    return out


def run_search(path: Path, count: int, seed: int) -> dict:
    from amparo.registry.queries import PersonFilters, search_people

    setup()
    user = get_user_model().objects.get(username="bench-officer")
    queries = _queries(path, count, seed)
    page = 51

    def exact(given, first):
        return list(Person.objects.visible_to(user).filter(first_surname=first, given_names=given)[:page])

    def search(q):
        return list(search_people(user, PersonFilters(q=q))[:page])

    for _kind, q, given, first in queries[:20]:  # warm caches and the principal
        exact(given, first)
        search(q)
    search_times, exact_times, by_kind, misses = [], [], {}, 0
    for kind, q, given, first in queries:
        t0 = time.perf_counter()
        exact(given, first)
        t1 = time.perf_counter()
        found = search(q)
        t2 = time.perf_counter()
        exact_times.append(t1 - t0)
        search_times.append(t2 - t1)
        by_kind.setdefault(kind, []).append(t2 - t1)
        if not found:
            misses += 1

    def pct(values, p):
        values = sorted(values)
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

    s50, s95, e50, e95 = pct(search_times, 50), pct(search_times, 95), pct(exact_times, 50), pct(exact_times, 95)
    return {
        "queries": len(queries),
        "people": Person.objects.count(),
        "search_p50_ms": s50 * 1000,
        "search_p95_ms": s95 * 1000,
        "exact_p50_ms": e50 * 1000,
        "exact_p95_ms": e95 * 1000,
        "ratio_p50": s50 / e50,
        "ratio_p95": s95 / e95,
        "empty_results": misses,
        "p95_ms_by_kind": {k: round(pct(v, 95) * 1000, 2) for k, v in sorted(by_kind.items())},
        "mean_ms_by_kind": {k: round(statistics.mean(v) * 1000, 2) for k, v in sorted(by_kind.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["raw", "import", "search", "series"])
    parser.add_argument("file", type=Path, nargs="+", help="one file (several for series)")
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--method", choices=["bulk_create", "sql"], default="bulk_create")
    args = parser.parse_args()
    if args.what != "series" and len(args.file) != 1:
        parser.error(f"{args.what} reads one file")
    if args.what == "raw":
        figures = raw_insert(args.file[0], method=args.method)
    elif args.what == "import":
        figures = run_import(args.file[0])
    elif args.what == "series":
        figures = run_series(args.file)
    else:
        figures = run_search(args.file[0], args.queries, args.seed)
    figures = {"what": args.what, "database": vendor(), **figures}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
