"""Fixtures of the crises tests: a small world and a crisis factory acting as the system."""

from __future__ import annotations

import pytest

from amparo.accounts.codes import OrganizationKind
from amparo.accounts.policy import system_principal
from amparo.crises.services import AreaSpec, create_crisis

SYSTEM = system_principal("test")


def circle(lat: float, lon: float, radius_km: float) -> AreaSpec:
    return AreaSpec(kind="circle", center_latitude=lat, center_longitude=lon, radius_km=radius_km)


def polygon(*ring: tuple[float, float]) -> AreaSpec:
    """A polygon from (lon, lat) pairs; closed for you."""
    coords = [list(p) for p in ring]
    if coords[0] != coords[-1]:
        coords.append(coords[0])
    return AreaSpec(kind="polygon", geometry={"type": "Polygon", "coordinates": [coords]})


def subdivisions(*codes: str) -> AreaSpec:
    return AreaSpec(kind="administrative", subdivisions=list(codes))


@pytest.fixture
def make_crisis(db):
    def make(*areas: AreaSpec, name: str = "Sismo M8 Guerrero", kind: str = "earthquake", **fields):
        return create_crisis(actor=SYSTEM, name=name, kind=kind, areas=list(areas), **fields)

    return make


@pytest.fixture
def world(make_org, make_user):
    """A Guatemalan consulate in Mexico with an officer, an analyst, civil protection, an outsider NGO."""
    consulate = make_org(
        "gt-consulate-mexico-city", kind=OrganizationKind.CONSULATE, served_nationality="GT", jurisdiction_country="MX"
    )
    ngo = make_org("mx-ngo", kind=OrganizationKind.NGO)
    cnpc = make_org("mx-cnpc", kind=OrganizationKind.CIVIL_PROTECTION)
    return {
        "consulate": consulate,
        "ngo": ngo,
        "cnpc": cnpc,
        "officer": make_user(consulate, "consular_officer", username="lucia"),
        "analyst": make_user(consulate, "analyst", username="luis"),
        "ngo_worker": make_user(ngo, "case_worker", username="sofia"),
        "civil": make_user(cnpc, "civil_protection_coordinator", username="hector"),
    }
