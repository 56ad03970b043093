"""Spanish first, English complete, French, Haitian Creole and Portuguese present."""

import pytest
from django.utils import translation
from django.utils.translation import get_language_info


def test_haitian_creole_is_known():
    assert get_language_info("ht")["name_local"] == "Kreyòl ayisyen"


@pytest.mark.parametrize(("code", "expected"), [("es", "Iniciar sesión en Amparo"), ("en", "Sign in to Amparo")])
def test_login_page_in_spanish_and_english(client, code, expected):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=code)
    assert expected in response.content.decode()


def test_spanish_is_the_default(client):
    assert 'lang="es"' in client.get("/accounts/login/").content.decode()


def test_language_switcher_sets_the_language(client):
    response = client.post("/i18n/setlang/", {"language": "ht", "next": "/accounts/login/"}, follow=True)
    assert 'lang="ht"' in response.content.decode()


@pytest.mark.parametrize("code", ["fr", "ht", "pt"])
def test_other_catalogs_exist_and_translate(code):
    with translation.override(code):
        assert translation.gettext("Sign in") != "Sign in"
