"""In Chromium: the dashboard asks the server for its people layer once on opening, for the view
of the crisis's areas (not first for the default view and again after fitting the areas: at
national scale each answer is up to a few hundred KB on a consulate's slow link; bench/pages)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from amparo.accounts.codes import OrganizationKind
from amparo.crises.services import create_crisis
from amparo.crises.tests.conftest import SYSTEM, polygon

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_people_layer_is_fetched_once_for_the_areas_view(page, live_server, make_org, make_user, make_person):
    consulate = make_org(
        "gt-consulate-mexico-city", kind=OrganizationKind.CONSULATE, served_nationality="GT", jurisdiction_country="MX"
    )
    make_user(consulate, "consular_officer", username="lucia")
    for i, (lat, lon) in enumerate([(16.8, -99.8), (16.9, -99.7), (17.0, -99.9)]):
        make_person(consulate, given_names=f"Persona {i}", latitude=lat, longitude=lon, country="MX")
    # A small area far from the map's default view (16.8, -97.5, zoom 6): fitting it changes the view.
    area = polygon((-100.0, 16.7), (-99.6, 16.7), (-99.6, 17.1), (-100.0, 17.1))
    crisis = create_crisis(actor=SYSTEM, name="Huracán", kind="tropical_cyclone", areas=[area])

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "lucia")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/points.json" in r.url else None)
    page.goto(f"{live_server.url}/crises/{crisis.pk}/")
    page.wait_for_selector("#crisis-map[data-total='3']", state="attached")
    page.wait_for_load_state("networkidle")

    assert len(asked) == 1, asked
    query = parse_qs(urlsplit(asked[0]).query)
    zoom = page.evaluate("() => document.getElementById('crisis-map').amparoMap.getZoom()")
    assert zoom > 6 and query["z"] == [str(zoom)]
    west, south, east, north = map(float, query["bbox"][0].split(","))
    assert west < -100.0 and east > -99.6 and south < 16.7 and north > 17.1
