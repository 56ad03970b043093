"""Shared test fixtures: small factories for organizations, users with a role, and people.

Tests use the real database (SQLite by default, PostgreSQL when DATABASE_URL is set). Browser
tests drive Debian's Chromium through Playwright; with CI unset, a missing Chromium skips them.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from amparo.accounts.codes import OrganizationKind
from amparo.accounts.models import Membership, Organization
from amparo.registry.services import PersonData, register_person

_seq = itertools.count(1)


def pytest_configure(config):
    # The test runner's flush (between tests that commit) may empty the append-only audit log on
    # SQLite; nothing else may (amparo/accounts/management/commands/flush.py).
    from django.conf import settings

    settings.AUDIT_FLUSH_ALLOWED = True


@pytest.fixture(autouse=True)
def _no_login_throttling_leaks(settings):
    settings.AXES_ENABLED = True


@pytest.fixture(autouse=True)
def _no_language_or_zone_leaks():
    """Each test starts in the default language and time zone: a request signed in as a user
    whose profile says Spanish activates Spanish for the thread (accounts.middleware), which
    would otherwise carry into whichever test runs next."""
    from django.utils import timezone, translation

    translation.deactivate()
    timezone.deactivate()
    yield
    translation.deactivate()
    timezone.deactivate()


@pytest.fixture
def make_org(db):
    def make(
        slug: str | None = None, *, kind: str = OrganizationKind.NGO, country: str = "MX", **fields
    ) -> Organization:
        n = next(_seq)
        slug = slug or f"org-{n}"
        if kind == OrganizationKind.CONSULATE:
            fields.setdefault("served_nationality", "GT")
            fields.setdefault("jurisdiction_country", country)
        return Organization.objects.create(
            slug=slug, name=fields.pop("name", slug.replace("-", " ").title()), kind=kind, country=country, **fields
        )

    return make


@pytest.fixture
def make_user(db):
    def make(
        organization: Organization | None = None, role: str = "consular_officer", username: str | None = None, **fields
    ):
        username = username or f"user{next(_seq)}"
        user = get_user_model().objects.create_user(
            username=username, password="correct horse battery", email=f"{username}@example.org", **fields
        )
        if organization is not None:
            Membership.objects.create(user=user, organization=organization, role=role)
        return user

    return make


@pytest.fixture
def make_person(db):
    def make(
        organization: Organization,
        *,
        given_names: str = "María",
        first_surname: str = "López",
        nationality: str = "GT",
        consents: dict | None = None,
        **fields,
    ):
        data = PersonData(given_names=given_names, first_surname=first_surname, nationalities=[nationality], **fields)
        data.consents = consents or {}
        from amparo.accounts.policy import system_principal

        return register_person(actor=system_principal("test"), organization=organization, data=data, audit_event=False)

    return make


# --- Browser (Playwright driving Debian's Chromium) ---------------------------------------

CHROMIUM = os.environ.get("AMPARO_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: CI must install it (.ci/run)")
        pytest.skip(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
    _wait_for_live_server_requests()


def _wait_for_live_server_requests(timeout: float = 15.0) -> None:
    """Let the live server finish every request the browser started before the test's database
    is flushed. On SQLite the test database lives in memory and the live server's threads share
    the test's connection: a request still reading (a lazy panel, a search typed ahead) while the
    flush runs breaks the flush ("cannot release savepoint - SQL statements in progress") and
    leaves the connection unusable for every test after it. Closing the browser does not wait for
    the server; joining its request threads does."""
    import threading
    import time

    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread is threading.current_thread() or "process_request_thread" not in thread.name:
            continue
        thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture
def output_dir(request) -> Path:
    """A folder for a test's artefacts (screenshots): test-output/<test name>/."""
    root = Path(os.environ.get("AMPARO_TEST_OUTPUT", Path(__file__).resolve().parent.parent / "test-output"))
    folder = root / request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
