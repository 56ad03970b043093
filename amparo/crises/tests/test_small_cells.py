"""Small-cell suppression on every surface that shows crisis counts (accounts/disclosure.py): an
analyst (counts only) reads 1 to 4 as "<5" on the dashboard, in the API and in the counts export;
the consular officer who sees the same people by name reads the exact figures."""

import pytest
from django.urls import reverse

from amparo.accounts.models import APIToken
from amparo.crises.tests.conftest import circle


@pytest.fixture
def three_affected(world, make_person, make_crisis):
    at = {"latitude": 16.3, "longitude": -98.8, "country": "MX", "subdivision": "MX-GRO"}
    for name in ("Ana", "Berta", "Carla"):
        make_person(world["consulate"], given_names=name, **at)
    return world, make_crisis(circle(16.2, -98.8, 100))


def _bearer(user) -> dict:
    _token, raw = APIToken.objects.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _cells(html: str) -> list[str]:
    import re

    return re.findall(r'data-count="affected">([^<]*)<', html)


def test_dashboard_suppresses_small_counts_for_an_analyst_only(client, three_affected):
    world, crisis = three_affected
    url = reverse("crises:crisis_summary", args=[crisis.pk])
    client.force_login(world["analyst"])
    html = client.get(url).content.decode()
    assert _cells(html) == ["&lt;5"]
    assert "<td>GT</td><td>3</td>" not in html and "&lt;5" in html.split("By nationality")[-1]
    client.force_login(world["officer"])
    assert _cells(client.get(url).content.decode()) == ["3"]


def test_api_counts_suppress_small_counts_for_an_analyst_only(client, three_affected):
    world, crisis = three_affected
    url = f"/api/crises/{crisis.pk}/counts"
    analyst = client.get(url, **_bearer(world["analyst"])).json()
    assert analyst["affected"] == "<5"
    assert analyst["by_status"]["unknown"] == "<5" and analyst["by_status"]["safe"] == 0
    assert analyst["by_nationality"][0]["affected"] == "<5"
    officer = client.get(url, **_bearer(world["officer"])).json()
    assert officer["affected"] == 3 and officer["by_nationality"][0]["affected"] == 3


def test_counts_export_suppresses_small_counts_for_an_analyst(client, three_affected):
    world, crisis = three_affected
    client.force_login(world["analyst"])
    lines = client.get(reverse("crises:counts_export", args=[crisis.pk])).content.decode().splitlines()
    assert lines[2:] == ["MX,MX-GRO,GT,<5,0,0,0,0"]
