"""The child rule (the child-protection authority decides; the child is never asked by message)
and closure (reunited needs consent; found deceased needs a supervisor and who told the family)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amparo.messaging.models import Message
from amparo.tracing import services
from amparo.tracing.codes import ConsentStatus, TracingState
from amparo.tracing.models import MatchCandidate
from amparo.tracing.tests.conftest import inquiry_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(world, make_person, commit):
    from amparo.messaging.models import Channel

    Channel.objects.create(organization=world.shelter, name="SMS", kind="sms", provider="console")
    with commit():
        return make_person(world.shelter, given_names="Marisol", first_surname="Pérez", sex="female",
                           birth_date=date(2010, 2, 1), municipality="Tapachula", country="MX",
                           phones=[("+529621112233", False)])  # fmt: skip


def _confirmed(world, person, commit, **data):
    with commit():
        inquiry = services.record_inquiry(actor=world.officer, organization=world.consulate, data=inquiry_data(**data))
    candidate = MatchCandidate.objects.get(inquiry=inquiry, person=person)
    services.decide_candidate(actor=world.shelter_worker, candidate=candidate, confirm=True)
    inquiry.refresh_from_db()
    return inquiry, inquiry.consent_requests.get()


def test_a_child_is_not_asked_and_only_the_authority_decides(world, child, commit, make_user):
    inquiry, consent = _confirmed(world, child, commit, given_names="Marisol", first_surname="Pérez", sex="female",
                                  age_min=15, age_max=17, route=["Tapachula"])  # fmt: skip
    assert consent.is_child and consent.message_id is None
    assert not Message.objects.filter(person=child).exists()
    with pytest.raises(services.TracingRefused):  # the child's own yes is not enough
        services.record_consent_answer(actor=world.shelter_worker, consent=consent, given=True)
    with pytest.raises(PermissionDenied):  # a case worker is not the authority
        services.record_consent_answer(actor=world.shelter_worker, consent=consent, given=True, source="authority",
                                       authority_name="PPNNA Chiapas")  # fmt: skip
    # The authority's officer sees the child through the referral/agreement in real life; here a
    # supervisor of the shelter records the authority's decision.
    shelter_supervisor = make_user(world.shelter, "supervisor")
    with pytest.raises(ValidationError):  # the authority must be named
        services.record_consent_answer(actor=shelter_supervisor, consent=consent, given=True, source="authority")
    services.record_consent_answer(actor=shelter_supervisor, consent=consent, given=True, source="authority",
                                   authority_name="Procuraduría de Protección de Chiapas",
                                   authority_reference="PPNNA/2026/113")  # fmt: skip
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GIVEN and consent.answer_source == "authority"


def test_reunited_needs_consent_and_deceased_needs_a_supervisor(world, found_person, commit):
    inquiry, consent = _confirmed(world, found_person, commit)
    with pytest.raises(services.TracingRefused):
        services.close_inquiry(actor=world.officer, inquiry=inquiry, kind=TracingState.REUNITED)
    services.record_consent_answer(actor=world.shelter_worker, consent=consent, given=True)
    services.disclose(
        actor=world.shelter_worker, consent=consent, kind="whereabouts", content="Albergue Belén, Juchitán"
    )
    services.close_inquiry(actor=world.officer, inquiry=inquiry, kind=TracingState.REUNITED, note="Met on 3 Oct")
    inquiry.refresh_from_db()
    assert inquiry.state == TracingState.REUNITED and inquiry.closed_at is not None

    other, _c = _confirmed(world, found_person, commit, given_names="José", first_surname="Hernández",
                           inquirer_name="Luis Hernández")  # fmt: skip
    with pytest.raises(ValidationError):
        services.close_inquiry(actor=world.officer, inquiry=other, kind=TracingState.CLOSED_DECEASED)
    services.close_inquiry(actor=world.officer, inquiry=other, kind=TracingState.CLOSED_DECEASED,
                           informed_by="Cónsul Pérez", informed_how="in person, at the consulate")  # fmt: skip
    other.refresh_from_db()
    assert other.state == TracingState.AWAITING_CONSENT  # waits for the supervisor
    with pytest.raises(PermissionDenied):
        services.approve_deceased(actor=world.officer, inquiry=other)
    services.approve_deceased(actor=world.supervisor, inquiry=other)
    other.refresh_from_db()
    assert other.state == TracingState.CLOSED_DECEASED and other.deceased_approved_by == world.supervisor


def test_two_inquiries_for_the_same_person_are_linked(world, commit):
    with commit():
        first = services.record_inquiry(actor=world.officer, organization=world.consulate, data=inquiry_data())
    with commit():
        second = services.record_inquiry(
            actor=world.outsider, organization=world.other,
            data=inquiry_data(given_names="José", inquirer_name="Marta", inquirer_relationship="sister"),
        )  # fmt: skip
    link = MatchCandidate.objects.get(other_inquiry__isnull=False)
    assert {link.inquiry_id, link.other_inquiry_id} == {first.pk, second.pk}
    assert "nickname" in {r[0] for r in link.reasons}
