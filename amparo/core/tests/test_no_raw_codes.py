"""No screen shows an internal code: with the demo data loaded, each demo role opens the main page
of every app (home, people and a person, crises and a crisis dashboard, broadcasts and a broadcast
preview, the inbox, screenings, referrals, the service directory, cases, drills, duplicates, the
audit log, agreements, the portal), and the words a person reads (text nodes, not attributes or
ids) hold none of the codes of DOMAIN.md's lists, no history written as codes (`draft → sent`),
no system actor (`cli:demo-data`), no record type (`registry.person`).

The demo data is loaded once for the module, in a transaction rolled back at the end."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from amparo.core import labels
from amparo.core.demo import USERS

# DOMAIN.md's code lists (the classes hold exactly those codes), and the statuses histories show.
DOMAIN_CHOICES = (
    "crises.Phase", "crises.WelfareCode", "crises.Need", "crises.WelfareSource", "crises.Severity",
    "accounts.Role", "accounts.ConsentPurpose", "accounts.RecordStatus",
)  # fmt: skip
HISTORY_CHOICES = (
    "messaging.BroadcastStatus", "messaging.MessageStatus", "protection.ReferralStatus", "cases.Step",
    "cases.ClosureReason", "protection.AsylumWish", "accounts.SharingPurpose", "accounts.OrganizationKind",
)  # fmt: skip
TRACING_STATES = (
    "open", "match_proposed", "awaiting_consent", "contact_restored", "reunited", "closed_deceased",
    "closed_refused", "closed_no_result",
)  # fmt: skip
CAP_MESSAGE_TYPES = ("Alert", "Update", "Cancel", "Ack")
# Codes that are also Spanish words a page may rightly use ("supervisor" is the role's own word).
SPANISH_WORDS = {"supervisor", "open"}
APPS = ("accounts", "registry", "crises", "messaging", "protection", "cases", "matching", "portal", "drills", "tracing")

PAGES = (
    "/home/", "/registry/people/", "/crises/", "/messaging/", "/messaging/inbox/", "/messaging/templates/",
    "/protection/screenings/", "/protection/referrals/", "/protection/services/", "/cases/", "/drills/",
    "/matching/review/", "/accounts/audit/", "/accounts/agreements/", "/p/staff/", "/p/staff/registrations/",
    "/tracing/",
)  # fmt: skip
# Records the lists link to: the first few of each kind are opened too.
DETAILS = (
    r"/registry/people/\d+/", r"/crises/\d+/", r"/crises/\d+/affected/", r"/crises/\d+/welfare/\d+/",
    r"/messaging/broadcasts/\d+/", r"/messaging/inbox/\d+/", r"/protection/screenings/\d+/",
    r"/protection/referrals/\d+/", r"/cases/\d+/", r"/drills/\d+/", r"/drills/\d+/report/", r"/matching/pairs/\d+/",
    r"/tracing/\d+/",
)  # fmt: skip
PER_KIND = 2


class _Text(HTMLParser):
    """The words of a page a person reads: text nodes outside scripts and styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(" ".join(data.split()))


def text_nodes(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


def _values(path: str) -> set[str]:
    return {str(v) for v in labels.choices_class(path).values}


def code_pattern() -> re.Pattern:
    words = set(TRACING_STATES)
    for path in DOMAIN_CHOICES:
        words |= _values(path)
    history = set()
    for path in DOMAIN_CHOICES + HISTORY_CHOICES:
        history |= _values(path)
    # Every code with an underscore, in any app's choices: no sentence holds one.
    underscored = {c for c in history if "_" in c}
    words = sorted(
        {w for w in words | underscored if w not in SPANISH_WORDS and not w.isdigit()}, key=len, reverse=True
    )
    statuses = "|".join(sorted(map(re.escape, history), key=len, reverse=True))
    return re.compile(
        r"(?<![\w.@/-])(?:" + "|".join(map(re.escape, words)) + r")(?![\w@/-])"  # a code as a word
        rf"|(?<![\w-])(?:{statuses}) → |→ (?:{statuses})(?![\w-])"  # a history written as codes
        r"|\b(?:cli|task|system|messaging|portal|drill|demo|test):[a-z][\w-]*"  # a system actor
        r"|(?<![/\w])(?:" + "|".join(APPS) + r")\.[a-z]+\b"  # a record type
        r"|\b(?:" + "|".join(CAP_MESSAGE_TYPES) + r")\b"  # CAP message types, raw
    )


def without_user_names(text: str, usernames: set[str]) -> str:
    """User names stay as they are (a user named "shelter" is a name): drop them where pages show
    one (a whole line, "· name ·" in histories, "(name)" after a full name)."""
    for name in usernames:
        text = re.sub(rf"(^|· |\(){re.escape(name)}(?= ·|\)|$)", r"\1", text)
    return text


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(DEBUG=True):
                call_command("demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def crawl(client: Client) -> dict[str, str]:
    """The main pages and the first records they link to, as {url: html}."""
    pages: dict[str, str] = {}
    queue = list(PAGES)
    opened: dict[str, int] = {}
    while queue:
        url = queue.pop(0)
        if url in pages:
            continue
        response = client.get(url, follow=True)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        for pattern in DETAILS:
            for found in dict.fromkeys(re.findall(rf'href="({pattern})"', html)):
                if opened.get(pattern, 0) < PER_KIND and found not in pages and found not in queue:
                    opened[pattern] = opened.get(pattern, 0) + 1
                    queue.append(found)
    return pages


def raw_codes(pages: dict[str, str], usernames: set[str]) -> list[str]:
    pattern = code_pattern()
    found = []
    for url, html in pages.items():
        for text in text_nodes(html):
            for match in pattern.finditer(without_user_names(text, usernames)):
                found.append(f"{url}: {match.group(0)!r} in “{text[:120]}”")
    return sorted(set(found))


# Every role, and each kind of organization's staff (a consulate, the migration and asylum
# authorities, civil protection, an NGO's case workers and supervisor, a shelter, a clinic, DIF).
SEEN_BY = ("consul-gt", "admin-gt", "migration", "comar", "civilprotection", "caseworker", "supervisor", "shelter",
           "clinic", "dif", "analyst")  # fmt: skip
ROLE_USERS = [(role, username) for username, _slug, role, _name in USERS if username in SEEN_BY]


@pytest.mark.django_db
@pytest.mark.parametrize("role,username", ROLE_USERS, ids=[username for _r, username in ROLE_USERS])
def test_no_page_shows_an_internal_code(demo, role, username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    pages = crawl(client)
    assert "/home/" in pages and "/registry/people/" in pages or role == "analyst"
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    problems = raw_codes(pages, usernames)
    assert problems == [], f"{username} ({role}) reads codes:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_the_portal_shows_no_internal_code(demo):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    pages = {}
    for url in ("/p/", "/p/es/", "/p/es/mx/", "/p/es/services/?q=Tapachula", "/p/es/crisis/?q=Acapulco"):
        response = client.get(url, follow=True)
        if response.status_code == 200:
            pages[url] = response.content.decode()
    assert pages
    assert raw_codes(pages, set()) == []


def test_the_tracing_states_are_the_domains_list():
    assert set(TRACING_STATES) == _values("tracing.TracingState")


def test_the_check_catches_what_it_looks_for():
    """The pattern itself: codes, histories, actors, record types are caught; words are not."""
    pattern = code_pattern()
    for raw in ("needs_assistance", "food, shelter", "draft → sent", "cli:demo-data", "registry.person", "Update"):
        assert pattern.search(raw), raw
    for fine in ("Necesita asistencia", "Borrador → Enviada", "Datos de demostración", "supervisor", "Persona"):
        assert not pattern.search(fine), fine
    assert without_user_names("03/12 · shelter · Aceptada", {"shelter"}) == "03/12 ·  · Aceptada"
