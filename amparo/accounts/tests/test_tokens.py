"""API tokens page: a user creates tokens (the value is shown once, only its hash is kept) and
revokes them; nobody else sees or revokes them."""

import re

import pytest

from amparo.accounts.models import APIToken, AuditEvent


@pytest.fixture
def lucia(make_org, make_user):
    return make_user(make_org("gt-consulate", kind="consulate"), "consular_officer", username="lucia")


@pytest.fixture
def someone_else(make_org, make_user):
    user = make_user(make_org("gt-consulate-2", kind="consulate"), "org_admin", username="marcela")
    token, _raw = APIToken.objects.issue(user=user, name="marcela's import")
    return token


def _create(client, name="spreadsheet import"):
    response = client.post("/accounts/tokens/", {"name": name})
    raw = re.search(r'value="(amp_[^"]+)"', response.content.decode()).group(1)
    return response, raw


def test_a_new_token_is_shown_once_and_works_with_the_api(client, lucia):
    client.force_login(lucia)
    response, raw = _create(client)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = APIToken.objects.get(user=lucia)
    assert token.name == "spreadsheet import" and raw.startswith(token.prefix)
    assert not APIToken.objects.filter(token_hash=raw).exists()
    assert raw not in client.get("/accounts/tokens/").content.decode()
    client.logout()  # the API also accepts the session: prove the token alone opens it
    me = client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert me["username"] == "lucia"
    event = AuditEvent.objects.get(action="create", object_type="accounts.apitoken")
    assert raw not in event.summary and raw not in str(event.extra)


def test_a_revoked_token_no_longer_opens_the_api(client, lucia):
    client.force_login(lucia)
    _response, raw = _create(client)
    token = APIToken.objects.get(user=lucia)
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert AuditEvent.objects.filter(action="revoke", object_type="accounts.apitoken").exists()


def test_a_token_needs_a_name(client, lucia):
    client.force_login(lucia)
    response = client.post("/accounts/tokens/", {"name": "  "})
    assert response.status_code == 400
    assert not APIToken.objects.exists()


# --- Access denied ---------------------------------------------------------------------------


def test_tokens_page_needs_a_sign_in(client, db):
    response = client.get("/accounts/tokens/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_user_sees_only_their_own_tokens(client, lucia, someone_else):
    client.force_login(lucia)
    assert "marcela" not in client.get("/accounts/tokens/").content.decode()


def test_nobody_revokes_another_users_token(client, lucia, someone_else):
    client.force_login(lucia)
    assert client.post(f"/accounts/tokens/{someone_else.pk}/revoke/").status_code == 404
    someone_else.refresh_from_db()
    assert someone_else.revoked_at is None
