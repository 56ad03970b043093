"""The directory as data, per country (issue 14): every profile of DOMAIN.md has a pathway in each
of the nine countries, or an explicit "no pathway: contact X"; pathway and step names in five
languages; the main competent authorities cite their source; loading twice changes nothing; the
demo providers are flagged as demo."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from amparo.accounts.codes import Role
from amparo.accounts.models import AuditEvent, Organization
from amparo.core.gazetteer import REGION
from amparo.protection import directory, queries, services
from amparo.protection.codes import Decision, ServiceKind
from amparo.protection.models import CountryDirectory, DirectoryReview, Profile, ReferralPathway, Service

pytestmark = pytest.mark.django_db

OTHER_LANGUAGES = ("es", "fr", "ht", "pt")


@pytest.fixture(autouse=True)
def english(client):
    """The pages' assertions read the English wording; Spanish is the default language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.mark.parametrize("country", REGION)
def test_every_profile_has_a_pathway_or_a_contact(country):
    contacts = CountryDirectory.objects.get(country=country).contacts
    for profile in Profile.objects.filter(is_active=True):
        pathway = queries.pathway_for(profile, country)
        if pathway is None:
            assert contacts[profile.code]["name"], (country, profile.code)
            continue
        steps = list(pathway.steps.all())
        assert steps, (country, profile.code)
        for step in steps:
            assert step.authority and step.service_kind in ServiceKind.values
            assert all(step.translations[lang]["name"] for lang in OTHER_LANGUAGES)
        assert all(pathway.translations[lang]["name"] for lang in OTHER_LANGUAGES)
        assert all(pathway.translations[lang]["legal_note"] for lang in OTHER_LANGUAGES)


@pytest.mark.parametrize("country", REGION)
def test_the_main_authorities_cite_their_source(country):
    authorities = CountryDirectory.objects.get(country=country).authorities
    for purpose in ("child_protection", "asylum_procedure", "anti_trafficking"):
        assert authorities[purpose]["source"].startswith(("https://", "http://")), (country, purpose)


def test_nine_countries_thirteen_profiles():
    assert Profile.objects.filter(is_active=True).count() == 13
    national = ReferralPathway.objects.filter(subdivision="", is_active=True)
    assert set(national.values_list("country", flat=True)) == set(REGION)
    # Nicaragua says it has no safe pathway for LGBTIQ+ people: the contact is named instead.
    assert national.count() == 9 * 13 - 1
    assert CountryDirectory.objects.get(country="NI").contacts["lgbtiq"]["name"].startswith("ACNUR")


def test_loading_twice_changes_nothing():
    first = directory.load(demo=True)
    assert first["providers"] > 40 and first["services"] > 60
    before = list(ReferralPathway.objects.values_list("pk", "name", "legal_note"))
    steps = list(ReferralPathway.objects.values_list("steps__pk", flat=True))
    second = directory.load(demo=True)
    assert not any(second[k] for k in ("pathways", "pathways_updated", "steps", "providers", "services"))
    assert list(ReferralPathway.objects.values_list("pk", "name", "legal_note")) == before
    assert list(ReferralPathway.objects.values_list("steps__pk", flat=True)) == steps


def test_load_directory_command_is_idempotent_and_audited(settings):
    settings.DEBUG = True
    call_command("load_directory", "--demo", "--country", "CR", stdout=io.StringIO())
    assert Organization.objects.filter(slug="cr-albergue-paso-canoas", is_demo=True).exists()
    events = AuditEvent.objects.filter(actor_label="cli:load-directory").count()
    assert events == 1
    call_command("load_directory", "--demo", "--country", "CR", stdout=io.StringIO())
    assert AuditEvent.objects.filter(actor_label="cli:load-directory").count() == events  # nothing changed


def test_demo_providers_are_flagged_and_placed_in_their_country():
    directory.load(demo=True)
    providers = Organization.objects.filter(services__isnull=False).distinct()
    assert providers.count() > 40 and not providers.filter(is_demo=False).exists()
    for service in Service.objects.select_related("provider"):
        assert service.country == service.provider.country
        assert service.latitude is not None and service.longitude is not None
    places = set(Service.objects.values_list("municipality", flat=True))
    for town in ("Tapachula", "Tenosique", "Ciudad de Guatemala", "Ciudad Tecún Umán", "San Pedro Sula",
                 "Ciudad Choluteca", "San Salvador", "Managua", "San José", "Paso Canoas", "Lajas Blancas",
                 "Ciudad de Panamá", "Belmopan", "Santo Domingo"):  # fmt: skip
        assert town in places, town


def test_a_profile_without_a_pathway_names_whom_to_contact(make_org, make_user, make_person, client):
    ngo = make_org("ngo-ni", country="NI")
    worker = make_user(ngo, Role.CASE_WORKER)
    person = make_person(ngo, country="NI", subdivision="NI-MN", municipality="Managua")
    screening = services.screen_person(actor=worker, person=person, answers={"lgbtiq_violence": "yes"})
    services.decide_suggestion(
        actor=worker, suggestion=screening.suggestions.get(profile__code="lgbtiq"), decision=Decision.CONFIRMED
    )
    assert queries.proposals_for(screening) == []
    [gap] = queries.no_pathway_for(screening)
    assert gap.profile.code == "lgbtiq" and gap.contact["name"].startswith("ACNUR")
    client.force_login(worker)
    body = client.get(reverse("protection:screening_detail", args=[screening.pk])).content.decode()
    assert 'class="card notice warn no-pathway" data-profile="lgbtiq"' in body
    assert "ACNUR / UNHCR" in body
    assert "Confirm a profile to see its referral pathway" not in body


def test_the_page_no_longer_asks_to_confirm_a_confirmed_profile(make_org, make_user, make_person, client):
    ngo = make_org("ngo-us", country="US")
    worker = make_user(ngo, Role.CASE_WORKER)
    person = make_person(ngo, country="US")
    screening = services.screen_person(actor=worker, person=person, answers={"fears_return": "yes"})
    services.decide_suggestion(actor=worker, suggestion=screening.suggestions.get(), decision=Decision.CONFIRMED)
    client.force_login(worker)
    body = client.get(reverse("protection:screening_detail", args=[screening.pk])).content.decode()
    assert "Confirm a profile to see its referral pathway" not in body
    assert "no directory for this country" in body


def test_country_pages_and_review_by_an_administrator_of_that_country(make_org, make_user, client):
    cr_org = make_org("ngo-cr", country="CR")
    admin = make_user(cr_org, Role.ORG_ADMIN, username="admin-cr")
    client.force_login(admin)
    listing = client.get(reverse("protection:directory_countries")).content.decode()
    assert 'data-country="PA"' in listing and "not reviewed" in listing
    ni = listing[listing.index('data-country="NI"') :]
    assert '<td class="pathway-count">12</td>' in ni[:600] and '<td class="gap-count">1</td>' in ni[:600]
    page = client.get(reverse("protection:directory_country", args=["CR"])).content.decode()
    assert "PANI" in page and "I checked these pathways and authorities" in page
    client.post(reverse("protection:directory_review", args=["CR"]), {"note": "verificado con PANI"})
    review = DirectoryReview.objects.get()
    cr = CountryDirectory.objects.get(country="CR")
    assert review.reviewed_by == admin and review.organization == cr_org and review.data_digest == cr.data_digest
    assert cr.reviewed_by_label == "admin-cr" and cr.review_is_current
    assert AuditEvent.objects.filter(object_type="protection.countrydirectory", summary__contains="reviewed").exists()
    # A change of the data makes the review out of date.
    CountryDirectory.objects.filter(pk=cr.pk).update(data_digest="changed")
    assert not CountryDirectory.objects.get(pk=cr.pk).review_is_current


def test_only_an_administrator_of_that_country_reviews(make_org, make_user, client):
    pa_admin = make_user(make_org("ngo-pa", country="PA"), Role.ORG_ADMIN)
    cr_worker = make_user(make_org("ngo-cr2", country="CR"), Role.CASE_WORKER)
    for user in (pa_admin, cr_worker):
        client.force_login(user)
        assert client.get(reverse("protection:directory_country", args=["CR"])).status_code == 200
        client.post(reverse("protection:directory_review", args=["CR"]))
    assert not DirectoryReview.objects.exists()
    client.logout()
    assert client.get(reverse("protection:directory_countries")).status_code == 302
    client.force_login(make_user(None))
    assert client.get(reverse("protection:directory_countries")).status_code == 403
    assert client.get(reverse("protection:directory_country", args=["CR"])).status_code == 403
