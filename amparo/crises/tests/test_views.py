"""Crisis pages and endpoints: each scoped by the access policy, with an access-denied case."""

import json
import re

import pytest
from django.urls import reverse

from amparo.accounts.models import AuditEvent
from amparo.crises.models import ConsularAlertLevel, Crisis, WelfareStatus
from amparo.crises.services import update_welfare
from amparo.crises.tests.conftest import SYSTEM, circle


@pytest.fixture
def scene(world, make_org, make_person, make_crisis):
    at = {"latitude": 16.3, "longitude": -98.8, "country": "MX", "subdivision": "MX-GRO"}
    own = make_person(world["consulate"], given_names="Propia", **at)
    theirs = make_person(make_org("mx-shelter", kind="shelter"), given_names="Ajena", nationality="HN", **at)
    crisis = make_crisis(circle(16.2, -98.8, 100))
    return world, crisis, own, theirs


def login(client, user):
    client.force_login(user)
    return client


def test_crisis_list_and_dashboard_for_members_only(client, scene):
    world, crisis, own, theirs = scene
    assert client.get(reverse("crises:crisis_list")).status_code == 302  # to login
    login(client, world["officer"])
    assert crisis.name in client.get(reverse("crises:crisis_list")).content.decode()
    page = client.get(reverse("crises:crisis_detail", args=[crisis.pk])).content.decode()
    assert 'data-count="affected">1<' in page  # the officer counts their own person only


def test_summary_partial_for_htmx(client, scene):
    world, crisis, *_ = scene
    login(client, world["civil"])
    html = client.get(reverse("crises:crisis_summary", args=[crisis.pk])).content.decode()
    assert 'hx-trigger="every 20s"' in html and 'data-count="affected">2<' in html  # civil protection counts all


def test_affected_list_names_only_visible_people(client, scene):
    world, crisis, own, theirs = scene
    login(client, world["officer"])
    html = client.get(reverse("crises:affected_list", args=[crisis.pk])).content.decode()
    assert "Propia" in html and "Ajena" not in html
    assert AuditEvent.objects.filter(action="view", object_type="registry.person").exists()


def test_affected_list_denied_to_analysts(client, scene):
    world, crisis, *_ = scene
    login(client, world["analyst"])
    assert client.get(reverse("crises:affected_list", args=[crisis.pk])).status_code == 403
    assert client.get(reverse("crises:affected_export", args=[crisis.pk])).status_code == 403


def test_points_endpoint_is_scoped(client, scene):
    world, crisis, own, theirs = scene
    url = reverse("crises:crisis_points", args=[crisis.pk]) + "?z=8&bbox=-100,15,-97,18"
    login(client, world["officer"])
    data = client.get(url).json()
    assert [p[3] for p in data["points"]] == [own.pk] and data["statuses"][0] == "unknown" and data["total"] == 1
    login(client, world["ngo_worker"])
    assert client.get(url).json()["total"] == 0
    login(client, world["analyst"])  # aggregates only: no map of people
    assert client.get(url).status_code == 403


def test_export_is_scoped_and_audited(client, scene):
    world, crisis, own, theirs = scene
    login(client, world["officer"])
    response = client.get(reverse("crises:affected_export", args=[crisis.pk]))
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv") and "Propia" in body and "Ajena" not in body
    assert AuditEvent.objects.filter(action="export").exists()


def test_welfare_page_updates_and_shows_history(client, scene):
    world, crisis, own, theirs = scene
    login(client, world["officer"])
    url = reverse("crises:welfare_detail", args=[crisis.pk, own.pk])
    response = client.post(
        url, {"status": "needs_assistance", "needs": ["shelter"], "source": "field_visit", "note": "Albergue"}
    )
    assert response.status_code == 302
    row = WelfareStatus.objects.get(crisis=crisis, person=own)
    assert row.status == "needs_assistance" and row.needs == ["shelter"] and row.source == "field_visit"
    assert "Albergue" in client.get(url).content.decode()


def test_welfare_page_of_someone_elses_person_is_404(client, scene):
    world, crisis, own, theirs = scene
    login(client, world["officer"])
    url = reverse("crises:welfare_detail", args=[crisis.pk, theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "safe", "source": "staff"}).status_code == 404
    assert WelfareStatus.objects.get(crisis=crisis, person=theirs).status == "unknown"


def test_create_crisis_with_a_drawn_circle_and_a_subdivision(client, scene):
    world, *_ = scene
    login(client, world["officer"])
    areas = [{"kind": "circle", "center_latitude": 16.2, "center_longitude": -98.8, "radius_km": 100}]
    response = client.post(
        reverse("crises:crisis_create"),
        {
            "name": "Sismo",
            "kind": "earthquake",
            "severity": "extreme",
            "phase": "response",
            "started_at": "2026-09-19T18:14",
            "countries_text": "MX",
            "areas_json": json.dumps(areas),
            "subdivisions": "MX-OAX",
        },
    )
    assert response.status_code == 302
    crisis = Crisis.objects.get(name="Sismo")
    assert sorted(crisis.areas.values_list("kind", flat=True)) == ["administrative", "circle"]
    assert crisis.welfare.affected().count() == 2


def test_create_crisis_rejects_bad_geojson_with_where(client, scene, tmp_path):
    world, *_ = scene
    login(client, world["officer"])
    bad = tmp_path / "area.geojson"
    bad.write_text(json.dumps({"type": "Polygon", "coordinates": [[[-99, 16], [-98, 16], [-98, 17]]]}))
    with bad.open("rb") as f:
        response = client.post(
            reverse("crises:crisis_create"),
            {
                "name": "X",
                "kind": "flood",
                "severity": "minor",
                "phase": "watch",
                "started_at": "2026-09-19T18:14",
                "geojson_file": f,
            },
        )
    html = response.content.decode()
    assert response.status_code == 200 and ("feature 1" in html or "elemento 1" in html)  # what and where
    assert not Crisis.objects.filter(name="X").exists()


def test_only_managers_create_crises(client, scene):
    world, *_ = scene
    login(client, world["ngo_worker"])
    assert client.get(reverse("crises:crisis_create")).status_code == 403
    assert client.post(reverse("crises:preview_count"), {"areas_json": "[]"}).status_code == 403
    assert client.get(reverse("crises:cap_import")).status_code == 403


def test_preview_count_counts_what_the_user_may_count(client, scene):
    world, *_ = scene
    login(client, world["officer"])
    areas = [{"kind": "circle", "center_latitude": 16.2, "center_longitude": -98.8, "radius_km": 100}]
    assert client.post(reverse("crises:preview_count"), {"areas_json": json.dumps(areas)}).json() == {"count": 1}


def test_consulate_sets_its_alert_level_and_others_cannot(client, scene):
    world, crisis, *_ = scene
    login(client, world["officer"])
    client.post(reverse("crises:alert_level", args=[crisis.pk]), {"level": "2", "note": "Evite la costa"})
    login(client, world["officer"])
    client.post(reverse("crises:alert_level", args=[crisis.pk]), {"level": "3"})
    assert list(ConsularAlertLevel.objects.values_list("level", flat=True)) == [3, 2]  # history kept
    login(client, world["ngo_worker"])
    assert client.post(reverse("crises:alert_level", args=[crisis.pk]), {"level": "4"}).status_code == 403


def test_dashboard_chart_after_someone_is_accounted_for(client, scene):
    world, crisis, own, theirs = scene
    update_welfare(actor=SYSTEM, crisis=crisis, person=own, status="safe", source="staff")
    login(client, world["officer"])
    html = client.get(reverse("crises:crisis_detail", args=[crisis.pk])).content.decode()
    assert "<polyline" in html


def test_recompute_adds_people_who_moved_in(client, scene, make_person):
    world, crisis, own, theirs = scene
    newcomer = make_person(world["consulate"], given_names="Recién", latitude=16.25, longitude=-98.75, country="MX")
    login(client, world["officer"])
    assert client.post(reverse("crises:recompute", args=[crisis.pk])).status_code == 302
    assert WelfareStatus.objects.filter(crisis=crisis, person=newcomer, in_area=True).exists()
    login(client, world["ngo_worker"])
    assert client.post(reverse("crises:recompute", args=[crisis.pk])).status_code == 403


def test_counts_export_has_hxl_tags_and_suppresses_small_cells(client, scene):
    world, crisis, *_ = scene
    login(client, world["civil"])
    lines = client.get(reverse("crises:counts_export", args=[crisis.pk])).content.decode().splitlines()
    assert lines[1].startswith("#country+code,#adm1+code,#group+nationality+code,#affected")
    assert sorted(lines[2:]) == ["MX,MX-GRO,GT,<5,0,0,0,0", "MX,MX-GRO,HN,<5,0,0,0,0"]
    login(client, world["ngo_worker"])
    assert client.get(reverse("crises:counts_export", args=[crisis.pk])).content.decode().count("\n") == 2


@pytest.mark.parametrize("language", ["es", "en", "fr", "ht", "pt"])
def test_the_computed_at_line_never_ends_in_a_double_period(client, scene, settings, language):
    world, crisis, *_ = scene
    assert Crisis.objects.get(pk=crisis.pk).affected_computed_at is not None
    login(client, world["officer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("crises:crisis_detail", args=[crisis.pk])).content.decode()
    line = re.search(r'<p class="muted small">([^<]*)</p>', page).group(1)
    assert re.search(r"\d\d", line), line  # the time is there
    assert ".." not in line, line
