import pytest

from amparo.accounts.codes import OrganizationKind


@pytest.fixture
def shelter(make_org):
    return make_org("albergue-norte", kind=OrganizationKind.SHELTER, country="MX")


@pytest.fixture
def other_org(make_org):
    return make_org("otra-org", kind=OrganizationKind.NGO, country="MX")


@pytest.fixture
def officer(make_user, shelter):
    return make_user(shelter, role="case_worker")


@pytest.fixture
def outsider(make_user, other_org):
    return make_user(other_org, role="case_worker")


@pytest.fixture(autouse=True)
def _english(settings):
    """Tests read English sentences unless they switch language themselves."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
