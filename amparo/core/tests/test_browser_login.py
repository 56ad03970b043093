"""In Chromium: a consular officer signs in, switches to Spanish and sees the home page."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_consular_officer_signs_in_and_switches_to_spanish(page, live_server, make_org, make_user, output_dir):
    make_user(
        make_org("gt-consulate-mexico-city", kind="consulate", name="Consulado de Guatemala en Mexico City"),
        "consular_officer",
        username="lucia",
        first_name="Lucía",
    )
    page.goto(f"{live_server.url}/")
    page.select_option("#language-select", "en")
    page.wait_for_selector("text=Sign in to Amparo")
    page.fill("#id_username", "lucia")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Welcome, Lucía")
    page.select_option("#language-select", "es")
    page.wait_for_selector("text=Le damos la bienvenida, Lucía")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("text=Cerrar sesión").is_visible()
    page.screenshot(path=str(output_dir / "home-es.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(output_dir / "home-es-phone.png"), full_page=True)
    assert (output_dir / "home-es.png").stat().st_size > 0
