"""The JSON API: token authentication, scoping, OpenAPI schema."""

import pytest

from amparo.accounts.models import APIToken


@pytest.fixture
def token(make_org, make_user):
    user = make_user(make_org("gt-consulate", kind="consulate"), "consular_officer", username="api-user")
    return APIToken.objects.issue(user=user, name="test")[1]


def test_openapi_schema_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/accounts/me" in response.json()["paths"]


def test_requests_without_a_token_are_refused(client, db):
    assert client.get("/api/accounts/me").status_code == 401
    assert client.get("/api/accounts/me", HTTP_AUTHORIZATION="Bearer amp_nonsense").status_code == 401


def test_token_authenticates_as_its_user(client, token):
    body = client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["username"] == "api-user"
    assert body["seats"] == [{"organization": "gt-consulate", "role": "consular_officer"}]


def test_revoked_token_is_refused(client, token):
    from django.utils import timezone

    APIToken.objects.update(revoked_at=timezone.now())
    assert client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_only_the_hash_is_stored(token):
    assert not APIToken.objects.filter(token_hash=token).exists()


def test_api_docs_use_vendored_assets_not_a_cdn(client, make_org, make_user):
    client.force_login(make_user(make_org("docs-org"), "consular_officer"))
    response = client.get("/api/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn." not in body and "unpkg" not in body
