"""Referrals: consent, the minimum-necessary snapshot, the lifecycle and its refused transitions,
and what a receiving provider may see (only the shared fields of referrals addressed to it)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from amparo.accounts.codes import ConsentPurpose, Role
from amparo.protection import services
from amparo.protection.codes import ReferralStatus as S
from amparo.protection.models import Referral
from amparo.registry.models import Consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(caseworker, person, shelter, shelter_service):
    return services.create_referral(
        actor=caseworker,
        person=person,
        to_organization=shelter,
        service=shelter_service,
        service_kind="shelter",
        reason="Needs a bed tonight",
        shared_fields=["full_name", "age", "languages"],
    )


def _send(caseworker, referral):
    return services.send_referral(actor=caseworker, referral=referral, consent_method="verbal")


def test_sending_needs_consent_and_records_it_with_its_method(caseworker, draft, person):
    with pytest.raises(services.ConsentRequired):
        services.send_referral(actor=caseworker, referral=draft)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    _send(caseworker, draft)
    consent = Consent.objects.active(ConsentPurpose.REFERRALS).get(person=person)
    assert consent.method == "verbal" and consent.recorded_by == caseworker
    assert draft.consent == consent and draft.status == S.SENT
    assert draft.respond_by == draft.sent_at + timedelta(hours=draft.response_hours)


def test_existing_consent_is_used_and_a_withdrawn_one_is_not(caseworker, draft, person):
    from amparo.registry.services import record_consent

    record_consent(actor=caseworker, person=person, purpose="referrals", given=False, method="verbal")
    with pytest.raises(services.ConsentRequired):
        services.send_referral(actor=caseworker, referral=draft)
    record_consent(actor=caseworker, person=person, purpose="referrals", given=True, method="written")
    services.send_referral(actor=caseworker, referral=draft)
    assert draft.consent.method == "written"


def test_the_snapshot_holds_only_the_chosen_fields(caseworker, draft):
    _send(caseworker, draft)
    assert set(draft.shared_data) == {"full_name", "age", "languages"}
    assert draft.shared_data["full_name"] == "Ana Lucía Pérez"
    assert "asthma" not in str(draft.shared_data) and "+504" not in str(draft.shared_data)


def test_unknown_shared_field_is_refused_by_name(caseworker, person, shelter):
    with pytest.raises(services.ProtectionError, match="migratory_status"):
        services.create_referral(
            actor=caseworker,
            person=person,
            to_organization=shelter,
            service_kind="shelter",
            shared_fields=["full_name", "migratory_status"],
        )


LIFECYCLE = [
    ("accepted, in progress, completed", [S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED]),
    ("declined with a reason", [S.DECLINED]),
    ("withdrawn by the sender", [S.CLOSED]),
    ("accepted then closed by the sender", [S.ACCEPTED, S.CLOSED]),
]


@pytest.mark.parametrize(("name", "steps"), LIFECYCLE, ids=[c[0] for c in LIFECYCLE])
def test_lifecycle(caseworker, shelter_staff, draft, name, steps):
    _send(caseworker, draft)
    for to in steps:
        actor = shelter_staff if to in (S.ACCEPTED, S.DECLINED, S.IN_PROGRESS, S.COMPLETED) else caseworker
        services.transition_referral(
            actor=actor, referral=draft, to_status=to, note="no beds" if to == S.DECLINED else ""
        )
    draft.refresh_from_db()
    assert draft.status == steps[-1]
    assert [e.to_status for e in draft.events.all()] == [S.DRAFT, S.SENT, *steps]


REFUSED = [
    # (reached by, then this transition, by whom) → refused
    ([], S.ACCEPTED, "receiver"),  # a draft cannot be accepted
    ([S.SENT], S.COMPLETED, "receiver"),  # skip acceptance
    ([S.SENT], S.IN_PROGRESS, "receiver"),
    ([S.SENT, S.DECLINED], S.ACCEPTED, "receiver"),  # declined is final
    ([S.SENT, S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED], S.CLOSED, "sender"),  # completed is final
    ([S.SENT, S.CLOSED], S.ACCEPTED, "receiver"),
]


@pytest.mark.parametrize(("path", "to", "side"), REFUSED)
def test_invalid_transitions_are_refused(caseworker, shelter_staff, draft, path, to, side):
    for step in path:
        if step == S.SENT:
            _send(caseworker, draft)
        else:
            actor = caseworker if step == S.CLOSED else shelter_staff
            services.transition_referral(actor=actor, referral=draft, to_status=step, note="x")
    with pytest.raises(services.InvalidTransition):
        services.transition_referral(
            actor=shelter_staff if side == "receiver" else caseworker, referral=draft, to_status=to, note="x"
        )
    assert Referral.objects.get(pk=draft.pk).status == (path[-1] if path else S.DRAFT)


def test_each_side_does_only_its_own_steps(caseworker, shelter_staff, draft):
    with pytest.raises(PermissionDenied):
        services.send_referral(actor=shelter_staff, referral=draft, consent_method="verbal")
    _send(caseworker, draft)
    with pytest.raises(PermissionDenied):
        services.transition_referral(actor=caseworker, referral=draft, to_status=S.ACCEPTED)
    with pytest.raises(PermissionDenied):
        services.transition_referral(actor=shelter_staff, referral=draft, to_status=S.CLOSED)


def test_declining_needs_a_reason(caseworker, shelter_staff, draft):
    _send(caseworker, draft)
    with pytest.raises(services.ProtectionError, match="why"):
        services.transition_referral(actor=shelter_staff, referral=draft, to_status=S.DECLINED, note="  ")


def test_the_database_refuses_inconsistent_rows(caseworker, draft):
    _send(caseworker, draft)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=draft.pk).update(status=S.DECLINED, decline_reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=draft.pk).update(status="lost")
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=draft.pk).update(consent=None)


def test_notices_are_sent_without_personal_data(caseworker, shelter_staff, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _send(caseworker, draft)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "shelter@example.org" in message.to and "rosa@example.org" in message.to
    assert draft.reference in message.subject
    assert "Ana" not in message.body and "Pérez" not in message.body
    with django_capture_on_commit_callbacks(execute=True):
        services.transition_referral(actor=shelter_staff, referral=draft, to_status=S.DECLINED, note="full")
    assert mail.outbox[1].to == ["sofia@example.org"]


def test_overdue_referrals_are_flagged_once_and_both_sides_told(caseworker, draft, django_capture_on_commit_callbacks):
    _send(caseworker, draft)
    assert services.flag_overdue_referrals() == []
    later = timezone.now() + timedelta(hours=draft.response_hours + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.flag_overdue_referrals(now=later) == [draft.pk]
    assert services.flag_overdue_referrals(now=later) == []
    draft.refresh_from_db()
    assert draft.overdue_flagged_at is not None
    assert {"shelter@example.org", "sofia@example.org"} <= set(mail.outbox[-1].to)


def test_the_overdue_task_reschedules_itself_while_referrals_wait(caseworker, draft):
    from django_tasks_db.models import DBTaskResult

    from amparo.protection import tasks

    _send(caseworker, draft)
    tasks.schedule(timezone.now() + timedelta(hours=1))
    tasks.schedule(timezone.now() + timedelta(hours=2))  # one check waits at a time
    assert DBTaskResult.objects.filter(task_path=tasks.flag_overdue_referrals.module_path, status="READY").count() == 1
    DBTaskResult.objects.all().delete()
    assert tasks.flag_overdue_referrals.call() == 0
    waiting = DBTaskResult.objects.get(task_path=tasks.flag_overdue_referrals.module_path, status="READY")
    assert waiting.run_after > timezone.now()


# --- What the provider sees ----------------------------------------------------------------


@pytest.fixture
def other_referral(caseworker, make_person, ngo, make_org):
    """A referral of another person from the same NGO to a different provider."""
    clinic = make_org("clinic", kind="health")
    other = make_person(ngo, given_names="Jean", first_surname="Baptiste", nationality="HT")
    r = services.create_referral(
        actor=caseworker, person=other, to_organization=clinic, service_kind="health", shared_fields=["full_name"]
    )
    return services.send_referral(actor=caseworker, referral=r, consent_method="verbal")


def test_provider_sees_only_the_shared_fields_of_referrals_addressed_to_it(
    client, caseworker, shelter_staff, draft, person, other_referral
):
    client.force_login(shelter_staff)
    # A draft is not addressed to anyone yet.
    assert client.get(reverse("protection:referral_detail", args=[draft.pk])).status_code == 404
    _send(caseworker, draft)
    inbox = client.get(reverse("protection:referral_list") + "?box=inbox").content.decode()
    detail = client.get(reverse("protection:referral_detail", args=[draft.pk])).content.decode()
    for page in (inbox, detail):
        assert "Ana Lucía Pérez" in page
        assert "Jean" not in page and other_referral.reference not in page
        for secret in ("asthma", "+50499998888", "irregular", "2010-03-01", "Tapachula"):
            assert secret not in page
    assert "Needs a bed tonight" in detail
    assert f'href="/registry/people/{person.pk}/"' not in detail
    # Nothing else: not the other referral, not the person list nor the person's record.
    assert client.get(reverse("protection:referral_detail", args=[other_referral.pk])).status_code == 404
    assert client.get(reverse("registry:person_detail", args=[person.pk])).status_code == 404
    assert "Pérez" not in client.get(reverse("registry:person_list")).content.decode()


def test_provider_api_returns_only_the_snapshot(client, caseworker, shelter_staff, draft, other_referral):
    _send(caseworker, draft)
    client.force_login(shelter_staff)
    rows = client.get("/api/protection/referrals/inbox").json()
    assert [r["reference"] for r in rows] == [draft.reference]
    assert rows[0]["shared_data"] == {
        "full_name": "Ana Lucía Pérez",
        "age": draft.shared_data["age"],
        "languages": ["es"],
    }
    assert "person" not in rows[0] and "person_id" not in rows[0]
    assert client.get(f"/api/protection/referrals/{other_referral.pk}").status_code == 404
    assert client.get("/api/protection/referrals/sent").json() == []


def test_provider_accepts_from_its_inbox_page(client, caseworker, shelter_staff, draft):
    _send(caseworker, draft)
    client.force_login(shelter_staff)
    response = client.post(reverse("protection:referral_transition", args=[draft.pk]), {"to": "accepted"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == S.ACCEPTED


@pytest.mark.parametrize("role", [Role.ANALYST, Role.MIGRATION_OFFICER])
def test_other_roles_of_the_sender_cannot_read_referrals(client, make_user, ngo, caseworker, draft, role):
    _send(caseworker, draft)
    user = make_user(ngo, role)
    client.force_login(user)
    assert client.get(reverse("protection:referral_detail", args=[draft.pk])).status_code == 404
    assert client.get(f"/api/protection/referrals/{draft.pk}").status_code == 404


def test_outsiders_cannot_read_or_act(client, make_org, make_user, caseworker, draft):
    _send(caseworker, draft)
    outsider = make_user(make_org("elsewhere"), Role.CASE_WORKER)
    client.force_login(outsider)
    assert client.get(reverse("protection:referral_detail", args=[draft.pk])).status_code == 404
    assert client.post(reverse("protection:referral_transition", args=[draft.pk]), {"to": "closed"}).status_code == 404
    assert client.get(reverse("protection:referral_list") + "?box=sent").status_code == 200


def test_the_command_flags_overdue_referrals(caseworker, draft):
    from io import StringIO

    from django.core.management import call_command

    _send(caseworker, draft)
    Referral.objects.filter(pk=draft.pk).update(respond_by=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("flag_overdue_referrals", stdout=out)
    assert "flagged 1" in out.getvalue()
    assert Referral.objects.get(pk=draft.pk).overdue_flagged_at is not None
