"""Access per role: provider staff see only their own organization's notes; another organization
sees nothing of an inquiry, its candidates or the notes; pages and reads are audited."""

from __future__ import annotations

import pytest

from amparo.accounts import policy
from amparo.accounts.models import AuditEvent
from amparo.tracing import services
from amparo.tracing.models import ConsentRequest, FoundNote, Inquiry, MatchCandidate
from amparo.tracing.tests.conftest import inquiry_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(world, found_person, commit, make_org, make_user):
    with commit():
        inquiry = services.record_inquiry(actor=world.officer, organization=world.consulate, data=inquiry_data())
        own = services.record_found_note(actor=world.shelter_staff, person=found_person, kind="looking_for_family")
    # The consulate registered the same person earlier and wrote its own note on them.
    clinic = make_org("clinica", kind="health")
    clinic_staff = make_user(clinic, "provider_staff")
    return inquiry, own, clinic_staff


def test_provider_staff_see_only_their_own_notes(world, found_person, recorded):
    inquiry, own, clinic_staff = recorded
    other_note = services.record_found_note(actor=policy.system_principal("t"), person=found_person,
                                            organization=world.consulate, kind="found")  # fmt: skip
    assert list(FoundNote.objects.visible_to(world.shelter_staff)) == [own]
    # The registering organization's other roles see every note on their own people.
    assert set(FoundNote.objects.visible_to(world.shelter_worker)) == {own, other_note}
    assert not FoundNote.objects.visible_to(clinic_staff).exists()
    assert list(FoundNote.objects.visible_to(world.officer)) == [other_note]


def test_another_organization_sees_nothing(world, recorded):
    inquiry, _own, _clinic = recorded
    for model in (Inquiry, MatchCandidate, FoundNote, ConsentRequest):
        assert not policy.visible(world.outsider, model).exists(), model


def test_the_person_side_sees_the_inquiry_it_may_answer_but_not_a_withheld_inquirer(world, client, recorded):
    inquiry, _own, _clinic = recorded
    client.force_login(world.shelter_worker)
    page = client.get(f"/tracing/{inquiry.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Chepe" in text and "José Hernández López" in text
    assert "Rosa" not in text and "+50255512345" not in text  # the inquirer did not agree to share
    assert AuditEvent.objects.filter(action="view", object_type="tracing.inquiry", object_id=str(inquiry.pk)).exists()


def test_the_inquiry_side_page_names_nobody_found(world, client, found_person, recorded):
    inquiry, _own, _clinic = recorded
    client.force_login(world.officer)
    text = client.get(f"/tracing/{inquiry.pk}/").content.decode()
    assert "being handled by Albergue Belén" in text
    assert "José" not in text and "Juchitán de Zaragoza" not in text
    assert "Your inquiry is being handled." in text


def test_outsiders_get_404_on_every_tracing_page(world, client, found_person, recorded):
    inquiry, _own, _clinic = recorded
    candidate = MatchCandidate.objects.get(inquiry=inquiry)
    client.force_login(world.outsider)
    assert client.get(f"/tracing/{inquiry.pk}/").status_code == 404
    assert client.post(f"/tracing/candidates/{candidate.pk}/confirm/").status_code == 404
    assert (
        client.post(f"/tracing/people/{found_person.pk}/notes/", {"kind": "found", "wish": "ask_me"}).status_code == 404
    )
    assert client.post(f"/tracing/{inquiry.pk}/close/", {"kind": "closed_no_result"}).status_code == 404
    candidate.refresh_from_db()
    assert candidate.state == "proposed"
    assert b"Chepe" not in client.get("/tracing/?state=").content


def test_recording_an_inquiry_through_the_page(world, client, commit):
    client.force_login(world.officer)
    with commit():
        response = client.post("/tracing/new/", {
            "given_names": "Marisol", "first_surname": "Pérez", "sex": "female", "age_min": "16", "age_max": "18",
            "route": "Tecún Umán\nTapachula", "inquirer_name": "Ana Pérez", "inquirer_relationship": "sister",
            "nationality": "GT", "last_seen_country": "MX",
        })  # fmt: skip
    inquiry = Inquiry.objects.get(given_names="Marisol")
    assert response.status_code == 302 and response["Location"] == f"/tracing/{inquiry.pk}/"
    assert inquiry.route == ["Tecún Umán", "Tapachula"] and inquiry.organization == world.consulate
    assert client.get("/tracing/").content.decode().count("Marisol") == 1


def test_the_crisis_summary_counts_open_inquiries_and_reunifications(world, client, commit):
    from amparo.crises.services import AreaSpec, create_crisis

    crisis = create_crisis(actor=policy.system_principal("t"), name="Sismo", kind="earthquake",
                           organization=world.consulate, areas=[AreaSpec(kind="administrative", subdivisions=["MX-OAX"])])  # fmt: skip
    with commit():
        for name in ("Ana", "Berta"):
            services.record_inquiry(actor=world.officer, organization=world.consulate,
                                    data=inquiry_data(given_names=name, crisis_id=crisis.pk))  # fmt: skip
    client.force_login(world.outsider)  # counts only, for every member
    text = client.get(f"/crises/{crisis.pk}/summary/").content.decode()
    assert 'data-count="tracing_open">2<' in text and 'data-count="tracing_reunified">0<' in text
