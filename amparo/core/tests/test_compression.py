"""Pages and their JSON are gzipped for a browser that accepts it (a consulate's link is slow:
bench/pages), and sent as they are to a client that does not ask for it; the JSON API never is."""

import gzip
import json

import pytest
from django.urls import reverse

from amparo.protection.codes import ServiceKind
from amparo.protection.models import Service


@pytest.mark.django_db
def test_a_page_is_gzipped_for_a_browser_that_accepts_it(client):
    plain = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
    packed = client.get(reverse("accounts:login"), HTTP_ACCEPT_ENCODING="gzip, deflate, br", HTTP_ACCEPT_LANGUAGE="en")
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content)
    html = gzip.decompress(packed.content).decode()
    assert 'name="username"' in html and "</html>" in html


@pytest.mark.django_db
def test_the_directory_map_geojson_is_gzipped(client, make_org, make_user):
    for n in range(5):
        Service.objects.create(
            provider=make_org(kind="shelter"), kind=ServiceKind.SHELTER, name=f"Albergue {n}", country="MX",
            latitude=14.9 + n / 100, longitude=-92.26, capacity_total=30, capacity_free=4,
        )  # fmt: skip
    client.force_login(make_user(make_org("consulado-gzip"), role="consular_officer", username="gzip-officer"))
    plain = client.get(reverse("protection:directory_geojson"))
    packed = client.get(reverse("protection:directory_geojson"), HTTP_ACCEPT_ENCODING="gzip")
    assert plain.status_code == packed.status_code == 200
    assert packed["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert gzip.decompress(packed.content) == plain.content
    assert len(json.loads(plain.content)["features"]) == 5


@pytest.mark.django_db
def test_the_json_api_is_sent_as_it_is(client):
    response = client.get("/api/openapi.json", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert json.loads(response.content)["openapi"]
