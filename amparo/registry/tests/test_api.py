"""Registry API: list, search, read, create, update; token authentication; scoped by the access
policy; reads and changes audited; in the OpenAPI schema."""

import pytest

from amparo.accounts.models import APIToken, AuditEvent
from amparo.registry.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def maria(shelter, make_person):
    return make_person(
        shelter,
        given_names="María José",
        first_surname="López",
        migratory_status="refugee",
        phones=[("+50255551234", False)],
    )


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {APIToken.objects.issue(user=user, name='t')[1]}"}


def test_people_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/registry/people" in paths and "/api/registry/people/{person_id}" in paths
    assert {"get", "post"} <= set(paths["/api/registry/people"])
    assert "patch" in paths["/api/registry/people/{person_id}"]


def test_no_token_no_data(client, maria):
    assert client.get("/api/registry/people").status_code == 401


def test_search_by_name_and_phone(client, shelter_user, maria):
    auth = bearer(shelter_user)
    body = client.get("/api/registry/people", {"q": "LOPEZ maria"}, **auth).json()
    assert [p["id"] for p in body["results"]] == [maria.pk]
    assert client.get("/api/registry/people", {"q": "5555 1234"}, **auth).json()["results"][0]["id"] == maria.pk
    assert AuditEvent.objects.filter(action="search", extra__via="api").count() == 2


def test_read_is_audited_and_sensitive_fields_follow_the_role(client, shelter_user, make_user, shelter, maria):
    body = client.get(f"/api/registry/people/{maria.pk}", **bearer(shelter_user)).json()
    assert body["given_names"] == "María José" and body["contacts"][0]["value"] == "+50255551234"
    assert body["migratory_status"] is None
    officer = make_user(shelter, "case_worker")
    assert client.get(f"/api/registry/people/{maria.pk}", **bearer(officer)).json()["migratory_status"] == "refugee"
    assert AuditEvent.objects.filter(action="view", object_id=str(maria.pk), extra__via="api").exists()
    assert AuditEvent.objects.filter(action="view_sensitive", object_id=str(maria.pk)).exists()


def test_other_organizations_cannot_list_read_or_change(client, outsider, maria):
    auth = bearer(outsider)
    assert client.get("/api/registry/people", {"q": "maria"}, **auth).json()["results"] == []
    assert client.get(f"/api/registry/people/{maria.pk}", **auth).status_code == 404
    patch = client.patch(
        f"/api/registry/people/{maria.pk}", {"given_names": "X"}, content_type="application/json", **auth
    )
    assert patch.status_code == 404
    maria.refresh_from_db()
    assert maria.given_names == "María José"


def test_create_reads_fields_like_an_import(client, shelter_user, shelter):
    response = client.post(
        "/api/registry/people",
        {
            "given_names": "Óscar",
            "first_surname": "Mejía",
            "nationality": "salvadoreño",
            "phone": "7777 8888",
            "sex": "H",
            "date_of_birth": "09/07/1988",
            "subdivision": "Oaxaca",
            "consent_alerts": "sí",
        },
        content_type="application/json",
        **bearer(shelter_user),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["nationality"] == "SV" and body["sex"] == "male" and body["birth_date"] == "1988-07-09"
    assert body["contacts"][0]["value"] == "+50377778888" and body["subdivision"] == "MX-OAX"
    assert body["consents"][0]["purpose"] == "crisis_alerts"
    assert AuditEvent.objects.filter(action="create", object_id=str(body["id"])).exists()


def test_create_reports_errors_per_field(client, shelter_user):
    response = client.post(
        "/api/registry/people",
        {"given_names": "Ana", "nationality": "marciana", "date_of_birth": "31/02/1990"},
        content_type="application/json",
        **bearer(shelter_user),
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"nationality", "date_of_birth"}
    assert not Person.objects.exists()


def test_create_for_an_organization_the_caller_does_not_belong_to_is_refused(client, outsider, shelter):
    response = client.post(
        "/api/registry/people",
        {"given_names": "Ana", "organization": shelter.slug},
        content_type="application/json",
        **bearer(outsider),
    )
    assert response.status_code == 403 and not Person.objects.exists()


def test_update_changes_fields_and_the_search_index(client, shelter_user, maria):
    auth = bearer(shelter_user)
    response = client.patch(
        f"/api/registry/people/{maria.pk}",
        {"second_surname": "Ruiz", "nationalities": ["gt", "mx"], "migratory_status": "irregular"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    maria.refresh_from_db()
    assert maria.second_surname == "Ruiz" and maria.nationality == "GT"
    assert maria.migratory_status == "refugee"  # provider staff may not change sensitive fields
    assert client.get("/api/registry/people", {"q": "ruiz"}, **auth).json()["results"][0]["id"] == maria.pk
    bad = client.patch(f"/api/registry/people/{maria.pk}", {"sex": "robot"}, content_type="application/json", **auth)
    assert bad.status_code == 400 and "sex" in bad.json()["errors"]


def test_an_analyst_gets_no_names(client, make_user, shelter, maria):
    assert client.get("/api/registry/people", **bearer(make_user(shelter, "analyst"))).status_code == 403
