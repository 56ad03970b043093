"""Screening (answers → suggested profiles), the service directory, referral pathways, referrals.

Profiles, indicator questions, screening rules and pathways are DATA, editable in the admin and
seeded from `defaults.py`, so a country adapts them without code. A screening keeps a snapshot of
its result (profiles, triggering indicators, flags, priority), so later rule changes never rewrite
history. A referral keeps a snapshot of the fields the sender chose to share: the receiving
provider reads that snapshot, never the person's record.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from amparo.accounts.models import Organization
from amparo.accounts.policy import ScopedQuerySet
from amparo.protection.codes import (
    AnswerKind,
    AsylumWish,
    Decision,
    FactorKind,
    FactorLevel,
    Priority,
    ReferralStatus,
    Section,
    ServiceKind,
    SuggestionSource,
    Urgency,
)
from amparo.registry.models import Consent, Person


def localized(obj, field: str, language: str | None = None) -> str:
    """`obj.<field>` in `language` (default: the current one) when its `translations` hold it
    (data, not code); else the row's own text."""
    lang = (language or get_language() or "en").split("-")[0]
    return (obj.translations or {}).get(lang, {}).get(field) or getattr(obj, field)


class Profile(models.Model):
    """A category of vulnerable migrant with its own protection route (DOMAIN.md's table)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    urgent_when = models.CharField(_("urgent when"), max_length=200, blank=True)
    asylum_regime = models.BooleanField(
        _("asylum regime"),
        default=False,
        help_text=_("Refugees and asylum seekers go to the asylum authority, not an ordinary case."),
    )
    translations = models.JSONField(_("translations"), default=dict, blank=True, help_text='{"es": {"name": "…"}}')
    order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self, "name")


class Indicator(models.Model):
    """One question (or observation) of the screening form, grouped by profile and factor level."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    profile = models.ForeignKey(
        Profile, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators", verbose_name=_("group")
    )
    question = models.CharField(_("question"), max_length=300)
    why = models.CharField(_("why we ask"), max_length=300, blank=True)
    answer_kind = models.CharField(_("answer"), max_length=10, choices=AnswerKind.choices, default=AnswerKind.YES_NO)
    level = models.CharField(_("level"), max_length=12, choices=FactorLevel.choices, default=FactorLevel.INDIVIDUAL)
    factor = models.CharField(_("factor"), max_length=12, choices=FactorKind.choices, default=FactorKind.RISK)
    observation = models.BooleanField(
        _("observation"), default=False, help_text=_("Noted by staff, never asked aloud.")
    )
    section = models.CharField(_("section"), max_length=16, choices=Section.choices, default=Section.ABOUT_YOU)
    ask_when = models.JSONField(
        _("asked when"),
        default=list,
        blank=True,
        help_text=_(
            'Skip logic: conditions like the rules\' ({"q": "age", "op": "lt", "value": 18}), all needed; a list '
            'of conditions needs one. "unknown": "ask" asks when the fact is not known. Empty: always asked.'
        ),
    )
    options = models.JSONField(
        _("options"),
        default=list,
        blank=True,
        help_text='[{"value": "seeing", "labels": {"en": "Seeing", "es": "Ver"}}]',
    )
    max_value = models.PositiveIntegerField(_("largest number"), null=True, blank=True)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.code

    @property
    def question_text(self) -> str:
        return localized(self, "question")

    @property
    def why_text(self) -> str:
        return localized(self, "why")

    def question_in(self, language: str) -> str:
        return localized(self, "question", language)

    def why_in(self, language: str) -> str:
        return localized(self, "why", language)

    def option_choices(self, language: str | None = None) -> list[tuple[str, str]]:
        """(value, label) of a list question, in `language` (default: the current one)."""
        lang = (language or get_language() or "en").split("-")[0]
        return [
            (o["value"], (o.get("labels") or {}).get(lang) or (o.get("labels") or {}).get("en") or o["value"])
            for o in self.options or ()
        ]

    @property
    def option_values(self) -> set[str]:
        return {o["value"] for o in self.options or ()}

    @property
    def number_limit(self) -> int:
        return self.max_value if self.max_value is not None else 130


class ScreeningRule(models.Model):
    """Answers → a suggested profile (with the indicators that triggered it), a flag, a priority.

    `conditions` is a list of {"q": indicator code, "op": eq|ne|lt|lte|gt|gte|in, "value": …}; the
    rule fires when at least `min_matches` of them hold (0: all of them). An unanswered question,
    "unknown" or "prefers not to say" never makes a condition hold.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, null=True, blank=True, related_name="rules", verbose_name=_("profile")
    )
    conditions = models.JSONField(_("conditions"), default=list)
    min_matches = models.PositiveSmallIntegerField(_("minimum matches"), default=0, help_text=_("0: all conditions"))
    urgent_flag = models.CharField(_("urgent flag"), max_length=24, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.MEDIUM)
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(profile__isnull=False) | ~Q(urgent_flag=""), name="rule_suggests_profile_or_flag"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class ScreeningQuerySet(ScopedQuerySet):
    def latest_per_person(self):
        return self.order_by("person_id", "-screened_at", "-id")


class Screening(models.Model):
    """One screening of one person; a person may be screened again, and every screening is kept."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="screenings")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="screenings")
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    screened_by_label = models.CharField(max_length=150)
    screened_at = models.DateTimeField(_("screened at"), default=timezone.now, db_index=True)
    answers = models.JSONField(_("answers"), default=dict)
    wishes_asylum = models.CharField(
        _("wish to seek asylum"), max_length=12, choices=AsylumWish.choices, default=AsylumWish.NOT_ASKED
    )
    urgent_flags = models.JSONField(_("urgent flags"), default=list)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.LOW)
    factors = models.JSONField(_("vulnerability factors"), default=list)
    note = models.TextField(_("note"), blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("previous")
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        ordering = ["-screened_at", "-id"]
        indexes = [models.Index(fields=["person", "screened_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.screened_at:%Y-%m-%d}"

    @property
    def confirmed_profiles(self):
        return [s.profile for s in self.suggestions.all() if s.decision == Decision.CONFIRMED]

    def care_deadlines(self) -> list[tuple[str, datetime]]:
        """Time-critical care after a sexual assault: (what, until when), from the hours since the
        assault the person gave. Empty when no such answer, or the windows have closed."""
        from amparo.protection.codes import CONTRACEPTION_HOURS, PEP_HOURS

        if self.answers.get("sexual_violence") != "yes":
            return []
        try:
            hours = float(self.answers.get("sexual_violence_hours"))
        except (TypeError, ValueError):
            return []
        assault = self.screened_at - timedelta(hours=hours)
        out = []
        if hours < PEP_HOURS:
            out.append(("pep", assault + timedelta(hours=PEP_HOURS)))
        if hours < CONTRACEPTION_HOURS:
            out.append(("contraception", assault + timedelta(hours=CONTRACEPTION_HOURS)))
        return out


class ScreeningDraft(models.Model):
    """A screening saved half-way, to resume later: answers only; it suggests nothing and changes
    nothing. One per person and organization; saving the screening deletes it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="screening_drafts")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    saved_by_label = models.CharField(max_length=150)
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)
    answers = models.JSONField(_("answers"), default=dict)
    wishes_asylum = models.CharField(
        _("wish to seek asylum"), max_length=12, choices=AsylumWish.choices, default=AsylumWish.NOT_ASKED
    )
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "organization"], name="one_screening_draft_per_organization")
        ]

    def __str__(self) -> str:
        return f"draft {self.person_id} @ {self.organization_id}"


class ScreeningSuggestion(models.Model):
    """A profile the rules (or staff) suggested, with the indicators behind it, and staff's decision."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="suggestions")
    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="+")
    indicators = models.JSONField(_("triggering indicators"), default=list)
    rules = models.JSONField(default=list)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    source = models.CharField(max_length=8, choices=SuggestionSource.choices, default=SuggestionSource.RULE)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by_label = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-priority", "profile__order"]
        constraints = [
            models.UniqueConstraint(fields=["screening", "profile"], name="one_suggestion_per_profile"),
            models.CheckConstraint(
                condition=Q(decision="pending") | Q(decided_at__isnull=False), name="decided_suggestion_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile.code}: {self.decision}"


class ServiceProvider(Organization):
    """The directory's view of an organization: the same row, listed with its services."""

    class Meta:
        proxy = True
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")


class ServiceQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True, provider__is_active=True)


class Service(models.Model):
    """One service an organization offers, where, to whom, and (for shelters) how many free beds."""

    provider = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="services")
    kind = models.CharField(_("kind"), max_length=24, choices=ServiceKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Eligibility: empty means anyone.
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    sexes = models.JSONField(_("sexes served"), default=list, blank=True, help_text=_("empty: everyone"))
    profiles = models.ManyToManyField(Profile, blank=True, related_name="services", verbose_name=_("profiles"))
    nationalities = models.JSONField(_("nationalities served"), default=list, blank=True, help_text=_("empty: all"))
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text=_("BCP 47 tags"))
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    municipality = models.CharField(_("municipality"), max_length=120, blank=True)
    subdivision = models.CharField(_("subdivision"), max_length=10, blank=True)
    country = models.CharField(_("country"), max_length=2)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    capacity_total = models.PositiveIntegerField(_("places"), null=True, blank=True)
    capacity_free = models.PositiveIntegerField(_("free places"), null=True, blank=True)
    capacity_updated_at = models.DateTimeField(_("capacity updated"), null=True, blank=True)
    capacity_updated_by_label = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["provider__name", "kind", "name"]
        indexes = [
            models.Index(fields=["kind", "country", "subdivision"]),
            models.Index(fields=["latitude", "longitude"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_free__isnull=True)
                | Q(capacity_total__isnull=True)
                | Q(capacity_free__lte=models.F("capacity_total")),
                name="service_free_within_total",
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(min_age__lte=models.F("max_age")),
                name="service_age_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="service_latitude"
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="service_longitude",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"


class ReferralPathway(models.Model):
    """For a profile in a country (optionally one subdivision): the competent services, in order.
    Written from the country's data file (`protection/data/<cc>.yaml`, `amparo load-directory`)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="pathways")
    country = models.CharField(_("country"), max_length=2)
    subdivision = models.CharField(_("subdivision"), max_length=10, blank=True, help_text=_("empty: whole country"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.STANDARD)
    response_hours = models.PositiveIntegerField(_("answer within (hours)"))
    legal_note = models.TextField(_("legal note"), blank=True)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["country", "subdivision", "profile__order"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "country", "subdivision"], name="one_pathway_per_place"),
            models.CheckConstraint(condition=Q(response_hours__gt=0), name="pathway_response_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.profile.code} · {self.subdivision or self.country}"

    @property
    def legal_note_text(self) -> str:
        return localized(self, "legal_note")

    @property
    def label(self) -> str:
        return localized(self, "name") or self.profile.label


class PathwayStep(models.Model):
    """One competent authority or service of a pathway, with its purpose (`service_kind`). The
    provider is chosen for each person (`protection.choice.choose_provider`): the nearest suitable
    service of that purpose; with none in Amparo, the authority and its contact are named."""

    pathway = models.ForeignKey(ReferralPathway, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    service_kind = models.CharField(_("purpose"), max_length=24, choices=ServiceKind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    authority = models.CharField(_("authority"), max_length=200, help_text=_("e.g. COMAR, SVET, PANI"))
    contact = models.CharField(_("contact"), max_length=300, blank=True, help_text=_("phone, hotline or web site"))
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    provider = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("provider")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        ordering = ["pathway", "order"]
        constraints = [models.UniqueConstraint(fields=["pathway", "order"], name="one_step_per_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.authority}"

    @property
    def label(self) -> str:
        return localized(self, "name") or str(ServiceKind(self.service_kind).label)


class CountryDirectory(models.Model):
    """One country's directory as loaded from its data file: the competent authorities per
    purpose, the contact to show for a profile without a pathway, the sources, and the last review
    by an organization administrator of that country (who, when, of which version of the data)."""

    country = models.CharField(_("country"), max_length=2, unique=True)
    authorities = models.JSONField(_("authorities"), default=dict, help_text='{"asylum_procedure": {"name": "…"}}')
    contacts = models.JSONField(
        _("contact when there is no pathway"), default=dict, help_text='{"lgbtiq": {"name": "…", "contact": "…"}}'
    )
    sources = models.JSONField(_("sources"), default=list, blank=True)
    data_digest = models.CharField(max_length=64, blank=True)
    loaded_at = models.DateTimeField(_("loaded"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by_label = models.CharField(_("reviewed by"), max_length=150, blank=True)
    reviewed_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["country"]
        verbose_name = _("country directory")
        verbose_name_plural = _("country directories")

    def __str__(self) -> str:
        return self.country

    @property
    def review_is_current(self) -> bool:
        return bool(self.reviewed_at) and self.reviewed_digest == self.data_digest


class DirectoryReview(models.Model):
    """Each review of a country's directory (kept; the country row holds the latest)."""

    directory = models.ForeignKey(CountryDirectory, on_delete=models.CASCADE, related_name="reviews")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by_label = models.CharField(max_length=150)
    reviewed_at = models.DateTimeField(default=timezone.now)
    data_digest = models.CharField(max_length=64)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.directory.country} @ {self.reviewed_at:%Y-%m-%d}"


class ReferralQuerySet(ScopedQuerySet):
    def open(self):
        from amparo.protection.codes import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)


class Referral(models.Model):
    """A consented request from one organization to a provider for one person.

    The receiving provider reads `shared_data` only (the fields the sender chose), never `person`.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    from_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="referrals_sent")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by_label = models.CharField(max_length=150)
    to_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="referrals_received")
    service = models.ForeignKey(Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals")
    service_kind = models.CharField(_("service"), max_length=24, choices=ServiceKind.choices)
    profile = models.ForeignKey(Profile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    pathway = models.ForeignKey(ReferralPathway, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    screening = models.ForeignKey(Screening, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals")
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT, db_index=True
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.STANDARD)
    response_hours = models.PositiveIntegerField(_("answer within (hours)"))
    reason = models.TextField(_("reason for referral"), blank=True, help_text=_("Shared with the provider."))
    shared_fields = models.JSONField(_("shared fields"), default=list)
    shared_data = models.JSONField(_("shared data"), default=dict)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    respond_by = models.DateTimeField(_("answer due"), null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue"), null=True, blank=True)
    # Set when a newer screening changed the person's profiles; cleared when the sender reviewed it.
    profiles_changed_at = models.DateTimeField(_("profiles changed"), null=True, blank=True)
    profiles_changed_screening = models.ForeignKey(
        Screening, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["to_organization", "status"]),
            models.Index(fields=["from_organization", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ReferralStatus]), name="referral_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(from_organization=models.F("to_organization")), name="referral_between_two_orgs"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(status="closed", sent_at__isnull=True) | Q(sent_at__isnull=False),
                name="referral_sent_has_date",
            ),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(consent__isnull=False), name="referral_sent_with_consent"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""), name="referral_declined_has_reason"
            ),
            models.CheckConstraint(condition=Q(response_hours__gt=0), name="referral_response_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"R-{self.pk} → {self.to_organization}"

    @property
    def reference(self) -> str:
        return f"R-{self.pk:05d}"

    @property
    def is_overdue(self) -> bool:
        return self.status == ReferralStatus.SENT and self.respond_by is not None and self.respond_by < timezone.now()

    def care_deadlines(self) -> list[tuple[str, datetime]]:
        """The time-critical care windows of the screening behind the referral (after a sexual
        assault: 72 hours for prophylaxis, 120 for emergency contraception)."""
        return self.screening.care_deadlines() if self.screening_id else []

    def care_deadline_rows(self) -> list[dict]:
        """The same windows as rows for a page: what, until when, and whether it has closed."""
        from amparo.protection.codes import CARE_WINDOWS

        now = timezone.now()
        return [
            {"kind": kind, "label": CARE_WINDOWS[kind], "until": until, "closed": until <= now}
            for kind, until in self.care_deadlines()
        ]


class ReferralEvent(models.Model):
    """The history of a referral: each status change, who made it and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor_label = models.CharField(max_length=150)
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, related_name="+")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status}→{self.to_status}"
