"""Organizations, memberships with a role, data-sharing agreements and the append-only audit log."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.accounts.codes import AuditAction, ConsentPurpose, OrganizationKind, Role
from amparo.core.places import default_time_zone


class Organization(models.Model):
    """A consulate, authority, shelter, clinic or NGO: the unit that owns records and shares them."""

    slug = models.SlugField(
        max_length=80, unique=True, help_text=_("Stable name scripts use, e.g. gt-consulate-tegucigalpa")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code of where it works"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    # For a consulate: the nationality it serves and the host territory it covers.
    served_nationality = models.CharField(_("nationality served"), max_length=2, blank=True)
    jurisdiction_country = models.CharField(_("jurisdiction country"), max_length=2, blank=True)
    jurisdiction_subdivisions = models.JSONField(
        _("jurisdiction subdivisions"),
        default=list,
        blank=True,
        help_text=_("ISO 3166-2 codes; empty means the whole jurisdiction country"),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    enforcement_mandate = models.BooleanField(
        _("mandate includes immigration enforcement"),
        default=False,
        help_text=_("Migration authorities have it by their kind; tick it for any other organization that has it."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Demo data (`amparo demo-data`, the directory's demo providers): shown as such, never real.
    is_demo = models.BooleanField(_("demo"), default=False)
    # The make-believe organization of a drill: its people, crises and messages are synthetic and
    # live behind the access policy's exercise wall (policy.exercise_wall), apart from real data.
    is_exercise = models.BooleanField(_("exercise"), default=False, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="consulate") | (~Q(served_nationality="") & ~Q(jurisdiction_country="")),
                name="consulate_has_nationality_and_jurisdiction",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_consulate(self) -> bool:
        return self.kind == OrganizationKind.CONSULATE

    @property
    def enforces_immigration(self) -> bool:
        """The firewall between protection and enforcement applies to this organization as a
        recipient: sharing with it needs a protection purpose, the person's consent to that
        recipient, a second approver; it never receives exact positions (docs/operators.md)."""
        return self.kind == OrganizationKind.MIGRATION_AUTHORITY or self.enforcement_mandate

    @property
    def zone(self) -> str:
        return self.time_zone or default_time_zone(self.country)

    def clean(self) -> None:
        if self.is_consulate and not (self.served_nationality and self.jurisdiction_country):
            raise ValidationError(_("A consulate needs the nationality it serves and its jurisdiction country."))


class Membership(models.Model):
    """A user's role in one organization. A user may belong to several organizations."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"


class UserProfile(models.Model):
    """Per-user preferences: display time zone (overrides the organization's) and language."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.time_zone or '-'})"


class SharingPurpose(models.TextChoices):
    CRISIS_RESPONSE = "crisis_response", _("Crisis response")
    PROTECTION = "protection", _("Protection and referrals")
    CONSULAR_ASSISTANCE = "consular_assistance", _("Consular assistance")


class DataSharingAgreementQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, valid_from__lte=at).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=at),
            Q(needs_second_approval=False) | Q(approved_at__isnull=False),
        )

    def involving(self, organization_ids):
        """Agreements either side can see: both the sharing and the receiving organization."""
        return self.filter(Q(provider_id__in=organization_ids) | Q(recipient_id__in=organization_ids))


class DataSharingAgreement(models.Model):
    """The provider shares its people (optionally of one nationality, in some area) with the
    recipient, for a purpose and a period. Only people who consented to `sharing_host_authorities`
    are shared by name; the others count in aggregates only. Visible to both sides, revocable."""

    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="agreements_given")
    recipient = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="agreements_received")
    purpose = models.CharField(_("purpose"), max_length=32, choices=SharingPurpose.choices)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True, help_text=_("Empty: any nationality"))
    area_country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("Empty: anywhere"))
    area_subdivisions = models.JSONField(_("subdivisions"), default=list, blank=True)
    consent_purpose = models.CharField(
        max_length=32, choices=ConsentPurpose.choices, default=ConsentPurpose.SHARING_HOST_AUTHORITIES, editable=False
    )
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    protection_purpose = models.TextField(
        _("protection purpose"), blank=True, help_text=_("Why sharing protects these people (required for enforcement)")
    )
    needs_second_approval = models.BooleanField(default=False, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DataSharingAgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(provider=models.F("recipient")), name="agreement_between_two_orgs"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="agreement_valid_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} → {self.recipient} ({self.get_purpose_display()})"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return (
            self.revoked_at is None
            and self.valid_from <= now
            and (self.valid_until is None or self.valid_until >= now)
            and not self.awaits_approval
        )

    @property
    def awaits_approval(self) -> bool:
        return self.needs_second_approval and self.approved_at is None


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def delete(self):
        raise AppendOnlyError("audit events are append-only")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(models.Model):
    """Who did what to which record, when and from where. Never updated or deleted by the
    application: the model refuses, and a database trigger refuses too (migrations 0002, 0004; on
    PostgreSQL the application's role also lacks the privileges: docs/operators.md).

    Each event carries the hash of the one before it (`previous_hash`) and its own (`hash`, over
    its content and `previous_hash`), so `amparo verify-audit` names the first event altered or
    missing. Events are chained in the order they are written: `save()` takes a lock (an
    advisory lock on PostgreSQL; SQLite writers are serialised already) that the writing
    transaction holds until it commits."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text=_("user name, or cli:<command> for the system actor"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=32, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(max_length=64, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["actor", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        from amparo.accounts import chain

        with transaction.atomic(using=kwargs.get("using")):
            self.previous_hash = chain.lock_and_read_head(using=kwargs.get("using"))
            self.hash = chain.event_hash(self)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")


class APITokenManager(models.Manager):
    def authenticate(self, raw: str):
        import hashlib

        digest = hashlib.sha256(raw.encode()).hexdigest()
        return (
            self.filter(token_hash=digest, revoked_at__isnull=True, user__is_active=True).select_related("user").first()
        )

    def issue(self, *, user, name: str) -> tuple[APIToken, str]:
        """Create a token; the raw value is returned once and only its hash is stored."""
        import hashlib
        import secrets

        raw = "amp_" + secrets.token_urlsafe(32)
        token = self.create(user=user, name=name, token_hash=hashlib.sha256(raw.encode()).hexdigest(), prefix=raw[:10])
        return token, raw


class APIToken(models.Model):
    """A bearer token acting as its user (and so seeing only what that user may see)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = APITokenManager()

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
