"""`amparo create-organization`: a new installation's first organization and administrator, who
signs in with the password given (production starts from an empty database, never demo data)."""

import pytest
from django.core.management import CommandError, call_command

from amparo.accounts.models import AuditEvent, Membership, Organization

pytestmark = pytest.mark.django_db


def test_the_first_organization_and_its_administrator(client, tmp_path):
    secret = tmp_path / "password"
    secret.write_text("a-long-admin-password-2026\n")
    call_command(
        "create_organization", "gt-consulate", "--name", "Consulado de Guatemala", "--kind", "consulate",
        "--country", "mx", "--served-nationality", "gt", "--jurisdiction", "mx",
        "--admin", "rodrigo", "--email", "rodrigo@example.org", "--password-file", str(secret),
    )  # fmt: skip
    organization = Organization.objects.get(slug="gt-consulate")
    assert (organization.country, organization.served_nationality) == ("MX", "GT")
    assert Membership.objects.get(user__username="rodrigo").role == "org_admin"
    assert AuditEvent.objects.filter(action="create", object_type="accounts.organization").exists()
    response = client.post("/accounts/login/", {"username": "rodrigo", "password": "a-long-admin-password-2026"})
    assert response.status_code == 302


def test_a_weak_password_or_a_consulate_without_jurisdiction_is_refused(tmp_path):
    weak = tmp_path / "weak"
    weak.write_text("123")
    with pytest.raises(CommandError):
        call_command(
            "create_organization", "x", "--name", "X", "--kind", "ngo", "--country", "MX",
            "--admin", "a", "--email", "a@example.org", "--password-file", str(weak),
        )  # fmt: skip
    good = tmp_path / "good"
    good.write_text("a-long-admin-password-2026")
    with pytest.raises(CommandError):
        call_command(
            "create_organization", "c", "--name", "C", "--kind", "consulate", "--country", "MX",
            "--admin", "a", "--email", "a@example.org", "--password-file", str(good),
        )  # fmt: skip
    assert not Organization.objects.exists()
