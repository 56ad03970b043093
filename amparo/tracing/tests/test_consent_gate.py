"""The sought person decides: the inquiry's side never reads the found person's data without
their consent; a refusal reads as "closed"; each disclosure is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from amparo.accounts.models import AuditEvent
from amparo.messaging.models import Message
from amparo.registry.models import Person
from amparo.tracing import queries, services
from amparo.tracing.codes import CandidateState, ConsentStatus, TracingState, Wish
from amparo.tracing.models import MatchCandidate
from amparo.tracing.tests.conftest import inquiry_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(world, found_person, commit):
    with commit():
        inquiry = services.record_inquiry(actor=world.officer, organization=world.consulate, data=inquiry_data())
    inquiry.refresh_from_db()
    candidate = MatchCandidate.objects.get(inquiry=inquiry, person=found_person)
    return inquiry, candidate


def test_a_new_inquiry_proposes_the_person_with_reasons(world, found_person, pair):
    inquiry, candidate = pair
    assert inquiry.state == TracingState.MATCH_PROPOSED
    codes = {r[0] for r in candidate.reasons}
    assert "nickname" in codes  # Chepe → José
    assert "age_in_range" in codes and "place_on_route" in codes


def test_the_inquiry_side_sees_a_candidate_but_not_the_person(world, found_person, pair):
    inquiry, candidate = pair
    rows = queries.candidates_for(world.officer, inquiry)
    assert len(rows) == 1 and rows[0]["person"] is None and not rows[0]["visible"]
    assert not Person.objects.visible_to(world.officer).filter(pk=found_person.pk).exists()
    # ... and may not confirm it (only the side that sees the person recognises them)
    with pytest.raises(PermissionDenied):
        services.decide_candidate(actor=world.officer, candidate=candidate, confirm=True)


def test_confirming_asks_the_person_in_their_language_and_tells_the_inquirer_only_handled(world, found_person, pair):
    inquiry, candidate = pair
    services.decide_candidate(actor=world.shelter_worker, candidate=candidate, confirm=True)
    inquiry.refresh_from_db()
    assert inquiry.state == TracingState.AWAITING_CONSENT
    consent = inquiry.consent_requests.get()
    message = Message.objects.get(pk=consent.message_id)
    assert message.person_id == found_person.pk and message.language == "es"
    assert message.to_address == "+529711234567"
    assert "Rosa" not in message.body and "Juchitán" not in message.body  # names no inquirer and no place
    assert services.inquirer_status(inquiry) == "Your inquiry is being handled."
    # Nothing about the person can be disclosed before the answer.
    with pytest.raises(services.TracingRefused):
        services.disclose(actor=world.shelter_worker, consent=consent, kind="whereabouts", content="Juchitán")
    assert not queries.disclosures_for(world.officer, inquiry).exists()


def test_consent_given_then_each_disclosure_is_audited(world, found_person, pair):
    inquiry, candidate = pair
    services.decide_candidate(actor=world.shelter_worker, candidate=candidate, confirm=True)
    consent = inquiry.consent_requests.get()
    services.record_consent_answer(actor=world.shelter_worker, consent=consent, given=True, allows=["message"])
    with pytest.raises(services.TracingRefused):  # agreed to a message, not to their whereabouts
        services.disclose(actor=world.shelter_worker, consent=consent, kind="whereabouts", content="Albergue Belén")
    before = AuditEvent.objects.filter(action="share").count()
    disclosure = services.disclose(
        actor=world.shelter_worker, consent=consent, kind="message", content="José is well and will call Sunday."
    )
    services.disclose(actor=world.shelter_worker, consent=consent, kind="message", content="He says hello.")
    events = AuditEvent.objects.filter(action="share").order_by("pk")
    assert events.count() == before + 2
    first = events[before]
    assert first.object_type == "tracing.disclosure" and first.object_id == str(disclosure.pk)
    assert first.extra["inquiry"] == inquiry.pk and first.extra["person"] == found_person.pk
    inquiry.refresh_from_db()
    assert inquiry.state == TracingState.CONTACT_RESTORED
    # The inquiry's side reads what was passed on, and still not the person's record.
    assert [d.content for d in queries.disclosures_for(world.officer, inquiry)][
        -1
    ] == "José is well and will call Sunday."
    assert not Person.objects.visible_to(world.officer).filter(pk=found_person.pk).exists()


def test_a_refusal_closes_and_reads_closed_on_the_inquiry_side(world, found_person, pair):
    inquiry, candidate = pair
    services.decide_candidate(actor=world.shelter_worker, candidate=candidate, confirm=True)
    consent = inquiry.consent_requests.get()
    services.record_consent_answer(actor=world.shelter_worker, consent=consent, given=False)
    inquiry.refresh_from_db()
    assert inquiry.state == TracingState.CLOSED_REFUSED
    assert queries.state_for(world.officer, inquiry)[0] == "closed"
    assert queries.state_for(world.shelter_worker, inquiry)[0] == TracingState.CLOSED_REFUSED
    assert services.inquirer_status(inquiry) == "Your inquiry is closed."
    with pytest.raises(services.TracingRefused):
        services.disclose(actor=world.shelter_worker, consent=consent, kind="message", content="hello")


def test_a_reply_yes_to_the_question_records_consent(world, found_person, pair):
    from amparo.messaging.channels.base import Inbound
    from amparo.messaging.inbound import receive_inbound

    inquiry, candidate = pair
    services.decide_candidate(actor=world.shelter_worker, candidate=candidate, confirm=True)
    consent = inquiry.consent_requests.get()
    message = Message.objects.get(pk=consent.message_id)
    item = receive_inbound(
        channel=message.channel, inbound=Inbound(from_address="+529711234567", to_address="", body="Sí")
    )
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GIVEN and consent.answer_source == "reply"
    assert item.status == "processed"


def test_a_note_saying_nobody_may_be_told_refuses_at_once(world, found_person, commit):
    services.record_found_note(
        actor=world.shelter_worker, person=found_person, kind="looking_for_family", wish=Wish.NOBODY
    )
    with commit():
        inquiry = services.record_inquiry(actor=world.officer, organization=world.consulate, data=inquiry_data())
    candidate = MatchCandidate.objects.get(inquiry=inquiry, person=found_person)
    assert candidate.note is not None and "looking_for_family" in {r[0] for r in candidate.reasons}
    services.decide_candidate(actor=world.shelter_worker, candidate=candidate, confirm=True)
    inquiry.refresh_from_db()
    assert inquiry.state == TracingState.CLOSED_REFUSED
    assert not Message.objects.filter(person=found_person).exists()  # not asked again


def test_a_rejected_pair_is_never_proposed_again(world, found_person, pair, commit):
    inquiry, candidate = pair
    services.decide_candidate(actor=world.shelter_worker, candidate=candidate, confirm=False)
    inquiry.refresh_from_db()
    assert inquiry.state == TracingState.OPEN
    services.match_inquiry(inquiry.pk)
    with commit():  # matched again as a note
        services.record_found_note(actor=world.shelter_worker, person=found_person)
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.REJECTED
    assert MatchCandidate.objects.filter(inquiry=inquiry).count() == 1
    inquiry.refresh_from_db()
    assert inquiry.state == TracingState.OPEN
