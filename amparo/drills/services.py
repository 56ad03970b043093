"""Every write of the drills app: set up a drill, run its clock, play its scenario and its
simulated people, finish, archive. One function per use case, audited.

Who: a drill is set up and run by a facilitator (org admin, supervisor, consular officer or
civil-protection coordinator of the host organization); participants are added with a role and
join it from the drill's page, which puts their session in the exercise organization (they then
see only the drill's world, and leave it with one click).
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction, Role
from amparo.accounts.models import Membership, Organization
from amparo.drills import population, scenario
from amparo.drills.codes import DrillStatus, InjectKind, ReplyBehaviour
from amparo.drills.models import ClockSegment, Drill, DrillEvent, Inject, SimulatedPerson

FACILITATOR_ROLES = frozenset(
    {Role.ORG_ADMIN, Role.SUPERVISOR, Role.CONSULAR_OFFICER, Role.CIVIL_PROTECTION_COORDINATOR}
)
REPLIES_PER_TICK = 500  # per heartbeat: a beat stays short; a full beat is followed at once by another


def system_actor(drill: Drill):
    return policy.system_principal(f"drill:{drill.pk}")


def can_facilitate(actor, drill_or_host) -> bool:
    principal = policy.principal_for(actor)
    host_id = drill_or_host.host_id if isinstance(drill_or_host, Drill) else drill_or_host.pk
    return principal.is_system or host_id in principal.organization_ids(FACILITATOR_ROLES)


def _require_facilitator(actor, drill_or_host):
    if not can_facilitate(actor, drill_or_host):
        raise PermissionDenied(_("Only a facilitator of the organization running the drill may do this."))
    return policy.principal_for(actor)


def _event(drill: Drill, text: str, *, actor_label: str = "", now: datetime | None = None) -> DrillEvent:
    now = now or timezone.now()
    return DrillEvent.objects.create(drill=drill, at=now, sim_seconds=drill.sim_now(now), text=text[:500],
                                     actor_label=actor_label[:150])  # fmt: skip


# --- Set-up -------------------------------------------------------------------------------------


@transaction.atomic
def create_drill(*, actor, host: Organization, scenario_text: str, name: str = "", population_size: int | None = None,
                 speed: float = 60.0, seed: int | None = None) -> Drill:  # fmt: skip
    """Check the scenario, create the exercise organization with its simulated channels and the
    synthetic population, and load the timeline. Nothing runs until `start`."""
    principal = _require_facilitator(actor, host)
    spec = scenario.parse(scenario_text)
    if population_size is not None:
        if not 1 <= population_size <= scenario.MAX_PEOPLE:
            raise ValidationError(_("The population must be between 1 and %(n)s people.") % {"n": scenario.MAX_PEOPLE})
        spec.population.size = population_size
    if not 0 < speed <= 3600:
        raise ValidationError(_("The speed must be between 1 and 3,600 times real time."))
    name = (name or spec.name).strip()[:200]
    exercise = Organization.objects.create(
        slug=f"drill-{secrets.token_hex(6)}", name=_("Drill: %(name)s") % {"name": name}, kind=host.kind,
        country=spec.country, served_nationality=host.served_nationality,
        jurisdiction_country=host.jurisdiction_country or (spec.country if host.is_consulate else ""),
        time_zone=host.time_zone, is_exercise=True,
    )  # fmt: skip
    drill = Drill.objects.create(
        name=name, host=host, exercise_organization=exercise, scenario_name=spec.name, scenario_text=scenario_text,
        population_size=spec.population.size, seed=seed if seed is not None else random.randint(1, 10**6),
        speed=speed, facilitator=principal.user,
    )  # fmt: skip
    Inject.objects.bulk_create(
        [
            Inject(drill=drill, at_seconds=i.at_seconds, kind=i.kind, title=i.title, payload=i.payload)
            for i in spec.injects
        ]
    )
    from amparo.messaging.models import Channel

    for kind in ("sms", "whatsapp", "email"):
        Channel.objects.create(organization=exercise, name=f"{kind} (simulated)", kind=kind, provider="simulated",
                               sender="+10000000000" if kind != "email" else "drill@amparo.invalid",
                               rate_per_second=500)  # fmt: skip
    population.generate(drill, spec.population, country=spec.country)
    if principal.user is not None:
        seat = next((s for s in principal.seats if s.organization_id == host.pk), None)
        Membership.objects.create(user=principal.user, organization=exercise,
                                  role=seat.role if seat else Role.ORG_ADMIN)  # fmt: skip
    audit.record(principal, AuditAction.CREATE, drill, organization=host, summary=f"drill {name}",
                 people=spec.population.size)  # fmt: skip
    return drill


@transaction.atomic
def add_participant(*, actor, drill: Drill, user, role: str) -> Membership:
    """A staff member plays in the drill with a role (their real one, or another to rehearse)."""
    principal = _require_facilitator(actor, drill)
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if drill.status == DrillStatus.ARCHIVED:
        raise ValidationError(_("This drill is archived."))
    membership, _created = Membership.objects.update_or_create(
        user=user, organization=drill.exercise_organization, defaults={"role": role, "is_active": True}
    )
    audit.record(principal, AuditAction.UPDATE, drill, organization=drill.host, summary=f"participant {user} as {role}")
    return membership


def participants(drill: Drill):
    return Membership.objects.filter(organization=drill.exercise_organization, is_active=True).select_related("user")


# --- The clock ----------------------------------------------------------------------------------


def _close_segment(drill: Drill, now: datetime) -> None:
    ClockSegment.objects.filter(drill=drill, real_end__isnull=True).update(real_end=now)


def _open_segment(drill: Drill, now: datetime) -> None:
    ClockSegment.objects.create(drill=drill, real_start=now, sim_start=drill.sim_elapsed, speed=drill.speed)


@transaction.atomic
def start(*, actor, drill: Drill, now: datetime | None = None) -> Drill:
    principal = _require_facilitator(actor, drill)
    if drill.status != DrillStatus.READY:
        raise ValidationError(_("Only a drill that has not started can start."))
    now = now or timezone.now()
    drill.status, drill.started_at, drill.clock_changed_at, drill.sim_elapsed = DrillStatus.RUNNING, now, now, 0.0
    drill.save(update_fields=["status", "started_at", "clock_changed_at", "sim_elapsed"])
    _open_segment(drill, now)
    _event(
        drill, _("The drill starts (×%(speed)s).") % {"speed": f"{drill.speed:g}"}, actor_label=principal.label, now=now
    )
    audit.record(principal, AuditAction.STATUS_CHANGE, drill, organization=drill.host, summary="drill started")
    _schedule(drill)
    return drill


@transaction.atomic
def pause(*, actor, drill: Drill, now: datetime | None = None) -> Drill:
    principal = _require_facilitator(actor, drill)
    if drill.status != DrillStatus.RUNNING:
        raise ValidationError(_("Only a running drill can be paused."))
    now = now or timezone.now()
    drill.sim_elapsed, drill.status, drill.clock_changed_at = drill.sim_now(now), DrillStatus.PAUSED, now
    drill.save(update_fields=["sim_elapsed", "status", "clock_changed_at"])
    _close_segment(drill, now)
    _event(drill, _("Paused."), actor_label=principal.label, now=now)
    return drill


@transaction.atomic
def resume(*, actor, drill: Drill, now: datetime | None = None) -> Drill:
    principal = _require_facilitator(actor, drill)
    if drill.status != DrillStatus.PAUSED:
        raise ValidationError(_("Only a paused drill can be resumed."))
    now = now or timezone.now()
    drill.status, drill.clock_changed_at = DrillStatus.RUNNING, now
    drill.save(update_fields=["status", "clock_changed_at"])
    _open_segment(drill, now)
    _event(drill, _("Resumed."), actor_label=principal.label, now=now)
    _schedule(drill)
    return drill


@transaction.atomic
def set_speed(*, actor, drill: Drill, speed: float, now: datetime | None = None) -> Drill:
    principal = _require_facilitator(actor, drill)
    if not 0 < speed <= 3600:
        raise ValidationError(_("The speed must be between 1 and 3,600 times real time."))
    now = now or timezone.now()
    running = drill.status == DrillStatus.RUNNING
    drill.sim_elapsed, drill.clock_changed_at, drill.speed = drill.sim_now(now), now, float(speed)
    drill.save(update_fields=["sim_elapsed", "clock_changed_at", "speed"])
    if running:
        _close_segment(drill, now)
        _open_segment(drill, now)
    _event(drill, _("Speed: ×%(speed)s.") % {"speed": f"{speed:g}"}, actor_label=principal.label, now=now)
    return drill


@transaction.atomic
def finish(*, actor, drill: Drill, now: datetime | None = None) -> Drill:
    """End the drill and keep its after-action figures."""
    from amparo.drills.report import compute

    principal = _require_facilitator(actor, drill)
    if drill.status not in (DrillStatus.RUNNING, DrillStatus.PAUSED):
        raise ValidationError(_("Only a drill under way can be finished."))
    now = now or timezone.now()
    drill.sim_elapsed = drill.sim_now(now)
    drill.status, drill.finished_at, drill.clock_changed_at = DrillStatus.FINISHED, now, now
    drill.save(update_fields=["sim_elapsed", "status", "finished_at", "clock_changed_at"])
    _close_segment(drill, now)
    _event(drill, _("The drill is over."), actor_label=principal.label, now=now)
    drill.figures = compute(drill)
    drill.save(update_fields=["figures"])
    audit.record(principal, AuditAction.STATUS_CHANGE, drill, organization=drill.host, summary="drill finished")
    return drill


@transaction.atomic
def archive(*, actor, drill: Drill) -> Drill:
    """Keep the figures, delete the synthetic world (people, their messages, welfare, screenings,
    referrals, cases), and close the participants' seats."""
    principal = _require_facilitator(actor, drill)
    if drill.status != DrillStatus.FINISHED:
        raise ValidationError(_("Finish the drill before archiving it."))
    counts = delete_world(drill)
    Membership.objects.filter(organization=drill.exercise_organization).update(is_active=False)
    Organization.objects.filter(pk=drill.exercise_organization_id).update(is_active=False)
    drill.status, drill.archived_at = DrillStatus.ARCHIVED, timezone.now()
    drill.save(update_fields=["status", "archived_at"])
    audit.record(principal, AuditAction.DELETE, drill, organization=drill.host, summary="drill archived", **counts)
    return drill


def delete_world(drill: Drill) -> dict:
    """Delete everything the exercise organization holds, dependents first (several are
    protected against accidental deletion of real records)."""
    from django.apps import apps

    from amparo.registry.models import Household, Person

    org = drill.exercise_organization
    people = Person.objects.filter(registering_organization=org)
    counts = {"people": people.count()}
    for label, model_name, path in (
        ("cases", "Case", "person__registering_organization"),
        ("protection", "Referral", "person__registering_organization"),
        ("protection", "Screening", "person__registering_organization"),
        ("messaging", "InboundMessage", "organization"),
        ("messaging", "Message", "organization"),
        ("messaging", "Broadcast", "organization"),
        ("messaging", "Template", "organization"),
        ("crises", "Crisis", "organization"),
    ):
        if apps.is_installed(f"amparo.{label}"):
            model = apps.get_model(label, model_name)
            if any(f.name == path.split("__")[0] for f in model._meta.get_fields()):
                model.objects.filter(**{path: org}).delete()
    people.delete()
    Household.objects.filter(registering_organization=org).delete()
    from amparo.messaging.models import Channel

    Channel.objects.filter(organization=org).delete()
    return counts


# --- The player ---------------------------------------------------------------------------------


def _schedule(drill: Drill) -> None:
    from amparo.drills.tasks import tick_drill

    transaction.on_commit(lambda: tick_drill.enqueue(drill.pk))


def tick(drill: Drill, *, now: datetime | None = None) -> dict:
    """Advance the drill to `now`: fire the injects whose time has come, and let the simulated
    people who read a message answer when their delay is over. Safe to run twice at once: each
    inject is claimed by a conditional update, each reply is keyed by its message."""
    now = now or timezone.now()
    drill.refresh_from_db()
    if drill.status != DrillStatus.RUNNING:
        return {"fired": 0, "replies": 0}
    sim = drill.sim_now(now)
    fired = 0
    for inject in list(drill.injects.filter(fired_at__isnull=True, at_seconds__lte=sim)):
        if Inject.objects.filter(pk=inject.pk, fired_at__isnull=True).update(fired_at=now):
            _fire(drill, inject, now)
            fired += 1
    return {"fired": fired, "replies": answer_messages(drill, now=now)}


def _fire(drill: Drill, inject: Inject, now: datetime) -> None:
    from amparo.crises import services as crises
    from amparo.crises.models import Crisis

    spec = scenario.parse(drill.scenario_text)
    outcome = ""
    if inject.kind in (InjectKind.CAP_ALERT, InjectKind.CAP_UPDATE):
        area = crises.AreaSpec(label=inject.title[:200], source="cap", **inject.payload["area"])
        if drill.crisis_id is None:
            crisis = crises.create_crisis(
                actor=system_actor(drill), name=spec.name, kind=spec.hazard, severity=spec.severity,
                countries=[spec.country], is_exercise=True, areas=[area], organization=drill.exercise_organization,
                started_at=now, description=inject.title,
            )  # fmt: skip
            Drill.objects.filter(pk=drill.pk).update(crisis=crisis)
            drill.crisis = crisis
        else:
            crisis = Crisis.objects.get(pk=drill.crisis_id)
            crises.set_areas(actor=system_actor(drill), crisis=crisis, areas=[area], replace=True)
        outcome = f"affected:{crisis.welfare.filter(in_area=True).count()}"
    elif inject.kind == InjectKind.REPLIES:
        outcome = f"replying:{hurry_replies(drill, share=inject.payload.get('share', 0.2), now=now)}"
    elif inject.kind == InjectKind.FAMILY_INQUIRY:
        outcome = _family_inquiry(drill, inject)
    # A code and a number, labelled in the reader's language by the `inject_outcome` filter.
    Inject.objects.filter(pk=inject.pk).update(outcome=outcome[:300])
    _event(drill, inject.title, actor_label=_("Scenario"), now=now)


def _family_inquiry(drill: Drill, inject: Inject) -> str:
    """Through the tracing app when it is installed; otherwise the players get the call as a note."""
    from django.apps import apps

    if not apps.is_installed("amparo.tracing"):
        return "note"
    try:
        from amparo.tracing.drills import inquiry_from_drill  # the tracing app's hook, when it has one
    except ImportError:
        return "note"
    kind = inquiry_from_drill(drill=drill, title=inject.title, about=inject.payload.get("about", ""))
    return "inquiry" if kind == "inquiry" else "no_person"  # tracing found nobody to ask about


def hurry_replies(drill: Drill, *, share: float, now: datetime) -> int:
    """A wave of replies: a share of the people who would answer but have not yet answer now."""
    rng = random.Random(drill.seed + int(now.timestamp()))
    waiting = list(
        SimulatedPerson.objects.filter(drill=drill).exclude(behaviour=ReplyBehaviour.NEVER).values_list("pk", flat=True)
    )
    chosen = rng.sample(waiting, int(len(waiting) * share)) if waiting else []
    SimulatedPerson.objects.filter(pk__in=chosen).update(delay_seconds=0)
    return len(chosen)


def answer_messages(drill: Drill, *, now: datetime) -> int:
    """Simulated people answer the messages that reached them, once their delay is over."""
    from amparo.messaging.channels import Inbound
    from amparo.messaging.inbound import receive_inbound
    from amparo.messaging.models import Message

    sim = drill.sim_now(now)
    pending = (
        Message.objects.filter(organization=drill.exercise_organization, status__in=("sent", "delivered", "read"),
                               replied_at__isnull=True, channel__isnull=False)
        .exclude(person__simulation__behaviour=ReplyBehaviour.NEVER)
        .select_related("channel", "person__simulation")
        .order_by("pk")
    )  # fmt: skip
    due = []
    read = drill.sim_reader()
    for message in pending.iterator(chunk_size=2000):
        sim_person = message.person.simulation
        reached = read(message.delivered_at or message.sent_at or message.created_at) or 0.0
        if sim >= reached + sim_person.delay_seconds:
            due.append(message)
            if len(due) >= REPLIES_PER_TICK:
                break
    # The real inbound path, a few hundred replies per transaction (one commit, not hundreds).
    for start in range(0, len(due), 200):
        with transaction.atomic():
            for message in due[start : start + 200]:
                body = reply_text(message.person.simulation, message.person.preferred_language or "es", message.pk)
                receive_inbound(
                    channel=message.channel,
                    inbound=Inbound(from_address=message.to_address, to_address=message.channel.sender, body=body,
                                    provider_id=f"sim-{message.pk}"),
                    at=now,
                )  # fmt: skip
    return len(due)


def reply_text(sim_person: SimulatedPerson, language: str, salt: int) -> str:
    from amparo.drills.data.replies import AMBIGUOUS, HELP, NEED_WORDS, SAFE

    language = language if language in SAFE else "es"
    rng = random.Random(sim_person.pk * 7919 + salt)
    if sim_person.behaviour == ReplyBehaviour.SAFE:
        return rng.choice(SAFE[language])
    if sim_person.behaviour == ReplyBehaviour.HELP:
        need = (sim_person.needs or ["shelter"])[0]
        return rng.choice(HELP[language]).format(need=NEED_WORDS.get(need, NEED_WORDS["shelter"])[language])
    return rng.choice(AMBIGUOUS[language])


def user_by_name(username: str):
    return get_user_model().objects.filter(username=username, is_active=True).first()


def sim_clock(seconds: float) -> str:
    """Drill time as hours:minutes."""
    seconds = max(0, int(seconds))
    return f"{seconds // 3600}:{(seconds % 3600) // 60:02d}"
