"""In Chromium: a case worker screens a child travelling alone, confirms the suggested profile and
sends the referral the pathway proposes to the child protection authority, in English, French and
Haitian Creole (issue 14). Every word the test looks for is read from the catalogs in the page's
language, so the walk also proves the screens are in that language."""

import pytest
from django.utils import translation

from amparo.accounts.codes import OrganizationKind, Role
from amparo.protection.codes import Priority, ReferralStatus, ServiceKind
from amparo.protection.defaults import load_defaults
from amparo.protection.models import Profile, Referral, Service
from amparo.registry.models import Consent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "fr", "ht"])
def test_screen_confirm_and_send_the_proposed_referral(
    language, page, live_server, make_org, make_user, make_person, output_dir
):
    def say(text, **values):
        with translation.override(language):
            return str(translation.gettext(text) % values if values else translation.gettext(text))

    load_defaults()
    ngo = make_org("ngo", kind=OrganizationKind.NGO, name="Red Sin Fronteras", country="MX")
    make_user(ngo, Role.CASE_WORKER, username="sofia", first_name="Sofía")
    dif = make_org("dif-guerrero", kind=OrganizationKind.CHILD_PROTECTION, name="DIF Guerrero", country="MX")
    Service.objects.create(
        provider=dif,
        kind=ServiceKind.CHILD_PROTECTION,
        name="Procuraduría de Protección",
        country="MX",
        subdivision="MX-GRO",
        latitude=17.55,
        longitude=-99.50,
    )
    child = make_person(
        ngo,
        given_names="Kevin",
        first_surname="Mejía",
        nationality="HN",
        country="MX",
        subdivision="MX-GRO",
        municipality="Acapulco",
        latitude=16.86,
        longitude=-99.88,
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.select_option("#language-select", language)
    page.wait_for_selector(f"html[lang={language}] #id_username")
    page.fill("#id_username", "sofia")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.get_by_text(say("Welcome, %(name)s", name="Sofía")).wait_for()

    page.goto(f"{live_server.url}/protection/screenings/?q=Kevin")
    page.click(f"a[href='/protection/people/{child.pk}/screen/']")
    page.get_by_text(say("Screening: %(name)s", name="Kevin Mejía")).wait_for()
    page.fill("#id_q_age", "15")
    page.check("input[name=q_without_guardian][value=yes]")
    page.check("input[name=q_fears_return][value=prefers_not]")
    page.screenshot(path=str(output_dir / f"screening-form-{language}.png"), full_page=True)
    page.get_by_role("button", name=say("Save screening")).click()

    suggestion = page.locator("li.suggestion[data-profile=unaccompanied_child]")
    suggestion.wait_for()
    profile = Profile.objects.get(code="unaccompanied_child")
    with translation.override(language):
        assert profile.label in suggestion.inner_text()
        assert page.locator("#screening-priority").inner_text() == str(Priority.CRITICAL.label)
    suggestion.locator("button[value=confirmed]").click()
    page.wait_for_selector("li.suggestion.decision-confirmed")
    page.screenshot(path=str(output_dir / f"screening-confirmed-{language}.png"), full_page=True)

    page.locator("#proposals").get_by_text(say("Prepare referral")).first.click()
    page.wait_for_selector("#referral-form")
    assert page.is_checked("input[name=shared_fields][value=full_name]")
    assert not page.is_checked("input[name=shared_fields][value=phone]")
    page.fill("#id_reason", "Child travelling alone, arrived yesterday.")
    page.select_option("#id_consent_method", "verbal")
    page.get_by_role("button", name=say("Send referral")).click()
    page.wait_for_selector("#referral-status")
    with translation.override(language):
        assert page.locator("#referral-status").inner_text() == str(ReferralStatus.SENT.label)
    page.screenshot(path=str(output_dir / f"referral-sent-{language}.png"), full_page=True)

    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.SENT and referral.to_organization == dif
    assert referral.shared_data["full_name"] == "Kevin Mejía" and referral.shared_data["age"] == 15
    assert Consent.objects.active("referrals").get(person=child).method == "verbal"


def test_directory_map_shows_the_services_found(page, live_server, make_org, make_user, output_dir):
    shelter = make_org("albergue", kind=OrganizationKind.SHELTER, name="Albergue Belén", country="MX")
    make_user(shelter, Role.PROVIDER_STAFF, username="rosa", first_name="Rosa")
    Service.objects.create(
        provider=shelter,
        kind=ServiceKind.SHELTER,
        name="Dormitorio",
        country="MX",
        latitude=14.906,
        longitude=-92.263,
        capacity_total=40,
        capacity_free=5,
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.select_option("#language-select", "en")
    page.wait_for_selector("#id_username")
    page.fill("#id_username", "rosa")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Welcome, Rosa")
    page.goto(f"{live_server.url}/protection/services/?kind=shelter")
    page.wait_for_selector("#directory-map path.service-marker")  # the service's marker
    page.fill("#free-1, input[name=capacity_free]", "3")
    page.locator("#my-services button[type=submit]").first.click()
    page.wait_for_selector("#my-services .badge.ok")
    page.screenshot(path=str(output_dir / "directory.png"), full_page=True)
    assert Service.objects.get().capacity_free == 3
