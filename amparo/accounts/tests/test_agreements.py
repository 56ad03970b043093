"""Data-sharing agreements: created by the provider, visible to both sides, revocable, audited."""

import pytest
from django.core.exceptions import PermissionDenied

from amparo.accounts import services
from amparo.accounts.models import AuditEvent, DataSharingAgreement


@pytest.fixture
def orgs(make_org):
    return make_org("gt-consulate", kind="consulate", served_nationality="GT"), make_org(
        "mx-cnpc", kind="civil_protection"
    )


def test_provider_admin_creates_and_recipient_admin_revokes(orgs, make_user):
    consulate, cnpc = orgs
    agreement = services.create_agreement(
        actor=make_user(consulate, "org_admin"),
        provider=consulate,
        recipient=cnpc,
        purpose="crisis_response",
        nationality="gt",
        area_subdivisions=["mx-gro"],
    )
    assert (agreement.nationality, agreement.area_subdivisions) == ("GT", ["MX-GRO"])
    services.revoke_agreement(actor=make_user(cnpc, "org_admin"), agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.revoked_at and not agreement.is_active
    assert list(
        AuditEvent.objects.filter(object_type="accounts.datasharingagreement").values_list("action", flat=True)
    ) == ["revoke", "share"]


def test_recipient_cannot_grant_itself_access(orgs, make_user):
    consulate, cnpc = orgs
    with pytest.raises(PermissionDenied):
        services.create_agreement(
            actor=make_user(cnpc, "org_admin"), provider=consulate, recipient=cnpc, purpose="crisis_response"
        )
    assert not DataSharingAgreement.objects.exists()


def test_agreements_page_shows_both_sides_and_hides_others(client, orgs, make_user, make_org):
    consulate, cnpc = orgs
    services.create_agreement(
        actor=make_user(consulate, "org_admin"), provider=consulate, recipient=cnpc, purpose="crisis_response"
    )
    client.force_login(make_user(cnpc, "civil_protection_coordinator"))
    assert f">{consulate.name}</td>" in client.get("/accounts/agreements/").content.decode()
    client.force_login(make_user(make_org("elsewhere"), "org_admin"))
    assert f">{consulate.name}</td>" not in client.get("/accounts/agreements/").content.decode()


def test_page_creates_an_agreement(client, orgs, make_user):
    consulate, cnpc = orgs
    client.force_login(make_user(consulate, "org_admin"))
    response = client.post(
        "/accounts/agreements/", {"recipient": cnpc.pk, "purpose": "crisis_response", "nationality": "GT"}
    )
    assert response.status_code == 302
    assert DataSharingAgreement.objects.get().provider == consulate


def test_audit_page_is_for_admins_and_supervisors(client, orgs, make_user):
    consulate, _cnpc = orgs
    client.force_login(make_user(consulate, "consular_officer"))
    assert client.get("/accounts/audit/").status_code == 403
    client.force_login(make_user(consulate, "org_admin"))
    assert client.get("/accounts/audit/?action=login").status_code == 200
