"""Inserting many rows fast: multi-row INSERT statements built from the model's metadata, with
values prepared the way Django prepares them, but without building a model instance per row.

The import writes millions of rows (people, their contacts, documents, consents, search keys);
Django's bulk_create spends most of its time creating and inspecting instances. This helper keeps
the same SQL on SQLite and PostgreSQL (`RETURNING` for new primary keys; `ON CONFLICT DO NOTHING`
to skip duplicates) and is used only for append-only bulk paths.
"""

from __future__ import annotations

import operator
import zlib
from collections.abc import Sequence

from django.db import connection, models


def _preparers(model: type[models.Model], names: Sequence[str]):
    fields = [model._meta.get_field(name) for name in names]
    preps = []
    for field in fields:
        if isinstance(field, models.JSONField):
            preps.append(_json_cached(field))
        elif isinstance(field, models.DateTimeField | models.DateField | models.UUIDField):
            preps.append(_cached(field))
        else:
            preps.append(None)
    return fields, preps


def _cached(field):
    """Dates and datetimes repeat (one import time, birth dates): prepare each value once."""
    cache: dict = {}

    def prep(value):
        if value is None:
            return None
        try:
            return cache[value]
        except KeyError:
            cache[value] = prepared = field.get_db_prep_save(value, connection)
            return prepared

    return prep


def _json_cached(field):
    """JSON lists of strings repeat too (languages): each distinct one is encoded once."""
    cache: dict = {}

    def prep(value):
        if type(value) is list and all(type(v) is str for v in value):
            key = tuple(value)
            try:
                return cache[key]
            except KeyError:
                cache[key] = prepared = field.get_db_prep_save(value, connection)
                return prepared
        return field.get_db_prep_save(value, connection)

    return prep


def insert_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[Sequence],
    *,
    returning_pk: bool = False,
    ignore_conflicts: bool = False,
) -> list:
    """Insert `rows` (tuples in the order of field `names`; ForeignKeys by their `_id` value) into
    `model`'s table. Returns the new primary keys, in order, when `returning_pk`.

    SQLite: multi-row INSERT statements. PostgreSQL: COPY (new primary keys are taken from the
    table's sequence first), or, to skip conflicting rows, COPY into a temporary staging table
    and one INSERT … SELECT … ON CONFLICT DO NOTHING."""
    if not rows:
        return []
    fields, preps = _preparers(model, names)
    active = [(index, prep) for index, prep in enumerate(preps) if prep]
    if active:  # only the columns that need it (dates, JSON), not every value of every row
        prepared = []
        for row in rows:
            row = list(row)
            for index, prep in active:
                row[index] = prep(row[index])
            prepared.append(row)
        rows = prepared
    # The DB-API connection itself: Django's debug cursor (DEBUG on in development) would format
    # and keep every one of these large statements.
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        return _insert_postgresql(model, fields, rows, returning_pk=returning_pk, ignore_conflicts=ignore_conflicts)
    return _insert_multirow(model, fields, rows, returning_pk=returning_pk, ignore_conflicts=ignore_conflicts)


def _insert_multirow(model, fields, rows, *, returning_pk: bool, ignore_conflicts: bool) -> list:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    per_row = "(" + ", ".join(["?"] * len(fields)) + ")"
    max_params = getattr(connection.features, "max_query_params", None) or 30000
    chunk = max(1, min(1000, max_params // max(1, len(fields))))
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    returning = f" RETURNING {quote(model._meta.pk.column)}" if returning_pk else ""
    pks: list = []
    cursor = connection.connection.cursor()
    try:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([per_row] * len(part)) + conflict + returning
            cursor.execute(sql, [value for row in part for value in row])
            if returning_pk:
                pks.extend(r[0] for r in cursor.fetchall())
    finally:
        cursor.close()
    return pks


def _insert_postgresql(model, fields, rows, *, returning_pk: bool, ignore_conflicts: bool) -> list:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [quote(f.column) for f in fields]
    pks: list = []
    with connection.connection.cursor() as cursor:
        if ignore_conflicts:
            # COPY into a session's staging table of the same columns, then one INSERT … SELECT
            # that skips the conflicting rows: a statement per batch instead of one per row.
            names = ", ".join(columns)
            staging = quote(f"bulk_{model._meta.db_table}_{zlib.crc32(names.encode()):08x}"[:63])
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} AS SELECT {names} FROM {table} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {staging}")
            with cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
                _copy_rows(copy, fields, rows)
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} ON CONFLICT DO NOTHING")
            cursor.execute(f"TRUNCATE {staging}")
            return []
        if returning_pk:
            pk_column = model._meta.pk.column
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk_column, len(rows)],
            )
            pks = [r[0] for r in cursor.fetchall()]
            columns = [quote(pk_column), *columns]
            rows = [(pk, *row) for pk, row in zip(pks, rows, strict=True)]
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            _copy_rows(copy, [model._meta.pk, *fields] if returning_pk else fields, rows)
    return pks


_TEXT_TYPES = {"CharField", "TextField", "SlugField"}
_INTEGER_TYPES = {
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
}
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_rows(copy, fields, rows) -> None:
    """Rows of text and integer columns only (name keys, words, nationalities: most of an
    import's rows) are written as COPY text lines directly, a tenth of psycopg's per-row
    formatting; any other table, and any value of another type, goes through write_row."""
    kinds = []
    for field in fields:
        target = field.target_field if field.is_relation else field
        kind = target.get_internal_type()
        if kind not in _TEXT_TYPES and kind not in _INTEGER_TYPES:
            for row in rows:
                copy.write_row(row)
            return
        kinds.append(kind in _TEXT_TYPES)
    lines = []
    for row in rows:
        cells = []
        for is_text, value in zip(kinds, row, strict=True):
            if value is None:
                cells.append("\\N")
            elif is_text and type(value) is str:
                cells.append(value.translate(_COPY_ESCAPES))
            elif not is_text and type(value) is int:
                cells.append(str(value))
            else:  # an unexpected type: let psycopg format the whole batch
                for row in rows:
                    copy.write_row(row)
                return
        lines.append("\t".join(cells))
    copy.write("\n".join(lines) + "\n")


def insert_dicts(
    model: type[models.Model], dicts: Sequence[dict], *, returning_pk: bool = False, ignore_conflicts: bool = False
) -> list:
    """Like insert_rows, from dicts keyed by attname (`person_id`); missing fields get the model's
    default, so every NOT NULL column is filled on both databases."""
    if not dicts:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    constant = {f.attname: f.get_default() for f in fields if not callable(f.default) or f.default in (list, dict)}
    dynamic = [f for f in fields if f.attname not in constant]
    ordered = operator.itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    rows = []
    for values in dicts:
        row = {**constant, **values}
        for f in dynamic:
            if f.attname not in values:
                row[f.attname] = f.get_default()
        rows.append(ordered(row))
    return insert_rows(model, names, rows, returning_pk=returning_pk, ignore_conflicts=ignore_conflicts)
