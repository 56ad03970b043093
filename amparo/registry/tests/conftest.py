"""Registry fixtures: two organizations with a user each, and the sample field files."""

from pathlib import Path

import pytest

FILES = Path(__file__).parent / "files"


@pytest.fixture
def shelter(make_org):
    return make_org("mx-casa-migrante-acapulco", kind="shelter", country="MX")


@pytest.fixture
def other_org(make_org):
    return make_org("mx-otra-ong", kind="ngo", country="MX")


@pytest.fixture
def shelter_user(make_user, shelter):
    return make_user(shelter, "provider_staff", username="tomas")


@pytest.fixture
def outsider(make_user, other_org):
    return make_user(other_org, "case_worker", username="outsider")


@pytest.fixture
def latin1_file():
    return FILES / "latin1_semicolon_es.csv"
