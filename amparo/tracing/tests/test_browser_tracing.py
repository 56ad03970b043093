"""In Chromium: a consular officer records a family's inquiry; a shelter registers the person and
writes a found-person note; the match appears with its reasons at the shelter (the consulate sees
only that it is being handled); the person is asked and agrees; a message is passed on; the
consulate reads it and closes the inquiry as reunited."""

from __future__ import annotations

from datetime import date

import pytest

from amparo.messaging.models import Channel, Message
from amparo.tracing.codes import TracingState
from amparo.tracing.models import Disclosure, Inquiry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username: str, greeting: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.select_option("#language-select", "en")
    page.wait_for_selector("#id_username")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_selector(f"text=Welcome, {greeting}")


def test_inquiry_to_reunification(page, live_server, world, make_person, output_dir):
    for user, name in ((world.officer, "Lucía"), (world.shelter_worker, "Marta")):
        user.first_name = name
        user.save(update_fields=["first_name"])
    Channel.objects.create(organization=world.shelter, name="SMS", kind="sms", provider="console")

    # At the consulate: the mother calls.
    _login(page, live_server, "officer", "Lucía")
    page.goto(f"{live_server.url}/tracing/")
    page.click("text=Record an inquiry")
    page.fill("#id_given_names", "Chepe")
    page.fill("#id_first_surname", "Hernández")
    page.select_option("#id_sex", "male")
    page.fill("#id_age_min", "25")
    page.fill("#id_age_max", "30")
    page.fill("#id_last_seen_place", "Juchitán")
    page.fill("#id_route", "Tecún Umán\nTapachula\nJuchitán")
    page.fill("#id_inquirer_name", "Rosa Hernández")
    page.fill("#id_inquirer_relationship", "mother")
    page.fill("#id_inquirer_phone", "+50255512345")
    page.check("#id_inquirer_consents_contact")
    page.screenshot(path=str(output_dir / "1-inquiry-form.png"), full_page=True)
    page.click("text=Record the inquiry")
    page.wait_for_selector("#inquiry-state")
    inquiry = Inquiry.objects.get()
    assert page.locator("#inquiry-state").get_attribute("data-state") == "open"

    # At the shelter: José arrives, is registered, and says he is looking for his family.
    jose = make_person(world.shelter, given_names="José", first_surname="Hernández", second_surname="López",
                       sex="male", birth_date=date(1999, 5, 4), country="MX", subdivision="MX-OAX",
                       municipality="Juchitán de Zaragoza", phones=[("+529711234567", False)], languages=["es"])  # fmt: skip
    _login(page, live_server, "shelterworker", "Marta")
    page.goto(f"{live_server.url}/registry/people/{jose.pk}/")
    page.click("#tracing summary")
    page.select_option("#found-note-form select[name=kind]", "looking_for_family")
    page.select_option("#found-note-form select[name=wish]", "ask_me")
    page.fill("#found-note-form input[name=place]", "Albergue Belén, Juchitán")
    page.click("text=Record the note")
    page.wait_for_selector("text=Note recorded")
    page.goto(f"{live_server.url}/tracing/{inquiry.pk}/")
    candidate = page.locator("li.candidate").first
    assert "José Hernández López" in candidate.inner_text()
    assert "'Chepe' is a nickname of 'José'" in candidate.inner_text()
    page.screenshot(path=str(output_dir / "2-match-at-the-shelter.png"), full_page=True)
    page.click("text=Same person: ask them")
    page.wait_for_selector(".consent[data-status=asked]")
    message = Message.objects.get(person=jose)
    assert message.language == "es" and "Rosa" not in message.body

    # José agrees (told to staff); a message is passed on.
    answer = page.locator("form[id^=answer-]")
    answer.locator("input[name$=given][value=yes]").check()
    answer.locator("button[type=submit]").click()
    page.wait_for_selector(".consent[data-status=given]")
    form = page.locator("form[id^=disclose-]")
    form.locator("select").select_option("message")
    form.locator("textarea").fill("José está bien, en el Albergue Belén; llamará el domingo.")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=Passed on to the inquirer (recorded)")
    page.screenshot(path=str(output_dir / "3-consent-and-disclosure.png"), full_page=True)

    # Back at the consulate: the message is there; they meet; the inquiry is closed.
    _login(page, live_server, "officer", "Lucía")
    page.goto(f"{live_server.url}/tracing/{inquiry.pk}/")
    assert page.locator("#inquiry-state").get_attribute("data-state") == "contact_restored"
    assert "llamará el domingo" in page.locator("#disclosures").inner_text()
    assert "Juchitán de Zaragoza" not in page.content()  # the person's record stays with the shelter
    page.select_option("#id_kind", "reunited")
    page.fill("#id_note", "Reunited at the consulate on 3 October.")
    page.click("#closure button[type=submit]")
    page.wait_for_selector("#inquiry-state[data-state=reunited]")
    page.screenshot(path=str(output_dir / "4-reunited.png"), full_page=True)
    inquiry.refresh_from_db()
    assert inquiry.state == TracingState.REUNITED and Disclosure.objects.count() == 1
