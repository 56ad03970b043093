"""In Chromium on a phone-sized screen: a person opens their check-in link, says they need help,
shares their location, and their welfare and location are updated."""

import re

import pytest

from amparo.messaging import services
from amparo.messaging.audience import body_to_send
from amparo.messaging.tests.conftest import welfare_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_checkin_page_on_a_phone(
    browser, live_server, officer, consulate, twilio_sms, checkin_template, migrant, crisis, output_dir
):
    from django.core.cache import cache
    from playwright.sync_api import expect

    cache.clear()
    person = migrant(phone="+525512340001", subdivision="MX-GRO", given_names="Jean", language="fr")
    the_crisis = crisis()
    broadcast = services.create_broadcast(
        actor=officer, organization=consulate, title="Otis", template=checkin_template, crisis=the_crisis
    )
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    path = re.search(r"(/messaging/c/[\w-]+/)", body_to_send(broadcast.messages.get())).group(1)

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="fr-FR",
        geolocation={"latitude": 16.8531, "longitude": -99.8237, "accuracy": 30}, permissions=["geolocation"],
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + path)
    page.wait_for_selector("text=Jean, êtes-vous en sécurité ?")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert not page.locator("#help-details").is_visible()  # needs only appear for "I need help"
    page.screenshot(path=str(output_dir / "checkin-phone.png"), full_page=True)
    page.locator("label.answer.help").click()
    assert page.locator("#help-details").is_visible()
    page.locator("input[name=needs][value=shelter]").check()
    page.fill("input[name=people_with]", "3")
    page.click("#share-location")
    expect(page.locator("input[name=latitude]")).not_to_have_value("")
    page.click("#send-answer")
    page.wait_for_selector("#thanks")
    page.screenshot(path=str(output_dir / "checkin-thanks-phone.png"), full_page=True)
    context.close()

    assert errors == []
    welfare = welfare_of(the_crisis, person)
    assert welfare.status == "needs_assistance" and welfare.needs == ["shelter"]
    person.refresh_from_db()
    assert (round(person.latitude, 4), round(person.longitude, 4)) == (16.8531, -99.8237)
    assert person.location_source == "checkin_link"
