"""Drills: a crisis rehearsed on a synthetic population, with the real tools.

A drill owns an *exercise organization* (Organization.is_exercise): the synthetic people are
registered by it, its crisis and messages belong to it, its channels are simulated. The access
policy's exercise wall (declared in drills.access) keeps all of it out of every real list, count,
export, match and message; participants see it only after joining the drill, and then see
nothing real.

Time: the drill has its own clock (simulated seconds since the start), which runs at `speed`
times real time, can be paused and resumed; ClockSegment rows let any real timestamp (a message
sent, a welfare change) be read in drill time for the after-action report.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.accounts.models import Organization
from amparo.accounts.policy import ScopedQuerySet
from amparo.drills.codes import DrillStatus, InjectKind, ReplyBehaviour
from amparo.registry.models import Person


class Drill(models.Model):
    name = models.CharField(_("name"), max_length=200)
    host = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="drills_hosted",
                             verbose_name=_("organization running the drill"))  # fmt: skip
    exercise_organization = models.OneToOneField(Organization, on_delete=models.PROTECT, related_name="drill")
    crisis = models.OneToOneField(
        "crises.Crisis", on_delete=models.SET_NULL, null=True, blank=True, related_name="drill"
    )
    scenario_name = models.CharField(_("scenario"), max_length=200)
    scenario_text = models.TextField(_("scenario script (YAML)"))
    population_size = models.PositiveIntegerField(_("synthetic people"))
    seed = models.PositiveIntegerField(default=1)
    status = models.CharField(_("status"), max_length=12, choices=DrillStatus.choices, default=DrillStatus.READY)
    speed = models.FloatField(_("speed"), default=1.0, help_text=_("simulated seconds per real second"))
    sim_elapsed = models.FloatField(default=0.0, help_text=_("simulated seconds at the last clock change"))
    clock_changed_at = models.DateTimeField(null=True, blank=True)
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    figures = models.JSONField(default=dict, blank=True, help_text=_("the after-action figures, kept after archiving"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(speed__gt=0) & Q(speed__lte=3600), name="drill_speed_range")]

    def __str__(self) -> str:
        return self.name

    def sim_now(self, now: datetime | None = None) -> float:
        """Simulated seconds since the start."""
        if self.status != DrillStatus.RUNNING or self.clock_changed_at is None:
            return self.sim_elapsed
        now = now or timezone.now()
        return self.sim_elapsed + max(0.0, (now - self.clock_changed_at).total_seconds()) * self.speed

    def sim_at(self, moment: datetime | None) -> float | None:
        """A real timestamp in drill time (None for None): through the clock's segments, so
        pauses and speed changes are accounted for. For many timestamps, use `sim_reader()`."""
        return self.sim_reader()(moment)

    def sim_reader(self):
        """A function reading real timestamps in drill time, with the segments read once."""
        from bisect import bisect_right

        segments = list(
            self.segments.order_by("real_start").values_list("real_start", "real_end", "sim_start", "speed")
        )
        starts = [seg[0] for seg in segments]

        def read(moment: datetime | None) -> float | None:
            if moment is None:
                return None
            i = bisect_right(starts, moment) - 1
            if i < 0:
                return 0.0
            real_start, real_end, sim_start, speed = segments[i]
            end = real_end or moment
            return sim_start + (min(moment, end) - real_start).total_seconds() * speed

        return read


class ClockSegment(models.Model):
    """A stretch of real time during which the drill's clock ran at one speed."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="segments")
    real_start = models.DateTimeField()
    real_end = models.DateTimeField(null=True, blank=True)
    sim_start = models.FloatField()
    speed = models.FloatField()

    class Meta:
        ordering = ["real_start"]

    def __str__(self) -> str:
        return f"×{self.speed:g} from {self.sim_start:.0f} s"


class Inject(models.Model):
    """One line of the scenario's timeline: what happens at a drill time."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="injects")
    at_seconds = models.FloatField(_("at (drill seconds)"))
    kind = models.CharField(_("kind"), max_length=20, choices=InjectKind.choices)
    title = models.CharField(_("title"), max_length=300)
    payload = models.JSONField(default=dict, blank=True)
    fired_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["drill", "at_seconds", "id"]
        indexes = [models.Index(fields=["drill", "fired_at", "at_seconds"])]

    def __str__(self) -> str:
        return f"{self.at_seconds:.0f} s {self.kind}: {self.title}"


class SimulatedPerson(models.Model):
    """How a synthetic person behaves when a message reaches them."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="simulated_people")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="simulation")
    behaviour = models.CharField(max_length=12, choices=ReplyBehaviour.choices)
    delay_seconds = models.FloatField(help_text=_("drill seconds between receiving a message and answering"))
    needs = models.JSONField(default=list, blank=True)
    vulnerable = models.CharField(max_length=40, blank=True, help_text=_("a vulnerability profile, for screening"))
    replied_to = models.JSONField(default=list, blank=True, help_text=_("message ids already answered"))

    class Meta:
        indexes = [models.Index(fields=["drill", "behaviour"])]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.behaviour}"


class DrillEvent(models.Model):
    """The drill's feed: injects as the players see them, and the clock's changes."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    sim_seconds = models.FloatField()
    text = models.CharField(max_length=500)
    actor_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.text
