"""Case management: a case per person (or household) from identification to closure.

Steps follow DOMAIN.md: identification → screening → assessment → case plan → implementation →
follow-up → closure (with a reason), and a case may be reopened. A case plan is a list of actions
with owners and due dates, reviewed at least every three months. Notes carry a sensitivity level:
sensitive notes are read only by the case's worker and the organization's supervisors.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amparo.accounts.models import Organization
from amparo.accounts.policy import ScopedQuerySet
from amparo.protection.codes import Priority
from amparo.protection.models import Referral, Screening
from amparo.registry.models import Household, Person

PLAN_REVIEW_INTERVAL = timedelta(days=91)  # "at least every three months"


class Step(models.TextChoices):
    IDENTIFICATION = "identification", _("Identification")
    SCREENING = "screening", _("Screening and intake")
    ASSESSMENT = "assessment", _("Assessment")
    CASE_PLAN = "case_plan", _("Case plan")
    IMPLEMENTATION = "implementation", _("Implementation")
    FOLLOW_UP = "follow_up", _("Monitoring and follow-up")
    CLOSURE = "closure", _("Closed")


STEP_ORDER = [s.value for s in Step]


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals met")
    TRANSFERRED = "transferred", _("Transferred")
    PERSON_LEFT = "person_left", _("Person left")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    DECEASED = "deceased", _("Deceased")


class Sensitivity(models.TextChoices):
    NORMAL = "normal", _("Normal")
    SENSITIVE = "sensitive", _("Sensitive (case worker and supervisors only)")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", pgettext_lazy("case plan action status", "Done")  # "la acción": hecha
    CANCELLED = "cancelled", pgettext_lazy("case plan action status", "Cancelled")


class FollowUpKind(models.TextChoices):
    CALL = "call", _("Phone call")
    VISIT = "visit", _("Visit")
    MESSAGE = "message", _("Message")
    MEETING = "meeting", _("Meeting at the office")


class CaseQuerySet(ScopedQuerySet):
    def open(self):
        return self.exclude(step=Step.CLOSURE)

    def review_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(next_review_due__lt=today)


class Case(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases", verbose_name=_("household")
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="cases")
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases", verbose_name=_("case worker")
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_cases",
        verbose_name=_("supervisor"),
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.MEDIUM)
    step = models.CharField(_("step"), max_length=16, choices=Step.choices, default=Step.IDENTIFICATION)
    screening = models.ForeignKey(Screening, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    summary = models.TextField(_("situation and goals"), blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by_label = models.CharField(max_length=150)
    plan_reviewed_at = models.DateTimeField(_("plan last reviewed"), null=True, blank=True)
    next_review_due = models.DateField(_("plan review due"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=16, choices=ClosureReason.choices, blank=True)
    closure_note = models.CharField(_("closure note"), max_length=300, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "opened_at", "id"]
        indexes = [models.Index(fields=["organization", "step"]), models.Index(fields=["case_worker", "step"])]
        constraints = [
            models.CheckConstraint(condition=Q(step__in=STEP_ORDER), name="case_step_known"),
            models.CheckConstraint(
                condition=(Q(step="closure") & Q(closed_at__isnull=False) & ~Q(closure_reason=""))
                | (~Q(step="closure") & Q(closed_at__isnull=True) & Q(closure_reason="")),
                name="case_closed_iff_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"C-{self.pk:05d}"

    @property
    def reference(self) -> str:
        return f"C-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.step != Step.CLOSURE

    @property
    def review_overdue(self) -> bool:
        return self.is_open and self.next_review_due is not None and self.next_review_due < timezone.localdate()


class PlanAction(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    referral = models.ForeignKey(Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", completed_at__isnull=True)
                | (~Q(status="open") & Q(completed_at__isnull=False)),
                name="action_completed_iff_not_open",
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_overdue(self) -> bool:
        return self.status == ActionStatus.OPEN and self.due_date is not None and self.due_date < timezone.localdate()


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    author_label = models.CharField(max_length=150)
    text = models.TextField(_("note"))
    sensitivity = models.CharField(
        _("sensitivity"), max_length=10, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.author_label} {self.created_at:%Y-%m-%d}"


class FollowUp(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("kind"), max_length=10, choices=FollowUpKind.choices, default=FollowUpKind.CALL)
    due_date = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["done_at", "due_date", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_date}"

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_date < timezone.localdate()


class CaseEvent(models.Model):
    """The case's history: opened, step changes, reviews, transfers, closure, reopening."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor_label = models.CharField(max_length=150)
    kind = models.CharField(max_length=16)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.from_value} → {self.to_value}"
