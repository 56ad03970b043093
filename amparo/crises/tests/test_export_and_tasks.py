"""`amparo affected` writes the standard columns plus welfare, scoped and audited; CAP feeds are
polled by a task that re-enqueues itself."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from amparo.accounts.models import AuditEvent
from amparo.crises import tasks
from amparo.crises.export import COLUMNS, STANDARD_COLUMNS
from amparo.crises.models import CapFeed, Crisis
from amparo.crises.services import update_welfare
from amparo.crises.tests.conftest import SYSTEM, circle

FILES = Path(__file__).parent / "cap"


@pytest.fixture
def crisis_with_people(world, make_org, make_person, make_crisis):
    at = {"latitude": 16.3, "longitude": -98.8, "country": "MX", "subdivision": "MX-GRO"}
    own = make_person(world["consulate"], given_names="=HYPERLINK(1)", phones=[("+52 744 123 4567", True)], **at)
    other = make_person(make_org("mx-shelter", kind="shelter"), given_names="Otra", nationality="HN", **at)
    crisis = make_crisis(circle(16.2, -98.8, 100))
    update_welfare(actor=SYSTEM, crisis=crisis, person=own, status="needs_assistance", source="staff", needs=["food"])
    return crisis, own, other


def test_affected_command_writes_standard_columns_and_welfare(crisis_with_people, tmp_path):
    crisis, own, other = crisis_with_people
    out = tmp_path / "affected.csv"
    stdout = StringIO()
    call_command("affected", str(crisis.pk), "--output", str(out), stdout=stdout)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0].keys()) == list(COLUMNS)
    assert STANDARD_COLUMNS[:4] == ("source_record_id", "given_names", "first_surname", "second_surname")
    mine = next(r for r in rows if r["welfare_status"] == "needs_assistance")
    assert mine["given_names"] == "'=HYPERLINK(1)"  # formula neutralised
    assert mine["needs"] == "food" and mine["phone"] == "+527441234567" and mine["longitude"] == "-98.800000"
    assert len(rows) == 2 and "2 affected" in stdout.getvalue()
    assert AuditEvent.objects.filter(action="export", object_type="crises.welfarestatus").get().extra["count"] == 2


def test_affected_command_as_a_user_sees_only_their_people(crisis_with_people, world, tmp_path):
    crisis, own, other = crisis_with_people
    out = tmp_path / "mine.csv"
    call_command("affected", str(crisis.pk), "--output", str(out), "--as", "lucia", stdout=StringIO())
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["given_names"] for r in rows] == ["'=HYPERLINK(1)"]


def test_affected_command_unknown_crisis(db, tmp_path):
    with pytest.raises(CommandError, match="crisis 999: not found"):
        call_command("affected", "999", "--output", str(tmp_path / "x.csv"))


def test_feed_poll_imports_and_re_enqueues_itself(db, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    feed = CapFeed.objects.create(url="https://alerts.example.mx/sasmex/feed", interval_seconds=60)
    monkeypatch.setattr(tasks.cap, "fetch", lambda url, **kw: (FILES / "sasmex_atom_cap11.xml").read_bytes())
    token = tasks.start_polling(feed)
    result = tasks.poll_cap_feed.call(feed.pk, token)
    assert result["outcomes"] == {"created": 1} and Crisis.objects.count() == 1
    enqueued = default_task_backend.results[-1]
    assert enqueued.task.run_after is not None and enqueued.args == [feed.pk, token]
    feed.refresh_from_db()
    assert feed.last_polled_at is not None and feed.last_error == ""
    # A restarted feed gets a new token: the old chain stops.
    tasks.start_polling(feed)
    assert tasks.poll_cap_feed.call(feed.pk, token) == {"stopped": True}


def test_feed_poll_records_a_rejected_feed(db, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    feed = CapFeed.objects.create(url="https://alerts.example.mx/bad", interval_seconds=60)
    monkeypatch.setattr(tasks.cap, "fetch", lambda url, **kw: (FILES / "hostile_billion_laughs.xml").read_bytes())
    token = tasks.start_polling(feed)
    tasks.poll_cap_feed.call(feed.pk, token)
    feed.refresh_from_db()
    assert "refused" in feed.last_error and not Crisis.objects.exists()
