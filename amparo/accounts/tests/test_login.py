"""Sign-in, failed sign-in, throttling, sign-out and password reset, each audited."""

import re

import pytest
from django.core import mail

from amparo.accounts.models import AuditEvent


@pytest.fixture
def officer(make_org, make_user):
    return make_user(make_org("home"), "consular_officer", username="lucia")


def test_root_leads_to_the_login_page(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")


def test_login_is_audited_and_lands_on_home(client, officer):
    response = client.post("/accounts/login/", {"username": "lucia", "password": "correct horse battery"}, follow=True)
    assert response.redirect_chain[-1][0] == "/home/"
    assert AuditEvent.objects.filter(action="login", actor=officer).count() == 1


def test_failed_login_is_audited(client, officer):
    response = client.post("/accounts/login/", {"username": "lucia", "password": "wrong"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="login_failed")
    assert "lucia" in event.summary and event.actor is None


def test_repeated_failures_lock_the_account(client, officer, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/accounts/login/", {"username": "lucia", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "lucia", "password": "correct horse battery"})
    assert response.status_code == 429
    assert b"15" in response.content


def test_logout_is_a_post_and_is_audited(client, officer):
    client.force_login(officer)
    assert client.post("/accounts/logout/").status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=officer).exists()
    assert client.get("/home/").status_code == 302


def test_password_reset_by_email(client, officer):
    client.post("/accounts/password-reset/", {"email": officer.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "a brand new secret 42", "new_password2": "a brand new secret 42"}, follow=True
    )
    assert response.status_code == 200
    officer.refresh_from_db()
    assert officer.check_password("a brand new secret 42")
    assert AuditEvent.objects.filter(action="password_changed", actor=officer).exists()


def test_home_page_is_role_aware(client, make_org, make_user):
    org = make_org("clinic", kind="health")
    client.force_login(make_user(org, "provider_staff"))
    text = client.get("/home/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "receive referrals" in text
    assert "/accounts/audit/" not in text
    client.force_login(make_user(org, "org_admin"))
    assert "/accounts/audit/" in client.get("/home/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
