"""The Members page: an organization's administrators add members (who choose their own password
through an e-mailed link), change roles and deactivate them; nobody else may, and an administrator
of one organization never sees or touches another organization's members."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from amparo.accounts import policy, services
from amparo.accounts.models import AuditEvent, Membership


@pytest.fixture
def home(make_org):
    return make_org("gt-consulate-mexico-city", kind="consulate", name="Consulado de Guatemala")


@pytest.fixture
def other(make_org):
    return make_org("hn-consulate-mexico-city", kind="consulate", served_nationality="HN", name="Consulado de Honduras")


@pytest.fixture
def admin(home, make_user):
    return make_user(home, "org_admin", username="rodrigo")


@pytest.fixture
def colleague(home, make_user):
    return make_user(home, "consular_officer", username="lucia")


@pytest.fixture
def outsider(other, make_user):
    return make_user(other, "consular_officer", username="marcela")


NEW_MEMBER = {
    "first_name": "Ana",
    "last_name": "Pérez",
    "username": "ana.perez",
    "email": "Ana.Perez@example.org",
    "role": "case_worker",
    "language": "es",
}


def test_admin_lists_the_members_of_their_organization_only(client, admin, colleague, outsider):
    client.force_login(admin)
    response = client.get("/accounts/members/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "lucia" in body and "rodrigo" in body
    assert "marcela" not in body


def test_adding_a_member_creates_the_account_and_emails_a_link_to_choose_a_password(
    client, admin, home, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/members/", NEW_MEMBER, follow=True)
    assert response.status_code == 200
    membership = Membership.objects.get(user__username="ana.perez")
    assert (membership.organization, membership.role, membership.is_active) == (home, "case_worker", True)
    assert membership.user.email == "ana.perez@example.org"
    assert not membership.user.has_usable_password()
    event = AuditEvent.objects.get(action="create", object_type="accounts.membership")
    assert event.actor == admin and event.extra["role"] == "case_worker"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana.perez@example.org"]
    assert "Consulado de Guatemala" in message.subject
    assert "ana.perez" in message.body and "Su nombre de usuario" in message.body  # her language: Spanish
    client.logout()
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "una clave nueva 2026", "new_password2": "una clave nueva 2026"})
    membership.user.refresh_from_db()
    assert membership.user.check_password("una clave nueva 2026")


def test_an_invited_member_gets_a_fresh_link_from_the_admin_or_from_forgot_password(
    client, admin, home, django_capture_on_commit_callbacks
):
    invited = services.add_member(
        actor=admin, organization=home, username="ana.perez", email="ana@example.org", role="case_worker"
    )
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/accounts/members/{invited.pk}/invite/")
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert AuditEvent.objects.filter(action="send", object_id=str(invited.pk)).exists()
    client.logout()
    client.post("/accounts/password-reset/", {"email": "ANA@example.org"})
    assert len(mail.outbox) == 2 and "/accounts/reset/" in mail.outbox[1].body


def test_a_member_who_chose_a_password_gets_no_invitation(client, admin, colleague):
    client.force_login(admin)
    membership = Membership.objects.get(user=colleague)
    response = client.post(f"/accounts/members/{membership.pk}/invite/", follow=True)
    assert "already chose a password" in response.content.decode()
    assert mail.outbox == []


def test_a_taken_user_name_is_refused_with_a_clear_error(client, admin, outsider):
    client.force_login(admin)
    response = client.post("/accounts/members/", {**NEW_MEMBER, "username": "marcela"})
    assert response.status_code == 400
    assert "This user name is taken" in response.content.decode()
    assert not Membership.objects.filter(user=outsider, organization__slug="gt-consulate-mexico-city").exists()
    assert mail.outbox == []


def test_a_bad_email_is_refused_and_the_form_keeps_what_was_typed(client, admin):
    client.force_login(admin)
    response = client.post("/accounts/members/", {**NEW_MEMBER, "email": "not-an-address"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid email address" in body and 'value="ana.perez"' in body


def test_changing_a_role_is_audited_with_old_and_new(client, admin, colleague):
    client.force_login(admin)
    membership = Membership.objects.get(user=colleague)
    client.post(f"/accounts/members/{membership.pk}/role/", {"role": "supervisor"})
    membership.refresh_from_db()
    assert membership.role == "supervisor"
    event = AuditEvent.objects.get(action="update", object_type="accounts.membership")
    assert (event.extra["old_role"], event.extra["new_role"]) == ("consular_officer", "supervisor")


def test_deactivating_a_member_removes_their_access_at_once(client, admin, colleague):
    client.force_login(admin)
    membership = Membership.objects.get(user=colleague)
    client.post(f"/accounts/members/{membership.pk}/deactivate/")
    membership.refresh_from_db()
    assert not membership.is_active
    colleague.refresh_from_db()
    assert policy.principal_for(colleague).seats == ()
    assert AuditEvent.objects.filter(action="status_change", object_id=str(membership.pk)).exists()
    client.post(f"/accounts/members/{membership.pk}/reactivate/")
    membership.refresh_from_db()
    assert membership.is_active


def test_a_former_member_can_be_added_again(client, admin, colleague):
    client.force_login(admin)
    membership = Membership.objects.get(user=colleague)
    services.set_member_active(actor=admin, membership=membership, active=False)
    client.post("/accounts/members/", {**NEW_MEMBER, "username": "lucia", "role": "analyst"})
    membership.refresh_from_db()
    assert (membership.is_active, membership.role) == (True, "analyst")


def test_the_last_administrator_cannot_leave_or_be_demoted(client, admin):
    client.force_login(admin)
    membership = Membership.objects.get(user=admin)
    response = client.post(f"/accounts/members/{membership.pk}/deactivate/", follow=True)
    assert "at least one active administrator" in response.content.decode()
    client.post(f"/accounts/members/{membership.pk}/role/", {"role": "analyst"})
    membership.refresh_from_db()
    assert (membership.is_active, membership.role) == (True, "org_admin")


def test_an_unknown_role_is_refused(admin, colleague):
    with pytest.raises(ValidationError):
        services.change_member_role(actor=admin, membership=Membership.objects.get(user=colleague), role="root")


# --- Access denied ---------------------------------------------------------------------------


def test_members_page_needs_a_sign_in(client, db):
    response = client.get("/accounts/members/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_member_who_is_not_an_admin_cannot_manage_members(client, colleague, admin):
    client.force_login(colleague)
    assert client.get("/accounts/members/").status_code == 403
    assert client.post("/accounts/members/", NEW_MEMBER).status_code == 403
    target = Membership.objects.get(user=admin)
    assert client.post(f"/accounts/members/{target.pk}/role/", {"role": "analyst"}).status_code == 403
    assert client.post(f"/accounts/members/{target.pk}/deactivate/").status_code == 403
    target.refresh_from_db()
    assert (target.role, target.is_active) == ("org_admin", True)
    assert not Membership.objects.filter(user__username="ana.perez").exists()


def test_an_admin_cannot_see_or_change_another_organizations_members(client, admin, outsider, other):
    client.force_login(admin)
    assert client.get(f"/accounts/members/?org={other.slug}").status_code == 403
    assert client.post(f"/accounts/members/?org={other.slug}", NEW_MEMBER).status_code == 403
    target = Membership.objects.get(user=outsider)
    assert client.post(f"/accounts/members/{target.pk}/role/", {"role": "org_admin"}).status_code == 404
    assert client.post(f"/accounts/members/{target.pk}/deactivate/").status_code == 404
    assert client.post(f"/accounts/members/{target.pk}/invite/").status_code == 404
    target.refresh_from_db()
    assert (target.role, target.is_active) == ("consular_officer", True)
    assert not Membership.objects.filter(organization=other, user__username="ana.perez").exists()


def test_services_refuse_an_admin_of_another_organization(admin, outsider, other):
    with pytest.raises(PermissionDenied):
        services.add_member(actor=admin, organization=other, username="x", email="x@example.org", role="analyst")
    with pytest.raises(PermissionDenied):
        services.set_member_active(actor=admin, membership=Membership.objects.get(user=outsider), active=False)


def test_members_is_in_the_navigation_of_admins_only(client, admin, colleague):
    client.force_login(admin)
    assert 'href="/accounts/members/"' in client.get("/home/").content.decode()
    client.force_login(colleague)
    assert 'href="/accounts/members/"' not in client.get("/home/").content.decode()
