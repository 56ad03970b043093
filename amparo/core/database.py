"""Session settings Amparo gives each new database connection."""

from __future__ import annotations


def plan_for_whole_results(sender, connection, **kwargs) -> None:
    """PostgreSQL: plan server-side cursors for reading every row. Amparo reads to the end every
    cursor `.iterator()` opens (a broadcast's audience, exports, imports, matching), and the
    default (plan for the first 10% of the rows) chose, for a consular officer's check-in to a
    crisis of 100,000 people, a nested loop over the scoped audience (estimated at one row) that
    ran for more than 15 minutes; planned for the whole result the same query takes 1.5 s."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET cursor_tuple_fraction = 1")
