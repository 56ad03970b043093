"""In Chromium: a consular officer updates a person's location by typing a town's name without
accents, chooses it from the list with the keyboard, and the form records the town with its state,
country and a town-centre position (no latitude typed)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_town_chosen_by_name_fills_the_place_and_its_position(
    page, live_server, make_org, make_user, make_person, output_dir
):
    consulate = make_org("gt-consulate", kind="consulate", name="Consulado de Guatemala")
    make_user(consulate, "consular_officer", username="lucia", first_name="Lucía")
    person = make_person(consulate, given_names="Rosa", first_surname="Tum")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "lucia")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/home/")
    page.goto(f"{live_server.url}/registry/people/{person.pk}/")
    page.click("summary:has-text('location'), summary:has-text('ubicación')")

    box = page.locator("#id_municipality-search")
    box.fill("tapachula")
    page.wait_for_selector("#id_municipality-list li[role=option]")
    assert "Chiapas" in page.locator("#id_municipality-list li").first.inner_text()
    box.press("Enter")
    assert page.locator("#id_municipality").input_value() == "Tapachula"
    assert page.locator("#id_subdivision").input_value() == "MX-CHP"
    assert page.locator("#id_subdivision-search").input_value() == "Chiapas"  # names shown, codes posted
    assert page.locator("#id_country").input_value() == "MX"
    assert abs(float(page.locator("#id_latitude").input_value()) - 14.9) < 0.1
    assert page.locator("#id_precision_m").input_value() == "5000"
    page.screenshot(path=str(output_dir / "location-picker.png"), full_page=True)
    page.click("form[action$='/location/'] button[type=submit]")
    page.wait_for_load_state()

    person.refresh_from_db()
    assert (person.municipality, person.subdivision, person.country) == ("Tapachula", "MX-CHP", "MX")
    assert abs(person.latitude - 14.9) < 0.1 and abs(person.longitude + 92.26) < 0.1
