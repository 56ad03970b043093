"""The portal's data: information pages (versioned, published after a second person's review),
one-time phone codes (hashed, short-lived), self-registrations waiting for the consulate, and the
requests a person makes about their own data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.accounts.models import Organization
from amparo.accounts.policy import ScopedQuerySet
from amparo.portal.codes import CodePurpose, RegistrationStatus, RequestKind, RequestStatus, Topic, VersionStatus
from amparo.registry.models import Person

LANGUAGES = ("es", "en", "fr", "ht", "pt")


class InfoPage(models.Model):
    """One topic for one country, written by one organization; its text lives in versions, one
    line of versions per language."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="info_pages")
    country = models.CharField(_("country"), max_length=2)
    topic = models.CharField(_("topic"), max_length=24, choices=Topic.choices)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["country", "topic", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "country", "topic"], name="one_info_page_per_topic")
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.topic} ({self.organization})"


class InfoPageVersion(models.Model):
    """A text of a page in one language. Drafts are edited; a version is sent for review and
    published by someone other than its author; publishing replaces the previous published one,
    which is kept as superseded."""

    page = models.ForeignKey(InfoPage, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=8)
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(
        _("text"),
        help_text=_('Plain text. A blank line starts a paragraph; "- " starts a list item; "## " a heading.'),
    )
    status = models.CharField(_("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    author_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by_label = models.CharField(max_length=150, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["page", "language", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "language", "number"], name="unique_info_version_number"),
            models.UniqueConstraint(
                fields=["page", "language"], condition=Q(status="published"), name="one_published_info_version"
            ),
            models.CheckConstraint(condition=Q(language__in=LANGUAGES), name="info_version_language"),
        ]
        indexes = [models.Index(fields=["status", "language"])]

    def __str__(self) -> str:
        return f"{self.page} {self.language} v{self.number} ({self.status})"


class PhoneCode(models.Model):
    """A one-time code sent by SMS. Neither the phone nor the code is stored: only keyed hashes
    (HMAC with the secret key), so a copy of the database reveals neither."""

    purpose = models.CharField(max_length=16, choices=CodePurpose.choices)
    phone_hash = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    address_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["phone_hash", "purpose", "created_at"]),
            models.Index(fields=["address_hash", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} code {self.pk}"


class SelfRegistrationQuerySet(ScopedQuerySet):
    def pending(self):
        return self.filter(status=RegistrationStatus.UNVERIFIED)


class SelfRegistration(models.Model):
    """A person who registered themselves through the portal: in the registry from the start
    (so alerts reach them), marked unverified until the consulate checks the record."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="self_registration")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="self_registrations")
    status = models.CharField(
        _("status"), max_length=12, choices=RegistrationStatus.choices, default=RegistrationStatus.UNVERIFIED
    )
    created_at = models.DateTimeField(default=timezone.now)
    duplicates_found = models.PositiveSmallIntegerField(default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = SelfRegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status", "created_at"])]

    def __str__(self) -> str:
        return f"self-registration {self.pk} ({self.status})"


class DataRequest(models.Model):
    """What a person did or asked about their own record from "My data": corrections and
    withdrawals take effect at once and are shown to staff; deletion waits for staff, who may have
    to keep some data (an open case, a legal duty) and must say so."""

    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="data_requests")
    person_label = models.CharField(max_length=200, help_text=_("kept if the record is deleted"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="data_requests")
    kind = models.CharField(_("request"), max_length=20, choices=RequestKind.choices)
    details = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("answer"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} ({self.status})"
