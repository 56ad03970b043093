"""Who reads what: sensitive notes only for the case worker and supervisors; cases only for the
sensitive roles of the organization holding them; an access-denied check per page and endpoint."""

import pytest
from django.urls import reverse

from amparo.accounts import policy
from amparo.accounts.codes import Role
from amparo.accounts.models import AuditEvent
from amparo.cases import services
from amparo.cases.models import Note

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(worker, case):
    return (
        services.add_note(actor=worker, case=case, text="Attended the appointment."),
        services.add_note(actor=worker, case=case, text="Disclosed violence by her partner.", sensitivity="sensitive"),
    )


def test_sensitive_notes_only_for_the_case_worker_and_supervisors(worker, colleague, supervisor, case, notes):
    normal, sensitive = notes
    assert set(policy.visible(worker, Note)) == {normal, sensitive}
    assert set(policy.visible(supervisor, Note)) == {normal, sensitive}
    assert set(policy.visible(colleague, Note)) == {normal}


def test_case_page_hides_sensitive_notes_from_colleagues(client, colleague, supervisor, case, notes):
    client.force_login(colleague)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "Attended the appointment." in page and "Disclosed violence" not in page
    client.force_login(supervisor)
    assert "Disclosed violence" in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert AuditEvent.objects.filter(object_type="cases.case", action="view_sensitive").count() == 2


def test_api_hides_sensitive_notes_from_colleagues(client, colleague, case, notes):
    client.force_login(colleague)
    data = client.get(f"/api/cases/cases/{case.pk}").json()
    assert [n["text"] for n in data["notes"]] == ["Attended the appointment."]


@pytest.mark.parametrize("role", [Role.MIGRATION_OFFICER, Role.ANALYST, Role.ORG_ADMIN])
def test_other_roles_of_the_organization_are_denied(client, make_user, ngo, case, role):
    client.force_login(make_user(ngo, role))
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:caseload")).status_code == 403
    assert client.get(reverse("cases:overdue")).status_code == 403
    assert client.get(reverse("cases:case_search") + "?q=Rosa").status_code == 403
    assert client.get(reverse("cases:case_open", args=[case.person_id])).status_code == 403
    assert client.get(f"/api/cases/cases/{case.pk}").status_code == 404
    assert client.get("/api/cases/cases").status_code == 403
    assert client.post(reverse("cases:note_add", args=[case.pk]), {"text": "x"}).status_code == 404


def test_another_organizations_case_worker_is_denied(client, make_org, make_user, case):
    client.force_login(make_user(make_org("other"), Role.CASE_WORKER))
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    assert client.post(reverse("cases:case_close", args=[case.pk]), {"close-reason": "goals_met"}).status_code == 404
    assert client.get("/api/cases/cases").json() == []


def test_case_workers_are_not_given_the_overdue_list(client, worker):
    client.force_login(worker)
    assert client.get(reverse("cases:overdue")).status_code == 403
    assert client.get(reverse("cases:caseload") + "?worker=daniel").status_code in (403, 404)


def test_pages_drive_the_case(client, worker, supervisor, case):
    client.force_login(worker)
    assert client.get(reverse("cases:caseload")).status_code == 200
    assert "Rosa Flores" in client.get(reverse("cases:case_search") + "?q=rosa").content.decode()
    client.post(reverse("cases:case_step", args=[case.pk]), {"step": "assessment"})
    client.post(
        reverse("cases:action_add", args=[case.pk]), {"description": "Call the shelter", "due_date": "2030-01-01"}
    )
    client.post(reverse("cases:follow_up_add", args=[case.pk]), {"kind": "visit", "due_date": "2030-01-02"})
    client.post(reverse("cases:note_add", args=[case.pk]), {"text": "First interview", "sensitivity": "normal"})
    client.post(
        reverse("cases:case_close", args=[case.pk]),
        {
            "close-reason": "person_left",
            "close-no_follow_up_reason": "no phone",
            f"close-open_action_{case.actions.get().pk}": "moved on",
        },
    )
    case.refresh_from_db()
    assert case.step == "closure" and case.actions.count() == 1 and case.follow_ups.count() == 1
    assert case.notes.count() == 1
    client.force_login(supervisor)
    assert client.get(reverse("cases:caseload") + "?worker=sofia").status_code == 200
