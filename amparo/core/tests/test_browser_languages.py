"""In Chromium, with the demo data: the main page of every app, read in French, Haitian Creole and
Portuguese, shows no Spanish or English string.

What counts as Spanish or English: the catalogs' own strings. A line of the page that is exactly
an English source string (msgid) or its Spanish translation, while the page's language says
something else for it, is a string that fell back to another language. Data (people's and
organizations' names, crisis titles) is never in the catalogs, so it is not mistaken for one; a
short allow-list covers words that are the same in every language.

The demo data is loaded once (committed, for the live server) and flushed after.
"""

from __future__ import annotations

import glob
from functools import cache
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings

pytestmark = [pytest.mark.browser]

LANGUAGES = ("fr", "ht", "pt")
ROOT = Path(__file__).resolve().parents[2]
# The same in every language, or names: never a sign of a missing translation.
# The language switcher names each language in itself ("English", "Español"): right in any page.
# "¿Está a salvo?" is the name of the demo's message template, data the staff wrote (a name).
ALLOWED = {"Amparo", "WhatsApp", "SMS", "E-mail", "CAP", "HXL", "CSV", "XLSX", "API", "GPS", "Total",
           "English", "Español", "Français", "Kreyòl ayisyen", "Português", "¿Está a salvo?"}  # fmt: skip

# Each app's main page, and who reads it (a user whose role opens it; None: the public portal).
# A string in another language is blamed on the app whose catalog leaves it untranslated (the
# menu's "Duplicados" on matching's, on every page). Apps whose fr/ht/pt catalogs another helper
# is still completing are expected to fail for now.
INCOMPLETE = {"crises", "matching"}
MAIN_PAGES = [
    ("core", "consul-gt", "/home/"),
    ("registry", "consul-gt", "/registry/people/"),
    ("crises", "consul-gt", "/crises/"),
    ("messaging", "consul-gt", "/messaging/"),
    ("protection", "caseworker", "/protection/screenings/"),
    ("protection-referrals", "caseworker", "/protection/referrals/"),
    ("cases", "caseworker", "/cases/"),
    ("drills", "consul-gt", "/drills/"),
    ("matching", "consul-gt", "/matching/review/"),
    ("accounts", "admin-gt", "/accounts/members/"),
    ("portal", None, "/p/{lang}/"),
]


def _app_of(path: str) -> str:
    """amparo/crises/locale/… → "crises"; the shell's amparo/locale/… → "core"."""
    parts = Path(path).relative_to(ROOT).parts
    return "core" if parts[0] == "locale" else parts[0]


@cache
def foreign_strings(language: str) -> dict[str, str]:
    """English sources and Spanish translations, each with the app whose catalog for `language`
    leaves it untranslated (the app to blame when it shows), minus whatever the page's language
    itself says (the same word may be right in both: "Total", "Service")."""
    catalogs: dict[tuple[str, str], polib.POFile] = {}
    for path in glob.glob(str(ROOT / "**/locale/*/LC_MESSAGES/django.po"), recursive=True):
        lang = Path(path).parents[1].name
        if lang in ("es", "en", language):
            catalogs[(_app_of(path), lang)] = polib.pofile(path)
    own = {e.msgstr.strip() for (_app, lang), po in catalogs.items() if lang == language for e in po if e.msgstr}
    foreign: dict[str, str] = {}
    for (app, lang), po in catalogs.items():
        if lang != language:
            continue
        spanish = catalogs.get((app, "es"))
        for entry in po:
            if entry.obsolete or entry.msgid_plural or "%" in entry.msgid or "{" in entry.msgid:
                continue
            if entry.msgstr and "fuzzy" not in entry.flags:
                continue
            found = spanish.find(entry.msgid, msgctxt=entry.msgctxt) if spanish is not None else None
            for text in (entry.msgid, found.msgstr if found is not None else ""):
                text = text.strip()
                if len(text) > 3 and text not in own and text not in ALLOWED:
                    foreign.setdefault(text, app)
    # Any other Spanish or English string of the catalogs showing where the page's language has
    # its own: a string that never went through gettext, blamed on the page ("").
    for (_app, lang), po in catalogs.items():
        if lang in ("es", "en"):
            for entry in po:
                if entry.obsolete or entry.msgid_plural or "%" in entry.msgid or "{" in entry.msgid:
                    continue
                for text in (entry.msgid.strip(), entry.msgstr.strip()):
                    if len(text) > 3 and text not in own and text not in ALLOWED:
                        foreign.setdefault(text, "")
    return foreign


def foreign_lines(text: str, language: str) -> dict[str, str]:
    """{line: app to blame ("": the page's own)} for the page's lines in Spanish or English."""
    strings = foreign_strings(language)
    lines = {part.strip() for line in text.splitlines() for part in line.split("\t")}  # table cells too
    return {line: strings[line] for line in lines if line in strings}


def _signed_in(browser, live_server, username: str | None, language: str):
    context = browser.new_context(locale=language, viewport={"width": 1280, "height": 900})
    host = live_server.url.split("//")[1].split(":")[0]
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}]
    if username:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"})
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


@pytest.mark.django_db(transaction=True)
def test_every_apps_main_page_reads_in_french_creole_and_portuguese(browser, live_server, output_dir):
    """One walk over the demo data (loading it takes a while): each app's page in each language.
    An app whose catalogs are still being completed (INCOMPLETE) makes the test an expected
    failure that names it, never a pass that hides it; any other app failing fails the test."""
    with override_settings(DEBUG=True):
        call_command("demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    problems: dict[str, list[str]] = {}
    for app, username, url in MAIN_PAGES:
        for language in LANGUAGES:
            context, page = _signed_in(browser, live_server, username, language)
            try:
                response = page.goto(live_server.url + url.format(lang=language))
                assert response is not None and response.status == 200, f"{url} in {language}"
                assert page.locator("html").get_attribute("lang") == language, f"{url} in {language}"
                lines = foreign_lines(page.locator("body").inner_text(), language)
                for line, blamed in lines.items():
                    problems.setdefault(blamed or app, []).append(f"{language} {url}: {line}")
                if lines:
                    page.screenshot(path=str(output_dir / f"{app}-{language}.png"), full_page=True)
            finally:
                context.close()
    report = "\n".join(f"{app}: {line}" for app, lines in sorted(problems.items()) for line in sorted(set(lines)))
    (output_dir / "foreign-strings.txt").write_text(report or "none\n", encoding="utf-8")
    failing = sorted(app for app in problems if app not in INCOMPLETE)
    assert not failing, f"Spanish or English from the catalogs of {failing}:\n{report}"
    if problems:
        pytest.xfail(f"fr/ht/pt catalogs still being completed for {sorted(problems)} (issue 15)")


def test_the_check_knows_spanish_and_english_from_french():
    # Every catalog has it in French: nothing to blame (whatever the page says).
    assert foreign_lines("Annuaire des services", "fr") == {}
    assert "Amparo" not in foreign_strings("pt")
