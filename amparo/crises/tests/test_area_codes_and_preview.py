"""Administrative areas name real ISO 3166-2 codes (an unknown one is refused with the codes
meant), and the drawn-area preview shows the count the saved crisis shows (issue 12)."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from amparo.crises import cap, geo
from amparo.crises.models import Crisis
from amparo.crises.services import AreaSpec

CIRCLE = [{"kind": "circle", "center_latitude": 16.2, "center_longitude": -98.8, "radius_km": 100}]


@translation.override("en")
def test_an_unknown_subdivision_code_is_refused_with_the_code_meant():
    with pytest.raises(
        geo.InvalidArea, match=re.escape("GT-GU is not a subdivision code; did you mean GT-01 (Guatemala)?")
    ):
        AreaSpec(kind="administrative", subdivisions=["GT-GU"]).validate()
    with pytest.raises(geo.InvalidArea, match=re.escape("the codes of GT read like GT-01 (Guatemala)")):
        AreaSpec(kind="administrative", subdivisions=["GT-ZZ"]).validate()
    with pytest.raises(geo.InvalidArea, match="Did you mean MX-GRO \\(Guerrero\\)"):
        AreaSpec(kind="administrative", subdivisions=["Guerrero"]).validate()
    AreaSpec(kind="administrative", subdivisions=["GT-01", "mx-gro"]).validate()


def test_the_crisis_form_refuses_an_unknown_code_and_saves_nothing(client, world):
    client.force_login(world["officer"])
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("crises:crisis_create"),
        {
            "name": "Lluvias",
            "kind": "flood",
            "severity": "moderate",
            "phase": "response",
            "started_at": "2026-09-19T18:14",
            "subdivisions": "GT-GU",
        },
    )
    assert response.status_code == 200
    assert "did you mean GT-01 (Guatemala)?" in response.content.decode()
    assert not Crisis.objects.exists()


def test_a_cap_geocode_that_is_no_subdivision_stays_text():
    assert cap.subdivision_from_geocode("ISO3166-2", "GT-GU") == ""
    assert cap.subdivision_from_geocode("ISO3166-2", "GT-01") == "GT-01"


@pytest.fixture
def people(world, make_org, make_person):
    at = {"latitude": 16.3, "longitude": -98.8, "country": "MX", "subdivision": "MX-GRO"}
    shelter = make_org("mx-shelter", kind="shelter")
    make_person(world["consulate"], given_names="Propia", **at)
    make_person(shelter, given_names="Ajena", nationality="HN", **at)
    make_person(shelter, given_names="Otra", nationality="SV", **at)
    make_person(
        shelter,
        given_names="Oaxaca",
        nationality="SV",
        latitude=17.0,
        longitude=-96.7,
        country="MX",
        subdivision="MX-OAX",
    )


def _open(client, **fields):
    data = {
        "name": "Sismo",
        "kind": "earthquake",
        "severity": "extreme",
        "phase": "response",
        "started_at": "2026-09-19T18:14",
        "areas_json": json.dumps(CIRCLE),
        **fields,
    }
    response = client.post(reverse("crises:crisis_create"), data, follow=True)
    crisis = Crisis.objects.get(name="Sismo")
    opened = re.search(r"(\d+) (?:people|person) affected", response.content.decode())
    dashboard = client.get(reverse("crises:crisis_detail", args=[crisis.pk])).context["funnel"]["affected"]
    return int(opened.group(1)), dashboard


@pytest.mark.parametrize("who", ["officer", "civil"])
def test_the_preview_shows_the_count_the_saved_crisis_shows(client, world, people, who):
    """A civil-protection coordinator counts everyone affected in its country (MICIC 4); a
    consulate counts its own people: each sees the same figure before and after saving."""
    client.force_login(world[who])
    client.cookies["django_language"] = "en"
    fields = {"subdivisions": "MX-OAX"}
    preview = client.post(reverse("crises:preview_count"), {"areas_json": json.dumps(CIRCLE), **fields}).json()
    opened, dashboard = _open(client, **fields)
    assert preview["count"] == opened == dashboard
    assert preview["count"] == {"officer": 1, "civil": 4}[who]


def test_an_exercise_box_previews_nobody_outside_a_drill(client, world, people):
    client.force_login(world["officer"])
    preview = client.post(reverse("crises:preview_count"), {"areas_json": json.dumps(CIRCLE), "is_exercise": "1"})
    assert preview.json() == {"count": 0}


def test_the_preview_refuses_an_unknown_code_with_the_reason(client, world):
    client.force_login(world["officer"])
    client.cookies["django_language"] = "en"
    response = client.post(reverse("crises:preview_count"), {"subdivisions": "GT-GU"})
    assert response.status_code == 400 and "did you mean GT-01 (Guatemala)?" in response.json()["error"]
