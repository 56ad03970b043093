"""The firewall between protection and enforcement. A consulate admin once shared 48 nationals
(phones, birth dates, exact positions) with the immigration authority in one click, while every
page promised the data never serves enforcement. Now sharing with an organization whose mandate
includes immigration enforcement needs a stated protection purpose, the acknowledged warning, the
person's consent to that recipient in particular and a second administrator; and such a recipient
never reads an exact position."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from amparo.accounts import policy, services
from amparo.accounts.codes import ConsentPurpose, OrganizationKind, Role
from amparo.accounts.models import APIToken, Membership
from amparo.registry.access import can_see_position
from amparo.registry.models import Person

pytestmark = pytest.mark.django_db

HOST = {ConsentPurpose.SHARING_HOST_AUTHORITIES: (True, "written")}
BOTH = {**HOST, ConsentPurpose.SHARING_MIGRATION_AUTHORITIES: (True, "written")}
AT = {
    "country": "MX",
    "subdivision": "MX-GRO",
    "municipality": "Acapulco",
    "latitude": 16.85123,
    "longitude": -99.88391,
}


@pytest.fixture
def scene(make_org, make_user, make_person):
    consulate = make_org(
        "gt-consulate", kind=OrganizationKind.CONSULATE, served_nationality="GT", jurisdiction_country="MX"
    )
    inm = make_org("inm", kind=OrganizationKind.MIGRATION_AUTHORITY)
    admin = make_user(consulate, Role.ORG_ADMIN, username="admin1")
    second_admin = make_user(consulate, Role.ORG_ADMIN, username="admin2")
    officer = make_user(consulate, Role.CONSULAR_OFFICER, username="consul")
    migration = make_user(inm, Role.MIGRATION_OFFICER, username="agent")
    host_only = make_person(consulate, given_names="Hostonly", consents=HOST, **AT)
    consented = make_person(consulate, given_names="Consented", consents=BOTH, **AT)
    return consulate, inm, admin, second_admin, officer, migration, host_only, consented


def share(actor, provider, recipient, **extra):
    return services.create_agreement(actor=actor, provider=provider, recipient=recipient, purpose="protection", **extra)


def test_a_stated_protection_purpose_and_the_warning_are_required(scene):
    consulate, inm, admin, *_ = scene
    with pytest.raises(ValidationError) as raised:
        share(admin, consulate, inm)
    assert {"protection_purpose", "warning_acknowledged"} <= set(raised.value.message_dict)
    with pytest.raises(ValidationError):
        share(admin, consulate, inm, protection_purpose="Regularización humanitaria")


def test_nothing_is_shared_until_another_administrator_approves(scene):
    consulate, inm, admin, second_admin, officer, migration, _host_only, consented = scene
    agreement = share(
        admin, consulate, inm, protection_purpose="Visas humanitarias tras el sismo", warning_acknowledged=True
    )
    assert agreement.awaits_approval and not agreement.is_active
    assert agreement.consent_purpose == ConsentPurpose.SHARING_MIGRATION_AUTHORITIES
    assert not Person.objects.visible_to(migration).exists()
    with translation.override("en"), pytest.raises(ValidationError, match="Another administrator"):
        services.approve_agreement(actor=admin, agreement=agreement)
    with pytest.raises(policy.Refused):
        services.approve_agreement(actor=officer, agreement=agreement)
    services.approve_agreement(actor=second_admin, agreement=agreement)
    assert agreement.is_active
    fresh = type(migration).objects.get(pk=migration.pk)  # a new request: the principal is computed again
    assert list(Person.objects.visible_to(fresh)) == [consented]


def test_only_people_who_consented_to_that_recipient_are_shared(scene, make_org, make_user):
    consulate, inm, admin, second_admin, *_rest, host_only, consented = scene
    agreement = share(admin, consulate, inm, protection_purpose="Reunificación familiar", warning_acknowledged=True)
    services.approve_agreement(actor=second_admin, agreement=agreement)
    migration = Membership.objects.get(organization=inm).user
    seen = set(Person.objects.visible_to(migration))
    assert consented in seen and host_only not in seen
    assert host_only in Person.objects.countable_by(migration)  # counted, never named
    # An organization without the mandate gets host-authority consent as before.
    ngo = make_org("ngo", kind=OrganizationKind.NGO)
    share(admin, consulate, ngo)
    ngo_worker = make_user(ngo, Role.CASE_WORKER)
    assert {host_only, consented} <= set(Person.objects.visible_to(ngo_worker))


def test_a_flag_gives_any_organization_the_same_firewall(scene, make_org):
    consulate, _inm, admin, *_ = scene
    police = make_org("federal-police", kind=OrganizationKind.NGO, enforcement_mandate=True)
    assert police.enforces_immigration
    with pytest.raises(ValidationError):
        share(admin, consulate, police)


def test_an_enforcement_recipient_never_reads_exact_positions(client, scene):
    consulate, inm, admin, second_admin, _officer, migration, _host_only, consented = scene
    services.approve_agreement(
        actor=second_admin,
        agreement=share(admin, consulate, inm, protection_purpose="Evacuación", warning_acknowledged=True),
    )
    assert not can_see_position(migration, consented)
    assert can_see_position(admin, consented)
    raw = APIToken.objects.issue(user=migration, name="t")[1]
    data = client.get(f"/api/registry/people/{consented.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert (data["latitude"], data["longitude"], data["subdivision"]) == (None, None, "MX-GRO")
    client.force_login(migration)
    page = client.get(f"/registry/people/{consented.pk}/").content.decode()
    assert "Acapulco" in page and "16.85" not in page
    export = b"".join(client.get("/registry/people/export.csv").streaming_content).decode()
    assert "Consented" in export and "16.85" not in export and "-99.88" not in export


def test_the_page_warns_before_sharing_and_marks_the_agreement(client, scene):
    consulate, inm, admin, second_admin, *_ = scene
    client.force_login(admin)
    page = client.get("/accounts/agreements/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Protection data never serves immigration enforcement." in page and inm.name in page
    response = client.post(
        "/accounts/agreements/",
        {"provider": consulate.pk, "recipient": inm.pk, "purpose": "protection"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and "protection" in response.content.decode().lower()
    response = client.post(
        "/accounts/agreements/",
        {
            "provider": consulate.pk,
            "recipient": inm.pk,
            "purpose": "protection",
            "protection_purpose": "Visas humanitarias",
            "warning_acknowledged": "on",
        },
    )
    assert response.status_code == 302
    client.force_login(second_admin)
    page = client.get("/accounts/agreements/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "awaits a second approver" in page and "/approve/" in page


def test_the_api_answers_sharing_rules_too(client, scene):
    """The same service behind every way in: the agreement page is the only writer today, and
    the registry API never widens what an enforcement seat sees."""
    consulate, inm, admin, second_admin, _officer, migration, host_only, _consented = scene
    raw = APIToken.objects.issue(user=migration, name="t")[1]
    response = client.get(f"/api/registry/people/{host_only.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 404 and "detail" in json.loads(response.content)
