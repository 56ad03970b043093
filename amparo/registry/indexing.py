"""Keeping the name search index (Person.search_name, NameKey, NameWord) in step with names.

Every write that creates people or changes a name calls `index_people` (bulk, a few statements per
batch); nothing scans the registry. `amparo reindex-people` rebuilds everything in batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from amparo.registry import normalize
from amparo.registry.bulk import insert_rows
from amparo.registry.models import NameKey, NameWord, Person

BATCH = 2000


def keys_of(person: Person) -> set[str]:
    return normalize.person_keys(person.given_names, person.first_surname, person.second_surname, person.other_names)


def set_search_name(person: Person) -> None:
    """Fill Person.search_name before the row is saved (bulk_create or save)."""
    person.search_name = normalize.search_name(
        person.given_names, person.first_surname, person.second_surname, person.other_names
    )


def index_people(people: Sequence[Person], *, replace: bool = True) -> int:
    """Write the NameKey and NameWord rows of saved people; with `replace`, drop their old keys
    first (after a name change). Returns the number of keys written."""
    if not people:
        return 0
    if replace:
        NameKey.objects.filter(person_id__in=[p.pk for p in people]).delete()
    return write_keys((person.pk, keys_of(person)) for person in people)


def write_keys(
    people_keys: Iterable[tuple[int, set[str]]], *, new_people: bool = False, known_words: set[str] | None = None
) -> int:
    """Insert (person id, keys) pairs into NameKey, and the new tokens into NameWord (bulk).

    `new_people`: the people were created in this transaction, so none of their keys can exist
    yet and they go in without a conflict check (COPY on PostgreSQL). `known_words`: words the
    caller already wrote to NameWord (a long import keeps one set for all its batches); they are
    skipped, and the words written are added to it. Rows go in sorted by key, the index's order,
    so each batch touches few index pages however large the index grows."""
    rows: list[tuple[str, int]] = []
    words: set[str] = set()
    for person_id, keys in people_keys:
        for key in keys:
            rows.append((key, person_id))
            if not key.startswith("="):
                words.add(key)
    if known_words is not None:
        words -= known_words
    insert_rows(NameWord, ["word"], [(w,) for w in sorted(words)], ignore_conflicts=True)
    if known_words is not None:
        known_words |= words
    rows.sort()
    insert_rows(NameKey, ["key", "person"], rows, ignore_conflicts=not new_people)
    return len(rows)


def reindex_all(*, batch: int = BATCH, progress=None) -> int:
    """Rebuild search_name and keys for every person, in primary-key batches."""
    done, last = 0, 0
    while True:
        people = list(Person.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not people:
            return done
        for person in people:
            set_search_name(person)
        Person.objects.bulk_update(people, ["search_name"], batch_size=batch)
        index_people(people)
        done += len(people)
        last = people[-1].pk
        if progress:
            progress(done)


def words_starting(prefix: str, limit: int) -> list[str]:
    """Known name tokens starting with `prefix`, at most `limit` (+1 to tell there are more)."""
    return list(
        NameWord.objects.filter(word__gte=prefix, word__lt=normalize.next_prefix(prefix))
        .order_by("word")
        .values_list("word", flat=True)[: limit + 1]
    )


def iter_chunks(items: Iterable, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def analyze() -> None:
    """Refresh the query planner's statistics after a large import, so name searches read the
    search index first (without statistics, SQLite may prefer scanning an organization's people)."""
    from django.db import connection

    tables = ["registry_person", "registry_namekey", "registry_nameword", "registry_contactpoint"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(tables))
        else:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
