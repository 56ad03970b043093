"""A small world for the portal: a Guatemalan consulate in Mexico with an SMS channel (the
console adapter, whose log the tests read like a phone reads its SMS), an earthquake around
Tapachula, and people registered with phones."""

from __future__ import annotations

import logging
import re

import pytest

from amparo.accounts.codes import OrganizationKind
from amparo.accounts.policy import system_principal
from amparo.crises.services import AreaSpec, create_crisis
from amparo.messaging.models import Channel

SYSTEM = system_principal("test")
TAPACHULA = (14.9054, -92.2589)


@pytest.fixture
def world(make_org, make_user, make_person):
    consulate = make_org(
        "gt-consulado-tapachula", kind=OrganizationKind.CONSULATE, served_nationality="GT", jurisdiction_country="MX"
    )
    other = make_org(
        "hn-consulado", kind=OrganizationKind.CONSULATE, served_nationality="HN", jurisdiction_country="MX"
    )
    Channel.objects.create(organization=consulate, name="SMS", kind="sms", provider="console", webhook_key="gt-sms")
    crisis = create_crisis(
        actor=SYSTEM, name="Sismo Tapachula", kind="earthquake", countries=["MX"], organization=consulate,
        areas=[AreaSpec(kind="circle", center_latitude=TAPACHULA[0], center_longitude=TAPACHULA[1], radius_km=30)],
    )  # fmt: skip
    maria = make_person(consulate, given_names="María", first_surname="López", phones=[("+52 962 123 4567", False)],
                        latitude=14.91, longitude=-92.26, country="MX", subdivision="MX-CHP")  # fmt: skip
    from amparo.crises.services import recompute_affected

    recompute_affected(crisis=crisis)
    return {
        "consulate": consulate, "other": other, "crisis": crisis, "maria": maria,
        "officer": make_user(consulate, "consular_officer", username="lucia"),
        "officer2": make_user(consulate, "consular_officer", username="pedro"),
        "outsider": make_user(other, "consular_officer", username="hn-officer"),
        "analyst": make_user(consulate, "analyst", username="ana"),
    }  # fmt: skip


class Sms:
    """What the console channel 'sent', read from its log line."""

    def __init__(self, caplog):
        self.caplog = caplog

    def last_code(self, phone: str) -> str:
        for record in reversed(self.caplog.records):
            message = record.getMessage()
            if record.name == "amparo.messaging.console" and phone in message:
                return re.search(r"\b(\d{6})\b", message).group(1)
        raise AssertionError(f"no SMS to {phone}")

    def count(self) -> int:
        return sum(1 for r in self.caplog.records if r.name == "amparo.messaging.console")


@pytest.fixture
def sms(caplog):
    caplog.set_level(logging.INFO, logger="amparo.messaging.console")
    return Sms(caplog)
