"""A new screening that changes the person's profiles flags their open referrals and open cases
("profiles changed since referral: review"), on both pages, until staff review it; the 72-hour
window after a sexual assault shows as a deadline on the referral."""

import pytest
from django.urls import reverse

from amparo.accounts.codes import OrganizationKind, Role
from amparo.accounts.models import AuditEvent
from amparo.cases import services
from amparo.cases.models import Case
from amparo.protection import services as protection
from amparo.protection.models import Referral

pytestmark = pytest.mark.django_db

KIDNAPPED = {"kidnapped_in_transit": "yes"}
ASSAULTED = {"kidnapped_in_transit": "yes", "sexual_violence": "yes", "sexual_violence_hours": 10}


@pytest.fixture
def shelter(make_org):
    return make_org("shelter", kind=OrganizationKind.SHELTER, name="Albergue Belén")


@pytest.fixture
def first(worker, person):
    return protection.screen_person(actor=worker, person=person, answers=KIDNAPPED)


@pytest.fixture
def referral(worker, person, first, shelter):
    return protection.create_referral(
        actor=worker, person=person, to_organization=shelter, service_kind="shelter", screening=first
    )


def test_the_same_profiles_flag_nothing(worker, person, first, referral, case):
    protection.screen_person(actor=worker, person=person, answers=KIDNAPPED)
    referral.refresh_from_db()
    case.refresh_from_db()
    assert referral.profiles_changed_at is None and case.profiles_changed_at is None


def test_changed_profiles_flag_open_referrals_and_cases(worker, person, first, referral, case, shelter):
    closed = protection.create_referral(
        actor=worker, person=person, to_organization=shelter, service_kind="food", screening=first
    )
    protection.transition_referral(actor=worker, referral=closed, to_status="closed", note="not needed")
    second = protection.screen_person(actor=worker, person=person, answers=ASSAULTED)
    referral.refresh_from_db()
    closed.refresh_from_db()
    case.refresh_from_db()
    assert referral.profiles_changed_at and referral.profiles_changed_screening == second
    assert closed.profiles_changed_at is None  # only open referrals
    assert case.profiles_changed_at and case.profiles_changed_screening == second
    assert case.events.filter(kind="profiles_changed").count() == 1
    assert AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk), action="status_change").exists()
    assert (
        AuditEvent.objects.filter(object_type="protection.referral", object_id=str(referral.pk))
        .filter(summary__contains="profiles changed")
        .exists()
    )


def test_a_closed_case_is_not_flagged(worker, person, first, case):
    services.close_case(actor=worker, case=case, reason="deceased")
    protection.screen_person(actor=worker, person=person, answers=ASSAULTED)
    assert Case.objects.get(pk=case.pk).profiles_changed_at is None


def test_a_first_screening_flags_a_case_opened_without_one(worker, case, person):
    assert case.screening is None
    screening = protection.screen_person(actor=worker, person=person, answers=KIDNAPPED)
    case.refresh_from_db()
    assert case.profiles_changed_screening == screening


def test_both_pages_show_the_flag_until_reviewed(client, worker, person, first, referral, case):
    second = protection.screen_person(actor=worker, person=person, answers=ASSAULTED)
    client.force_login(worker)
    case_page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert 'id="profiles-changed"' in case_page and "profiles changed since referral: review" in case_page
    referral_page = client.get(reverse("protection:referral_detail", args=[referral.pk])).content.decode()
    assert "Profiles changed since referral: review" in referral_page
    client.post(reverse("protection:referral_profiles_reviewed", args=[referral.pk]), {"note": "still a bed"})
    client.post(reverse("cases:case_profiles_reviewed", args=[case.pk]), {"note": "plan updated"})
    referral.refresh_from_db()
    case.refresh_from_db()
    assert referral.profiles_changed_at is None and case.profiles_changed_at is None
    assert case.screening == second  # the case follows the newer screening once reviewed
    assert 'id="profiles-changed"' not in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert AuditEvent.objects.filter(
        object_type="protection.referral", object_id=str(referral.pk), summary__contains="profile change reviewed"
    ).exists()


def test_only_the_referring_organization_reviews_the_flag(client, worker, person, first, referral, shelter, make_user):
    protection.send_referral(actor=worker, referral=referral, consent_method="verbal")
    protection.screen_person(actor=worker, person=person, answers=ASSAULTED)
    staff = make_user(shelter, Role.PROVIDER_STAFF)
    client.force_login(staff)
    page = client.get(reverse("protection:referral_detail", args=[referral.pk])).content.decode()
    assert "Profiles changed" not in page  # the provider reads only what was shared
    client.post(reverse("protection:referral_profiles_reviewed", args=[referral.pk]))
    assert Referral.objects.get(pk=referral.pk).profiles_changed_at is not None


def test_the_72_hour_window_is_a_deadline_on_the_referral(client, worker, person, shelter, make_user, case):
    screening = protection.screen_person(actor=worker, person=person, answers=ASSAULTED)
    referral = protection.create_referral(
        actor=worker, person=person, to_organization=shelter, service_kind="health", screening=screening
    )
    (kind, until), *_ = referral.care_deadlines()
    assert kind == "pep" and round((until - screening.screened_at).total_seconds() / 3600) == 62
    client.force_login(worker)
    page = client.get(reverse("protection:referral_detail", args=[referral.pk])).content.decode()
    assert 'id="care-deadline-pep"' in page and "Post-exposure prophylaxis" in page
    assert "Post-exposure prophylaxis" in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    # The provider sees the deadline when the sender shared the urgent flags, not otherwise.
    protection.send_referral(actor=worker, referral=referral, consent_method="verbal")
    client.force_login(make_user(shelter, Role.PROVIDER_STAFF))
    assert (
        'id="care-deadline-pep"'
        not in client.get(reverse("protection:referral_detail", args=[referral.pk])).content.decode()
    )
    Referral.objects.filter(pk=referral.pk).update(shared_fields=["full_name", "urgent_flags"])
    assert (
        'id="care-deadline-pep"'
        in client.get(reverse("protection:referral_detail", args=[referral.pk])).content.decode()
    )
