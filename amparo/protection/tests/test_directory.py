"""The service directory: search by need and geodesic distance, eligibility, live capacity that
only the provider's own staff update (HTMX), and `nearest_services` for other apps."""

import pytest
from django.urls import reverse

from amparo.accounts.codes import Role
from amparo.accounts.models import AuditEvent
from amparo.protection.codes import ServiceKind
from amparo.protection.models import Service
from amparo.protection.queries import distance_km, eligible, nearest_services, search_services

pytestmark = pytest.mark.django_db

TAPACHULA = (14.9060, -92.2630)


@pytest.fixture
def shelters(make_org):
    def shelter(name, lat, lon, free, **kw):
        return Service.objects.create(
            provider=make_org(kind="shelter"),
            kind=ServiceKind.SHELTER,
            name=name,
            country="MX",
            latitude=lat,
            longitude=lon,
            capacity_total=30,
            capacity_free=free,
            **kw,
        )

    return {
        "near": shelter("Belén", 14.9060, -92.2630, 4),
        "full": shelter("Full house", 14.9100, -92.2600, 0),
        "mid": shelter("Huixtla", 15.1390, -92.4650, 10),
        "far": shelter("Acapulco", 16.8530, -99.8230, 12),
        "women": shelter("Casa de la Mujer", 14.95, -92.25, 8, sexes=["female"]),
    }


def test_geodesic_distance_matches_a_known_figure():
    # One degree of latitude from the equator is 110.574 km on WGS84 (a sphere says 111.195 km).
    assert round(distance_km(0.0, 0.0, 1.0, 0.0), 3) == 110.574


def test_nearest_shelters_with_free_places_first(shelters):
    names = [s["name"] for s in nearest_services("shelter", *TAPACHULA, limit=3)]
    assert names == ["Belén", "Casa de la Mujer", "Huixtla"]  # the full one is skipped
    first = nearest_services("shelter", *TAPACHULA, limit=1)[0]
    assert first["distance_km"] == 0.0 and first["capacity_free"] == 4


def test_search_within_a_radius_and_by_eligibility(shelters):
    within = {f.service.name for f in search_services(kind="shelter", lat=TAPACHULA[0], lon=TAPACHULA[1], radius_km=50)}
    assert within == {"Belén", "Full house", "Huixtla", "Casa de la Mujer"}
    for_men = {f.service.name for f in search_services(kind="shelter", sex="male")}
    assert "Casa de la Mujer" not in for_men and "Belén" in for_men
    assert eligible(shelters["women"], sex="unknown")  # an unknown fact never excludes


def test_directory_page_and_map_for_any_member(client, make_user, make_org, shelters):
    client.force_login(make_user(make_org(), Role.MIGRATION_OFFICER))
    page = client.get(
        reverse("protection:directory"), {"kind": "shelter", "lat": 14.906, "lon": -92.263, "radius_km": 50}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert body.index("Belén") < body.index("Huixtla") and "Acapulco" not in body
    geo = client.get(reverse("protection:directory_geojson"), {"kind": "shelter"}).json()
    assert len(geo["features"]) == 5
    bad = client.get(reverse("protection:directory"), {"lat": 14.9})
    assert "Give both latitude and longitude" in bad.content.decode() or "latitud" in bad.content.decode()


def test_anonymous_and_memberless_users_get_nothing(client, make_user, shelters):
    assert client.get(reverse("protection:directory")).status_code == 302
    client.force_login(make_user(None))
    assert client.get(reverse("protection:directory")).status_code == 403
    assert client.get(reverse("protection:directory_geojson")).status_code == 403


def test_provider_staff_update_their_own_capacity_with_htmx(client, shelter_staff, shelter_service):
    client.force_login(shelter_staff)
    response = client.post(
        reverse("protection:capacity_update", args=[shelter_service.pk]),
        {"capacity_free": "2", "capacity_total": "40"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and 'id="capacity-' in response.content.decode()
    shelter_service.refresh_from_db()
    assert shelter_service.capacity_free == 2 and shelter_service.capacity_updated_by_label == "rosa"
    assert AuditEvent.objects.filter(object_type="protection.service", action="update").exists()
    too_many = client.post(
        reverse("protection:capacity_update", args=[shelter_service.pk]),
        {"capacity_free": "41", "capacity_total": "40"},
        HTTP_HX_REQUEST="true",
    )
    assert "between 0 and 40" in too_many.content.decode() or "entre 0 y 40" in too_many.content.decode()
    shelter_service.refresh_from_db()
    assert shelter_service.capacity_free == 2


def test_other_organizations_cannot_update_capacity(client, caseworker, shelter_service):
    client.force_login(caseworker)
    url = reverse("protection:capacity_update", args=[shelter_service.pk])
    assert client.post(url, {"capacity_free": "0"}).status_code == 403
    shelter_service.refresh_from_db()
    assert shelter_service.capacity_free == 5


def test_api_search(client, caseworker, shelters):
    client.force_login(caseworker)
    rows = client.get("/api/protection/services", {"kind": "shelter", "lat": 14.906, "lon": -92.263, "limit": 2}).json()
    assert [r["name"] for r in rows] == ["Belén", "Full house"]
    assert client.get("/api/protection/services", {"lat": 14.9}).status_code == 422


def test_nearest_services_is_exact_whatever_the_distance(shelters):
    # From Acapulco the only shelter nearby is Acapulco itself; the next ones are ~900 km away.
    names = [s["name"] for s in nearest_services("shelter", 16.85, -99.82, limit=3)]
    assert names == ["Acapulco", "Huixtla", "Belén"]
    # From Madrid every shelter is outside the search rings: the answer is still the true nearest.
    open_shelters = [s for s in shelters.values() if s.capacity_free]
    truth = min(open_shelters, key=lambda s: distance_km(40.0, -3.7, s.latitude, s.longitude))
    assert nearest_services("shelter", 40.0, -3.7, limit=1)[0]["name"] == truth.name
