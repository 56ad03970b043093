"""Each connection's session settings (core/database.py)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_postgresql_plans_server_side_cursors_for_every_row():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone()[0] == "1"
