"""In Chromium: a consular officer draws a circle and a polygon on the map, sees how many people
are affected, opens the crisis and finds them on the dashboard."""

import pytest

from amparo.accounts.codes import OrganizationKind
from amparo.crises.models import Crisis

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def click_at(page, lat, lon):
    box = page.locator("#draw-map").bounding_box()
    point = page.evaluate(f"() => document.getElementById('draw-map').amparoMap.latLngToContainerPoint([{lat}, {lon}])")
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_officer_draws_an_area_and_sees_the_affected_count(
    page, live_server, make_org, make_user, make_person, output_dir
):
    consulate = make_org(
        "gt-consulate-mexico-city", kind=OrganizationKind.CONSULATE, served_nationality="GT", jurisdiction_country="MX"
    )
    make_user(consulate, "consular_officer", username="lucia")
    for i, (lat, lon) in enumerate([(16.3, -98.8), (16.5, -98.6), (16.1, -99.1), (19.43, -99.13)]):
        make_person(consulate, given_names=f"Persona {i}", latitude=lat, longitude=lon, country="MX")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "lucia")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/crises/new/")
    page.wait_for_selector("#draw-map.map-ready")
    page.fill("#id_name", "Sismo M8 costa de Guerrero")
    page.select_option("#id_kind", "earthquake")

    page.click("[data-draw=circle]")
    click_at(page, 16.2, -98.8)
    click_at(page, 16.2, -97.85)  # ~100 km east
    page.wait_for_selector("#preview-count[data-count='3']")
    assert "3" in page.locator("#preview-count").inner_text()

    page.click("[data-draw=polygon]")
    for lat, lon in [(19.2, -99.4), (19.2, -98.9), (19.7, -98.9), (19.7, -99.4)]:
        click_at(page, lat, lon)
    page.click("[data-draw=finish]")
    page.wait_for_selector("#preview-count[data-count='4']")
    page.screenshot(path=str(output_dir / "draw.png"), full_page=True)

    page.click("button[type=submit]:has-text('Open the crisis')")
    page.wait_for_selector("[data-count=affected]")
    assert page.locator("[data-count=affected]").inner_text().strip() == "4"
    # the map asks the server for the people in view: four sparse people, each a point
    page.wait_for_selector("#crisis-map[data-total='4']", state="attached")
    assert page.locator("#crisis-map").get_attribute("data-point-count") == "4"
    page.screenshot(path=str(output_dir / "dashboard.png"), full_page=True)
    crisis = Crisis.objects.get()
    assert sorted(crisis.areas.values_list("kind", flat=True)) == ["circle", "polygon"]
