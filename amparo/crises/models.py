"""Crises, their affected areas, the CAP alerts that defined them, and everyone's welfare.

One `WelfareStatus` row per person and crisis is both the "affected person" record (created in
bulk when the affected set is computed; `in_area` turns False, never deleted, when an area change
leaves the person outside) and their current welfare. `WelfareHistory` keeps every change with
source, actor label and time; it is append-only in the application.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.accounts.models import Organization
from amparo.accounts.policy import ScopedQuerySet
from amparo.crises.codes import (
    ACCOUNTED_FOR,
    AlertLevel,
    AreaKind,
    AreaSource,
    CrisisKind,
    Phase,
    Severity,
    WelfareCode,
    WelfareSource,
)
from amparo.registry.models import Person


class Crisis(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=CrisisKind.choices)
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices, default=Severity.UNKNOWN)
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices, default=Phase.RESPONSE)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True, help_text=_("ISO 3166-1 alpha-2 codes"))
    description = models.TextField(_("description"), blank=True)
    is_exercise = models.BooleanField(
        _("exercise (drill)"), default=False, help_text=_("A drill: never a real crisis, never alerts real people")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="crises",
        verbose_name=_("opened by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    affected_computed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name_plural = _("crises")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="crisis_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class AffectedArea(models.Model):
    """A polygon or multipolygon (GeoJSON geometry, [lon, lat]), a circle (centre + radius in km)
    or an administrative area (ISO 3166-2 subdivision codes)."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="areas")
    kind = models.CharField(_("kind"), max_length=16, choices=AreaKind.choices)
    label = models.CharField(_("label"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=AreaSource.choices, default=AreaSource.FORM)
    geometry = models.JSONField(_("geometry"), null=True, blank=True, help_text=_("GeoJSON Polygon or MultiPolygon"))
    center_latitude = models.FloatField(_("centre latitude"), null=True, blank=True)
    center_longitude = models.FloatField(_("centre longitude"), null=True, blank=True)
    radius_km = models.FloatField(_("radius (km)"), null=True, blank=True)
    subdivisions = models.JSONField(_("subdivisions"), default=list, blank=True, help_text=_("ISO 3166-2 codes"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="circle")
                | Q(
                    center_latitude__gte=-90,
                    center_latitude__lte=90,
                    center_longitude__gte=-180,
                    center_longitude__lte=180,
                    radius_km__gte=0,
                ),
                name="circle_area_has_centre_and_radius",
            ),
            models.CheckConstraint(
                condition=~Q(kind="polygon") | Q(geometry__isnull=False), name="polygon_area_has_geometry"
            ),
        ]

    def __str__(self) -> str:
        return self.label or self.get_kind_display()


class WelfareStatusQuerySet(ScopedQuerySet):
    def affected(self):
        """Rows of people currently inside the crisis's areas (not flagged as now outside)."""
        return self.filter(in_area=True).exclude(person__record_status="merged")

    def accounted_for(self):
        return self.filter(status__in=ACCOUNTED_FOR)


class WelfareStatus(models.Model):
    """One person in one crisis: affected or not (`in_area`), and their current welfare."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="welfare")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="welfare_statuses")
    status = models.CharField(_("welfare status"), max_length=24, choices=WelfareCode.choices, default="unknown")
    needs = models.JSONField(_("needs"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    people_with = models.PositiveIntegerField(_("people with them"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=WelfareSource.choices, blank=True)
    updated_at = models.DateTimeField(_("last change"), null=True, blank=True)
    updated_by_label = models.CharField(_("changed by"), max_length=150, blank=True)
    # When the last change by a person (staff, field visit, partner, import) was made: automatic
    # updates older than it never overwrite it.
    staff_entry_at = models.DateTimeField(null=True, blank=True)
    contacted_at = models.DateTimeField(_("contacted"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    accounted_at = models.DateTimeField(_("accounted for"), null=True, blank=True)
    # Affected set bookkeeping.
    in_area = models.BooleanField(_("in the affected area"), default=True)
    added_at = models.DateTimeField(default=timezone.now)
    left_area_at = models.DateTimeField(_("now outside since"), null=True, blank=True)

    objects = WelfareStatusQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("welfare status")
        verbose_name_plural = _("welfare statuses")
        constraints = [
            models.UniqueConstraint(fields=["crisis", "person"], name="one_welfare_status_per_person_and_crisis"),
            models.CheckConstraint(condition=Q(status__in=list(WelfareCode.values)), name="welfare_status_code"),
        ]
        indexes = [
            models.Index(fields=["crisis", "in_area", "status"]),
            models.Index(fields=["person", "crisis"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.crisis_id}: {self.status}"

    @property
    def is_accounted_for(self) -> bool:
        return self.status in ACCOUNTED_FOR


class WelfareHistory(models.Model):
    """Every change of a welfare status: what, from which source, by whom, when."""

    welfare = models.ForeignKey(WelfareStatus, on_delete=models.CASCADE, related_name="history")
    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="+")
    previous_status = models.CharField(max_length=24, choices=WelfareCode.choices, blank=True)
    status = models.CharField(_("welfare status"), max_length=24, choices=WelfareCode.choices)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    people_with = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=WelfareSource.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=150)
    at = models.DateTimeField(_("when"), default=timezone.now)
    recorded_at = models.DateTimeField(default=timezone.now)
    applied = models.BooleanField(
        default=True, help_text=_("False when kept in the history only (an older automatic update, a refused reply)")
    )
    # +1 when this change made the person accounted for, -1 when it undid that, else 0 (the chart
    # of accounted-for over time is a running sum of it).
    accounted_delta = models.SmallIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["crisis", "at"]), models.Index(fields=["welfare", "at"])]

    def __str__(self) -> str:
        return f"{self.previous_status}→{self.status} ({self.source}) {self.at:%Y-%m-%d %H:%M}"


class ConsularAlertLevel(models.Model):
    """A consulate's posture for a crisis. Each change is a new row; the latest is current."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="alert_levels")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("alert level"), choices=AlertLevel.choices)
    note = models.TextField(_("note"), blank=True)
    set_at = models.DateTimeField(default=timezone.now)
    set_by_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["-set_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="alert_level_1_to_4")]
        indexes = [models.Index(fields=["crisis", "organization", "set_at"])]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.level}"


class CapAlert(models.Model):
    """A CAP message received (identified by sender + identifier + sent), and the crisis it feeds."""

    sender = models.CharField(max_length=255)
    identifier = models.CharField(max_length=255)
    sent = models.CharField(max_length=64, help_text=_("as written in the message"))
    status = models.CharField(max_length=16)
    msg_type = models.CharField(max_length=16)
    references = models.TextField(blank=True)
    headline = models.CharField(max_length=300, blank=True)
    crisis = models.ForeignKey(Crisis, on_delete=models.SET_NULL, null=True, blank=True, related_name="cap_alerts")
    source_url = models.CharField(max_length=500, blank=True)
    xml = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["sender", "identifier", "sent"], name="cap_alert_identity"),
        ]

    def __str__(self) -> str:
        return f"{self.sender},{self.identifier},{self.sent}"


class CapFeed(models.Model):
    """An Atom/RSS feed of CAP alerts polled by a task that re-enqueues itself."""

    url = models.URLField(_("feed URL"), max_length=500, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    interval_seconds = models.PositiveIntegerField(_("poll every (s)"), default=120)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)  # of the last poll ("" when it went well)
    last_error_at = models.DateTimeField(null=True, blank=True)  # when a poll last met an error
    # Each (re)start of polling gets a new token; a task carrying an older token stops, so there is
    # never more than one chain of polls per feed.
    poll_token = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name or self.url
