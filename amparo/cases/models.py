"""Case management: a case per person (or household) from identification to closure.

Steps follow the IOM handbook on protection and assistance (case management): opening (with the
person's consent to case management, recorded; a refusal opens no case and its reason is kept) →
assessment (needs by domain, risks, strengths; a best-interests assessment for a child) → case
plan → implementation (direct assistance and referrals, made through the protection app) →
monitoring → closure (with a reason, after every open action and referral is settled or explained)
→ follow-up after closure. Steps are taken in order; skipping one needs a reason, kept in the
history. A case may be reopened. A case plan is reviewed at least every three months. Notes carry
a sensitivity level: sensitive notes are read only by the case's worker and the organization's
supervisors. A new screening that changes the person's profiles flags the open case for review.
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
    OPENING = "opening", _("Opening")
    ASSESSMENT = "assessment", _("Assessment")
    CASE_PLAN = "case_plan", _("Case plan")
    IMPLEMENTATION = "implementation", _("Implementation")
    MONITORING = "monitoring", _("Monitoring")
    CLOSURE = "closure", _("Closure")


STEP_ORDER = [s.value for s in Step]
# The follow-up after closure is the last stage a case page shows: not a step a case is moved to,
# but the follow-ups planned at closure (done or due).
FOLLOW_UP_STAGE = "follow_up"


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


class ConsentGiver(models.TextChoices):
    PERSON = "person", _("The person")
    PARENT_OR_GUARDIAN = "parent_or_guardian", _("Parent or legal guardian")
    CHILD_WITH_GUARDIAN = "child_with_guardian", _("The child, with the guardian's consent")
    REPRESENTATIVE = "representative", _("Legal representative")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Written (signed form)")
    VERBAL = "verbal", _("Verbal, witnessed by staff")


class NeedDomain(models.TextChoices):
    SAFETY = "safety", _("Safety and security")
    HEALTH = "health", _("Health")
    SHELTER = "shelter", _("Shelter")
    FOOD = "food", _("Food and water")
    DOCUMENTATION = "documentation", _("Documentation")
    LEGAL = "legal", _("Legal")
    FAMILY = "family", _("Family")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    LIVELIHOOD = "livelihood", _("Livelihood")
    EDUCATION = "education", _("Education")


class NeedLevel(models.TextChoices):
    NONE = "none", _("No need")
    LOW = "low", _("Some need")
    HIGH = "high", _("Serious need")
    URGENT = "urgent", _("Urgent (act now)")


class CareArrangement(models.TextChoices):
    PARENT = "parent", _("With a parent")
    RELATIVE = "relative", _("With a relative")
    UNRELATED_ADULT = "unrelated_adult", _("With an unrelated adult")
    ALONE = "alone", _("Alone")
    SHELTER = "shelter", _("In a shelter")
    FOSTER = "foster", _("In a foster family")


class ChildMeasure(models.TextChoices):
    FAMILY_REUNIFICATION = "family_reunification", _("Family reunification")
    STAY_IN_CURRENT_CARE = "stay_in_current_care", _("Stay in the current care arrangement")
    KINSHIP_CARE = "kinship_care", _("Care by relatives")
    FOSTER_CARE = "foster_care", _("Foster care")
    SPECIALISED_SHELTER = "specialised_shelter", _("Specialised shelter for children")
    SUPERVISED_INDEPENDENT = "supervised_independent", _("Supervised independent living")
    OTHER = "other", _("Other (see recommendation)")


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
    step = models.CharField(_("step"), max_length=16, choices=Step.choices, default=Step.OPENING)
    screening = models.ForeignKey(Screening, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    summary = models.TextField(_("situation and goals"), blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by_label = models.CharField(max_length=150)
    plan_reviewed_at = models.DateTimeField(_("plan last reviewed"), null=True, blank=True)
    next_review_due = models.DateField(_("plan review due"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(pgettext_lazy("date of closure", "closed"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=16, choices=ClosureReason.choices, blank=True)
    closure_note = models.CharField(_("closure note"), max_length=300, blank=True)
    # Set when a newer screening changed the person's profiles; cleared when staff reviewed it.
    profiles_changed_at = models.DateTimeField(_("profiles changed"), null=True, blank=True)
    profiles_changed_screening = models.ForeignKey(
        Screening, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

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
    closure_note = models.CharField(_("why it stayed open at closure"), max_length=300, blank=True)

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
    after_closure = models.BooleanField(_("after closure"), default=False)

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
    kind = models.CharField(max_length=24)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.from_value} → {self.to_value}"


class CaseConsent(models.Model):
    """The person's answer, at opening, to case management by this organization: who answered
    (the person, or for a child the guardian), how, when and to whom. A refusal opens no case; it
    is kept with its reason so the next worker knows it was asked."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="case_consents")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="consent")
    given = models.BooleanField(_("consents"))
    given_by = models.CharField(_("who answered"), max_length=20, choices=ConsentGiver.choices)
    given_by_name = models.CharField(_("name of who answered"), max_length=150, blank=True)
    method = models.CharField(_("how"), max_length=10, choices=ConsentMethod.choices)
    refusal_reason = models.CharField(_("reason for refusing"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(given=True) & Q(refusal_reason="")) | (Q(given=False) & ~Q(refusal_reason="")),
                name="case_consent_refusal_has_reason",
            ),
            models.CheckConstraint(condition=Q(given=True) | Q(case__isnull=True), name="case_consent_refusal_no_case"),
            models.CheckConstraint(
                condition=Q(given_by="person") | ~Q(given_by_name=""), name="case_consent_names_who_answered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_given_by_display()}: {'yes' if self.given else 'no'}"


class Assessment(models.Model):
    """A structured assessment of the person's situation: needs by domain, risk and protective
    factors (the IOM determinants model), and for a child a best-interests assessment. A case may
    be reassessed; every assessment is kept, the latest is the current one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessed_by_label = models.CharField(max_length=150)
    risks = models.TextField(_("risks"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)

    class Meta:
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} {self.assessed_at:%Y-%m-%d}"


class AssessmentNeed(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="needs")
    domain = models.CharField(_("domain"), max_length=16, choices=NeedDomain.choices)
    level = models.CharField(_("level"), max_length=8, choices=NeedLevel.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="one_need_per_domain"),
            models.CheckConstraint(condition=Q(domain__in=NeedDomain.values), name="need_domain_known"),
            models.CheckConstraint(condition=Q(level__in=NeedLevel.values), name="need_level_known"),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.level}"


class BestInterestsAssessment(models.Model):
    """For a child: the best-interests assessment (UNHCR/IOM practice). The child is heard in a way
    suited to their age, or the reason they were not is written down."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="bia")
    child_heard = models.BooleanField(_("the child was heard"))
    child_views = models.TextField(_("the child's views and wishes"), blank=True)
    not_heard_reason = models.CharField(_("why the child was not heard"), max_length=300, blank=True)
    care_arrangement = models.CharField(_("current care arrangement"), max_length=16, choices=CareArrangement.choices)
    family_situation = models.TextField(_("family situation and whereabouts of the parents"))
    safety = models.TextField(_("safety and risks to the child"), blank=True)
    health_and_development = models.TextField(_("health and development"), blank=True)
    education = models.TextField(_("education"), blank=True)
    authority_informed = models.BooleanField(_("child protection authority informed"), default=False)
    recommended_measure = models.CharField(_("recommended measure"), max_length=24, choices=ChildMeasure.choices)
    recommendation = models.TextField(_("recommendation and reasons"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(child_heard=True) & ~Q(child_views="")) | (Q(child_heard=False) & ~Q(not_heard_reason="")),
                name="bia_child_heard_or_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"BIA {self.assessment}"
