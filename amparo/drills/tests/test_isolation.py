"""Isolation by construction: a drill's synthetic world never mixes with real people, lists,
counts, exports, matches or messages, and a drill never sends through a real channel."""

import pytest
from django.urls import reverse

from amparo.accounts import policy
from amparo.accounts.policy import system_principal
from amparo.crises.models import Crisis, WelfareStatus
from amparo.crises.services import AreaSpec, create_crisis, recompute_affected
from amparo.drills import services
from amparo.drills.tests.conftest import inside
from amparo.messaging import services as messaging
from amparo.messaging.channels import adapter_for
from amparo.messaging.models import Channel, Message, Template
from amparo.registry.models import Person

SYSTEM = system_principal("test")
AROUND_ACAPULCO = [AreaSpec(kind="circle", center_latitude=16.85, center_longitude=-99.88, radius_km=60)]


@pytest.mark.django_db
def test_synthetic_people_are_invisible_outside_the_drill(world, drill):
    synthetic = Person.objects.filter(registering_organization=drill.exercise_organization)
    assert synthetic.count() == 60
    for user in (world["facilitator"], world["colleague"], world["analyst"], world["outsider"]):
        assert not policy.visible(user, Person).filter(pk__in=synthetic.values("pk")).exists()
        assert not policy.countable(user, Person).filter(pk__in=synthetic.values("pk")).exists()
    assert list(policy.visible(world["facilitator"], Person)) == [world["real"]]


@pytest.mark.django_db
def test_inside_the_drill_a_participant_sees_only_the_drill(world, drill):
    services.add_participant(actor=world["facilitator"], drill=drill, user=world["colleague"], role="consular_officer")
    principal = inside(world["colleague"], drill)
    seen = policy.visible(principal, Person)
    assert seen.count() == 60 and world["real"] not in seen
    assert not seen.exclude(registering_organization=drill.exercise_organization).exists()


@pytest.mark.django_db
def test_a_real_crisis_never_counts_synthetic_people_and_a_drill_never_counts_real_ones(world, drill):
    real = create_crisis(
        actor=SYSTEM, name="Real", kind="earthquake", areas=AROUND_ACAPULCO, organization=world["consulate"]
    )
    affected = set(WelfareStatus.objects.filter(crisis=real).values_list("person_id", flat=True))
    assert affected == {world["real"].pk}
    services.start(actor=world["facilitator"], drill=drill)
    services.tick(drill)
    drill.refresh_from_db()
    in_drill = set(
        WelfareStatus.objects.filter(crisis=drill.crisis).values_list("person__registering_organization", flat=True)
    )
    assert in_drill == {drill.exercise_organization_id}


@pytest.mark.django_db
def test_a_cap_exercise_without_a_drill_affects_nobody(world):
    crisis = create_crisis(actor=SYSTEM, name="Simulacro CAP", kind="earthquake", is_exercise=True,
                           areas=AROUND_ACAPULCO, organization=world["consulate"])  # fmt: skip
    assert recompute_affected(crisis=crisis).total == 0


@pytest.mark.django_db
def test_the_drill_crisis_is_not_in_real_crisis_lists(world, drill):
    services.start(actor=world["facilitator"], drill=drill)
    services.tick(drill)
    drill.refresh_from_db()
    assert drill.crisis is not None
    assert not policy.visible(world["facilitator"], Crisis).filter(pk=drill.crisis_id).exists()
    assert policy.visible(inside(world["facilitator"], drill), Crisis).filter(pk=drill.crisis_id).exists()


@pytest.mark.django_db
def test_a_real_broadcast_never_reaches_a_synthetic_person_even_from_the_system(world, drill):
    template = Template.objects.filter(organization__isnull=True, purpose="checkin").first()
    Channel.objects.create(organization=world["consulate"], name="SMS", kind="sms", provider="console")
    broadcast = messaging.create_broadcast(
        actor=SYSTEM, organization=world["consulate"], title="Real", template=template
    )
    messaging.confirm_broadcast(actor=SYSTEM, broadcast=broadcast)
    assert not Message.objects.filter(person__registering_organization=drill.exercise_organization).exists()
    assert Message.objects.filter(person=world["real"]).exists()


@pytest.mark.django_db
def test_a_drill_broadcast_reaches_synthetic_people_only_through_simulated_channels(world, drill):
    services.start(actor=world["facilitator"], drill=drill)
    services.tick(drill)
    drill.refresh_from_db()
    principal = inside(world["facilitator"], drill)
    template = Template.objects.filter(organization__isnull=True, purpose="checkin").first()
    broadcast = messaging.create_broadcast(actor=principal, organization=drill.exercise_organization, title="¿Está bien?",
                                           template=template, crisis=drill.crisis)  # fmt: skip
    messaging.confirm_broadcast(actor=principal, broadcast=broadcast)
    sent = Message.objects.filter(broadcast=broadcast)
    assert sent.exists() and not sent.exclude(person__registering_organization=drill.exercise_organization).exists()
    assert set(sent.values_list("channel__provider", flat=True)) == {"simulated"}
    assert not Message.objects.filter(person=world["real"]).exists()


@pytest.mark.django_db
def test_simulated_and_real_channels_never_cross(world, drill):
    real_sms = Channel(organization=world["consulate"], name="x", kind="sms", provider="simulated")
    with pytest.raises(ValueError):
        adapter_for(real_sms)
    drill_twilio = Channel(organization=drill.exercise_organization, name="y", kind="sms", provider="twilio")
    with pytest.raises(ValueError):
        adapter_for(drill_twilio)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        real_sms.full_clean()


@pytest.mark.django_db
def test_synthetic_people_are_never_matched(world, drill, django_capture_on_commit_callbacks):
    from amparo.matching.models import PersonKey
    from amparo.matching.services import refresh_stale, stale_person_ids

    refresh_stale()
    synthetic = Person.objects.filter(registering_organization=drill.exercise_organization)
    assert not PersonKey.objects.filter(person__in=synthetic).exists()
    assert not set(stale_person_ids(10_000)) & set(synthetic.values_list("pk", flat=True))


@pytest.mark.django_db
def test_exports_and_the_api_show_no_synthetic_people(client, world, drill):
    client.force_login(world["facilitator"])
    export = b"".join(client.get(reverse("registry:person_export", args=["csv"])).streaming_content).decode()
    assert "Real" in export and "DRILL-" not in export
    synthetic = Person.objects.filter(registering_organization=drill.exercise_organization).first()
    assert client.get(reverse("registry:person_detail", args=[synthetic.pk])).status_code == 404
    api = client.get("/api/registry/people").json()
    assert [item["id"] for item in api["results"]] == [world["real"].pk]
    assert client.get(f"/api/registry/people/{synthetic.pk}").status_code == 404


@pytest.mark.django_db
def test_the_portal_never_finds_a_synthetic_person_by_phone(world, drill):
    from amparo.portal.queries import people_with_phone, phone_is_known
    from amparo.registry.models import ContactPoint

    phone = ContactPoint.objects.filter(person__registering_organization=drill.exercise_organization).first().value
    assert people_with_phone(phone) == [] and not phone_is_known(phone)


@pytest.mark.django_db
def test_a_drill_referral_e_mails_nobody(world, drill, mailoutbox):
    from amparo.protection.models import Referral
    from amparo.protection.notices import referral_sent
    from amparo.registry.services import record_consent

    person = Person.objects.filter(registering_organization=drill.exercise_organization).first()
    consent = record_consent(actor=SYSTEM, person=person, purpose="referrals", given=True, method="verbal")
    world["other"].email = "real-shelter@example.org"
    world["other"].save()
    referral = Referral.objects.create(person=person, from_organization=drill.exercise_organization,
                                       to_organization=world["other"], created_by_label="x", service_kind="shelter",
                                       response_hours=24, status="sent", sent_at=person.created_at, consent=consent)  # fmt: skip
    assert referral_sent(referral.pk) == 0 and mailoutbox == []
