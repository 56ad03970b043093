"""In Chromium, an accelerated drill for a consulate: the facilitator prepares it from a script,
starts it and joins it; the alert draws the area; she sends a check-in to the drill's crisis;
simulated people answer; she triages a help request from the inbox; a referral is made; she
leaves the drill, finishes it and reads the report."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from amparo.drills import services
from amparo.drills.models import Drill
from amparo.drills.tests.conftest import SCRIPT
from amparo.messaging import defaults, dispatch
from amparo.messaging.models import InboundMessage, Template, TemplateVariant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_accelerated_drill_for_a_consulate(page, live_server, world, output_dir):
    page.goto(f"{live_server.url}/")
    page.select_option("#language-select", "en")
    page.fill("#id_username", "lucia")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")

    # Earlier live-server tests flush the database, taking the migration-seeded default texts with it.
    defaults.seed(Template, TemplateVariant)

    # Prepare and start.
    page.goto(f"{live_server.url}/drills/")
    page.fill("#id_script", SCRIPT)
    page.fill("#id_name", "Sismo Acapulco (práctica)")
    page.select_option("#id_speed", "600")
    page.click("button:has-text('Prepare')")
    expect(page.locator("h1")).to_have_text("Sismo Acapulco (práctica)")
    drill = Drill.objects.get(name="Sismo Acapulco (práctica)")
    page.click("button:has-text('Start')")
    expect(page.locator("#live")).to_contain_text("Running")
    services.tick(drill)  # the worker's heartbeat: the alert (0:00) draws the area
    drill.refresh_from_db()
    assert drill.crisis is not None
    page.click("button:has-text('Join the drill')")
    expect(page.locator(".drill-banner")).to_contain_text("EXERCISE")

    # Inside: a check-in to the drill's crisis; the real person never appears.
    page.goto(f"{live_server.url}/messaging/broadcasts/new/")
    page.fill("#id_title", "¿Está a salvo?")
    page.select_option("#id_crisis", str(drill.crisis_id))
    checkin = Template.objects.filter(organization__isnull=True, purpose="checkin").first()
    page.select_option("#id_template", str(checkin.pk))  # by id: the label is in the page's language
    page.locator("form.card button[type=submit]").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#confirm")
    dispatch.run(budget_s=30)
    services.tick(drill, now=timezone.now() + timedelta(minutes=10))  # ×600: hours of drill time
    assert InboundMessage.objects.filter(organization=drill.exercise_organization).exists()

    # Triage: the inbox holds what the reader could not decide; she handles one.
    page.goto(f"{live_server.url}/messaging/inbox/")
    page.screenshot(path=str(output_dir / "drill-inbox.png"), full_page=True)
    waiting = InboundMessage.objects.filter(organization=drill.exercise_organization, status="needs_review",
                                            person__isnull=False, crisis__isnull=False).first()  # fmt: skip
    if waiting is not None:
        page.goto(f"{live_server.url}/messaging/inbox/{waiting.pk}/")
        page.select_option("form.stacked select[name=status]", "needs_assistance")
        page.fill("form.stacked textarea[name=note]", "Llamamos: necesita albergue")
        page.click("form.stacked button[type=submit]")
        expect(page.locator("body")).to_contain_text("Handled")
    assert "Real Persona" not in page.content()

    # A referral for one who asked for help (through the protection service the pages call).
    from amparo.crises.models import WelfareStatus
    from amparo.drills.tests.conftest import inside
    from amparo.protection.models import Referral
    from amparo.registry.services import record_consent

    helped = (
        WelfareStatus.objects.filter(crisis=drill.crisis, status="needs_assistance").select_related("person").first()
    )
    if helped is not None:
        officer = inside(world["facilitator"], drill)
        consent = record_consent(actor=officer, person=helped.person, purpose="referrals", given=True, method="verbal")
        Referral.objects.create(person=helped.person, from_organization=drill.exercise_organization,
                                to_organization=world["other"], created_by_label="lucia", service_kind="shelter",
                                response_hours=24, status="sent", sent_at=timezone.now(), consent=consent)  # fmt: skip

    # Leave, finish, read the report.
    page.screenshot(path=str(output_dir / "drill-before-leaving.png"), full_page=True)
    page.click(".drill-banner button:has-text('Leave the drill')")
    expect(page.locator(".drill-banner")).to_have_count(0)
    page.goto(f"{live_server.url}/drills/{drill.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Finish')")
    expect(page.locator("#live")).to_contain_text("Finished")
    page.click("text=After-action report")
    expect(page.locator("h1")).to_have_text("After-action report")
    expect(page.locator("body")).to_contain_text("People affected")
    page.screenshot(path=str(output_dir / "drill-report.png"), full_page=True)
    drill.refresh_from_db()
    assert drill.figures["messages"] > 0 and drill.figures["replies"] > 0
    assert drill.figures["first_checkin_after"] is not None
    assert [p["actor"] for p in drill.figures["participants"]] == ["lucia"]
