"""Fixtures for protection tests: a referring NGO with a case worker, a shelter with its staff,
a person registered by the NGO, and the shelter's service."""

from __future__ import annotations

import pytest

from amparo.accounts.codes import OrganizationKind, Role
from amparo.protection.codes import ServiceKind
from amparo.protection.models import Service


@pytest.fixture
def ngo(make_org):
    return make_org("ngo", kind=OrganizationKind.NGO, name="Red Sin Fronteras", email="ngo@example.org")


@pytest.fixture
def shelter(make_org):
    return make_org("shelter", kind=OrganizationKind.SHELTER, name="Albergue Belén", email="shelter@example.org")


@pytest.fixture
def caseworker(make_user, ngo):
    return make_user(ngo, Role.CASE_WORKER, username="sofia")


@pytest.fixture
def shelter_staff(make_user, shelter):
    return make_user(shelter, Role.PROVIDER_STAFF, username="rosa")


@pytest.fixture
def person(make_person, ngo):
    from datetime import date

    return make_person(
        ngo,
        given_names="Ana Lucía",
        first_surname="Pérez",
        nationality="HN",
        birth_date=date(2010, 3, 1),
        sex="female",
        special_needs="asthma, needs inhaler",
        migratory_status="irregular",
        phones=[("+50499998888", True)],
        languages=["es"],
        country="MX",
        subdivision="MX-CHP",
        municipality="Tapachula",
        latitude=14.9,
        longitude=-92.26,
    )


@pytest.fixture
def shelter_service(shelter):
    return Service.objects.create(
        provider=shelter,
        kind=ServiceKind.SHELTER,
        name="Albergue Belén: dormitorio",
        country="MX",
        subdivision="MX-CHP",
        municipality="Tapachula",
        latitude=14.906,
        longitude=-92.263,
        capacity_total=40,
        capacity_free=5,
        languages=["es", "fr", "ht"],
    )


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _english():
    """Domain errors are asserted in English (pages pick the language from the request)."""
    from django.utils import translation

    with translation.override("en"):
        yield
