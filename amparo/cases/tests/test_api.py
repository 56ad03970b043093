"""The cases API: the case's fields (consent, steps, assessment, plan, the person's referrals,
follow-ups, open items) and the close endpoint, through the same services as the pages; another
organization sees nothing, first-contact staff only the cases they hold; every read is audited."""

from datetime import timedelta

import pytest
from django.utils import timezone

from amparo.accounts.codes import Role
from amparo.accounts.models import AuditEvent
from amparo.cases import services
from amparo.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(worker, case):
    return services.add_action(actor=worker, case=case, description="Find a bed")


def test_the_case_with_its_fields(client, worker, case, action):
    services.record_assessment(actor=worker, case=case, needs={"shelter": "urgent"}, strengths="speaks English")
    client.force_login(worker)
    data = client.get(f"/api/cases/cases/{case.pk}").json()
    assert data["consent"]["method"] == "verbal" and data["consent"]["recorded_by"] == "sofia"
    assert [s["code"] for s in data["stages"]][-2:] == ["closure", "follow_up"]
    assert {s["code"]: s["state"] for s in data["stages"]}["assessment"] == "current"
    assert data["assessment"]["needs"] == [{"domain": "shelter", "level": "urgent", "note": ""}]
    assert data["assessment"]["best_interests"] is None
    assert data["open_items"] == [
        {"key": f"action:{action.pk}", "kind": "action", "id": action.pk, "label": "action “Find a bed”"}
    ]
    assert data["referrals"] == [] and data["profiles_changed_at"] is None
    assert AuditEvent.objects.filter(
        object_type="cases.case", object_id=str(case.pk), action="view_sensitive", summary="api case"
    ).exists()


def test_close_is_refused_with_the_open_items_then_accepted_with_reasons(client, worker, case, action):
    client.force_login(worker)
    url = f"/api/cases/cases/{case.pk}/close"
    response = client.post(url, {"reason": "goals_met"}, content_type="application/json")
    assert response.status_code == 409
    assert [i["key"] for i in response.json()["open_items"]] == [f"action:{action.pk}"]
    body = {
        "reason": "goals_met",
        "open_item_reasons": {f"action:{action.pk}": "found one herself"},
        "skip_reason": "housed within a week",
        "follow_up_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["step"] == "closure" and data["closure_reason"] == "goals_met" and data["open_items"] == []
    assert data["actions"][0]["status"] == "cancelled" and data["actions"][0]["closure_note"] == "found one herself"
    assert [f["after_closure"] for f in data["follow_ups"]] == [True]
    assert {s["code"]: s["state"] for s in data["stages"]}["follow_up"] == "current"


def test_other_refused_rules_answer_422(client, worker, case):
    client.force_login(worker)
    url = f"/api/cases/cases/{case.pk}/close"
    response = client.post(url, {"reason": "lost_contact"}, content_type="application/json")
    assert response.status_code == 422 and "follow-up" in response.json()["detail"]
    assert client.post(url, {"reason": "nope"}, content_type="application/json").status_code == 422


def test_another_organization_sees_nothing_and_cannot_close(client, make_org, make_user, case):
    client.force_login(make_user(make_org("other"), Role.SUPERVISOR))
    assert client.get("/api/cases/cases").json() == []
    assert client.get(f"/api/cases/cases/{case.pk}").status_code == 404
    response = client.post(f"/api/cases/cases/{case.pk}/close", {"reason": "deceased"}, content_type="application/json")
    assert response.status_code == 404 and Case.objects.get(pk=case.pk).is_open


def test_first_contact_staff_see_only_the_cases_they_hold(client, make_user, ngo, case, make_person):
    staff = make_user(ngo, Role.PROVIDER_STAFF)
    colleague = make_user(ngo, Role.PROVIDER_STAFF)
    own = services.open_case(actor=staff, person=make_person(ngo, given_names="Jean"), consent_method="verbal")
    assert own.case_worker == staff and own.organization == ngo
    client.force_login(staff)
    assert [c["id"] for c in client.get("/api/cases/cases").json()] == [own.pk]
    assert client.get(f"/api/cases/cases/{case.pk}").status_code == 404  # the case workers' case
    assert client.get(f"/api/cases/cases/{own.pk}").status_code == 200
    client.force_login(colleague)
    assert client.get("/api/cases/cases").json() == []
    assert client.get(f"/api/cases/cases/{own.pk}").status_code == 404
    # The organization's case workers and supervisors see it like any of its cases.
    assert Case.objects.visible_to(case.case_worker).filter(pk=own.pk).exists()


def test_first_contact_staff_hold_cases_only_of_the_people_they_serve(make_org, make_user, ngo, person):
    from django.core.exceptions import PermissionDenied

    shelter = make_org("shelter", kind="shelter")
    staff = make_user(shelter, Role.PROVIDER_STAFF)
    with pytest.raises(PermissionDenied):
        services.open_case(actor=staff, person=person, consent_method="verbal")  # registered by the NGO
    # Nor can a case be handed to them: they would hold someone their organization does not serve.
    worker = make_user(ngo, Role.CASE_WORKER)
    case = services.open_case(actor=worker, person=person, consent_method="verbal")
    with pytest.raises(services.CaseError, match="not a case worker"):
        services.transfer_case(actor=worker, case=case, to_worker=staff, to_organization=shelter)


def test_the_list_is_audited(client, worker, case):
    client.force_login(worker)
    client.get("/api/cases/cases")
    event = AuditEvent.objects.filter(object_type="cases.case", summary="api cases").get()
    assert event.extra["ids"] == [str(case.pk)]
