#!/usr/bin/env python3
"""Fill a PostgreSQL database with N generated people, fast, for the scale benchmark (issue 19).

    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 \
        .venv/bin/python bench/scale/load.py --count 10000000 [--workers 2] [--db amparo_scale]

What each person gets (what the four measurements read):
- a `registry_person` row: names, sex, date of birth, nationality, languages from the project's
  generator (bench/generate_people.py, its field errors included), a position spread over the
  region the way bench/crises/generate_points.py spreads them (cities + a rural background), and
  `search_name`;
- the name search keys (`registry_namekey`, `registry_nameword`) computed by the functions the
  import uses (amparo.registry.normalize.person_keys / search_name, as registry.indexing does);
- a phone (`registry_contactpoint`, 85% of people, E.164 as the import stores it), a
  `crisis_alerts` consent as the file says (yes/no/none), a `registry_nationality` row;
- match features and blocking keys (`matching_personfeatures`, `matching_personkey`) built by
  amparo.matching.features, as `refresh_keys` writes them.
Not written (no measurement reads them): documents, location history, other consents.

Resumable: people are made in chunks of CHUNK rows, chunk k holding ids k*CHUNK+1 … (k+1)*CHUNK,
generated with seeds derived from k (so a chunk is the same whichever run makes it), each chunk
written by COPY in one transaction. A run loads the chunks missing below `--count`: load 1M,
measure, then `--count 10000000` adds the other 9M to the same database.

Fast: rows are computed in `--workers` processes (each COPYs its own chunks on its own
connection); before a large load the secondary indexes and constraints of the tables written are
dropped (their definitions kept in `bench_scale_dropped`, so an interrupted run recreates them)
and rebuilt once at the end, then the tables are vacuumed and analysed.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "bench" / "crises"))

BASE_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
CHUNK = 50_000
ORG_SLUG = "bench-org"  # bench/registry/bench_registry.py's organization and user
USER = "bench-officer"
TABLES = [
    "registry_person",
    "registry_namekey",
    "registry_contactpoint",
    "registry_consent",
    "registry_nationality",
    "matching_personfeatures",
    "matching_personkey",
]


def database_url(name: str) -> str:
    return f"{BASE_URL}/{name}"


def setup_django(name: str) -> None:
    os.environ["DATABASE_URL"] = database_url(name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
    os.environ.setdefault("AMPARO_DEBUG", "false")
    os.environ.setdefault("AMPARO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def ensure_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_world():
    """The registering organization and its case worker (the ones bench_registry's search uses)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from amparo.accounts.models import Membership, Organization

    call_command("migrate", verbosity=0)
    org, _ = Organization.objects.get_or_create(
        slug=ORG_SLUG, defaults={"name": "Bench", "kind": "ngo", "country": "MX"}
    )
    user, _ = get_user_model().objects.get_or_create(username=USER)
    Membership.objects.get_or_create(user=user, organization=org, defaults={"role": "case_worker"})
    return org


# --- one chunk of people -------------------------------------------------------------------------


SEX = {"F": "female", "Femenino": "female", "mujer": "female", "M": "male", "Masculino": "male"}


def _birth_date(text: str) -> str | None:
    if "-" in text:
        return text
    if "/" in text:
        d, m, y = text.split("/")
        return f"{y}-{m}-{d}"
    return None


@lru_cache(maxsize=256)
def _country_code_of_prefix(e164: str) -> int:
    """Length of the country calling code at the start of an E.164 number ('+502…' → 3)."""
    import phonenumbers

    for size in (1, 2, 3):
        if int(e164[1 : 1 + size]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return size
    return 0


def _phone(raw: str, country: str, nationality: str) -> tuple[str, str, bool]:
    """(value, search digits, valid) as the import stores a phone: numbers written in E.164 are
    taken as they are (their calling code stripped for the search digits); the others (15% of the
    rows carry the field's errors) go through the registry's own parser."""
    if raw.startswith("+") and raw[1:].isdigit():
        return raw, raw[1 + _country_code_of_prefix(raw[:4]) :], True
    from amparo.registry.phones import parse_phone

    parsed = parse_phone(raw, country, nationality)
    return parsed.value, parsed.national_number, parsed.is_valid


class Memo:
    """The key functions are pure: names repeat (a few common ones, a long tail), so each distinct
    name is normalised once per worker. Same functions, same results."""

    def __init__(self):
        from amparo.matching import features as feat
        from amparo.registry import normalize

        self.person_keys = lru_cache(maxsize=200_000)(normalize.person_keys)
        self.search_name = lru_cache(maxsize=200_000)(normalize.search_name)
        # features.build calls these module functions by name: memoise them in this process only.
        feat.name_fields = lru_cache(maxsize=200_000)(feat.name_fields)
        feat._name_keys = lru_cache(maxsize=200_000)(feat._name_keys)


_memo: Memo | None = None


def _features_json(f) -> str:
    """Features.to_json as JSON text, without dataclasses.asdict's deep copy (same keys, same
    values: asdict turns the tuples into tuples, JSON writes them as lists either way)."""
    return json.dumps({name: getattr(f, name) for name in f.__dataclass_fields__}, ensure_ascii=False)


def chunk_rows(chunk: int, organization_id: int, now: str):
    """Every table's rows for chunk `chunk` (ids chunk*CHUNK+1 …)."""
    import generate_people
    import generate_points

    from amparo.matching import features as feat
    from amparo.matching import files
    from amparo.registry.models import Person

    global _memo
    if _memo is None:
        _memo = Memo()
    memo = _memo
    points = generate_points.generate(CHUNK, seed=2026 + chunk)
    lats, lons, subs = points["latitude"].tolist(), points["longitude"].tolist(), points["subdivision"].tolist()
    fields = [f for f in Person._meta.concrete_fields]
    template = []
    for f in fields:
        default = f.get_default()
        if f.get_internal_type() == "JSONField":
            default = json.dumps(default)
        template.append(default)
    index = {f.attname: i for i, f in enumerate(fields)}
    fixed = {
        "registering_organization_id": organization_id,
        "birth_date_precision": "day",
        "location_source": "bench",
        "location_observed_at": now,
        "created_at": now,
        "updated_at": now,
    }
    for name, value in fixed.items():
        template[index[name]] = value
    i_id, i_src, i_given, i_first, i_second = (
        index[n] for n in ("id", "source_record_id", "given_names", "first_surname", "second_surname")
    )
    i_sex, i_dob, i_nat, i_langs, i_plang, i_pchan = (
        index[n] for n in ("sex", "birth_date", "nationality", "languages", "preferred_language", "preferred_channel")
    )
    i_lat, i_lon, i_country, i_sub, i_muni, i_search = (
        index[n] for n in ("latitude", "longitude", "country", "subdivision", "municipality", "search_name")
    )
    people, keys, contacts, consents, nationalities, features, blocking = [], [], [], [], [], [], []
    words: set[str] = set()
    first_id = chunk * CHUNK + 1
    languages = lru_cache(maxsize=None)(lambda text: json.dumps(text.split()))
    for k, r in enumerate(generate_people.generate(CHUNK, seed=1000 + chunk)):
        pk = first_id + k
        given, first, second = r["given_names"], r["first_surname"], r["second_surname"]
        sub = subs[k]
        country = sub[:2]
        nationality = files.country(r["nationality"])
        row = template.copy()
        row[i_id] = pk
        row[i_src] = f"P{pk:08d}"
        row[i_given], row[i_first], row[i_second] = given, first, second
        row[i_sex] = SEX.get(r["sex"], "unknown")
        row[i_dob] = _birth_date(r["date_of_birth"])
        row[i_nat] = nationality
        row[i_langs] = languages(r["languages"])
        row[i_plang], row[i_pchan] = r["preferred_language"], r["preferred_channel"]
        row[i_lat], row[i_lon], row[i_country], row[i_sub] = lats[k], lons[k], country, sub
        row[i_muni] = r["municipality"]
        row[i_search] = memo.search_name(given, first, second)
        people.append(row)
        for key in memo.person_keys(given, first, second):
            keys.append((key, pk))
            if key[0] != "=":
                words.add(key)
        if nationality:
            nationalities.append((pk, nationality))
        phones = []
        if r["phone"]:
            value, digits, valid = _phone(r["phone"], country, nationality)
            phones.append(value)
            contacts.append((pk, "phone", value, r["phone"], valid, r["whatsapp"] == "yes", digits, now))
        if r["consent_alerts"]:
            consents.append((pk, "crisis_alerts", r["consent_alerts"] == "yes", "imported", now))
        f = feat.build(
            feat.RawRecord(
                given_names=given,
                first_surname=first,
                second_surname=second,
                birth_date=row[i_dob],
                sex=row[i_sex],
                phones=phones,
                documents=[(r["document_type"], r["document_number"])] if r["document_number"] else [],
                emails=[r["email"]] if r["email"] else [],
                nationality=nationality,
                country=country,
                subdivision=sub,
                municipality=r["municipality"],
            )
        )
        features.append((pk, _features_json(f), now))
        for key in f.blocking_keys():
            blocking.append((pk, key))
    return {
        "people": (fields, people),
        "keys": keys,
        "contacts": contacts,
        "consents": consents,
        "nationalities": nationalities,
        "features": features,
        "blocking": blocking,
        "words": words,
    }


def write_chunk(connection, data: dict) -> int:
    """COPY one chunk's rows, all tables in one transaction."""
    from amparo.matching.models import FEATURES_VERSION

    fields, people = data["people"]
    columns = ", ".join(f.column for f in fields)
    copies = [
        (f"COPY registry_person ({columns}) FROM STDIN", people),
        ("COPY registry_namekey (key, person_id) FROM STDIN", data["keys"]),
        (
            "COPY registry_contactpoint (person_id, kind, value, raw_value, is_valid, whatsapp, search_digits, "
            "created_at, verified, is_primary) FROM STDIN",
            [(*c, False, True) for c in data["contacts"]],
        ),
        (
            "COPY registry_consent (person_id, purpose, given, method, recorded_at, recorded_by_label, "
            "withdrawn_by_label) FROM STDIN",
            [(*c, "", "") for c in data["consents"]],
        ),
        ("COPY registry_nationality (person_id, country) FROM STDIN", data["nationalities"]),
        (
            "COPY matching_personfeatures (person_id, data, source_updated_at, computed_at, version) FROM STDIN",
            [(pk, js, now, now, FEATURES_VERSION) for pk, js, now in data["features"]],
        ),
        ("COPY matching_personkey (person_id, key) FROM STDIN", data["blocking"]),
    ]
    rows = 0
    with connection.transaction(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        for sql, table_rows in copies:
            with cursor.copy(sql) as copy:
                for row in table_rows:
                    copy.write_row(row)
            rows += len(table_rows)
    return rows


_worker_conn = None
_worker_args: tuple = ()


def _init_worker(db: str, organization_id: int, now: str) -> None:
    global _worker_conn, _worker_args
    import psycopg

    _worker_conn = psycopg.connect(database_url(db))
    _worker_args = (organization_id, now)


def _work(chunk: int) -> tuple[int, int, set[str], float, float, float]:
    t0, cpu0 = time.perf_counter(), time.process_time()
    data = chunk_rows(chunk, *_worker_args)
    t1, cpu1 = time.perf_counter(), time.process_time()
    rows = write_chunk(_worker_conn, data)
    return chunk, rows, data["words"], t1 - t0, time.perf_counter() - t1, cpu1 - cpu0


# --- indexes -------------------------------------------------------------------------------------


def _saved(cursor) -> list[tuple]:
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS bench_scale_dropped "
        "(seq serial PRIMARY KEY, tbl text, kind text, name text, definition text)"
    )
    cursor.execute("SELECT tbl, kind, name, definition FROM bench_scale_dropped ORDER BY seq")
    return cursor.fetchall()


def drop_indexes(cursor) -> int:
    """Drop the secondary indexes and the constraints (foreign keys, unique, check) of the tables
    the loader writes, keeping the serial primary keys (appended in order, cheap to maintain); the
    name index's primary key (key, person) is random-order, so it goes too. Definitions are kept."""
    if _saved(cursor):
        return 0  # an earlier run dropped them and did not get to recreate them
    # The PostGIS reference's expression indexes (bench_scale.py builds them when it measures).
    cursor.execute("DROP INDEX IF EXISTS bench_scale_geom, bench_scale_geog")
    dropped = []
    for table in TABLES:
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND (contype IN ('f', 'u', 'c') OR (contype = 'p' AND %s))",
            [table, table == "registry_namekey"],
        )
        for name, _kind, definition in cursor.fetchall():
            dropped.append((table, "constraint", name, definition))
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.conrelid = %s::regclass)",
            [table, table],
        )
        for name, definition in cursor.fetchall():
            dropped.append((table, "index", name, definition))
    for table, kind, name, definition in dropped:
        cursor.execute(
            "INSERT INTO bench_scale_dropped (tbl, kind, name, definition) VALUES (%s, %s, %s, %s)",
            [table, kind, name, definition],
        )
    for table, kind, name, _definition in dropped:
        if kind == "constraint":
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        else:
            cursor.execute(f'DROP INDEX "{name}"')
    return len(dropped)


def recreate_indexes(cursor, log) -> None:
    saved = _saved(cursor)
    if not saved:
        return
    cursor.execute("SET maintenance_work_mem = '1GB'")
    cursor.execute("SET max_parallel_maintenance_workers = 2")
    # Indexes first, then unique and primary keys, then checks and foreign keys (which use them).
    order = {"index": 0, "constraint": 1}

    def rank(item):
        table, kind, name, definition = item
        return (order[kind], 1 if definition.startswith(("FOREIGN", "CHECK")) else 0)

    for table, kind, name, definition in sorted(saved, key=rank):
        t0 = time.perf_counter()
        if kind == "index":
            cursor.execute(definition)
        else:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("DELETE FROM bench_scale_dropped WHERE name = %s", [name])
        log(f"  {kind} {name} on {table}: {time.perf_counter() - t0:.1f} s")
    cursor.execute("DROP TABLE bench_scale_dropped")


# --- main ----------------------------------------------------------------------------------------


def missing_chunks(cursor, count: int) -> list[int]:
    cursor.execute("SELECT (id - 1) / %s, count(*) FROM registry_person WHERE id <= %s GROUP BY 1", [CHUNK, count])
    done = {chunk for chunk, n in cursor.fetchall() if n == CHUNK}
    return [c for c in range((count + CHUNK - 1) // CHUNK) if c not in done]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000_000, help=f"people wanted (a multiple of {CHUNK:,})")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", default=os.environ.get("BENCH_SCALE_DB", "amparo_scale"))
    args = parser.parse_args()
    if args.count % CHUNK:
        sys.exit(f"--count must be a multiple of {CHUNK:,}")

    def log(*parts):
        print(*parts, flush=True)

    ensure_database(args.db)
    setup_django(args.db)
    from django.db import connection
    from django.utils import timezone

    org = setup_world()
    now = timezone.now().isoformat()
    connection.ensure_connection()
    raw = connection.connection
    raw.autocommit = True
    started = time.perf_counter()
    with raw.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_person")
        have = cursor.fetchone()[0]
        todo = missing_chunks(cursor, args.count)
        if todo and len(todo) * CHUNK >= have // 4:
            # autovacuum would scan the tables being filled again and again: once at the end
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
            n = drop_indexes(cursor)
            log(f"dropped {n} indexes and constraints before loading {len(todo) * CHUNK:,} people onto {have:,}")
    log(f"{have:,} people in {args.db}; loading {len(todo) * CHUNK:,} ({len(todo)} chunks of {CHUNK:,})")
    words: set[str] = set()
    if todo:
        connection.close()
        loaded = 0
        t0 = time.perf_counter()
        context = multiprocessing.get_context("fork")
        with context.Pool(args.workers, _init_worker, (args.db, org.pk, now)) as pool:
            for chunk, rows, chunk_words, compute_s, copy_s, cpu_s in pool.imap_unordered(_work, todo):
                loaded += CHUNK
                words |= chunk_words
                elapsed = time.perf_counter() - t0
                log(
                    f"chunk {chunk:>4}: {rows:,} rows (compute {compute_s:.1f} s, {cpu_s:.1f} CPU-s, COPY {copy_s:.1f} s); "
                    f"{loaded:,} people in {elapsed:.0f} s = {loaded / elapsed:,.0f} people/s; "
                    f"load {os.getloadavg()[0]:.1f}"
                )
        log(f"people loaded in {time.perf_counter() - t0:.0f} s")
        connection.ensure_connection()
        raw = connection.connection
        raw.autocommit = True
    with raw.cursor() as cursor:
        if words:
            cursor.execute("CREATE TEMP TABLE bench_words (word varchar(40))")
            with cursor.copy("COPY bench_words (word) FROM STDIN") as copy:
                for word in sorted(words):
                    copy.write_row((word[:40],))
            cursor.execute(
                "INSERT INTO registry_nameword (word) SELECT DISTINCT word FROM bench_words ON CONFLICT DO NOTHING"
            )
            cursor.execute("DROP TABLE bench_words")
        t0 = time.perf_counter()
        recreate_indexes(cursor, log)
        log(f"indexes and constraints in {time.perf_counter() - t0:.0f} s")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('registry_person', 'id'), (SELECT max(id) FROM registry_person))"
        )
        t0 = time.perf_counter()
        for table in [*TABLES, "registry_nameword"]:
            cursor.execute(f"VACUUM ANALYZE {table}")
            cursor.execute(f"ALTER TABLE {table} RESET (autovacuum_enabled)")
        log(f"vacuum + analyze in {time.perf_counter() - t0:.0f} s")
        cursor.execute("SELECT count(*) FROM registry_person")
        have = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    log(f"done: {have:,} people, database {size / 1e9:.1f} GB, {time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
