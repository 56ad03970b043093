"""In Chromium, on a phone-sized screen: a shelter worker finds a person as they type (any word
order, no accents), opens the record and records a consent."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_live_search_and_consent_on_a_phone(page, live_server, shelter, shelter_user, make_person, output_dir):
    make_person(shelter, given_names="María José", first_surname="López", nationality="GT", country="MX")
    make_person(shelter, given_names="José", first_surname="Hernández", nationality="HN")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    page.select_option("#language-select", "en")
    page.wait_for_selector("#id_username")
    page.fill("#id_username", "tomas")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/registry/people/")
    page.fill("#id_q", "lopez mari")
    expect(page.locator("#results")).not_to_contain_text("Hernández")
    assert page.locator("#results >> text=María José López").is_visible()
    page.screenshot(path=str(output_dir / "search-phone.png"), full_page=True)
    page.click("#results >> text=María José López")
    page.wait_for_selector("h1:has-text('María José López')")
    page.click("#consent summary")
    page.select_option("#consent select[name=purpose]", "crisis_alerts")
    page.select_option("#consent select[name=given]", "yes")
    page.select_option("#consent select[name=method]", "verbal")
    page.click("#consent button:has-text('Record')")
    page.wait_for_selector("text=Consent recorded.")
    assert page.locator("#consent li").first.inner_text().startswith("Crisis alerts")
    page.screenshot(path=str(output_dir / "detail-phone.png"), full_page=True)
