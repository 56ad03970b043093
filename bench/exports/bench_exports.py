#!/usr/bin/env python3
"""Exports benchmark (issue 19): rows per second of the crisis's affected list and the registry
export, each next to a raw-SQL reference measured in the same run, on the database DATABASE_URL
names (SQLite when unset: var/bench/exports.sqlite3).

    DATABASE_URL=… python bench/exports/bench_exports.py [--people 100000] [--repeat 2] [--file F.csv]

Loads `--people` generated people once (bench/generate_people.py, seed 7: names, a phone for most,
some e-mails, documents, consents, nationalities), all of them affected by one crisis with varied
welfare statuses (or, with `--file`, the people of that CSV imported with Amparo's own import: a
second data set, e.g. bench/matching/generate_varied.py's, into a database of its own), then times:
- REFERENCE: the same people's and welfare rows' own columns (no contacts, documents, consents)
  selected with one raw SQL statement and written as CSV by the database itself (PostgreSQL
  `COPY (SELECT …) TO STDOUT WITH CSV`) or by `csv.writer.writerows` over the raw cursor (SQLite):
  the floor any export of these rows can reach;
- `amparo affected <crisis> --output FILE` (system actor, then `--as` a consular officer);
- the crisis page's CSV download (`/crises/<id>/affected.csv`, Django's test client, streamed
  content consumed);
- `amparo export-people --output FILE.csv` and the registry page's CSV download;
- on PostgreSQL, where the database writes the rows itself (`registry/export_copy.py`), the same
  two exports through the Python path (`python=True`, what SQLite runs), for the same run's
  comparison (`--only python`).
Every figure is rows written / wall seconds; the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
if not os.environ.get("DATABASE_URL"):
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    os.environ["AMPARO_SQLITE_PATH_FOR_BENCH"] = str(ROOT / "var" / "bench" / "exports.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
os.environ.setdefault("AMPARO_DEBUG", "false")
os.environ.setdefault("AMPARO_SECRET_KEY", "bench-exports-" + "x" * 40)
os.environ.setdefault("AMPARO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

if os.environ.get("AMPARO_SQLITE_PATH_FOR_BENCH"):
    settings.DATABASES["default"]["NAME"] = os.environ["AMPARO_SQLITE_PATH_FOR_BENCH"]
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from generate_people import generate  # noqa: E402

from amparo.accounts.models import Membership, Organization  # noqa: E402
from amparo.accounts.policy import system_principal  # noqa: E402
from amparo.crises.models import AffectedArea, Crisis, WelfareStatus  # noqa: E402
from amparo.registry.bulk import insert_dicts, insert_rows  # noqa: E402
from amparo.registry.importing.engine import import_people  # noqa: E402
from amparo.registry.models import Consent, ContactPoint, Document, Nationality, Person  # noqa: E402

ORG = "bench-exports"
STATUSES = ("unknown", "unknown", "contacted", "safe", "needs_assistance", "missing", "evacuated_relocated")
NATIONALITY = {"salvadoreña": "SV", "salvadoreño": "SV", "guatemalteco": "GT", "guatemalteca": "GT"}


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def setup(people: int, file: Path | None = None) -> tuple[Organization, Crisis]:
    call_command("migrate", verbosity=0)
    org, _ = Organization.objects.get_or_create(
        slug=ORG,
        defaults={
            "name": "Bench consulate",
            "kind": "consulate",
            "country": "MX",
            "served_nationality": "GT",
            "jurisdiction_country": "MX",
        },
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-consul")
    Membership.objects.get_or_create(user=user, organization=org, defaults={"role": "consular_officer"})
    have = Person.objects.filter(registering_organization=org).count()
    if file is not None and not have:
        started = time.perf_counter()
        result = import_people(
            actor=system_principal("bench"), organization=org, path=file, report_path=file.with_suffix(".rejected.csv")
        )
        print(
            f"imported {result.imported} people from {file} ({result.rejected} rejected) in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
    elif file is None and have < people:
        started = time.perf_counter()
        _load_people(org, start=have, count=people - have)
        print(f"loaded {people - have} people in {time.perf_counter() - started:.1f} s", flush=True)
    crisis = Crisis.objects.filter(name="Bench export crisis").first()
    if crisis is None:
        crisis = Crisis.objects.create(name="Bench export crisis", kind="earthquake", organization=org)
        AffectedArea.objects.create(crisis=crisis, kind="admin", subdivisions=["MX-CHP"])
    missing = Person.objects.filter(registering_organization=org).exclude(welfare_statuses__crisis=crisis)
    ids = list(missing.values_list("pk", flat=True))
    if ids:
        now = timezone.now()
        rows = []
        for i, pk in enumerate(ids):
            status = STATUSES[i % len(STATUSES)]
            needs = ["food", "shelter"] if status == "needs_assistance" else []
            rows.append(
                (crisis.pk, pk, status, needs, "staff" if status != "unknown" else "", now, now, True, now, "", "")
            )
        names = ["crisis", "person", "status", "needs", "source", "updated_at", "contacted_at", "in_area", "added_at"]
        names += ["note", "updated_by_label"]
        for start in range(0, len(rows), 5000):
            with transaction.atomic():
                insert_rows(WelfareStatus, names, rows[start : start + 5000])
    return org, crisis


def _birth(text: str):
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _load_people(org, *, start: int, count: int) -> None:
    now = timezone.now()
    chunk: list[dict] = []
    for i, row in enumerate(generate(start + count, seed=7)):
        if i < start:
            continue
        chunk.append(row)
        if len(chunk) == 2000:
            _write(org, chunk, now)
            chunk = []
    if chunk:
        _write(org, chunk, now)


def _write(org, chunk: list[dict], now) -> None:
    def num(text):
        try:
            return float(text)
        except ValueError:
            return None

    people = [
        {
            "registering_organization_id": org.pk,
            "source_record_id": r["source_record_id"],
            "given_names": r["given_names"],
            "first_surname": r["first_surname"],
            "second_surname": r["second_surname"],
            "other_names": [],
            "sex": {"F": "female", "M": "male"}.get(r["sex"], "unknown"),
            "birth_date": _birth(r["date_of_birth"]),
            "nationality": NATIONALITY.get(r["nationality"], r["nationality"][:2].upper()),
            "languages": r["languages"].split(),
            "preferred_language": r["preferred_language"],
            "preferred_channel": r["preferred_channel"],
            "latitude": num(r["latitude"]),
            "longitude": num(r["longitude"]),
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
    with transaction.atomic():
        pks = insert_dicts(Person, people, returning_pk=True)
        nats, contacts, docs, consents = [], [], [], []
        for pk, r, p in zip(pks, chunk, people, strict=True):
            nats.append((pk, p["nationality"]))
            for kind in ("phone", "email"):
                if r[kind]:
                    contacts.append(
                        {
                            "person_id": pk,
                            "kind": kind,
                            "value": r[kind],
                            "raw_value": r[kind],
                            "whatsapp": kind == "phone" and r["whatsapp"] == "yes",
                            "created_at": now,
                        }
                    )
            if r["document_number"]:
                number = r["document_number"]
                docs.append(
                    {
                        "person_id": pk,
                        "document_type": r["document_type"] or "other",
                        "number": number,
                        "number_normalized": number,
                    }
                )
            for column, purpose in (
                ("consent_alerts", "crisis_alerts"),
                ("consent_referrals", "referrals"),
                ("consent_sharing", "sharing_host_authorities"),
            ):
                if r[column]:
                    consents.append(
                        {
                            "person_id": pk,
                            "purpose": purpose,
                            "given": r[column] == "yes",
                            "method": "imported",
                            "recorded_at": now,
                        }
                    )
        insert_rows(Nationality, ["person", "country"], nats, ignore_conflicts=True)
        insert_dicts(ContactPoint, contacts, ignore_conflicts=True)
        insert_dicts(Document, docs)
        insert_dicts(Consent, consents)


REFERENCE_SQL = """
SELECT p.source_record_id, p.given_names, p.first_surname, p.second_surname, p.sex, p.birth_date,
       p.nationality, p.latitude, p.longitude, p.country, p.subdivision, p.municipality,
       p.preferred_language, p.preferred_channel, p.languages, p.location_observed_at,
       w.status, w.needs, w.people_with, w.source, w.updated_at, w.contacted_at, w.replied_at, w.in_area
FROM crises_welfarestatus w JOIN registry_person p ON p.id = w.person_id
WHERE w.crisis_id = {crisis} AND w.in_area
ORDER BY p.first_surname, p.given_names, w.id
"""

REGISTRY_SQL = """
SELECT p.id, p.source_record_id, p.given_names, p.first_surname, p.second_surname, p.sex, p.birth_date,
       p.nationality, p.latitude, p.longitude, p.country, p.subdivision, p.municipality,
       p.preferred_language, p.preferred_channel, p.languages
FROM registry_person p WHERE p.registering_organization_id = {org} ORDER BY p.id
"""


def _copy_out(cursor, statement: str, out) -> None:
    with cursor.copy(statement) as copy:
        for data in copy:
            out.write(data)


def reference(sql: str, path: Path) -> Path:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, open(path, "wb") as out:
            _copy_out(cursor.cursor, f"COPY ({sql}) TO STDOUT WITH CSV HEADER", out)
    else:
        with connection.cursor() as cursor, open(path, "w", newline="", encoding="utf-8") as out:
            cursor.execute(sql)
            writer = csv.writer(out)
            writer.writerow([c[0] for c in cursor.description])
            while rows := cursor.fetchmany(5000):
                writer.writerows(rows)
    return path


def count_csv(path: Path) -> int:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def _server_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend (same machine); 0 on SQLite, which
    runs inside this process and is counted by time.process_time."""
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


def timed(label: str, fn) -> dict:
    """`fn` returns the rows written, or the file it wrote (counted outside the clock: until
    2026-12-03 afternoon the count, ~0.4 CPU-s per 100,000 rows, was inside it). Wall time, and CPU time of this process + its PostgreSQL backend: on a machine shared with
    other work, rows per CPU-second say what one free core would write."""
    started, cpu, server = time.perf_counter(), time.process_time(), _server_cpu()
    rows = fn()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu + _server_cpu() - server
    if isinstance(rows, Path):  # a file written: its rows are counted after the clock stops
        rows = count_csv(rows)
    figure = {
        "what": label,
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds),
        "cpu_seconds": round(cpu, 3),
        "rows_per_cpu_s": round(rows / cpu) if cpu else None,
        "load_average": load_average(),
    }
    print(
        f"  {label:<52} {rows:>7} rows {seconds:6.2f} s {rows / seconds:>8,.0f} rows/s"
        f"  CPU {cpu:6.2f} s {rows / max(cpu, 1e-9):>8,.0f} rows/CPU-s  load {figure['load_average']}",
        flush=True,
    )
    return figure


def web_download(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8-sig").count("\n") - 1


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--file", type=Path, help="import this CSV's people instead of generating them")
    parser.add_argument("--only", default="", help="comma-separated: reference,affected,web,registry,python")
    args = parser.parse_args(argv)
    only = set(filter(None, args.only.split(",")))
    org, crisis = setup(args.people, args.file)
    out = ROOT / "var" / "bench" / "exports"
    out.mkdir(parents=True, exist_ok=True)
    user = get_user_model().objects.get(username="bench-consul")
    client = Client()
    client.force_login(user)
    people = Person.objects.filter(registering_organization=org).count()
    print(f"{connection.vendor}, {people} people, load average {load_average()}", flush=True)
    figures = []
    for run in range(args.repeat):
        print(f"run {run + 1}", flush=True)
        if not only or "reference" in only:
            figures.append(
                timed(
                    "REFERENCE affected rows, raw SQL to CSV",
                    lambda: reference(REFERENCE_SQL.format(crisis=crisis.pk), out / "reference.csv"),
                )
            )
        if not only or "affected" in only:

            def affected(*extra):
                path = out / "affected.csv"
                call_command("affected", str(crisis.pk), "--output", str(path), *extra, stdout=io.StringIO())
                return path

            figures.append(timed("amparo affected --output (system)", affected))
            figures.append(
                timed("amparo affected --output --as a consular officer", lambda: affected("--as", user.username))
            )
        if not only or "web" in only:
            figures.append(
                timed(
                    "crisis page CSV download (streamed)",
                    lambda: web_download(client, f"/crises/{crisis.pk}/affected.csv"),
                )
            )
        if not only or "registry" in only:
            figures.append(
                timed(
                    "REFERENCE registry rows, raw SQL to CSV",
                    lambda: reference(REGISTRY_SQL.format(org=org.pk), out / "registry-reference.csv"),
                )
            )

            def registry():
                path = out / "people.csv"
                call_command("export_people", "--org", ORG, "--output", str(path), stdout=io.StringIO())
                return path

            figures.append(timed("amparo export-people --output FILE.csv", registry))
            figures.append(
                timed(
                    "registry page CSV download (streamed)", lambda: web_download(client, "/registry/people/export.csv")
                )
            )
        if connection.vendor == "postgresql" and (not only or "python" in only):
            from amparo.accounts.policy import system_principal
            from amparo.crises.export import write_affected_csv
            from amparo.registry.exporting import export_people
            from amparo.registry.queries import PersonFilters, search_people

            def python_affected():
                with open(out / "affected-python.csv", "w", newline="", encoding="utf-8") as stream:
                    return write_affected_csv(actor=system_principal(), crisis=crisis, stream=stream, python=True)

            def python_registry():
                people = search_people(system_principal(), PersonFilters(organization=org.pk))
                return export_people(
                    actor=system_principal(), queryset=people, output=out / "people-python.csv", fmt="csv", python=True
                )

            figures.append(timed("Python path: affected list (as SQLite writes it)", python_affected))
            figures.append(timed("Python path: registry export (as SQLite writes it)", python_registry))
    print(f"load average at the end {load_average()}", flush=True)
    print(json.dumps({"vendor": connection.vendor, "people": people, "figures": figures}))


if __name__ == "__main__":
    main()
