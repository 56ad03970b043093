"""The access-policy matrix: every role against every kind of object that exists so far.

The user under test belongs to a Guatemalan consulate in Mexico ("home"). A partner NGO shares its
Guatemalan people in Mexico with home under an agreement; an outsider organization shares nothing.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction, ConsentPurpose, OrganizationKind, Role
from amparo.accounts.models import APIToken, AuditEvent, DataSharingAgreement, Membership
from amparo.registry.models import ContactPoint, Person

SHARE = {ConsentPurpose.SHARING_HOST_AUTHORITIES: (True, "written")}
NAMING = {r for r in Role if r != Role.ANALYST}
ADMINS = {Role.ORG_ADMIN, Role.SUPERVISOR}
ALL = set(Role)
NONE: set = set()

# object key -> (roles that see it by name, roles that may count it)
EXPECTED = {
    "person_home": (NAMING, ALL),
    "person_home_hn": (NAMING, ALL),  # registering org sees its records whatever the nationality
    "person_outsider": (NONE, NONE),
    "person_shared_consented": (NAMING, ALL),
    "person_shared_unconsented": (NONE, ALL),  # counted, never named
    "person_shared_wrong_nationality": (NONE, NONE),  # a consulate only receives its nationals
    "person_shared_outside_jurisdiction": (NONE, NONE),
    "person_revoked_agreement": (NONE, NONE),
    "person_expired_agreement": (NONE, NONE),
    "contact_home": (NAMING, None),
    "contact_outsider": (NONE, None),
    "agreement_received": (ALL, None),
    "agreement_between_others": (NONE, None),
    "membership_home": (ALL, None),
    "membership_outsider": (NONE, None),
    "audit_home": (ADMINS, None),
    "audit_outsider": (NONE, None),
    "token_own": (ALL, None),  # a token acts as its user: only that user sees it
    "token_colleague": (NONE, None),  # not even the organization's admins
    "token_outsider": (NONE, None),
}


@pytest.fixture
def world(make_org, make_user, make_person):
    home = make_org(
        "gt-consulate-mexico-city", kind=OrganizationKind.CONSULATE, served_nationality="GT", jurisdiction_country="MX"
    )
    partner = make_org("mx-ngo", kind=OrganizationKind.NGO)
    outsider = make_org("mx-shelter", kind=OrganizationKind.SHELTER)
    other_partner = make_org("mx-clinic", kind=OrganizationKind.HEALTH)
    revoked_partner = make_org("mx-legal", kind=OrganizationKind.LEGAL_AID)
    expired_partner = make_org("mx-un", kind=OrganizationKind.UN_AGENCY)
    now = timezone.now()
    DataSharingAgreement.objects.create(provider=partner, recipient=home, purpose="crisis_response")
    DataSharingAgreement.objects.create(
        provider=revoked_partner, recipient=home, purpose="crisis_response", revoked_at=now
    )
    DataSharingAgreement.objects.create(
        provider=expired_partner,
        recipient=home,
        purpose="crisis_response",
        valid_from=now - timedelta(days=10),
        valid_until=now - timedelta(days=1),
    )
    in_mx = {"country": "MX", "subdivision": "MX-GRO", "latitude": 16.85, "longitude": -99.88}
    objects = {
        "person_home": make_person(home, **in_mx, phones=[("5512345678", True)]),
        "person_home_hn": make_person(home, nationality="HN", **in_mx),
        "person_outsider": make_person(outsider, consents=SHARE, **in_mx, phones=[("5587654321", False)]),
        "person_shared_consented": make_person(partner, consents=SHARE, **in_mx),
        "person_shared_unconsented": make_person(partner, **in_mx),
        "person_shared_wrong_nationality": make_person(partner, nationality="HN", consents=SHARE, **in_mx),
        "person_shared_outside_jurisdiction": make_person(partner, consents=SHARE, country="GT", subdivision="GT-GU"),
        "person_revoked_agreement": make_person(revoked_partner, consents=SHARE, **in_mx),
        "person_expired_agreement": make_person(expired_partner, consents=SHARE, **in_mx),
        "agreement_received": DataSharingAgreement.objects.get(provider=partner),
        "agreement_between_others": DataSharingAgreement.objects.create(
            provider=outsider, recipient=other_partner, purpose="protection"
        ),
        "membership_outsider": Membership.objects.get(user=make_user(outsider, Role.CONSULAR_OFFICER)),
        "audit_outsider": audit.record(
            policy.system_principal(), AuditAction.UPDATE, organization=outsider, summary="x"
        ),
        "audit_home": audit.record(policy.system_principal(), AuditAction.UPDATE, organization=home, summary="y"),
        "token_colleague": APIToken.objects.issue(user=make_user(home, Role.CONSULAR_OFFICER), name="colleague")[0],
        "token_outsider": APIToken.objects.issue(user=make_user(outsider, Role.ORG_ADMIN), name="outsider")[0],
    }
    objects["contact_home"] = ContactPoint.objects.get(person=objects["person_home"])
    objects["contact_outsider"] = ContactPoint.objects.get(person=objects["person_outsider"])
    return home, objects


@pytest.mark.parametrize("role", list(Role))
def test_every_role_sees_exactly_what_the_policy_says(role, world, make_user):
    home, objects = world
    user = make_user(home, role)
    objects["membership_home"] = Membership.objects.get(user=user)
    objects["token_own"] = APIToken.objects.issue(user=user, name="own")[0]
    for key, (named_roles, counted_roles) in EXPECTED.items():
        obj = objects[key]
        model = type(obj)
        seen = policy.visible(user, model).filter(pk=obj.pk).exists()
        assert seen == (role in named_roles), f"{role} {'sees' if seen else 'does not see'} {key}"
        if counted_roles is not None:
            counted = policy.countable(user, model).filter(pk=obj.pk).exists()
            assert counted == (role in counted_roles), f"{role} {'counts' if counted else 'does not count'} {key}"


@pytest.mark.parametrize("role", list(Role))
def test_sensitive_fields_only_for_roles_that_need_them(role, world, make_user):
    home, _objects = world
    principal = policy.principal_for(make_user(home, role))
    assert principal.sees_sensitive == (role in {Role.CONSULAR_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR})


def test_user_without_membership_sees_nothing(world, make_user):
    user = make_user(None)
    for model in (Person, ContactPoint, DataSharingAgreement, Membership, AuditEvent, APIToken):
        assert not policy.visible(user, model).exists()
        assert not policy.countable(user, model).exists()


def test_inactive_membership_gives_no_access(world, make_user):
    home, objects = world
    user = make_user(home, Role.CONSULAR_OFFICER)
    Membership.objects.filter(user=user).update(is_active=False)
    assert not Person.objects.visible_to(user).filter(pk=objects["person_home"].pk).exists()


def test_system_principal_sees_everything(world):
    assert Person.objects.visible_to(policy.system_principal()).count() == Person.objects.count()


def test_withdrawn_consent_stops_sharing_at_once(world, make_user):
    from amparo.registry.services import withdraw_consent

    home, objects = world
    user = make_user(home, Role.CONSULAR_OFFICER)
    shared = objects["person_shared_consented"]
    assert Person.objects.visible_to(user).filter(pk=shared.pk).exists()
    withdraw_consent(actor=policy.system_principal(), person=shared, purpose=ConsentPurpose.SHARING_HOST_AUTHORITIES)
    assert (
        not Person.objects.visible_to(policy.principal_for(make_user(home, Role.CONSULAR_OFFICER)))
        .filter(pk=shared.pk)
        .exists()
    )
    assert Person.objects.countable_by(user).filter(pk=shared.pk).exists()


@pytest.mark.parametrize("role", list(Role))
def test_a_second_seat_elsewhere_changes_nothing_at_home(role, world, make_user):
    """Multi-seat users: the same user also holds a migration-officer seat at the outsider
    organization. At home they see exactly what their home role sees; the outsider's people they
    see by name through that seat, never with their sensitive fields."""
    from amparo.registry.access import can_see_sensitive

    home, objects = world
    user = make_user(home, role)
    outsider = objects["person_outsider"].registering_organization
    Membership.objects.create(user=user, organization=outsider, role=Role.MIGRATION_OFFICER)
    objects["membership_home"] = Membership.objects.get(user=user, organization=home)
    objects["token_own"] = APIToken.objects.issue(user=user, name="own")[0]
    through_second_seat = {"person_outsider", "contact_outsider", "membership_outsider", "agreement_between_others"}
    for key, (named_roles, _counted) in EXPECTED.items():
        obj = objects[key]
        seen = policy.visible(user, type(obj)).filter(pk=obj.pk).exists()
        expected = role in named_roles or key in through_second_seat
        assert seen == expected, f"{role}+migration_officer {'sees' if seen else 'does not see'} {key}"
    sensitive_home = role in {Role.CONSULAR_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR}
    assert can_see_sensitive(user, objects["person_home"]) == sensitive_home
    assert not can_see_sensitive(user, objects["person_outsider"])
