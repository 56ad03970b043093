"""In Chromium: an officer writes a template and sees the checks update as they type (SMS
encoding and segments, a placeholder missing in one language), then prepares a broadcast with
it, reads the preview and confirms it — the confirmation dialog says a second person must
approve, and nothing is queued until then."""

import pytest
from playwright.sync_api import expect

from amparo.messaging.models import Broadcast, Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_template_checks_live_then_preview_and_confirm(
    page, live_server, officer, consulate, twilio_sms, migrant, output_dir
):
    migrant(phone="+525512340001", language="es")
    page.goto(f"{live_server.url}/")
    page.select_option("#language-select", "en")
    page.wait_for_selector("#id_username")
    page.fill("#id_username", "lucia")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/messaging/templates/new/?purpose=checkin")
    page.fill("#id_name", "Sismo")
    page.fill("#id_body_es", "{given_name}, ¿está a salvo? Responda 1 o 2: {checkin_link}")
    page.fill("#id_body_en", "{given_name}, are you safe? Reply 1 or 2.")
    english = page.locator("#check-table tr[data-language=en]")
    expect(english).to_contain_text("{checkin_link}")  # missing in English, used in Spanish
    expect(english).to_contain_text("GSM-7")
    spanish = page.locator("#check-table tr[data-language=es]")
    expect(spanish).to_contain_text("GSM-7")  # written without the accents GSM-7 lacks, by default
    expect(spanish).to_contain_text("2 with every accent kept")
    page.select_option("#id_sms_alphabet", "unicode")
    expect(spanish).to_contain_text("UCS-2")
    page.select_option("#id_sms_alphabet", "auto")
    expect(spanish).to_contain_text("GSM-7")
    expect(page.locator("#check-table tr[data-language=fr]")).to_contain_text("no text")
    page.screenshot(path=str(output_dir / "template-editor.png"), full_page=True)
    page.fill("#id_body_en", "{given_name}, are you safe? Reply 1 or 2, or open {checkin_link}")
    expect(english).not_to_contain_text("missing")
    page.click("#template-form button[type=submit]")
    expect(page.locator("body")).to_contain_text("Template saved.")

    page.goto(f"{live_server.url}/messaging/broadcasts/new/")
    page.fill("#id_title", "Sismo Oaxaca")
    page.select_option("#id_template", label="Sismo (Check-in (are you safe?))")
    page.check("#id_requires_approval")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("#reachable")).to_have_text("1")
    expect(page.locator("#preview-channels")).to_have_text("SMS: 1")
    expect(page.locator("pre[data-language=es]")).to_contain_text("¿está a salvo?")
    expect(page.locator("pre.sms-text")).to_contain_text("¿esta a salvo?")
    expect(page.locator("#sms-cost tr[data-language=es] .sms-parts")).to_have_text("1")
    page.screenshot(path=str(output_dir / "preview.png"), full_page=True)
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.click("#confirm")
    expect(page.locator("#broadcast-status")).to_have_text("Awaiting approval")
    assert "second person" in dialogs[0]
    assert Broadcast.objects.get(title="Sismo Oaxaca").status == "awaiting_approval"
    assert not Message.objects.exists()
