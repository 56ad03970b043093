"""A case from identification to closure and reopening; refused moves; plan reviews every three
months; plan actions and follow-ups; transfers with audit."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from amparo.accounts.codes import OrganizationKind, Role
from amparo.accounts.models import AuditEvent
from amparo.cases import queries, services
from amparo.cases.models import Case, Step
from amparo.protection import services as protection
from amparo.protection.codes import Decision

pytestmark = pytest.mark.django_db


def test_case_walks_every_step_to_closure_and_reopens(worker, case):
    assert case.step == Step.OPENING and case.is_open
    for step in (Step.ASSESSMENT, Step.CASE_PLAN, Step.IMPLEMENTATION, Step.MONITORING):
        services.advance_step(actor=worker, case=case, to_step=step)
    assert case.next_review_due == timezone.localdate() + timedelta(days=91)
    services.close_case(
        actor=worker,
        case=case,
        reason="goals_met",
        note="housed and working",
        follow_up_date=timezone.localdate() + timedelta(days=30),
    )
    case.refresh_from_db()
    assert (case.step, case.closure_reason) == (Step.CLOSURE, "goals_met") and case.closed_at
    services.reopen_case(actor=worker, case=case, note="lost the job")
    case.refresh_from_db()
    assert case.step == Step.ASSESSMENT and case.closure_reason == "" and case.closed_at is None
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "step", "step", "step", "step", "closed", "follow_up_planned", "reopened"]


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        (Step.ASSESSMENT, Step.OPENING, "moves forward"),
        (Step.ASSESSMENT, Step.ASSESSMENT, "moves forward"),
        (Step.ASSESSMENT, Step.CLOSURE, "closure reason"),
        (Step.ASSESSMENT, "somewhere", "moves forward"),
    ],
)
def test_refused_moves(worker, case, start, to, message):
    services.advance_step(actor=worker, case=case, to_step=start)
    with pytest.raises(services.CaseError, match=message):
        services.advance_step(actor=worker, case=case, to_step=to)


def test_closed_cases_refuse_work_and_closure_needs_a_reason(worker, case):
    with pytest.raises(services.CaseError):
        services.close_case(actor=worker, case=case, reason="")
    services.close_case(actor=worker, case=case, reason="lost_contact", no_follow_up_reason="no phone")
    for call in (
        lambda: services.advance_step(actor=worker, case=case, to_step=Step.ASSESSMENT),
        lambda: services.add_action(actor=worker, case=case, description="x"),
        lambda: services.close_case(actor=worker, case=case, reason="goals_met"),
    ):
        with pytest.raises(services.CaseError, match="closed"):
            call()


def test_database_refuses_closed_without_reason(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(step=Step.CLOSURE, closed_at=timezone.now())


def test_one_open_case_per_person_and_organization(worker, person, case):
    with pytest.raises(services.CaseError, match="already has an open case"):
        services.open_case(actor=worker, consent_method="verbal", person=person)


def test_asylum_seekers_go_to_the_asylum_authority_not_an_ordinary_case(
    worker, person, make_org, make_user, make_person
):
    screening = protection.screen_person(actor=worker, person=person, answers={}, wishes_asylum="yes")
    protection.decide_suggestion(actor=worker, suggestion=screening.suggestions.get(), decision=Decision.CONFIRMED)
    with pytest.raises(services.AsylumRegime, match="asylum authority"):
        services.open_case(actor=worker, consent_method="verbal", person=person)
    # The asylum authority itself manages its applicants' cases.
    comar = make_org("comar", kind=OrganizationKind.ASYLUM_AUTHORITY)
    officer = make_user(comar, Role.CASE_WORKER)
    applicant = make_person(comar, given_names="Dania")
    screening = protection.screen_person(actor=officer, person=applicant, answers={"fears_return": "yes"})
    protection.decide_suggestion(actor=officer, suggestion=screening.suggestions.get(), decision=Decision.CONFIRMED)
    assert services.open_case(actor=officer, consent_method="verbal", person=applicant).organization == comar


def test_screening_sets_step_and_priority(worker, make_person, ngo):
    child = make_person(ngo, given_names="Kevin")
    screening = protection.screen_person(actor=worker, person=child, answers={"age": 14, "without_guardian": "yes"})
    case = services.open_case(actor=worker, consent_method="verbal", person=child)
    assert (case.step, case.priority, case.screening) == (Step.OPENING, 4, screening)


def test_plan_reviews_and_overdue_items_reach_the_supervisors_list(worker, supervisor, colleague, case):
    yesterday = timezone.localdate() - timedelta(days=1)
    assert list(queries.overdue(supervisor)) == []
    action = services.add_action(
        actor=worker, case=case, description="Find a shelter bed", owner=colleague, due_date=yesterday
    )
    rows = list(queries.overdue(supervisor))
    assert rows == [case] and rows[0].overdue_actions == 1
    services.finish_action(actor=worker, action=action)
    follow_up = services.add_follow_up(actor=worker, case=case, due_date=yesterday)
    assert queries.overdue(supervisor).get().overdue_follow_ups == 1
    services.record_follow_up(actor=worker, follow_up=follow_up, outcome="called, fine")
    assert list(queries.overdue(supervisor)) == []
    Case.objects.filter(pk=case.pk).update(next_review_due=yesterday)
    assert list(queries.overdue(supervisor)) == [case]
    services.review_plan(actor=worker, case=Case.objects.get(pk=case.pk))
    assert list(queries.overdue(supervisor)) == []


def test_caseload_lists_a_workers_open_cases(worker, colleague, case, make_person, ngo):
    other = services.open_case(actor=colleague, consent_method="verbal", person=make_person(ngo, given_names="Otro"))
    assert list(queries.caseload(worker)) == [case]
    assert list(queries.caseload(colleague)) == [other]


def test_transfer_to_another_organization_is_audited_and_moves_access(worker, case, person, make_org, make_user):
    other_org = make_org("ngo-two")
    new_worker = make_user(other_org, Role.CASE_WORKER)
    stranger = make_user(other_org, Role.PROVIDER_STAFF)
    with pytest.raises(services.CaseError, match="not a case worker"):
        services.transfer_case(actor=worker, case=case, to_worker=stranger, to_organization=other_org)
    services.transfer_case(actor=worker, case=case, to_worker=new_worker, to_organization=other_org, note="moved")
    assert not Case.objects.visible_to(worker).exists()
    assert list(Case.objects.visible_to(new_worker)) == [case]
    # The person comes along for the new organization's case workers (and only them).
    from amparo.registry.models import Person

    assert Person.objects.visible_to(new_worker).filter(pk=person.pk).exists()
    assert not Person.objects.visible_to(stranger).filter(pk=person.pk).exists()
    events = AuditEvent.objects.filter(
        object_type="cases.case", object_id=str(case.pk), summary__contains="transferred"
    )
    assert {e.organization.slug for e in events} == {"ngo", "ngo-two"}
    assert case.events.last().kind == "transferred"


def test_merge_hooks_move_cases_and_back(worker, case, person, make_person, ngo):
    from django.apps import apps

    survivor = make_person(ngo, given_names="Rosa María")
    config = apps.get_app_config("cases")
    moved = config.merge_person(survivor=survivor, merged=person, actor=worker)
    assert moved == {"cases": [case.pk]} and Case.objects.get(pk=case.pk).person == survivor
    config.unmerge_person(survivor=survivor, merged=person, moved=moved, actor=worker)
    assert Case.objects.get(pk=case.pk).person == person
