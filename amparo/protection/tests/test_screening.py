"""Screening: answers become suggestions that staff confirm or reject; history is kept; only
sensitive roles of an organization that sees the person may screen or read screenings."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from amparo.accounts.codes import Role
from amparo.accounts.models import AuditEvent, Membership
from amparo.protection import services
from amparo.protection.codes import AsylumWish, Decision
from amparo.protection.models import Screening

pytestmark = pytest.mark.django_db


def test_screening_suggests_profiles_with_their_indicators_and_keeps_history(caseworker, person):
    first = services.screen_person(actor=caseworker, person=person, answers={"age": 15, "without_guardian": "yes"})
    s = first.suggestions.get()
    assert (s.profile.code, s.indicators, s.decision) == ("unaccompanied_child", ["age", "without_guardian"], "pending")
    assert first.urgent_flags == ["unaccompanied_child"] and first.priority == 4
    assert {"code": "without_guardian", "level": "household", "factor": "risk"} in first.factors
    second = services.screen_person(
        actor=caseworker, person=person, answers={"age": 15, "family_support": "yes"}, wishes_asylum=AsylumWish.YES
    )
    assert second.previous == first
    assert list(Screening.objects.filter(person=person)) == [second, first]
    assert second.suggestions.get().profile.code == "international_protection"
    assert second.wishes_asylum == "yes"
    assert {"code": "family_support", "level": "household", "factor": "protective"} in second.factors


def test_staff_confirm_or_reject_each_suggestion_and_it_is_audited(caseworker, person):
    screening = services.screen_person(
        actor=caseworker, person=person, answers={"age": 15, "without_guardian": "yes", "pregnant": "yes"}
    )
    child, health = (
        screening.suggestions.get(profile__code="unaccompanied_child"),
        screening.suggestions.get(profile__code="urgent_health"),
    )
    services.decide_suggestion(actor=caseworker, suggestion=child, decision=Decision.CONFIRMED)
    screening.refresh_from_db()
    assert screening.reviewed_at is None
    services.decide_suggestion(actor=caseworker, suggestion=health, decision=Decision.REJECTED, note="not pregnant")
    screening.refresh_from_db()
    assert screening.reviewed_at is not None
    assert [p.code for p in screening.confirmed_profiles] == ["unaccompanied_child"]
    events = AuditEvent.objects.filter(object_type="protection.screening", object_id=str(screening.pk))
    assert set(events.values_list("action", flat=True)) == {"create", "update"}


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"favourite_colour": "yes"}, "Unknown question “favourite_colour”"),
        ({"age": "fifteen"}, "“age” needs a whole number"),
        ({"age": 300}, "“age” must be between 0 and 130"),
        ({"fears_return": "maybe"}, "“fears_return” has no answer “maybe”"),
    ],
)
def test_bad_answers_are_refused_naming_the_question(caseworker, person, answers, message):
    with pytest.raises(ValidationError) as exc:
        services.screen_person(actor=caseworker, person=person, answers=answers)
    assert message in " ".join(exc.value.messages)
    assert not Screening.objects.exists()


@pytest.mark.parametrize("role", [Role.MIGRATION_OFFICER, Role.ANALYST, Role.ORG_ADMIN])
def test_roles_without_sensitive_access_may_not_screen_or_read(make_user, ngo, caseworker, person, client, role):
    screening = services.screen_person(actor=caseworker, person=person, answers={"fears_return": "yes"})
    user = make_user(ngo, role)
    with pytest.raises(PermissionDenied):
        services.screen_person(actor=user, person=person, answers={})
    client.force_login(user)
    assert client.get(reverse("protection:screening_detail", args=[screening.pk])).status_code == 404
    assert client.get(reverse("protection:screening_new", args=[person.pk])).status_code in (403, 404)
    assert client.get(reverse("protection:screening_index")).status_code == 403


def test_a_case_worker_of_another_organization_cannot_read_the_screening(
    make_org, make_user, caseworker, person, client
):
    screening = services.screen_person(actor=caseworker, person=person, answers={"fears_return": "yes"})
    outsider = make_user(make_org("other-ngo"), Role.CASE_WORKER)
    client.force_login(outsider)
    assert client.get(reverse("protection:screening_detail", args=[screening.pk])).status_code == 404
    assert client.get(reverse("protection:screening_new", args=[person.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.screen_person(actor=outsider, person=person, answers={})


def test_a_migration_seat_does_not_widen_a_case_workers_sensitive_view(make_org, make_user, person, caseworker):
    """A user who is a case worker in one organization and a migration officer in the registering
    one sees the person by name, but not their screenings."""
    screening = services.screen_person(actor=caseworker, person=person, answers={"fears_return": "yes"})
    user = make_user(make_org("elsewhere"), Role.CASE_WORKER)
    Membership.objects.create(user=user, organization=person.registering_organization, role=Role.MIGRATION_OFFICER)
    assert not Screening.objects.visible_to(user).filter(pk=screening.pk).exists()


def test_screening_pages_read_and_review(client, caseworker, person):
    client.force_login(caseworker)
    page = client.get(reverse("protection:screening_new", args=[person.pk]))
    assert page.status_code == 200
    assert "Prefers not to say" in page.content.decode() or "Prefiere no decirlo" in page.content.decode()
    response = client.post(
        reverse("protection:screening_new", args=[person.pk]),
        {"q_age": "15", "q_without_guardian": "yes", "wishes_asylum": "not_asked", "q_fears_return": "prefers_not"},
    )
    screening = Screening.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/screenings/{screening.pk}/")
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert AuditEvent.objects.filter(action="view_sensitive", object_type="protection.screening").exists()
    suggestion = screening.suggestions.get()
    client.post(reverse("protection:suggestion_decide", args=[suggestion.pk]), {"decision": "confirmed"})
    suggestion.refresh_from_db()
    assert suggestion.decision == "confirmed"


def test_finding_a_person_to_screen_ignores_accents_case_and_order(client, caseworker, person, make_org, make_person):
    make_person(make_org("elsewhere"), given_names="Lucía", first_surname="Pérez")  # not visible to this worker
    client.force_login(caseworker)
    page = client.get(reverse("protection:screening_index"), {"q": "perez lucia"}).content.decode()
    assert page.count("/screen/") == 1 and f"/protection/people/{person.pk}/screen/" in page
