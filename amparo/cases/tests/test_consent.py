"""Consent to case management at opening: who answered, how, when and to whom; a refusal opens no
case and keeps its reason; the page asks before anything else."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from amparo.accounts.models import AuditEvent
from amparo.cases import services
from amparo.cases.models import Case, CaseConsent

pytestmark = pytest.mark.django_db


def test_opening_records_who_consented_how_and_when(worker, person):
    case = services.open_case(actor=worker, person=person, consent_method="written")
    consent = case.consent
    assert (consent.given, consent.given_by, consent.method) == (True, "person", "written")
    assert consent.recorded_by == worker and consent.recorded_at and consent.organization == case.organization
    assert AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk), action="create").exists()


def test_a_guardian_who_answers_is_named(worker, person):
    with pytest.raises(services.CaseError, match="Name the guardian"):
        services.open_case(actor=worker, person=person, consent_method="verbal", consent_given_by="parent_or_guardian")
    case = services.open_case(
        actor=worker,
        person=person,
        consent_method="verbal",
        consent_given_by="parent_or_guardian",
        consent_given_by_name="Marta Flores (mother)",
    )
    assert case.consent.given_by_name == "Marta Flores (mother)"


@pytest.mark.parametrize("method", ["", "email", "self_registered"])
def test_no_case_without_a_known_way_of_consenting(worker, person, method):
    with pytest.raises(services.CaseError, match="how the person consented"):
        services.open_case(actor=worker, person=person, consent_method=method)
    assert not Case.objects.exists()


def test_a_refusal_opens_no_case_and_keeps_its_reason(worker, person):
    with pytest.raises(services.CaseError, match="reason"):
        services.record_refusal(actor=worker, person=person, method="verbal", reason="  ")
    refusal = services.record_refusal(
        actor=worker, person=person, method="verbal", reason="Prefers to continue the journey tomorrow"
    )
    assert not Case.objects.exists()
    assert (refusal.given, refusal.case, refusal.refusal_reason) == (
        False,
        None,
        "Prefers to continue the journey tomorrow",
    )
    assert AuditEvent.objects.filter(object_type="cases.caseconsent", object_id=str(refusal.pk)).exists()


def test_the_database_refuses_a_refusal_without_reason_or_attached_to_a_case(worker, person, case):
    base = {"person": person, "organization": case.organization, "given_by": "person", "method": "verbal"}
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseConsent.objects.create(given=False, recorded_by_label="x", **base)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseConsent.objects.create(given=False, refusal_reason="no", case=case, recorded_by_label="x", **base)


def test_the_page_asks_consent_and_records_a_refusal(client, worker, person):
    client.force_login(worker)
    url = reverse("cases:case_open", args=[person.pk])
    page = client.get(url).content.decode()
    assert 'name="consent"' in page and 'name="consent_method"' in page
    response = client.post(
        url, {"consent": "no", "consent_given_by": "person", "consent_method": "verbal", "refusal_reason": "Not now"}
    )
    assert response.status_code == 302 and not Case.objects.exists()
    assert CaseConsent.objects.get().refusal_reason == "Not now"
    # The next worker sees that it was asked.
    assert "Not now" in client.get(url).content.decode()
    response = client.post(
        url,
        {"consent": "yes", "consent_given_by": "person", "consent_method": "written", "case_worker": worker.pk},
    )
    case = Case.objects.get()
    assert response.url == reverse("cases:case_detail", args=[case.pk])
    assert case.consent.method == "written"
    assert "Written (signed form)" in client.get(response.url).content.decode()


def test_another_organization_cannot_record_consent_for_someone_it_does_not_see(make_org, make_user, person):
    from django.core.exceptions import PermissionDenied

    outsider = make_user(make_org("other"), "case_worker")
    with pytest.raises(PermissionDenied):
        services.record_refusal(actor=outsider, person=person, method="verbal", reason="x")
    with pytest.raises(PermissionDenied):
        services.open_case(actor=outsider, person=person, consent_method="verbal")
