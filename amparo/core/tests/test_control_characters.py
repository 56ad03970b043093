"""NUL and other control characters never reach the database or an export: removed with a message
from every form and query string of the pages, refused with their location by the API, and left
out of exports of records stored before the door was closed."""

import io
import json

import pytest
from django.contrib.messages import get_messages
from openpyxl import load_workbook

from amparo.accounts.models import APIToken
from amparo.core.text import clean_text, describe, find_in
from amparo.registry.models import Document, Person

pytestmark = pytest.mark.django_db


def test_clean_text_keeps_text_and_line_breaks():
    assert clean_text("Ro\x00sa\tDíaz\r\nnota\x0b\x1f\x7f\x85\ud800\ufffe") == "Rosa\tDíaz\r\nnota"
    assert describe("a\x00b\x0bc\x00") == "U+0000, U+000B"
    assert list(find_in({"a": ["ok", {"b\x01": "x\x00"}]})) == [
        (("a", 1, "b\x01"), "b\x01"),
        (("a", 1, "b\x01"), "x\x00"),
    ]


@pytest.fixture
def officer(make_org, make_user):
    org = make_org(kind="consulate")
    return make_user(org, "consular_officer")


@pytest.fixture
def person(officer, make_person):
    return make_person(officer.memberships.get().organization)


def test_a_form_field_with_nul_is_stored_clean_and_the_person_is_told(client, officer, person):
    client.force_login(officer)
    response = client.post(
        f"/registry/people/{person.pk}/documents/",
        {"document_type": "passport", "number": "G12\x0034\x0b5"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert Document.objects.get(person=person).number == "G12345"
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("control characters were removed from: number" in m for m in told)


def test_a_search_with_nul_is_answered(client, officer, person):
    client.force_login(officer)
    assert client.get("/registry/people/", {"q": "Mar\x00ía"}).status_code == 200


def test_a_path_with_a_control_character_is_not_found(client, officer):
    client.force_login(officer)
    assert client.get("/accounts/organizations/a%00b/").status_code == 404
    response = client.get("/api/accounts/me%00")
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}


@pytest.fixture
def api(client, officer):
    _token, raw = APIToken.objects.issue(user=officer, name="test")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def test_the_api_refuses_control_characters_in_a_body_with_their_location(api, person):
    response = api.patch(
        f"/api/registry/people/{person.pk}",
        data=json.dumps({"given_names": "Ro\x00sa", "other_names": ["ok", "b\x0bad"]}),
        content_type="application/json",
    )
    assert response.status_code == 422
    locations = [e["loc"] for e in response.json()["detail"]]
    assert locations == [["body", "given_names"], ["body", "other_names", 1]]
    person.refresh_from_db()
    assert person.given_names == "María"


def test_the_api_refuses_control_characters_in_a_query(api, person):
    response = api.get("/api/registry/people", {"q": "Mar\x00ía"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "q"]


@pytest.mark.parametrize("body", ["[]", '[{"given_names": "Rosa"}]', '"Rosa"', "3"])
def test_the_api_refuses_a_body_that_is_not_an_object(api, person, body):
    response = api.patch(f"/api/registry/people/{person.pk}", data=body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "The body must be a JSON object"


def test_an_xlsx_export_leaves_out_control_characters_already_stored(client, officer, person):
    Person.objects.filter(pk=person.pk).update(given_names="Ma\x01ría\x0b")
    client.force_login(officer)
    response = client.get("/registry/people/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    assert any("María" in str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


def test_pages_and_api_answers_are_never_stored_by_caches(client, api, officer, person):
    client.force_login(officer)
    for response in (client.get(f"/registry/people/{person.pk}/"), api.get(f"/api/registry/people/{person.pk}")):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
