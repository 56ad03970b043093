"""The scenario player and the after-action figures, on a small scripted drill whose outcome is
known: the clock (pause, resume, accelerate), injects at their drill time, simulated replies after
their delay, and each figure of the report from what the staff did."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from amparo.crises.models import WelfareStatus
from amparo.crises.services import update_welfare
from amparo.drills import services
from amparo.drills.codes import DrillStatus
from amparo.drills.models import SimulatedPerson
from amparo.drills.report import compute
from amparo.drills.templatetags.drills import inject_outcome
from amparo.drills.tests.conftest import inside
from amparo.messaging import dispatch
from amparo.messaging import services as messaging
from amparo.messaging.models import InboundMessage, Message, Template


def h(hours: float) -> timedelta:
    return timedelta(hours=hours)


@pytest.mark.django_db
def test_the_clock_pauses_resumes_and_accelerates(world, drill, t0):
    drill.speed = 60
    drill.save(update_fields=["speed"])
    services.start(actor=world["facilitator"], drill=drill, now=t0)
    assert drill.sim_now(t0 + timedelta(seconds=10)) == pytest.approx(600)  # 10 s at ×60: 10 drill minutes
    services.pause(actor=world["facilitator"], drill=drill, now=t0 + timedelta(seconds=10))
    assert drill.sim_now(t0 + timedelta(hours=5)) == pytest.approx(600)  # paused: the drill's time stands still
    services.resume(actor=world["facilitator"], drill=drill, now=t0 + timedelta(seconds=100))
    services.set_speed(actor=world["facilitator"], drill=drill, speed=120, now=t0 + timedelta(seconds=110))
    assert drill.sim_now(t0 + timedelta(seconds=120)) == pytest.approx(600 + 600 + 1200)
    # A real moment read in drill time, through the segments (the pause counts for nothing).
    assert drill.sim_at(t0 + timedelta(seconds=50)) == pytest.approx(600)
    assert drill.sim_at(t0 + timedelta(seconds=105)) == pytest.approx(900)
    assert drill.sim_at(t0 + timedelta(seconds=120)) == pytest.approx(2400)


@pytest.mark.django_db
def test_injects_fire_at_their_drill_time_and_only_once(world, drill, t0):
    drill.speed = 60
    drill.save(update_fields=["speed"])
    services.start(actor=world["facilitator"], drill=drill, now=t0)
    assert services.tick(drill, now=t0)["fired"] == 1  # 0:00 the alert
    drill.refresh_from_db()
    small = WelfareStatus.objects.filter(crisis=drill.crisis, in_area=True).count()
    assert services.tick(drill, now=t0 + timedelta(seconds=29))["fired"] == 0  # 0:29
    assert services.tick(drill, now=t0 + timedelta(seconds=30))["fired"] == 1  # 0:30 the note
    assert services.tick(drill, now=t0 + timedelta(seconds=30))["fired"] == 0
    services.tick(drill, now=t0 + timedelta(seconds=61))  # 1:01 the area grows
    assert WelfareStatus.objects.filter(crisis=drill.crisis, in_area=True).count() > small
    assert drill.events.filter(text="Un albergue está lleno").exists()
    # What each inject did is kept as a code and read in the reader's language, never in English.
    alert = drill.injects.order_by("at_seconds").first()
    assert alert.outcome == f"affected:{small}"
    with translation.override("es"):
        assert inject_outcome(alert.outcome) == f"{small} personas en la zona"
    with translation.override("fr"):
        assert inject_outcome("replying:1") == "1 personne simulée répond maintenant"
        assert inject_outcome("133 affected") == ""  # nothing unknown is shown raw


@pytest.mark.django_db
def test_only_a_facilitator_runs_the_drill(world, drill):
    for user in (world["colleague"], world["outsider"], world["analyst"]):
        if user is world["colleague"]:
            continue  # a consular officer of the host is a facilitator too
        with pytest.raises(PermissionDenied):
            services.start(actor=user, drill=drill)
    services.start(actor=world["colleague"], drill=drill)
    with pytest.raises(ValidationError):
        services.start(actor=world["facilitator"], drill=drill)


@pytest.mark.django_db
def test_a_scripted_drill_gives_the_figures_of_what_the_staff_did(world, drill, t0):
    from amparo.registry.services import record_consent

    drill.speed = 1
    drill.save(update_fields=["speed"])
    officer = inside(world["facilitator"], drill)
    services.start(actor=world["facilitator"], drill=drill, now=t0)
    services.tick(drill, now=t0)  # the alert
    drill.refresh_from_db()
    affected = WelfareStatus.objects.filter(crisis=drill.crisis, in_area=True).count()
    assert affected > 10

    # The officer sends a check-in (a few real seconds after the start) and the outbox drains.
    template = Template.objects.filter(organization__isnull=True, purpose="checkin").first()
    broadcast = messaging.create_broadcast(actor=officer, organization=drill.exercise_organization, title="¿Está bien?",
                                           template=template, crisis=drill.crisis)  # fmt: skip
    messaging.confirm_broadcast(actor=officer, broadcast=broadcast)
    dispatch.run(budget_s=30)
    reached = Message.objects.filter(broadcast=broadcast, status__in=("sent", "delivered"))
    assert reached.exists() and not reached.exclude(channel__provider="simulated").exists()

    # Two hours later everyone who answers has answered (delays of 1 to 30 minutes).
    services.tick(drill, now=t0 + h(2))  # also fires the 1:00 update: the area grows
    affected = WelfareStatus.objects.filter(crisis=drill.crisis, in_area=True).count()
    answering = SimulatedPerson.objects.filter(person__messages__broadcast=broadcast).exclude(behaviour="never")
    assert InboundMessage.objects.filter(organization=drill.exercise_organization).count() == answering.count()

    # At 3:00 the officer triages one help request; the others wait.
    helped = WelfareStatus.objects.filter(crisis=drill.crisis, status="needs_assistance", source="reply")
    help_requests = helped.count()
    assert help_requests >= 1
    first = helped.first()
    update_welfare(actor=officer, crisis=drill.crisis, person=first.person, status="needs_assistance",
                   source="staff", needs=first.needs, note="llamamos", at=t0 + h(3))  # fmt: skip

    # An urgent screening at 1:00 referred at 2:00 (in time), another never referred.
    from amparo.protection.models import Referral, Screening

    urgent_people = list(helped.values_list("person", flat=True)[:2]) or [first.person_id]
    for i, person_id in enumerate(urgent_people):
        Screening.objects.create(person_id=person_id, organization=drill.exercise_organization, screened_by_label="lucia",
                                 screened_at=t0 + h(1), urgent_flags=["medical_emergency"])  # fmt: skip
        if i == 0:
            from amparo.registry.models import Person

            consent = record_consent(actor=officer, person=Person.objects.get(pk=person_id), purpose="referrals",
                                     given=True, method="verbal")  # fmt: skip
            Referral.objects.create(person_id=person_id, from_organization=drill.exercise_organization,
                                    to_organization=world["other"], created_by_label="lucia", service_kind="health",
                                    response_hours=24, status="sent", sent_at=t0 + h(2), consent=consent)  # fmt: skip

    services.finish(actor=world["facilitator"], drill=drill, now=t0 + h(7))
    drill.refresh_from_db()
    f = drill.figures
    assert drill.status == DrillStatus.FINISHED and f == compute(drill) | {"computed_at": f["computed_at"]}
    assert f["affected"] == affected
    assert 0 <= f["first_checkin_after"] < 60  # sent seconds after the alert
    accounted = WelfareStatus.objects.filter(crisis=drill.crisis, in_area=True, accounted_at__isnull=False).count()
    assert f["accounted"]["1h"] == 0.0  # nobody answered within the first hour of drill time…
    assert f["accounted"]["6h"] == round(100 * accounted / affected, 1)  # …all who did, by 2:00
    assert f["accounted"]["24h"] is None  # the drill lasted seven hours
    assert f["help_requests"] == help_requests and f["triaged"] >= 1
    assert f["triage_median_s"] is not None and f["untriaged"] == help_requests - f["triaged"]
    assert (f["urgent_cases"], f["urgent_referred_in_time"]) == (len(urgent_people), 1)
    assert f["inbox_waiting"] == InboundMessage.objects.filter(organization=drill.exercise_organization,
                                                               status="needs_review").count()  # fmt: skip
    assert f["wrong_language"] == 0 and f["messaged_twice"] == 0
    assert any(p["actor"] == "lucia" for p in f["participants"])


@pytest.mark.django_db
def test_archiving_keeps_the_figures_and_deletes_the_synthetic_world(world, drill, t0):
    from amparo.registry.models import Person

    services.start(actor=world["facilitator"], drill=drill, now=t0)
    services.tick(drill, now=t0)
    services.finish(actor=world["facilitator"], drill=drill, now=t0 + h(1))
    services.archive(actor=world["facilitator"], drill=drill)
    drill.refresh_from_db()
    assert drill.status == DrillStatus.ARCHIVED and drill.figures["affected"] > 0
    assert not Person.objects.filter(registering_organization=drill.exercise_organization).exists()
    assert Person.objects.filter(pk=world["real"].pk).exists()
