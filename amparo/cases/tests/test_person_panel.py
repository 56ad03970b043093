"""The person page's cases panel: the cases the user's organization holds for this person, with an
"open a case" action when the user may open one, and nothing of another organization's cases."""

import pytest
from django.urls import reverse

from amparo.accounts.codes import Role
from amparo.accounts.models import DataSharingAgreement

pytestmark = pytest.mark.django_db


def page_of(client, user, person):
    client.force_login(user)
    response = client.get(reverse("registry:person_detail", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_panel_shows_the_case_to_a_case_worker(client, colleague, case, person):
    page = page_of(client, colleague, person)
    assert reverse("cases:case_detail", args=[case.pk]) in page and case.reference in page
    assert reverse("cases:case_open", args=[person.pk]) not in page  # already open here


def test_a_case_worker_may_open_a_case_for_someone_without_one(client, worker, person):
    page = page_of(client, worker, person)
    assert 'id="cases"' in page
    assert reverse("cases:case_open", args=[person.pk]) in page


def test_a_user_of_another_organization_sees_nothing_of_them(client, make_org, make_user, ngo, case, person):
    other = make_org("other-ngo")
    outsider = make_user(other, Role.CASE_WORKER)
    client.force_login(outsider)
    assert client.get(reverse("registry:person_detail", args=[person.pk])).status_code == 404

    # Even when an agreement shares the person with them, the case stays the holder's.
    from amparo.registry.services import record_consent

    record_consent(
        actor=case.case_worker, person=person, purpose="sharing_host_authorities", given=True, method="verbal"
    )
    DataSharingAgreement.objects.create(provider=ngo, recipient=other, purpose="crisis_response")
    page = page_of(client, outsider, person)
    assert case.reference not in page and reverse("cases:case_detail", args=[case.pk]) not in page


def test_roles_outside_casework_get_no_panel(client, make_user, ngo, case, person):
    page = page_of(client, make_user(ngo, Role.MIGRATION_OFFICER), person)
    assert 'id="cases"' not in page and case.reference not in page


def test_shelter_staff_see_their_own_cases_only_and_may_open_one(client, make_user, ngo, case, person):
    """First-contact staff hold cases of the people their organization serves, never a colleague's."""
    page = page_of(client, make_user(ngo, Role.PROVIDER_STAFF), person)
    assert 'id="cases"' in page and case.reference not in page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Dernière position connue", "Dossiers", "Évaluations des vulnérabilités", "Commencer une évaluation"]),
        ("ht", ["Dènye kote nou konnen li te ye", "Dosye", "Evalyasyon vilnerabilite", "Kòmanse yon evalyasyon"]),
        ("pt", ["Última localização conhecida", "Casos", "Triagens de vulnerabilidade", "Iniciar uma triagem"]),
    ],
)
def test_the_person_page_and_its_panels_are_translated(client, settings, colleague, case, person, language, words):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = page_of(client, colleague, person)
    for word in words:
        assert word in page
