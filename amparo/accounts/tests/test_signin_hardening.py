"""Sign-in behind the documented TLS proxy: the client address comes from X-Forwarded-For only when
the request comes from a trusted proxy, so one attacker locks out only themselves, never a user
for everyone; failed sign-ins go to the audit log of the targeted account's organizations;
password resets are rate-limited."""

import pytest
from django.core import mail
from django.test import RequestFactory

from amparo.accounts.clientip import client_ip
from amparo.accounts.models import AuditEvent

PROXY = "10.0.0.5"


@pytest.fixture
def officer(make_org, make_user):
    return make_user(make_org("home"), "consular_officer", username="lucia")


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.9", "", [], "203.0.113.9"),
        (PROXY, "198.51.100.7", [], PROXY),  # no trusted proxy: the header is anyone's to write
        ("203.0.113.9", "198.51.100.7", [PROXY], "203.0.113.9"),  # not from the proxy: ignored
        (PROXY, "198.51.100.7", [PROXY], "198.51.100.7"),
        (PROXY, "1.2.3.4, 198.51.100.7", ["10.0.0.0/8"], "198.51.100.7"),  # a forged left entry is skipped
        (PROXY, "198.51.100.7, 10.0.0.9", ["10.0.0.0/8"], "198.51.100.7"),  # two proxies in a row
        (PROXY, "not-an-address", [PROXY], PROXY),
    ],
)
def test_the_client_address_is_read_from_trusted_proxies_only(settings, remote, forwarded, trusted, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def _sign_in(client, address, password):
    return client.post(
        "/accounts/login/",
        {"username": "lucia", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


@pytest.mark.django_db
def test_an_attacker_behind_the_proxy_does_not_lock_the_user_out(client, officer, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(4):
        _sign_in(client, "198.51.100.66", "wrong")
    assert _sign_in(client, "198.51.100.66", "correct horse battery").status_code == 429  # the attacker
    assert _sign_in(client, "203.0.113.20", "correct horse battery").status_code == 302  # the user
    event = AuditEvent.objects.filter(action="login_failed").first()
    assert event.ip_address == "198.51.100.66"


@pytest.mark.django_db
def test_failed_sign_ins_go_to_the_targeted_accounts_organizations(client, officer, make_org, make_user):
    from amparo.accounts.models import Membership

    second = make_org("second")
    Membership.objects.create(user=officer, organization=second, role="case_worker")
    client.post("/accounts/login/", {"username": "LUCIA", "password": "wrong"})
    events = AuditEvent.objects.filter(action="login_failed")
    assert {e.organization_id for e in events} == {
        officer.memberships.get(role="consular_officer").organization_id,
        second.pk,
    }
    client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    assert AuditEvent.objects.get(action="login_failed", actor_label="nobody").organization_id is None


@pytest.mark.django_db
def test_password_resets_are_rate_limited_per_address_and_per_email(client, officer, settings):
    settings.PASSWORD_RESET_LIMIT_PER_HOUR = 2
    for _ in range(4):
        response = client.post("/accounts/password-reset/", {"email": officer.email})
        assert response.status_code == 302  # the same answer every time: nothing to learn
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="password_reset_requested").count() == 4
    assert AuditEvent.objects.filter(action="password_reset_requested", extra__sent=False).count() == 2
