#!/usr/bin/env python3
"""Build the name search index for people that were bulk-inserted without it (the benchmark's raw
reference), so name search can be measured on them without importing the million rows a second
time. PostgreSQL only (COPY into a temporary table, then one UPDATE ... FROM).

    DATABASE_URL=postgres://…/amparo_bench_pg_raw python bench/registry/index_existing.py

The keys are computed by the same functions the import uses (amparo.registry.normalize), so the
index is the one an import would have written for these names.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
os.environ.setdefault("AMPARO_DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from amparo.registry import indexing, normalize  # noqa: E402


def main() -> None:
    if connection.vendor == "sqlite":
        return main_sqlite()
    started = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection
    words: set[str] = set()
    count = 0
    with transaction.atomic(), raw.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_names (id bigint, search_name varchar(500)) ON COMMIT DROP")
        cursor.execute(
            "SELECT id, given_names, first_surname, second_surname FROM registry_person WHERE search_name = ''"
        )
        people = cursor.fetchall()
        count = len(people)
        with cursor.copy("COPY registry_namekey (key, person_id) FROM STDIN") as copy:
            for pk, given, first, second in people:
                for key in normalize.person_keys(given, first, second):
                    copy.write_row((key, pk))
                    if not key.startswith("="):
                        words.add(key)
        with cursor.copy("COPY bench_names (id, search_name) FROM STDIN") as copy:
            for pk, given, first, second in people:
                copy.write_row((pk, normalize.search_name(given, first, second)))
        cursor.execute("UPDATE registry_person p SET search_name = b.search_name FROM bench_names b WHERE p.id = b.id")
        cursor.executemany(
            "INSERT INTO registry_nameword (word) VALUES (%s) ON CONFLICT DO NOTHING", [(w,) for w in words]
        )
    indexing.analyze()
    print(f"indexed {count} people, {len(words)} words in {time.perf_counter() - started:.0f} s")


def main_sqlite() -> None:
    """The same on SQLite: executemany inserts, then one UPDATE from a temporary table."""
    started = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection
    cursor = raw.cursor()
    cursor.execute("SELECT id, given_names, first_surname, second_surname FROM registry_person WHERE search_name = ''")
    people = cursor.fetchall()
    words: set[str] = set()

    def keys():
        for pk, given, first, second in people:
            for key in normalize.person_keys(given, first, second):
                if not key.startswith("="):
                    words.add(key)
                yield (key, pk)

    with transaction.atomic():
        cursor.executemany("INSERT OR IGNORE INTO registry_namekey (key, person_id) VALUES (?, ?)", keys())
        cursor.execute("CREATE TEMP TABLE bench_names (id INTEGER PRIMARY KEY, search_name TEXT)")
        cursor.executemany(
            "INSERT INTO bench_names (id, search_name) VALUES (?, ?)",
            ((pk, normalize.search_name(g, f, s)) for pk, g, f, s in people),
        )
        cursor.execute(
            "UPDATE registry_person SET search_name = (SELECT b.search_name FROM bench_names b "
            "WHERE b.id = registry_person.id) WHERE id IN (SELECT id FROM bench_names)"
        )
        cursor.executemany("INSERT OR IGNORE INTO registry_nameword (word) VALUES (?)", [(w,) for w in words])
    indexing.analyze()
    print(f"indexed {len(people)} people, {len(words)} words in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
