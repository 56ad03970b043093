"""The 500s a security test found in the API answer as errors now: a negative offset, `null` for a
list in a person PATCH, a page number no one pages to, a body that is not an object, and staff
claiming that a person answered."""

import json

import pytest

from amparo.accounts.codes import OrganizationKind
from amparo.accounts.models import APIToken
from amparo.accounts.policy import system_principal
from amparo.crises.models import WelfareStatus
from amparo.crises.services import AreaSpec, create_crisis

pytestmark = pytest.mark.django_db


@pytest.fixture
def consulate(make_org):
    return make_org("gt-consulate", kind=OrganizationKind.CONSULATE, served_nationality="GT", jurisdiction_country="MX")


@pytest.fixture
def officer(make_user, consulate):
    return make_user(consulate, "consular_officer")


@pytest.fixture
def api(client, officer):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {APIToken.objects.issue(user=officer, name='t')[1]}"
    return client


@pytest.fixture
def person(make_person, consulate):
    return make_person(consulate, latitude=17.0, longitude=-99.8, country="MX", subdivision="MX-GRO", languages=["es"])


@pytest.fixture
def crisis(person):
    area = AreaSpec(kind="circle", center_latitude=17.0, center_longitude=-99.8, radius_km=20)
    return create_crisis(actor=system_principal("test"), name="Sismo", kind="earthquake", areas=[area])


@pytest.mark.parametrize("query", ["offset=-1", "limit=0", "limit=100000", "offset=99999999999999999999"])
def test_affected_refuses_out_of_range_paging(api, crisis, query):
    response = api.get(f"/api/crises/{crisis.pk}/affected?{query}")
    assert response.status_code == 422


def test_affected_pages(api, crisis, person):
    assert [r["person_id"] for r in api.get(f"/api/crises/{crisis.pk}/affected?offset=0&limit=1").json()] == [person.pk]
    assert api.get(f"/api/crises/{crisis.pk}/affected?offset=1").json() == []


def patch(api, person, body):
    return api.patch(f"/api/registry/people/{person.pk}", data=json.dumps(body), content_type="application/json")


def test_null_lists_in_a_person_patch_clear_them(api, person):
    response = patch(api, person, {"other_names": None, "languages": None})
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.other_names == [] and person.languages == []


def test_null_given_names_is_a_field_error(api, person):
    response = patch(api, person, {"given_names": None})
    assert response.status_code == 400 and "given_names" in response.json()["errors"]


@pytest.mark.parametrize("url", ["/api/matching/pairs", "/api/registry/people"])
@pytest.mark.parametrize("page", ["0", "-3", "100001", "99999999999999999999999"])
def test_page_numbers_out_of_range_are_refused(api, url, page):
    assert api.get(url, {"page": page}).status_code == 422


def test_a_far_page_is_empty(api, person):
    response = api.get("/api/registry/people", {"page": "100000"})
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize("source", ["reply", "checkin_link", "self_report"])
def test_staff_cannot_claim_that_the_person_answered(api, crisis, person, source):
    response = api.post(
        f"/api/crises/{crisis.pk}/welfare/{person.pk}",
        data=json.dumps({"status": "safe", "source": source}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert WelfareStatus.objects.get(crisis=crisis, person=person).status == "unknown"


def test_staff_record_their_own_sources(api, crisis, person):
    response = api.post(
        f"/api/crises/{crisis.pk}/welfare/{person.pk}",
        data=json.dumps({"status": "safe", "source": "field_visit"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert WelfareStatus.objects.get(crisis=crisis, person=person).status == "safe"


def test_the_welfare_service_refuses_answer_sources_without_an_answer(officer, crisis, person):
    from amparo.crises.services import InvalidWelfareUpdate, update_welfare

    with pytest.raises(InvalidWelfareUpdate):
        update_welfare(actor=officer, crisis=crisis, person=person, status="safe", source="reply")


def test_the_welfare_form_offers_no_answer_source(client, officer, crisis, person):
    client.force_login(officer)
    response = client.post(f"/crises/{crisis.pk}/welfare/{person.pk}/", {"status": "safe", "source": "checkin_link"})
    assert response.status_code in (200, 302)
    assert WelfareStatus.objects.get(crisis=crisis, person=person).status == "unknown"
