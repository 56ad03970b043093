"""Steps in the IOM handbook's order (opening, assessment, plan, implementation, monitoring,
closure, follow-up); skipping one needs a reason, kept in the history and shown on the page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from amparo.cases import queries, services
from amparo.cases.models import Step

pytestmark = pytest.mark.django_db


def states(case):
    return {s["code"]: s["state"] for s in queries.stages(case)}


def test_a_new_case_is_at_opening_and_the_follow_up_comes_last(case):
    stages = queries.stages(case)
    assert [s["code"] for s in stages] == [
        "opening",
        "assessment",
        "case_plan",
        "implementation",
        "monitoring",
        "closure",
        "follow_up",
    ]
    assert states(case)["opening"] == "current" and states(case)["assessment"] == "todo"


def test_skipping_a_step_needs_a_reason_kept_per_step(worker, case):
    with pytest.raises(services.SkipNeedsReason, match="skips “Assessment”, “Case plan”"):
        services.advance_step(actor=worker, case=case, to_step=Step.IMPLEMENTATION)
    services.advance_step(
        actor=worker, case=case, to_step=Step.IMPLEMENTATION, skip_reason="Emergency: shelter placement tonight"
    )
    skipped = list(case.events.filter(kind="skipped").values_list("to_value", "note"))
    assert skipped == [
        ("assessment", "Emergency: shelter placement tonight"),
        ("case_plan", "Emergency: shelter placement tonight"),
    ]
    s = states(case)
    assert (s["assessment"], s["case_plan"], s["implementation"], s["monitoring"]) == (
        "skipped",
        "skipped",
        "current",
        "todo",
    )


def test_the_next_step_needs_no_reason(worker, case):
    services.advance_step(actor=worker, case=case, to_step=Step.ASSESSMENT)
    assert not case.events.filter(kind="skipped").exists()


def test_closing_with_goals_met_before_monitoring_needs_a_reason(worker, case):
    in_a_month = timezone.localdate() + timedelta(days=30)
    with pytest.raises(services.SkipNeedsReason, match="Closing now skips"):
        services.close_case(actor=worker, case=case, reason="goals_met", follow_up_date=in_a_month)
    services.close_case(
        actor=worker, case=case, reason="goals_met", follow_up_date=in_a_month, skip_reason="Reunited with family"
    )
    assert states(case)["monitoring"] == "skipped" and states(case)["follow_up"] == "current"


def test_a_person_who_left_explains_the_skipped_steps_by_itself(worker, case):
    services.close_case(actor=worker, case=case, reason="person_left", no_follow_up_reason="no contact")
    notes = set(case.events.filter(kind="skipped").values_list("note", flat=True))
    assert notes == {"Person left"}
    assert states(case)["follow_up"] == "skipped"


def test_the_page_shows_where_the_case_is_and_why_a_step_was_skipped(client, worker, case):
    client.force_login(worker)
    client.post(
        reverse("cases:case_step", args=[case.pk]), {"step": "case_plan", "skip_reason": "Assessed by the shelter"}
    )
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert 'class="current" data-step="case_plan" aria-current="step"' in page
    assert 'class="skipped" data-step="assessment"' in page and "Assessed by the shelter" in page
    # Without a reason the page refuses and says why.
    response = client.post(reverse("cases:case_step", args=[case.pk]), {"step": "monitoring"}, follow=True)
    assert "give the reason" in response.content.decode()
    case.refresh_from_db()
    assert case.step == "case_plan"
