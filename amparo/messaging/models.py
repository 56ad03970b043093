"""Communication with migrants: channels, templates, broadcasts, the outbox and what comes back.

- `Channel`: one organization's configured way out (SMS/WhatsApp through Twilio or a local HTTP
  gateway, e-mail through SMTP). Secrets are never stored here: `secret_name` names an
  environment variable (or `*_FILE`) or a key of `settings.MESSAGING_SECRETS`.
- `Template` + `TemplateVariant`: the text in each language, with `{placeholders}`.
- `Broadcast`: one alert or check-in to an audience, with preview, confirmation and approval.
- `Message`: one outbox row per person and broadcast. Workers claim rows by conditional UPDATE
  with a lease; the row carries its idempotency key, its retry schedule, its fallback route and,
  for a check-in, the hash of the personal link's token (never the token itself).
- `InboundMessage`: replies and keyword requests; anything unclear waits in the staff inbox.
- `CheckInAnswer`: what a person said through their check-in link.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amparo.accounts.models import Organization
from amparo.accounts.policy import ScopedQuerySet
from amparo.registry.models import Person

LANGUAGES = ("es", "en", "fr", "ht", "pt")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class ChannelKind(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")


class InboundKind(models.TextChoices):
    """Where an inbound item came from: a channel, or the migrant portal's self-report form."""

    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")
    PORTAL = "portal", _("Portal")


class Provider(models.TextChoices):
    TWILIO = "twilio", _("Twilio Messages API")
    HTTP_GATEWAY = "http_gateway", _("HTTP gateway (JSON)")
    SMTP = "smtp", _("SMTP server")
    CONSOLE = "console", _("Console (development: writes to the log)")
    SIMULATED = "simulated", _("Simulated (drills only: nothing leaves Amparo)")


class SmsAlphabet(models.TextChoices):
    """How an SMS is written: one accent outside GSM-7 makes the whole SMS UCS-2 (67 characters per
    part instead of 153). `sms.to_gsm7` writes it without those accents, never changing meaning."""

    AUTO = "auto", _("Automatic: without accents where the language reads fine so")
    GSM7 = "gsm7", _("Without accents (GSM-7) whenever the meaning stays the same")
    UNICODE = "unicode", _("Keep every accent (Unicode: shorter SMS parts)")


class Channel(models.Model):
    """How one organization reaches people on one kind of channel."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="messaging_channels")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=ChannelKind.choices)
    provider = models.CharField(pgettext_lazy("channel", "provider"), max_length=16, choices=Provider.choices)
    is_active = models.BooleanField(_("active"), default=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=10, help_text=_("lower is tried first"))
    sender = models.CharField(
        _("sender"), max_length=254, blank=True, help_text=_("phone number (E.164), WhatsApp number or e-mail address")
    )
    base_url = models.CharField(
        _("API address"), max_length=300, blank=True, help_text=_("Twilio: https://api.twilio.com; gateway: its URL")
    )
    account = models.CharField(
        _("account"), max_length=120, blank=True, help_text=_("Twilio Account SID, gateway user or SMTP user")
    )
    secret_name = models.CharField(
        _("secret name"),
        max_length=120,
        blank=True,
        help_text=_("environment variable (or *_FILE) holding the token, key or password; never the secret itself"),
    )
    options = models.JSONField(_("options"), default=dict, blank=True)
    sms_alphabet = models.CharField(
        _("SMS alphabet"),
        max_length=8,
        choices=SmsAlphabet.choices,
        default=SmsAlphabet.AUTO,
        help_text=_("for SMS channels; a template's own choice wins"),
    )
    rate_per_second = models.FloatField(_("messages per second"), default=10.0)
    # The channel's next free sending slot, as Unix time: workers reserve slots by moving it on in
    # one UPDATE … RETURNING (dispatch.reserve_slots), a number so the arithmetic is the same SQL
    # on SQLite and PostgreSQL.
    next_slot = models.FloatField(default=0.0, editable=False)
    webhook_key = models.SlugField(max_length=40, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "kind", "priority", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_channel_name_per_org"),
            models.CheckConstraint(condition=Q(rate_per_second__gt=0), name="channel_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def save(self, *args, **kwargs):
        if not self.webhook_key:
            import secrets

            self.webhook_key = secrets.token_urlsafe(18).replace("_", "x").replace("-", "y").lower()[:24]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.organization_id and (self.provider == Provider.SIMULATED) != self.organization.is_exercise:
            raise ValidationError(_("Only a drill's organization uses the simulated channel, and it uses no other."))


class TemplatePurpose(models.TextChoices):
    ALERT = "alert", _("Alert")
    CHECKIN = "checkin", _("Check-in (are you safe?)")
    INFO = "info", _("Information (INFO keyword)")
    SHELTERS = "shelters", _("Shelters (keyword reply)")
    CONSULATE = "consulate", _("Consulate contact (keyword reply)")
    ACKNOWLEDGE = "acknowledge", _("Thank-you for a reply")


class Template(models.Model):
    """A message with one variant per language. `organization` empty: a default every
    organization may use (seeded); an organization's own template with the same purpose wins."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="message_templates"
    )
    name = models.CharField(_("name"), max_length=120)
    purpose = models.CharField(_("purpose"), max_length=16, choices=TemplatePurpose.choices)
    sms_alphabet = models.CharField(
        _("SMS alphabet"), max_length=8, choices=SmsAlphabet.choices, default=SmsAlphabet.AUTO
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["purpose", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_template_name_per_org"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(organization__isnull=True), name="unique_default_template_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def variant_for(self, language: str) -> TemplateVariant | None:
        return next((v for v in self.variants.all() if v.language == language), None)


class TemplateVariant(models.Model):
    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="variants")
    language = models.CharField(_("language"), max_length=16)
    subject = models.CharField(_("subject (e-mail)"), max_length=200, blank=True)
    body = models.TextField(_("text"))

    class Meta:
        ordering = ["template", "language"]
        constraints = [models.UniqueConstraint(fields=["template", "language"], name="unique_variant_language")]

    def __str__(self) -> str:
        return f"{self.template} [{self.language}]"


class BroadcastStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    SENDING = "sending", _("Sending")
    SENT = "sent", pgettext_lazy("broadcast status", "Sent")
    CANCELLED = "cancelled", _("Cancelled")


class Broadcast(models.Model):
    """One alert or check-in to an audience. Draft → (awaiting approval →) sending → sent."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="broadcasts")
    crisis = models.ForeignKey(
        "crises.Crisis", on_delete=models.PROTECT, null=True, blank=True, related_name="broadcasts"
    )
    title = models.CharField(_("title"), max_length=200)
    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="broadcasts")
    audience = models.JSONField(_("audience"), default=dict, blank=True)
    language_fallback = models.JSONField(_("language fallback"), default=list, blank=True)
    allow_fallback = models.BooleanField(_("fall back to the next consented channel"), default=True)
    requires_approval = models.BooleanField(_("needs a second person's approval"), default=False)
    checkin_valid_hours = models.PositiveIntegerField(_("check-in link valid for (hours)"), default=72)
    status = models.CharField(max_length=20, choices=BroadcastStatus.choices, default=BroadcastStatus.DRAFT)
    preview = models.JSONField(default=dict, blank=True, editable=False)
    recipients = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("confirmed_by")),
                name="broadcast_approved_by_second_person",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_checkin(self) -> bool:
        return self.template.purpose == TemplatePurpose.CHECKIN


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CLAIMED = "claimed", _("Claimed by a worker")
    SENDING = "sending", _("Being sent")
    SENT = "sent", pgettext_lazy("message status", "Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", pgettext_lazy("message status", "Failed")
    CANCELLED = "cancelled", _("Cancelled")
    # An attempt may have reached the provider and nobody can tell (a crash or timeout, and the
    # provider cannot be asked or has no idempotency): never resent automatically, staff decide.
    UNCERTAIN = "uncertain", _("Uncertain: may have been delivered")


# How far along a message is: a receipt never moves it backwards (callbacks arrive out of order).
STATUS_RANK = {
    MessageStatus.QUEUED: 0,
    MessageStatus.CLAIMED: 1,
    MessageStatus.SENDING: 2,
    MessageStatus.UNCERTAIN: 2,  # any receipt from the provider settles it
    MessageStatus.SENT: 3,
    MessageStatus.DELIVERED: 4,
    MessageStatus.READ: 5,
    MessageStatus.FAILED: 4,
    MessageStatus.CANCELLED: 6,
}
OPEN_STATUSES = (MessageStatus.QUEUED, MessageStatus.CLAIMED, MessageStatus.SENDING)


class MessageQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Message(models.Model):
    """One outbox row: what to send to whom, on which channel, and how far it got."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="messages")
    # Each row is rewritten three times on its way out (claimed, sending, sent), and every index is
    # written each time: no index here that another one already covers (broadcast and person lead
    # msg_broadcast_status_idx and msg_person_idx; the keys are unique constraints, without the
    # LIKE index PostgreSQL would get for a unique CharField).
    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, null=True, blank=True, related_name="messages", db_index=False
    )
    crisis = models.ForeignKey("crises.Crisis", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="messages", db_index=False)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, null=True, blank=True, related_name="messages")
    kind = models.CharField(max_length=16, choices=ChannelKind.choices)
    to_address = models.CharField(max_length=254)
    language = models.CharField(max_length=16, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    purpose = models.CharField(max_length=16, choices=TemplatePurpose.choices, default=TemplatePurpose.ALERT)

    status = models.CharField(max_length=12, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    idempotency_key = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(default=EPOCH)
    claimed_by = models.CharField(max_length=80, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    uncertain = models.BooleanField(
        default=False, help_text="the last attempt may have reached the provider (crash, timeout, dropped connection)"
    )
    fallback = models.JSONField(default=list, blank=True)  # [[kind, address], ...] still to try
    history = models.JSONField(default=list, blank=True)  # earlier attempts' errors, capped

    provider_id = models.CharField(max_length=80, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    # Check-in link: sha256 of the token, its expiry, and the answer time.
    checkin_hash = models.CharField(max_length=64, null=True, blank=True)
    checkin_expires_at = models.DateTimeField(null=True, blank=True)
    checkin_answered_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="unique_message_idempotency_key"),
            models.UniqueConstraint(fields=["checkin_hash"], name="unique_message_checkin_hash"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="msg_due_idx"),
            models.Index(fields=["provider_id"], name="msg_provider_idx"),
            models.Index(fields=["broadcast", "status"], name="msg_broadcast_status_idx"),
            models.Index(fields=["person", "created_at"], name="msg_person_idx"),
            models.Index(fields=["to_address", "created_at"], name="msg_to_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_address} ({self.status})"

    @property
    def uncertain_reason(self) -> str:
        """Why nobody knows whether an uncertain message arrived, in words for staff."""
        return str(UNCERTAIN_REASONS.get(self.error_code, UNCERTAIN_REASONS[""]))


UNCERTAIN_REASONS = {
    "lookup_refused": _("the provider would not say whether it received it"),
    "uncertain": _("this provider cannot recognise a message sent twice, so it was not sent again"),
    "max_attempts": _("every attempt was used, and the last one may have reached the provider"),
    "timeout": _("the provider did not answer in time"),
    "dropped": _("the connection broke while the message was being sent"),
    "": _("the last attempt may have reached the provider"),
}


class InboundStatus(models.TextChoices):
    PROCESSED = "processed", _("Handled automatically")
    NEEDS_REVIEW = "needs_review", _("Waiting for staff")
    RESOLVED = "resolved", _("Handled by staff")
    IGNORED = "ignored", _("Ignored")


# Why the reply reader left a reply to a person (`replies.Reading.reason`), in words for staff.
REVIEW_REASONS = {
    "empty": _("The reply is empty."),
    "both_menu": _("Answered both 1 and 2: a person must look."),
    "safe_and_help": _("Says both safe and needing help: a person must look."),
    "question": _("A question, not an answer: a person must answer it."),
    "answer_no": _("Answered “no” without saying more: a person must look."),
    "unsure": _("The person is not sure: a person must look."),
    "negated_bad": _("Says “not bad”, which is not clearly safe: a person must look."),
    "distress": _("Shows distress without words Amparo can read: a person must look."),
    "uncertain_word": _("A word Amparo does not know may change the meaning: a person must look."),
    "more_to_say": _("Says safe but also something Amparo cannot read: a person must look."),
    "languages_disagree": _("Reads as safe in one language but not in another: a person must look."),
    "no_safe_word": _("Says no help is needed but not that they are safe: a person must look."),
    "not_understood": _("Amparo could not read this reply: a person must look."),
    "portal_no_record": _("Self-report from the portal: no record in this crisis holds this phone."),
    "portal_confirm": _("Self-report from the portal: staff must confirm it."),
}


class InboundMessage(models.Model):
    """A message a person sent us: a reply to a check-in, a keyword, or anything else."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="inbound_messages")
    channel = models.ForeignKey(Channel, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound")
    kind = models.CharField(max_length=16, choices=InboundKind.choices)
    from_address = models.CharField(max_length=254)
    to_address = models.CharField(max_length=254, blank=True)
    body = models.TextField(blank=True)
    provider_id = models.CharField(max_length=80, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound")
    in_reply_to = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="replies")
    crisis = models.ForeignKey("crises.Crisis", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    intent = models.CharField(max_length=16, blank=True)  # safe, help, question, unclear, a keyword
    keyword = models.CharField(max_length=16, blank=True)
    needs = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=16, blank=True)  # the language the reader read it in
    status = models.CharField(max_length=16, choices=InboundStatus.choices, default=InboundStatus.PROCESSED)
    reason_code = models.CharField(max_length=32, blank=True)  # a REVIEW_REASONS key, when the reader decided
    review_reason = models.CharField(max_length=200, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "provider_id"], condition=~Q(provider_id=""), name="unique_inbound_provider_id"
            )
        ]
        indexes = [models.Index(fields=["organization", "status", "received_at"], name="inbound_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.body[:40]}"

    @property
    def review_reason_label(self) -> str:
        """Why it waits for staff, in the reader's words (a reason code gets its label)."""
        return str(REVIEW_REASONS.get(self.reason_code, self.review_reason))


class CheckInAnswer(models.Model):
    """An answer given through a personal check-in link (several answers may follow one link)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="checkin_answers")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="checkin_answers")
    answer = models.CharField(max_length=16)  # safe / help
    needs = models.JSONField(default=list, blank=True)
    people_with = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(null=True, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    welfare_applied = models.BooleanField(default=False)
    review_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-answered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.answer}"
