"""Every public page: five languages, no JavaScript needed, nothing from outside the server,
no personal data in a URL, and light (≤ 50 KB with its CSS and JS, compressed)."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from amparo.portal import services
from amparo.protection.models import Service

LANGS = ["es", "en", "fr", "ht", "pt"]
# A phrase of each page in each language, so a missing translation (which would fall back to
# another language) fails here.
HOME_PHRASE = {"es": "Mis datos", "en": "My data", "fr": "Mes données", "ht": "Done m", "pt": "Meus dados"}


@pytest.fixture
def content(world):
    page = services.create_page(actor=world["officer"], organization=world["consulate"], country="MX", topic="rights")
    versions = {}
    for lang in LANGS:
        draft = services.save_draft(
            actor=world["officer"], page=page, language=lang, title=f"Rights {lang}", body="Text."
        )
        services.submit_for_review(actor=world["officer"], version=draft)
        versions[lang] = services.publish(actor=world["officer2"], version=draft)
    Service.objects.create(provider=world["consulate"], kind="shelter", name="Albergue Belén", country="MX",
                           subdivision="MX-CHP", latitude=14.92, longitude=-92.27, capacity_total=80, capacity_free=12,
                           hours="24 h", languages=["es", "ht"])  # fmt: skip
    return versions


def _pages(lang, world, versions):
    return [
        reverse("portal:home", args=[lang]),
        reverse("portal:country", args=[lang, "mx"]),
        reverse("portal:info", args=[lang, "mx", versions[lang].pk]),
        reverse("portal:services", args=[lang]) + "?q=Tapachula&kind=shelter",
        reverse("portal:crisis", args=[lang]) + "?q=Tapachula",
        reverse("portal:report", args=[lang, world["crisis"].pk]),
        reverse("portal:register", args=[lang]),
        reverse("portal:me", args=[lang]),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_every_page_answers_in_its_language(client, world, content, lang):
    for url in _pages(lang, world, content):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert f'<html lang="{lang}">' in html and response["Content-Language"] == lang
        assert HOME_PHRASE[lang] in html, url  # the footer or the page itself, in this language


@pytest.mark.django_db
def test_services_and_crisis_pages_find_things_near_a_typed_town(client, world, content):
    html = client.get(reverse("portal:services", args=["fr"]), {"q": "tapachula", "kind": "shelter"}).content.decode()
    assert "Albergue Belén" in html and "12 places libres" in html and "<svg" in html
    html = client.get(reverse("portal:crisis", args=["ht"]), {"q": "Tapachula"}).content.decode()
    assert world["crisis"].name in html and "Albergue Belén" in html


@pytest.mark.django_db
def test_a_gps_position_is_posted_never_put_in_a_url(client, world, content):
    html = client.post(
        reverse("portal:services", args=["es"]), {"lat": "14.9101", "lon": "-92.2611", "kind": "shelter"}
    ).content.decode()
    assert "Albergue Belén" in html
    hrefs = re.findall(r'(?:href|action|src)="([^"]+)"', html)
    assert not [h for h in hrefs if "14.91" in h or "92.26" in h or "lat=" in h]


@pytest.mark.django_db
def test_nothing_is_loaded_from_outside_and_everything_works_without_javascript(client, world, content):
    for lang in ("es", "ht"):
        for url in _pages(lang, world, content):
            html = client.get(url).content.decode()
            assert not re.search(r'(?:src|href)="(?:https?:)?//', html), url
            assert "<script>" not in html and "onclick" not in html, url
            for form in re.findall(r"<form[^>]*>", html):
                assert 'method="post"' in form or 'method="get"' in form, (url, form)


@pytest.mark.django_db
def test_each_page_weighs_at_most_50_kb_compressed_with_its_css_and_js(client, world, content):
    assets = 0
    for name in ("portal/portal.css", "portal/portal.js"):
        with open(finders.find(name), "rb") as fh:
            assets += len(gzip.compress(fh.read()))
    for lang in LANGS:
        for url in _pages(lang, world, content):
            html = client.get(url).content
            assert len(gzip.compress(html)) + assets <= 50 * 1024, url
            assert b"<img" not in html and b"@font-face" not in html


@pytest.mark.django_db
def test_the_service_worker_is_served_for_the_whole_portal(client):
    response = client.get(reverse("portal:service_worker"))
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert "portal.css" in body and "__ASSETS__" not in body
    assert "(me|code|register|report)" in body  # pages with personal data are never cached


@pytest.mark.django_db
def test_the_root_offers_five_languages_each_in_its_own_words(client):
    html = client.get(reverse("portal:root"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    for name in ("Español", "English", "Français", "Kreyòl ayisyen", "Português"):
        assert name in html
    assert html.index("Français") < html.index("Español")
