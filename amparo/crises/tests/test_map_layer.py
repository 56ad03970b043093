"""The dashboard map's people layer: clusters counted by the server for the view asked."""

import pytest
from django.urls import reverse

from amparo.accounts.models import AuditEvent
from amparo.crises import map_layer
from amparo.crises.services import update_welfare
from amparo.crises.tests.conftest import SYSTEM, circle


@pytest.fixture
def crowd(world, make_org, make_person, make_crisis):
    """30 people of the consulate in Acapulco, 2 in a village 60 km away, and 10 people of a
    shelter (not the consulate's) in Acapulco too."""
    place = {"country": "MX", "subdivision": "MX-GRO"}
    town = [
        make_person(
            world["consulate"], given_names=f"Persona {k}", latitude=16.85 + k * 1e-4, longitude=-99.88, **place
        )
        for k in range(30)
    ]
    village = [
        make_person(world["consulate"], given_names=f"Aldea {k}", latitude=17.3, longitude=-99.6 + k * 1e-3, **place)
        for k in range(2)
    ]
    shelter = make_org("mx-shelter", kind="shelter")
    for k in range(10):
        make_person(shelter, given_names=f"Ajena {k}", nationality="HN", latitude=16.85, longitude=-99.88, **place)
    crisis = make_crisis(circle(16.9, -99.8, 120))
    update_welfare(actor=SYSTEM, crisis=crisis, person=town[0], status="safe", source="staff")
    return world, crisis, town, village


def view(zoom, west=-101.0, south=15.5, east=-98.5, north=18.0):
    return f"?z={zoom}&bbox={west},{south},{east},{north}"


def test_a_crowd_is_one_cluster_counted_by_status_and_a_sparse_place_its_people(client, crowd):
    world, crisis, town, village = crowd
    client.force_login(world["officer"])
    data = client.get(reverse("crises:crisis_points", args=[crisis.pk]) + view(8)).json()
    assert data["total"] == 32  # the shelter's people are not the officer's to see
    [cluster] = data["clusters"]
    lat, lon, count, by_status = cluster
    assert count == 30 and abs(lat - 16.8515) < 0.01 and abs(lon + 99.88) < 1e-6
    assert by_status[data["statuses"].index("safe")] == 1 and by_status[data["statuses"].index("unknown")] == 29
    assert sorted(p[3] for p in data["points"]) == sorted(p.pk for p in village)
    assert AuditEvent.objects.filter(action="view", summary="map of affected people").exists()


def test_zooming_in_far_enough_shows_each_person(client, crowd):
    world, crisis, town, village = crowd
    client.force_login(world["officer"])
    url = reverse("crises:crisis_points", args=[crisis.pk])
    data = client.get(url + view(18, -99.881, 16.849, -99.879, 16.855)).json()
    assert data["total"] == 30 and len(data["points"]) + sum(c[2] for c in data["clusters"]) == 30
    assert len(data["points"]) > 5  # the crowd spreads over several cells at street level


def test_the_payload_is_bounded_by_the_view_not_the_people():
    huge = map_layer.View.parse("18", "-180,-90,180,90")
    size = huge.cell_degrees()
    assert (360 / size) * (180 / size) <= map_layer.MAX_CELLS
    assert map_layer.View.parse("6", "-101,15,-98,18").cell_degrees() == pytest.approx(64 * 360 / (256 * 2**6))


def test_a_bad_view_is_refused_with_a_reason(client, crowd):
    world, crisis, *_ = crowd
    client.force_login(world["officer"])
    url = reverse("crises:crisis_points", args=[crisis.pk])
    for query in ("", "?z=six&bbox=1,2,3,4", "?z=6&bbox=1,2,3", "?z=6&bbox=5,2,5,4", "?z=6&bbox=nan,1,2,3"):
        response = client.get(url + query)
        assert response.status_code == 400 and "bbox" in response.json()["error"], query


def test_another_consulate_sees_none_of_these_people(client, crowd, make_org, make_user):
    world, crisis, *_ = crowd
    other = make_org("hn-consulate", kind="consulate", served_nationality="HN", jurisdiction_country="MX")
    client.force_login(make_user(other, "consular_officer", username="otro"))
    data = client.get(reverse("crises:crisis_points", args=[crisis.pk]) + view(8)).json()
    assert data["total"] == 0 and data["points"] == [] and data["clusters"] == []
