"""The structured assessment: a level per needs domain, risks and strengths; for a child the
best-interests assessment (BIA) is required, with its own fields and rules."""

from datetime import date

import pytest
from django.urls import reverse

from amparo.cases import services
from amparo.cases.models import Assessment, Step

pytestmark = pytest.mark.django_db

BIA = {
    "child_heard": True,
    "child_views": "Wants to live with his aunt in Monterrey",
    "care_arrangement": "shelter",
    "family_situation": "Mother in Honduras, in contact; father unknown",
    "recommended_measure": "family_reunification",
    "recommendation": "Assess the aunt as carer with the Procuraduría",
    "authority_informed": True,
}


@pytest.fixture
def child_case(worker, make_person, ngo):
    child = make_person(ngo, given_names="Kevin", birth_date=date(date.today().year - 15, 1, 1))
    return services.open_case(actor=worker, person=child, consent_method="verbal", consent_given_by="person")


def test_needs_by_domain_risks_and_strengths(worker, case):
    assessment = services.record_assessment(
        actor=worker,
        case=case,
        needs={"shelter": {"level": "urgent", "note": "sleeping outside"}, "health": "none", "legal": "high"},
        risks="Extortion on the route",
        strengths="Sister in Puebla; works as a cook",
    )
    assert {(n.domain, n.level) for n in assessment.needs.all()} == {
        ("shelter", "urgent"),
        ("health", "none"),
        ("legal", "high"),
    }
    assert assessment.strengths.startswith("Sister") and not Assessment.objects.filter(bia__isnull=False).exists()
    case.refresh_from_db()
    assert case.step == Step.ASSESSMENT  # an assessment at opening moves the case to the assessment step


@pytest.mark.parametrize(
    ("needs", "message"),
    [
        ({}, "at least one needs domain"),
        ({"housing": "high"}, "Unknown needs domain"),
        ({"shelter": "terrible"}, "has no level"),
    ],
)
def test_unknown_domains_and_levels_are_refused(worker, case, needs, message):
    with pytest.raises(services.CaseError, match=message):
        services.record_assessment(actor=worker, case=case, needs=needs)
    assert not Assessment.objects.exists()


def test_a_childs_assessment_needs_a_best_interests_assessment(worker, child_case):
    assert services.is_child(child_case)
    with pytest.raises(services.BestInterestsRequired, match="is a child"):
        services.record_assessment(actor=worker, case=child_case, needs={"family": "urgent"})
    assessment = services.record_assessment(actor=worker, case=child_case, needs={"family": "urgent"}, bia=BIA)
    bia = assessment.bia
    assert (bia.care_arrangement, bia.recommended_measure, bia.authority_informed) == (
        "shelter",
        "family_reunification",
        True,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"child_views": ""}, "views and wishes"),
        ({"child_heard": False}, "why the child was not heard"),
        ({"care_arrangement": "street"}, "care arrangement"),
        ({"family_situation": ""}, "family situation"),
        ({"recommended_measure": ""}, "recommended measure"),
        ({"recommendation": ""}, "recommendation"),
    ],
)
def test_best_interests_rules(worker, child_case, change, message):
    with pytest.raises(services.BestInterestsRequired, match=message):
        services.record_assessment(actor=worker, case=child_case, needs={"family": "high"}, bia={**BIA, **change})


def test_a_child_not_heard_has_the_reason_written(worker, child_case):
    bia = {**BIA, "child_heard": False, "child_views": "", "not_heard_reason": "Asleep after 3 days of walking"}
    assessment = services.record_assessment(actor=worker, case=child_case, needs={"health": "high"}, bia=bia)
    assert assessment.bia.not_heard_reason == "Asleep after 3 days of walking"


def test_the_page_asks_the_bia_only_for_a_child(client, worker, case, child_case):
    client.force_login(worker)
    assert 'id="bia-fields"' not in client.get(reverse("cases:case_assess", args=[case.pk])).content.decode()
    url = reverse("cases:case_assess", args=[child_case.pk])
    assert 'id="bia-fields"' in client.get(url).content.decode()
    data = {"need_family": "urgent", "need_family_note": "mother far away", "risks": "alone", **BIA}
    data["child_heard"] = "on"
    data["authority_informed"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    page = client.get(reverse("cases:case_detail", args=[child_case.pk])).content.decode()
    assert "Wants to live with his aunt" in page and "Family reunification" in page and "Urgent" in page


def test_another_organization_cannot_assess(client, make_org, make_user, case):
    client.force_login(make_user(make_org("other"), "case_worker"))
    assert client.get(reverse("cases:case_assess", args=[case.pk])).status_code == 404
    assert client.post(reverse("cases:case_assess", args=[case.pk]), {"need_food": "high"}).status_code == 404
    assert not Assessment.objects.exists()
