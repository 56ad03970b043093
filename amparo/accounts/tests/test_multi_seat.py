"""A user with seats in two organizations acts through the seat that sees each record: a case
worker in an NGO who is also a migration officer at the migration authority never sees, nor
changes, the migratory status of the authority's people; screenings, referrals and cases are filed
under the organization whose seat acts; refused accesses go to the record's organization."""

import json

import pytest

from amparo.accounts import policy
from amparo.accounts.codes import OrganizationKind, Role
from amparo.accounts.models import APIToken, AuditEvent, Membership
from amparo.registry.access import can_see_sensitive

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(make_org, make_user, make_person):
    ngo = make_org("ngo", kind=OrganizationKind.NGO)
    inm = make_org("inm", kind=OrganizationKind.MIGRATION_AUTHORITY)
    user = make_user(ngo, Role.CASE_WORKER, username="dual")
    Membership.objects.create(user=user, organization=inm, role=Role.MIGRATION_OFFICER)
    ngo_person = make_person(ngo, given_names="Ana", migratory_status="irregular", special_needs="asma")
    inm_person = make_person(inm, given_names="Beto", migratory_status="irregular", special_needs="diabetes")
    return user, ngo, inm, ngo_person, inm_person


def test_sensitive_fields_follow_the_seat_that_sees_the_person(scene):
    user, _ngo, _inm, ngo_person, inm_person = scene
    assert can_see_sensitive(user, ngo_person)
    assert not can_see_sensitive(user, inm_person)


def test_the_api_and_the_page_hide_what_the_seat_may_not_see(client, scene):
    user, _ngo, _inm, ngo_person, inm_person = scene
    raw = APIToken.objects.issue(user=user, name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(f"/api/registry/people/{ngo_person.pk}", **auth).json()["migratory_status"] == "irregular"
    assert client.get(f"/api/registry/people/{inm_person.pk}", **auth).json()["migratory_status"] is None
    client.force_login(user)
    assert "diabetes" not in client.get(f"/registry/people/{inm_person.pk}/").content.decode()
    assert "asma" in client.get(f"/registry/people/{ngo_person.pk}/").content.decode()


def test_a_change_through_the_migration_seat_cannot_touch_sensitive_fields(client, scene):
    user, _ngo, _inm, _ngo_person, inm_person = scene
    raw = APIToken.objects.issue(user=user, name="t")[1]
    response = client.patch(
        f"/api/registry/people/{inm_person.pk}",
        data=json.dumps({"migratory_status": "regular", "given_names": "Roberto"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200
    inm_person.refresh_from_db()
    assert (inm_person.given_names, inm_person.migratory_status) == ("Roberto", "irregular")


def test_the_acting_organization_is_the_seat_that_sees_the_record(scene):
    user, ngo, inm, ngo_person, inm_person = scene
    assert policy.acting_organization_id(user, ngo_person, policy.SENSITIVE_ROLES) == ngo.pk
    assert policy.acting_organization_id(user, inm_person, policy.SENSITIVE_ROLES) is None
    assert policy.acting_organization_id(user, inm_person) == inm.pk


def test_a_screening_is_filed_under_the_seat_that_screens(scene):
    from amparo.protection.services import screen_person

    user, ngo, _inm, ngo_person, _inm_person = scene
    assert screen_person(actor=user, person=ngo_person, answers={}).organization_id == ngo.pk


def test_reading_a_record_is_audited_under_the_organization_seen_through(client, scene):
    user, ngo, inm, ngo_person, inm_person = scene
    client.force_login(user)
    client.get(f"/registry/people/{inm_person.pk}/")
    client.get(f"/registry/people/{ngo_person.pk}/")
    views = AuditEvent.objects.filter(actor=user, object_type="registry.person", action__startswith="view")
    assert {(e.object_id, e.organization_id) for e in views} == {
        (str(inm_person.pk), inm.pk),
        (str(ngo_person.pk), ngo.pk),
    }


def test_a_refused_access_is_an_event_the_records_admins_see(client, make_org, make_user, make_person):
    home = make_org("home-consulate", kind=OrganizationKind.CONSULATE)
    person = make_person(home)
    admin = make_user(home, Role.ORG_ADMIN)
    outsider = make_user(make_org("elsewhere"), Role.CASE_WORKER, username="prober")
    client.force_login(outsider)
    assert client.get(f"/registry/people/{person.pk}/").status_code == 404
    raw = APIToken.objects.issue(user=outsider, name="t")[1]
    assert client.get(f"/api/registry/people/{person.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404
    assert client.get("/registry/people/999999/").status_code == 404  # no such record: nothing to report
    denied = AuditEvent.objects.filter(action="access_denied", actor=outsider)
    assert denied.count() == 2 and {e.organization_id for e in denied} == {home.pk}
    client.force_login(admin)
    page = client.get("/accounts/audit/?action=access_denied").content.decode()
    assert "prober" in page
