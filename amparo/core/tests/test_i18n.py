"""Spanish first, English complete, French, Haitian Creole and Portuguese present."""

import re
from pathlib import Path

import polib
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


SHELL_CATALOG = Path(__file__).resolve().parents[2] / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def _catalog(code: str) -> polib.POFile:
    return polib.pofile(str(SHELL_CATALOG / code / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("code", ["es", "fr", "ht", "pt"])
def test_shell_catalog_is_complete(code):
    """Spanish (and the other languages migrants and officials read) has every shell string
    translated and none left fuzzy: refresh with makemessages, then fill with fill-catalog."""
    catalog = _catalog(code)
    missing = [e.msgid for e in catalog if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == [], f"{len(missing)} untranslated in the {code} shell catalog, e.g. {missing[:5]}"


@pytest.mark.parametrize("code", ["es", "fr", "ht", "pt"])
def test_translations_keep_their_placeholders(code):
    for entry in _catalog(code).translated_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            assert sorted(PLACEHOLDER.findall(text)) == expected, entry.msgid
