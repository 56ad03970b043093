"""Registry fixtures: two organizations with a user each, and the sample field files."""

import shutil
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
def latin1_file(tmp_path):
    """A copy of the sample file in the test's own directory: an import writes its rejected-rows
    report next to the file by default, and a test run must never write into the repository."""
    copy = tmp_path / "latin1_semicolon_es.csv"
    shutil.copyfile(FILES / "latin1_semicolon_es.csv", copy)
    return copy


@pytest.fixture
def latin1_expected_report():
    """The rejected-rows report the sample file gives with English active (compared, never written)."""
    return FILES / "latin1_semicolon_es.rejected.csv"
