import pytest

from amparo.accounts.codes import Role


@pytest.fixture
def ngo(make_org):
    return make_org("ngo", name="Red Sin Fronteras")


@pytest.fixture
def worker(make_user, ngo):
    return make_user(ngo, Role.CASE_WORKER, username="sofia")


@pytest.fixture
def colleague(make_user, ngo):
    return make_user(ngo, Role.CASE_WORKER, username="pablo")


@pytest.fixture
def supervisor(make_user, ngo):
    return make_user(ngo, Role.SUPERVISOR, username="daniel")


@pytest.fixture
def person(make_person, ngo):
    return make_person(ngo, given_names="Rosa", first_surname="Flores", country="MX")


@pytest.fixture
def case(worker, supervisor, person):
    from amparo.cases import services

    return services.open_case(
        actor=worker, consent_method="verbal", person=person, supervisor=supervisor, summary="needs shelter"
    )


@pytest.fixture(autouse=True)
def _english():
    """Domain errors are asserted in English (pages pick the language from the request)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english_pages(client):
    """Pages are read in English (the app's default is Spanish) unless a test sets the language
    cookie; the catalogs' completeness is tested in core/tests/test_i18n.py."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
