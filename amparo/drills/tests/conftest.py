"""A small drill world: a Guatemalan consulate in Mexico (the host), its officer (facilitator)
and a colleague (participant), real people of the consulate near Acapulco, and a scenario of 60
synthetic people around Acapulco with an earthquake at 0:00 and its update at 1:00."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from amparo.accounts.codes import OrganizationKind

SCRIPT = """
name: Sismo de prueba en Acapulco
hazard: earthquake
country: MX
severity: extreme
population:
  size: 60
  around: {lat: 16.85, lon: -99.88, radius_km: 30}
  nationalities: {GT: 50, HN: 30, HT: 20}
  vulnerable_share: 0.2
  replies: {safe: 60, help: 20, ambiguous: 10, never: 10}
  reply_delay_minutes: [1, 30]
injects:
  - at: "0:00"
    kind: cap_alert
    title: Sismo fuerte frente a Acapulco
    area: {circle: {lat: 16.85, lon: -99.88, radius_km: 25}}
  - at: "0:30"
    kind: note
    title: Un albergue está lleno
  - at: "1:00"
    kind: cap_update
    title: El área crece
    area: {circle: {lat: 16.85, lon: -99.88, radius_km: 45}}
"""


@pytest.fixture
def world(make_org, make_user, make_person):
    consulate = make_org(
        "gt-consulate-mexico-city", kind=OrganizationKind.CONSULATE, served_nationality="GT", jurisdiction_country="MX"
    )
    other = make_org(
        "hn-consulate", kind=OrganizationKind.CONSULATE, served_nationality="HN", jurisdiction_country="MX"
    )
    real = make_person(consulate, given_names="Real", first_surname="Persona", phones=[("+527441234567", False)],
                       latitude=16.86, longitude=-99.87, country="MX", subdivision="MX-GRO",
                       consents={"crisis_alerts": (True, "verbal")})  # fmt: skip
    return {
        "consulate": consulate, "other": other, "real": real,
        "facilitator": make_user(consulate, "consular_officer", username="lucia"),
        "colleague": make_user(consulate, "consular_officer", username="pedro"),
        "analyst": make_user(consulate, "analyst", username="ana"),
        "outsider": make_user(other, "consular_officer", username="marcela"),
    }  # fmt: skip


@pytest.fixture
def drill(world):
    from amparo.drills import services

    return services.create_drill(actor=world["facilitator"], host=world["consulate"], scenario_text=SCRIPT, seed=7)


def inside(user, drill):
    """The user as the access policy sees them after joining the drill."""
    from amparo.accounts.policy import principal_for

    user = type(user).objects.get(pk=user.pk)  # a fresh object: the caller's stays outside the drill
    user._amparo_exercise = drill.exercise_organization_id
    return principal_for(user)


def later(start, minutes: float):
    return start + timedelta(minutes=minutes)


@pytest.fixture
def t0():
    return timezone.now()
