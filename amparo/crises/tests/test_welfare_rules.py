"""Welfare statuses follow DOMAIN.md's rules; every change lands in the history and the audit log."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from amparo.accounts.models import AuditEvent
from amparo.accounts.policy import system_principal
from amparo.crises.models import WelfareHistory, WelfareStatus
from amparo.crises.services import (
    InvalidWelfareUpdate,
    WelfareUpdateRefused,
    mark_contacted,
    mark_contacted_many,
    update_welfare,
)
from amparo.crises.tests.conftest import circle

REPLY = system_principal("reply:+5215550000000")


@pytest.fixture
def setup(world, make_person, make_crisis):
    person = make_person(world["consulate"], latitude=16.85, longitude=-99.88, country="MX", subdivision="MX-GRO")
    crisis = make_crisis(circle(16.85, -99.88, 50))
    return world, person, crisis


def test_affected_person_starts_unknown(setup):
    world, person, crisis = setup
    row = WelfareStatus.objects.get(crisis=crisis, person=person)
    assert row.status == "unknown" and row.in_area and not row.history.exists()


def test_staff_update_sets_status_needs_note_and_history(setup):
    world, person, crisis = setup
    row = update_welfare(
        actor=world["officer"],
        crisis=crisis,
        person=person,
        status="needs_assistance",
        source="staff",
        needs=["shelter", "medical"],
        note="Casa dañada",
        people_with=3,
    )
    assert (row.status, row.needs, row.note, row.people_with) == (
        "needs_assistance",
        ["shelter", "medical"],
        "Casa dañada",
        3,
    )
    entry = row.history.get()
    assert (entry.previous_status, entry.status, entry.source, entry.actor_label) == (
        "unknown",
        "needs_assistance",
        "staff",
        "lucia",
    )
    assert row.contacted_at is not None and row.accounted_at is None
    event = AuditEvent.objects.get(action="status_change", object_type="crises.welfarestatus", object_id=str(row.pk))
    assert event.actor_label == "lucia" and event.extra["source"] == "staff"


def test_reply_updates_any_status_but_deceased(setup):
    world, person, crisis = setup
    update_welfare(actor=world["officer"], crisis=crisis, person=person, status="missing", source="staff")
    row = update_welfare(actor=REPLY, crisis=crisis, person=person, status="safe", source="reply", from_answer=True)
    assert row.status == "safe" and row.replied_at is not None and row.accounted_at is not None
    assert list(row.history.values_list("source", flat=True)) == ["reply", "staff"]


def test_reply_about_a_deceased_person_is_refused_and_kept_for_staff(setup):
    world, person, crisis = setup
    update_welfare(actor=world["officer"], crisis=crisis, person=person, status="deceased", source="staff")
    with pytest.raises(WelfareUpdateRefused) as refused:
        update_welfare(
            actor=REPLY,
            crisis=crisis,
            person=person,
            status="safe",
            source="reply",
            from_answer=True,
            note="ESTOY BIEN",
        )
    row = WelfareStatus.objects.get(pk=refused.value.welfare.pk)
    assert row.status == "deceased"
    kept = row.history.filter(applied=False).get()
    assert (kept.status, kept.note, kept.source) == ("safe", "ESTOY BIEN", "reply")
    assert AuditEvent.objects.filter(action="access_denied", object_id=str(row.pk)).exists()


def test_check_in_link_cannot_declare_a_death(setup):
    world, person, crisis = setup
    with pytest.raises(WelfareUpdateRefused):
        update_welfare(
            actor=REPLY, crisis=crisis, person=person, status="deceased", source="checkin_link", from_answer=True
        )
    assert WelfareStatus.objects.get(crisis=crisis, person=person).status == "unknown"


def test_an_older_reply_never_overwrites_a_later_staff_entry(setup):
    world, person, crisis = setup
    now = timezone.now()
    update_welfare(
        actor=world["officer"], crisis=crisis, person=person, status="evacuated_relocated", source="staff", at=now
    )
    row = update_welfare(
        actor=REPLY,
        crisis=crisis,
        person=person,
        status="needs_assistance",
        source="reply",
        from_answer=True,
        at=now - timedelta(hours=1),
    )
    assert row.status == "evacuated_relocated"
    assert row.history.filter(source="reply", applied=False).exists()


def test_automatic_updates_add_needs_and_keep_the_staff_note(setup):
    world, person, crisis = setup
    update_welfare(
        actor=world["officer"],
        crisis=crisis,
        person=person,
        status="needs_assistance",
        source="staff",
        needs=["documents"],
        note="Pasaporte perdido",
    )
    row = update_welfare(
        actor=REPLY,
        crisis=crisis,
        person=person,
        status="needs_assistance",
        source="reply",
        from_answer=True,
        needs=["food"],
    )
    assert row.needs == ["documents", "food"] and row.note == "Pasaporte perdido"


def test_staff_may_correct_a_deceased_entry(setup):
    world, person, crisis = setup
    update_welfare(actor=world["officer"], crisis=crisis, person=person, status="deceased", source="staff")
    row = update_welfare(actor=world["officer"], crisis=crisis, person=person, status="safe", source="field_visit")
    assert row.status == "safe"
    assert list(row.history.values_list("accounted_delta", flat=True)) == [0, 1]


def test_delivery_receipt_only_moves_unknown_to_contacted(setup):
    world, person, crisis = setup
    assert mark_contacted(crisis=crisis, person=person) is True
    row = WelfareStatus.objects.get(crisis=crisis, person=person)
    assert row.status == "contacted" and row.contacted_at is not None
    assert mark_contacted(crisis=crisis, person=person) is False
    update_welfare(actor=world["officer"], crisis=crisis, person=person, status="safe", source="staff")
    assert mark_contacted(crisis=crisis, person=person) is False
    assert WelfareStatus.objects.get(pk=row.pk).status == "safe"
    assert WelfareHistory.objects.filter(welfare=row, status="contacted").count() == 1


def test_bulk_receipts_move_each_person_once(setup, make_person, world):
    _, person, crisis = setup
    other = make_person(world["consulate"], given_names="Ana", latitude=16.9, longitude=-99.9, country="MX")
    from amparo.crises.services import recompute_affected

    recompute_affected(crisis=crisis)
    assert mark_contacted_many(crisis=crisis, person_ids=[person.pk, other.pk]) == 2
    assert mark_contacted_many(crisis=crisis, person_ids=[person.pk, other.pk]) == 0


def test_unknown_codes_are_rejected(setup):
    world, person, crisis = setup
    with pytest.raises(InvalidWelfareUpdate, match="unknown welfare status 'fine'"):
        update_welfare(actor=world["officer"], crisis=crisis, person=person, status="fine", source="staff")
    with pytest.raises(InvalidWelfareUpdate, match="unknown need"):
        update_welfare(
            actor=world["officer"], crisis=crisis, person=person, status="safe", source="staff", needs=["money"]
        )
    with pytest.raises(InvalidWelfareUpdate, match="unknown welfare source"):
        update_welfare(actor=world["officer"], crisis=crisis, person=person, status="safe", source="sms")


def test_outsiders_and_analysts_may_not_change_welfare(setup):
    world, person, crisis = setup
    for user in (world["ngo_worker"], world["analyst"], world["civil"]):
        with pytest.raises(PermissionDenied):
            update_welfare(actor=user, crisis=crisis, person=person, status="safe", source="staff")
    assert WelfareStatus.objects.get(crisis=crisis, person=person).status == "unknown"
