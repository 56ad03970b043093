"""Messaging fixtures: the provider emulator and a real SMTP server on loopback, an organization
with channels pointing at them, and people with contacts and consent."""

from __future__ import annotations

import socket
import threading

import pytest

from amparo.accounts.codes import OrganizationKind
from amparo.messaging.emulator import ProviderEmulator
from amparo.messaging.models import Channel, ChannelKind, Provider, Template, TemplatePurpose, TemplateVariant

TWILIO_SECRET = "TEST_TWILIO_TOKEN"
GATEWAY_SECRET = "TEST_GATEWAY_TOKEN"


@pytest.fixture(autouse=True)
def _fast_messaging(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test users only
    settings.MESSAGING_RETRY_BASE_S = 0.01
    settings.MESSAGING_RETRY_CAP_S = 0.05
    settings.MESSAGING_MAX_ATTEMPTS = 5
    settings.MESSAGING_LEASE_S = 30
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def emulator(settings):
    with ProviderEmulator() as emu:
        settings.MESSAGING_SECRETS = {TWILIO_SECRET: emu.auth_token, GATEWAY_SECRET: emu.gateway_token}
        yield emu


class _Inbox:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(envelope)
        if any(rcpt.endswith("@refused.example") for rcpt in envelope.rcpt_tos):
            return "550 5.1.1 mailbox unavailable"
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@nowhere.example"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1; `.inbox.messages` holds what it received."""
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    controller.inbox = inbox
    yield controller
    controller.stop()


@pytest.fixture
def consulate(make_org):
    return make_org(
        "gt-consulate-mx",
        kind=OrganizationKind.CONSULATE,
        country="MX",
        name="Consulado de Guatemala",
        phone="+52 55 5000 0000",
    )


@pytest.fixture
def officer(make_user, consulate):
    return make_user(consulate, "consular_officer", username="lucia")


@pytest.fixture
def twilio_sms(consulate, emulator):
    return Channel.objects.create(
        organization=consulate, name="Twilio SMS", kind=ChannelKind.SMS, provider=Provider.TWILIO,
        sender="+15005550006", base_url=emulator.url, account=emulator.account_sid, secret_name=TWILIO_SECRET,
        rate_per_second=1000, options={"timeout": 2},
    )  # fmt: skip


@pytest.fixture
def twilio_whatsapp(consulate, emulator):
    return Channel.objects.create(
        organization=consulate, name="Twilio WhatsApp", kind=ChannelKind.WHATSAPP, provider=Provider.TWILIO,
        sender="+15005550006", base_url=emulator.url, account=emulator.account_sid, secret_name=TWILIO_SECRET,
        rate_per_second=1000, options={"timeout": 2},
    )  # fmt: skip


@pytest.fixture
def gateway_sms(consulate, emulator):
    return Channel.objects.create(
        organization=consulate, name="Local gateway", kind=ChannelKind.SMS, provider=Provider.HTTP_GATEWAY,
        sender="AMPARO", base_url=emulator.url + "/gateway", secret_name=GATEWAY_SECRET, rate_per_second=1000,
        options={"timeout": 2},
    )  # fmt: skip


@pytest.fixture
def smtp_email(consulate, smtp_server):
    return Channel.objects.create(
        organization=consulate, name="E-mail", kind=ChannelKind.EMAIL, provider=Provider.SMTP,
        sender="alertas@consulado.example", rate_per_second=1000,
        options={"host": "127.0.0.1", "port": smtp_server.port, "timeout": 5},
    )  # fmt: skip


@pytest.fixture
def migrant(make_person, consulate):
    """make_migrant(phone=..., email=..., language=..., consent=True, whatsapp=False, ...)"""

    def make(*, phone="+525512345678", email="", language="es", consent=True, whatsapp=False, **fields):
        consents = {"crisis_alerts": (True, "written")} if consent else {}
        return make_person(
            consulate,
            phones=[(phone, whatsapp)] if phone else [],
            emails=[email] if email else [],
            preferred_language=language,
            languages=fields.pop("languages", [language] if language else []),
            consents=consents,
            country=fields.pop("country", "MX"),
            **fields,
        )

    return make


def make_template(*, purpose=TemplatePurpose.CHECKIN, organization=None, name=None, **bodies) -> Template:
    template = Template.objects.create(organization=organization, name=name or f"{purpose} test", purpose=purpose)
    for language, body in bodies.items():
        TemplateVariant.objects.create(template=template, language=language, body=body, subject=f"[{language}]")
    return template


@pytest.fixture
def checkin_template(consulate):
    return make_template(
        organization=consulate,
        es="{given_name}, ¿está a salvo? Responda 1 si está bien, 2 si necesita ayuda, o abra {checkin_link}",
        en="{given_name}, are you safe? Reply 1 if you are safe, 2 if you need help, or open {checkin_link}",
        fr="{given_name}, êtes-vous en sécurité ? Répondez 1 ou 2, ou ouvrez {checkin_link}",
    )


@pytest.fixture
def crisis(db):
    """make a crisis over Guerrero (MX-GRO) once the people exist: crisis()"""
    from amparo.accounts.policy import system_principal
    from amparo.crises.services import AreaSpec, create_crisis

    def make(name="Huracán Otis", subdivision="MX-GRO"):
        return create_crisis(
            actor=system_principal("test"), name=name, kind="tropical_cyclone",
            areas=[AreaSpec(kind="administrative", subdivisions=[subdivision])],
        )  # fmt: skip

    return make


def welfare_of(crisis, person):
    from amparo.crises.models import WelfareStatus

    return WelfareStatus.objects.get(crisis=crisis, person=person)


def bulk_people(organization, n: int, *, subdivision: str = "MX-GRO", phone_base: int = 20000000) -> list:
    """n people with a phone and crisis-alert consent, inserted in bulk (tests that need many
    recipients; register_person one by one would take seconds)."""
    from amparo.registry.models import Consent, ContactPoint, Nationality, Person

    people = Person.objects.bulk_create(
        [
            Person(
                registering_organization=organization,
                given_names=f"Persona{i}",
                first_surname="Prueba",
                nationality="GT",
                preferred_language="es",
                languages=["es"],
                country="MX",
                subdivision=subdivision,
            )  # fmt: skip
            for i in range(n)
        ]
    )
    Nationality.objects.bulk_create([Nationality(person=p, country="GT") for p in people])
    ContactPoint.objects.bulk_create(
        [ContactPoint(person=p, kind="phone", value=f"+5255{phone_base + i:08d}") for i, p in enumerate(people)]
    )
    Consent.objects.bulk_create(
        [Consent(person=p, purpose="crisis_alerts", given=True, method="written") for p in people]
    )
    return people
