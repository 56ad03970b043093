"""Tracing's small world: a Guatemalan consulate in Mexico that records inquiries, a shelter that
meets people, an unrelated organization, and matching's keys kept current."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from amparo.accounts.codes import OrganizationKind
from amparo.accounts.policy import system_principal
from amparo.tracing.services import InquiryData

SYSTEM = system_principal("test:tracing")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test users only


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@dataclass
class Tracing:
    consulate: object
    shelter: object
    other: object
    officer: object  # consular officer at the consulate
    supervisor: object  # supervisor at the consulate
    shelter_staff: object  # provider staff at the shelter
    shelter_worker: object  # case worker at the shelter
    outsider: object  # consular officer elsewhere


@pytest.fixture
def world(make_org, make_user):
    consulate = make_org("gt-consulate-tapachula", kind=OrganizationKind.CONSULATE, name="Consulado de Guatemala")
    shelter = make_org("albergue-belen", kind=OrganizationKind.SHELTER, name="Albergue Belén")
    other = make_org("hn-consulate", kind=OrganizationKind.CONSULATE, served_nationality="HN")
    return Tracing(
        consulate=consulate,
        shelter=shelter,
        other=other,
        officer=make_user(consulate, "consular_officer", username="officer"),
        supervisor=make_user(consulate, "supervisor", username="supervisor"),
        shelter_staff=make_user(shelter, "provider_staff", username="shelterstaff"),
        shelter_worker=make_user(shelter, "case_worker", username="shelterworker"),
        outsider=make_user(other, "consular_officer", username="outsider"),
    )


def inquiry_data(**overrides) -> InquiryData:
    values = dict(
        given_names="Chepe",
        first_surname="Hernández",
        sex="male",
        age_min=25,
        age_max=30,
        nationality="GT",
        last_seen_place="Juchitán",
        last_seen_on=date(2026, 9, 8),
        route=["Tecún Umán", "Tapachula", "Juchitán"],
        inquirer_name="Rosa Hernández",
        inquirer_relationship="mother",
        inquirer_phone="+50255512345",
        inquirer_consents_contact=True,
    )
    values.update(overrides)
    return InquiryData(**values)


@pytest.fixture
def found_person(world, make_person, commit):
    """José Hernández López, 27, registered by the shelter in Juchitán, with an SMS contact."""
    from amparo.messaging.models import Channel

    Channel.objects.create(organization=world.shelter, name="SMS", kind="sms", provider="console")
    with commit():  # matching's keys are written on commit
        return make_person(
            world.shelter,
            given_names="José",
            first_surname="Hernández",
            second_surname="López",
            sex="male",
            birth_date=date(1999, 5, 4),
            country="MX",
            subdivision="MX-OAX",
            municipality="Juchitán de Zaragoza",
            phones=[("+529711234567", False)],
            languages=["es"],
        )


@pytest.fixture
def client():
    """Pages in English (the default language is Spanish): assertions read the English texts."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit(): ...` runs what the block schedules on commit (the matching task), as the
    worker would after the real commit, without a transactional test's slow flush."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
