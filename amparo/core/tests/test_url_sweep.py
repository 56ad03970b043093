"""Every URL pattern of the application (the resolver is walked, so a new page is swept the day it
appears), requested by an outsider of each role for records of another organization: the answer
is a refusal (404, 403, a redirect, 405) showing none of that organization's personal data, and
nothing of theirs changes. And for the organization's own officer: every page that shows a
person's data writes an audit event.

Path parameters are filled with the ids of the victim's records (world.py): each parameter with the
ids of the records its app keeps, so every view is tried on a record that exists."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from amparo.accounts.codes import Role
from amparo.accounts.models import AuditEvent
from amparo.core.tests.world import MARKERS, build

# Public by design: they show no record of any organization, or take a secret the URL carries
# (a check-in link's token, a password-reset token, a webhook's key) that the sweep cannot know.
PUBLIC = {
    "core:index", "core:health", "accounts:login", "accounts:logout", "accounts:password_reset",
    "accounts:password_reset_done", "accounts:password_reset_confirm", "accounts:password_reset_complete",
    "set_language", "javascript-catalog", "api:openapi-json", "api:openapi-view", "api:api-root",
    "messaging:checkin", "messaging:hook_status", "messaging:hook_inbound",
}  # fmt: skip
REFUSED = {302, 400, 401, 403, 404, 405, 410, 422}
# Records every organization sees by design: crises (each organization reads the counts, and names
# only its own people in them) and the service directory. Their pages may answer 200, never with
# another organization's people.
SHARED = {
    "crises:crisis_detail", "crises:crisis_summary", "crises:crisis_points", "crises:crisis_areas",
    "crises:affected_list", "crises:affected_export", "crises:counts_export",
    "api:get_crisis", "api:crisis_counts", "api:affected", "accounts:organization",
}  # fmt: skip

# Which of the victim's records a path parameter names: by parameter name, else by a word of the
# URL's name (checked in this order), else the person.
IDS_BY_PARAMETER = {
    "person_id": "person", "person_pk": "person", "pair_id": "pair", "merge_id": "pair", "crisis_id": "crisis",
    "broadcast_id": "broadcast", "referral_id": "referral", "case_id": "case", "contact_pk": "contact",
    "screening_pk": "screening", "step_pk": "step", "service_pk": "service", "slug": "victim_slug",
}  # fmt: skip
IDS_BY_WORD = (
    ("template", "template"), ("inbox", "inbound"), ("broadcast", "broadcast"), ("household", "household"),
    ("import", "import_job"), ("suggestion", "suggestion"), ("screening", "screening"), ("profile_add", "screening"),
    ("referral", "referral"), ("capacity", "service"), ("agreement", "agreement"), ("member", "membership"),
    ("role", "membership"), ("invitation", "membership"), ("token", "token"), ("pair", "pair"), ("merge", "pair"),
    ("action", "action"), ("follow_up", "follow_up"), ("case", "case"), ("crisis", "crisis"), ("alert", "crisis"),
    ("recompute", "crisis"), ("affected", "crisis"), ("counts", "crisis"), ("points", "crisis"),
    ("areas", "crisis"), ("welfare", "crisis"), ("summary", "crisis"),
)  # fmt: skip
TEXT_VALUES = {"fmt": ("csv", "xlsx"), "purpose": ("crisis_alerts", "referrals")}
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def url_patterns():
    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, (namespace, pattern.namespace or "")))
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), ":".join(filter(None, (namespace, pattern.name or "")))

    seen = set()
    for route, name in walk(get_resolver().url_patterns):
        if route.startswith("admin/") or name in PUBLIC or (route, name) in seen:
            continue
        seen.add((route, name))
        yield route, name


def _kind(name: str, parameter: str) -> str:
    if parameter in IDS_BY_PARAMETER:
        return IDS_BY_PARAMETER[parameter]
    short = name.split(":")[-1]
    return next((kind for word, kind in IDS_BY_WORD if word in short), "person")


def urls_for(route: str, name: str, world) -> list[str]:
    """The route with its parameters filled with the victim's records (every combination)."""
    combos = [route]
    for converter, parameter in PARAM.findall(route):
        if parameter in TEXT_VALUES:
            values = TEXT_VALUES[parameter]
        else:
            kind = _kind(name, parameter)
            record = world.objects.get(kind)
            values = [world.victim.slug] if kind == "victim_slug" else ([str(record.pk)] if record is not None else [])
        token = f"<{converter}:{parameter}>" if converter else f"<{parameter}>"
        combos = [c.replace(token, v, 1) for c in combos for v in values]
    return ["/" + c.replace("^", "").replace("$", "") for c in combos]


def about_a_record(route: str, name: str) -> bool:
    return any(p not in TEXT_VALUES for _c, p in PARAM.findall(route)) and name not in SHARED


def snapshot(world) -> tuple:
    """What an outsider must never change: the victim's person and the rows around them."""
    from amparo.registry.models import Person

    person = Person.objects.get(pk=world.objects["person"].pk)
    return (
        person.given_names, person.record_status, person.migratory_status, person.household_id,
        person.contacts.count(), person.documents.count(), person.consents.count(), person.welfare_statuses.count(),
        person.screenings.count(), person.cases.count(), person.referrals.count(),
        type(world.objects["pair"]).objects.get(pk=world.objects["pair"].pk).status,
    )  # fmt: skip


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def leaks(content: bytes) -> list[str]:
    text = content.decode("utf-8", "replace")
    return [m for m in MARKERS if m in text]


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_no_page_shows_or_changes_another_organizations_people(client, world, role, db):
    before = snapshot(world)
    client.force_login(world.outsiders[role])
    problems = []
    for route, name in url_patterns():
        refused_only = about_a_record(route, name)
        for url in urls_for(route, name, world):
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if refused_only and response.status_code not in REFUSED:
                    problems.append(f"{method.upper()} {url} ({name}) answered {response.status_code}")
                body = b"".join(response.streaming_content) if response.streaming else response.content
                found = leaks(body)
                if found:
                    problems.append(f"{method.upper()} {url} ({name}) shows {found}")
    assert problems == [], "\n".join(problems)
    assert snapshot(world) == before


def test_every_page_showing_a_persons_data_is_audited(client, world, db):
    """The victim's own officer reads everything: each answer that shows the person's data must
    come with an audit event of that officer, lists and searches included."""
    officer = world.officer
    client.force_login(officer)
    unaudited = []
    for route, name in url_patterns():
        if name.startswith("api:"):
            continue  # the API is swept with a token by test_api_audit below
        for url in urls_for(route, name, world):
            last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = client.get(url)
            if response.status_code != 200:
                continue
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if leaks(body) and not AuditEvent.objects.filter(pk__gt=last, actor=officer).exists():
                unaudited.append(f"GET {url} ({name})")
    assert not unaudited, "\n".join(unaudited)


def test_every_api_answer_with_a_persons_data_is_audited(client, world, db):
    from amparo.accounts.models import APIToken

    raw = APIToken.objects.issue(user=world.officer, name="sweep")[1]
    unaudited = []
    for route, name in url_patterns():
        if not name.startswith("api:"):
            continue
        for url in urls_for(route, name, world):
            last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")
            shown = response.status_code == 200 and leaks(response.content)
            if shown and not AuditEvent.objects.filter(pk__gt=last, actor=world.officer).exists():
                unaudited.append(f"GET {url} ({name})")
    assert not unaudited, "\n".join(unaudited)
