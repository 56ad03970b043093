"""In Chromium, in French: a case worker opens a case with the person's consent, records the
assessment, plans an action and refers from it (sent with consent on the referral page), then
closes the case, giving a reason for what stays open and planning the follow-up after closure."""

from datetime import timedelta

import pytest
from django.utils import timezone

from amparo.accounts.codes import OrganizationKind, Role
from amparo.cases.models import Case, FollowUp
from amparo.protection.models import Referral, Service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_from_consent_to_closure_in_french(page, live_server, make_org, make_user, make_person, output_dir):
    ngo = make_org("ngo", kind=OrganizationKind.NGO, name="Red Sin Fronteras", country="MX")
    make_user(ngo, Role.CASE_WORKER, username="sofia", first_name="Sofía")
    shelter = make_org("shelter", kind=OrganizationKind.SHELTER, name="Albergue Belén", country="MX")
    bed = Service.objects.create(
        provider=shelter, kind="shelter", name="Dortoir", country="MX", capacity_total=20, capacity_free=4
    )
    person = make_person(
        ngo, given_names="Jean", first_surname="Baptiste", nationality="CM", country="MX", municipality="Tapachula"
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.select_option("#language-select", "fr")
    page.wait_for_selector("#id_username")
    page.fill("#id_username", "sofia")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Bienvenue, Sofía")

    # Opening: the consent comes first.
    page.goto(f"{live_server.url}/cases/open/{person.pk}/")
    page.wait_for_selector("text=Consentement à la gestion du dossier")
    page.check("input[name=consent][value=yes]")
    page.select_option("#id_consent_method", "written")
    page.screenshot(path=str(output_dir / "consent.png"), full_page=True)
    page.click("#open-case button[type=submit]")
    page.wait_for_selector("#case-stages")
    assert page.locator("#case-stages li.current").inner_text() == "Ouverture"
    assert "Par écrit (formulaire signé)" in page.locator("#case-consent").inner_text()

    # Assessment: needs by domain, risks, strengths.
    page.click("text=Évaluer")
    page.wait_for_selector("#assessment-form")
    page.select_option("#id_need_shelter", "urgent")
    page.fill("#id_need_shelter_note", "Dort dans le parc")
    page.select_option("#id_need_legal", "high")
    page.fill("#id_risks", "Extorsion sur la route")
    page.fill("#id_strengths", "Parle français et anglais")
    page.click("#assessment-form button[type=submit]")
    page.wait_for_selector("#assessment table.needs")
    assert "Urgent (agir maintenant)" in page.locator("#assessment").inner_text()
    assert page.locator("#case-stages li.current").get_attribute("data-step") == "assessment"

    # The plan, and a referral made from its action.
    page.select_option("#id_step", "case_plan")
    page.click("#step-form button[type=submit]")
    page.wait_for_selector("#case-stages li.current[data-step=case_plan]")
    page.fill("#id_description", "Place en foyer pour ce soir")
    page.click("#action-form button[type=submit]")
    page.wait_for_selector(".refer-form")
    page.locator(".refer-form select").select_option(str(bed.pk))
    page.locator(".refer-form input[name=reason]").fill("Dort dehors depuis trois jours")
    page.locator(".refer-form button[type=submit]").click()
    page.wait_for_selector("#referral-status")
    page.select_option("#id_consent_method", "verbal")
    page.locator("form[action$='/send/'] button[type=submit]").click()
    page.wait_for_selector("#referral-status.status-sent")
    referral = Referral.objects.get()
    page.screenshot(path=str(output_dir / "referral.png"), full_page=True)

    # Closure: the open action and the sent referral each need a reason; the follow-up is planned.
    case = Case.objects.get()
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert referral.reference in page.locator("#referrals").inner_text()
    page.select_option("#id_close-reason", "goals_met")
    page.click("#close-form button[type=submit]")
    page.wait_for_selector(".messages [role=alert]")
    assert "Encore ouvert" in page.locator(".messages").inner_text()
    action = case.actions.get()
    page.select_option("#id_close-reason", "goals_met")
    page.fill(f"input[name=close-open_action_{action.pk}]", "Le foyer s'en charge")
    page.fill(f"input[name=close-open_referral_{referral.pk}]", "Le foyer continue l'accueil")
    page.fill("#id_close-skip_reason", "Logé et en règle en une semaine")
    page.fill("#id_close-follow_up_date", (timezone.localdate() + timedelta(days=30)).isoformat())
    page.select_option("#id_close-follow_up_kind", "visit")
    page.click("#close-form button[type=submit]")
    page.wait_for_load_state()
    page.screenshot(path=str(output_dir / "after-close.png"), full_page=True)
    messages = page.locator(".messages")
    assert not messages.count() or "Encore" not in messages.inner_text(), messages.inner_text()
    page.wait_for_selector("#case-stages li.current[data-step=follow_up]")
    page.screenshot(path=str(output_dir / "closed.png"), full_page=True)
    assert page.locator("#case-stages li[data-step=closure]").inner_text() == "Clôture"
    assert "Suivi" in page.locator("#case-stages li.current").inner_text()

    case.refresh_from_db()
    assert not case.is_open and case.closure_reason == "goals_met"
    assert FollowUp.objects.get(case=case).after_closure
    assert Referral.objects.get().status == "sent"  # the shelter's process continues
