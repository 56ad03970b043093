"""My account: every user sets the time zone dates are shown in and the language of the pages."""

import pytest
from django.core.exceptions import PermissionDenied

from amparo.accounts import services
from amparo.accounts.models import AuditEvent, UserProfile


@pytest.fixture
def lucia(make_org, make_user):
    return make_user(make_org("gt-consulate", kind="consulate", country="MX"), "consular_officer", username="lucia")


def test_the_organizations_zone_applies_until_the_user_chooses_one(client, lucia):
    client.force_login(lucia)
    assert "America/Mexico_City" in client.get("/accounts/profile/").content.decode()
    response = client.post("/accounts/profile/", {"time_zone": "America/Guatemala", "language": ""}, follow=True)
    assert response.status_code == 200
    assert UserProfile.objects.get(user=lucia).time_zone == "America/Guatemala"
    assert "America/Guatemala" in response.content.decode()
    event = AuditEvent.objects.get(action="update", object_type="accounts.userprofile")
    assert event.extra["new"] == {"time_zone": "America/Guatemala", "language": ""}


def test_the_chosen_language_is_used_at_once_and_at_every_sign_in(client, lucia):
    client.force_login(lucia)
    response = client.post("/accounts/profile/", {"time_zone": "", "language": "ht"}, follow=True)
    assert 'lang="ht"' in response.content.decode()
    client.logout()
    client.cookies.clear()
    client.post("/accounts/login/", {"username": "lucia", "password": "correct horse battery"})
    assert client.cookies["django_language"].value == "ht"


def test_the_profile_language_applies_when_the_switcher_was_never_used(client, lucia):
    UserProfile.objects.create(user=lucia, language="fr")
    client.force_login(lucia)
    assert 'lang="fr"' in client.get("/home/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.cookies["django_language"] = "pt"
    assert 'lang="pt"' in client.get("/home/").content.decode()


def test_an_unknown_time_zone_is_refused(client, lucia):
    client.force_login(lucia)
    response = client.post("/accounts/profile/", {"time_zone": "Mars/Olympus_Mons", "language": ""})
    assert response.status_code == 400
    assert not UserProfile.objects.filter(user=lucia, time_zone="Mars/Olympus_Mons").exists()


def test_a_user_changes_their_own_password(client, lucia):
    client.force_login(lucia)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "correct horse battery",
            "new_password1": "otra clave larga 2026",
            "new_password2": "otra clave larga 2026",
        },
    )
    assert response.status_code == 302
    lucia.refresh_from_db()
    assert lucia.check_password("otra clave larga 2026")
    assert AuditEvent.objects.filter(action="password_changed", actor=lucia).exists()


# --- Access denied ---------------------------------------------------------------------------


def test_profile_and_password_pages_need_a_sign_in(client, db):
    for url in ("/accounts/profile/", "/accounts/password/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_nobody_changes_another_users_preferences(lucia, make_user, make_org):
    admin = make_user(make_org("other"), "org_admin")
    with pytest.raises(PermissionDenied):
        services.update_profile(actor=admin, user=lucia, time_zone="UTC", language="en")
    assert not UserProfile.objects.filter(user=lucia).exists()
