"""People and what the registry knows about them: documents, contacts, locations, consent.

A Person is owned by its registering organization. Its latest location is kept on the row itself
(indexed) so "who is inside this area?" never joins; earlier positions live in LocationHistory.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amparo.accounts.codes import ConsentPurpose, RecordStatus
from amparo.accounts.models import Organization
from amparo.accounts.policy import ScopedQuerySet


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    INTERSEX_OTHER = "intersex_other", _("Intersex or other")
    UNKNOWN = "unknown", _("Unknown")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Exact day")
    MONTH = "month", _("Month and year")
    YEAR = "year", _("Year only")
    ESTIMATED = "estimated", _("Estimated from stated age")


class MigratoryStatus(models.TextChoices):
    """Sensitive: shown only to roles that need it, never a list filter (no enforcement use)."""

    UNKNOWN = "unknown", _("Unknown")
    REGULAR = "regular", _("Regular")
    IRREGULAR = "irregular", _("Irregular")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")
    REFUGEE = "refugee", _("Refugee")
    IN_TRANSIT = "in_transit", _("In transit")


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")
    VOICE = "voice", _("Voice call")


class Household(models.Model):
    """A family or travelling group; members point to it with their relationship."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    registering_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="households")
    is_travelling_group = models.BooleanField(_("travelling group"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"


class HouseholdRole(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse or partner")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    GUARDIAN = "guardian", _("Legal guardian")
    COMPANION = "companion", _("Travel companion")


class PersonQuerySet(ScopedQuerySet):
    def active(self):
        return self.exclude(record_status=RecordStatus.MERGED)

    def with_consent(self, purpose: str):
        return self.filter(Exists(Consent.objects.active(purpose).filter(person=OuterRef("pk"))))

    def of_nationality(self, country: str):
        return self.filter(Exists(Nationality.objects.filter(person=OuterRef("pk"), country=country)))


class Person(models.Model):
    registering_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="people")
    source_record_id = models.CharField(_("source record id"), max_length=100, blank=True)

    given_names = models.CharField(_("given names"), max_length=150)
    first_surname = models.CharField(_("first surname"), max_length=150, blank=True)
    second_surname = models.CharField(_("second surname"), max_length=150, blank=True)
    other_names = models.JSONField(
        _("other names"), default=list, blank=True, help_text=_("aliases, nicknames, names in other documents")
    )
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices, default=Sex.UNKNOWN)
    gender_identity = models.CharField(_("gender identity"), max_length=80, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_date_precision = models.CharField(
        _("precision"), max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    place_of_birth = models.CharField(_("place of birth"), max_length=200, blank=True)
    nationality = models.CharField(
        _("nationality"),
        max_length=2,
        blank=True,
        db_index=True,
        help_text=_("main nationality, ISO 3166-1 alpha-2; all of them are in Nationality"),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text=_("BCP 47 tags"))
    preferred_language = models.CharField(_("preferred language"), max_length=16, blank=True)
    preferred_channel = models.CharField(_("preferred channel"), max_length=16, choices=Channel.choices, blank=True)
    migratory_status = models.CharField(
        _("migratory status"), max_length=16, choices=MigratoryStatus.choices, default=MigratoryStatus.UNKNOWN
    )
    special_needs = models.TextField(
        _("special needs"), blank=True, help_text=_("health, disability, pregnancy, medication")
    )

    household = models.ForeignKey(Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="members")
    household_role = models.CharField(_("relationship"), max_length=20, choices=HouseholdRole.choices, blank=True)

    # Last known location (denormalised from LocationHistory so affected-area queries never join).
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_precision_m = models.PositiveIntegerField(_("precision (m)"), null=True, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    subdivision = models.CharField(_("subdivision"), max_length=10, blank=True, help_text=_("ISO 3166-2 code"))
    municipality = models.CharField(_("municipality"), max_length=120, blank=True)
    location_observed_at = models.DateTimeField(_("location date"), null=True, blank=True)
    location_source = models.CharField(_("location source"), max_length=40, blank=True)

    record_status = models.CharField(
        _("record status"), max_length=16, choices=RecordStatus.choices, default=RecordStatus.ACTIVE
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_records"
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Every name token the person is known by, folded (see normalize.search_name); kept by
    # registry.indexing together with the NameKey rows. Not shown anywhere.
    search_name = models.CharField(max_length=500, blank=True, editable=False)

    objects = PersonQuerySet.as_manager()

    # Fields only roles in accounts.policy.SENSITIVE_ROLES may read.
    SENSITIVE_FIELDS = ("migratory_status", "special_needs", "gender_identity")

    class Meta:
        ordering = ["first_surname", "second_surname", "given_names", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registering_organization", "source_record_id"],
                condition=~Q(source_record_id=""),
                name="unique_source_record_per_org",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="person_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="person_longitude_range",
            ),
            models.CheckConstraint(
                condition=~Q(record_status="merged") | Q(merged_into__isnull=False),
                name="merged_person_points_to_survivor",
            ),
        ]
        indexes = [
            models.Index(fields=["registering_organization", "record_status"]),
            models.Index(fields=["latitude", "longitude"]),
            models.Index(fields=["country", "subdivision"]),
            models.Index(fields=["first_surname", "given_names"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.first_surname, self.second_surname) if part)

    @property
    def surnames(self) -> str:
        return " ".join(part for part in (self.first_surname, self.second_surname) if part)


class Nationality(models.Model):
    """Every nationality a person holds (the main one is also on Person.nationality)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="nationalities")
    country = models.CharField(max_length=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "country"], name="unique_person_nationality")]
        indexes = [models.Index(fields=["country", "person"])]

    def __str__(self) -> str:
        return self.country


class DocumentType(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    NATIONAL_ID = "national_id", _("National identity card")
    CONSULAR_ID = "consular_id", _("Consular identity card")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    REFUGEE_DOCUMENT = "refugee_document", _("Refugee or asylum document")
    OTHER = "other", _("Other")


class DocumentHolder(models.TextChoices):
    PERSON = "person", _("The person")
    EMPLOYER = "employer", _("Employer or recruiter")
    AUTHORITY = "authority", _("An authority")
    LOST = "lost", _("Lost or stolen")
    OTHER = "other", _("Someone else")


class Document(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    document_type = models.CharField(_("document type"), max_length=24, choices=DocumentType.choices)
    number = models.CharField(_("number"), max_length=60)
    number_normalized = models.CharField(max_length=60, db_index=True, editable=False)
    issuing_country = models.CharField(_("issuing country"), max_length=2, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    held_by = models.CharField(
        _("held by"), max_length=16, choices=DocumentHolder.choices, default=DocumentHolder.PERSON
    )

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} {self.number}"

    def save(self, *args, **kwargs):
        self.number_normalized = normalize_document_number(self.number)
        super().save(*args, **kwargs)


def normalize_document_number(number: str) -> str:
    return "".join(ch for ch in (number or "").upper() if ch.isalnum())


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")


class ContactPoint(models.Model):
    """A phone (E.164 when it parses; kept as written and flagged when it does not) or e-mail."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=8, choices=ContactKind.choices)
    value = models.CharField(_("value"), max_length=254, help_text=_("E.164 for phones, lower-case e-mail"))
    raw_value = models.CharField(_("as written"), max_length=254, blank=True)
    is_valid = models.BooleanField(_("valid"), default=True)
    whatsapp = models.BooleanField(_("WhatsApp"), default=False)
    verified = models.BooleanField(_("verified"), default=False)
    is_primary = models.BooleanField(_("primary"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    # The national number's digits (or every digit as written when it does not parse), so a phone
    # typed without its country prefix is found too.
    search_digits = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind", "value"], name="unique_contact_per_person")]
        indexes = [models.Index(fields=["value"]), models.Index(fields=["search_digits"])]

    def __str__(self) -> str:
        return self.value


class LocationHistory(models.Model):
    """Every position ever recorded for a person; the latest is copied onto Person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="location_history")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    precision_m = models.PositiveIntegerField(null=True, blank=True)
    country = models.CharField(max_length=2, blank=True)
    subdivision = models.CharField(max_length=10, blank=True)
    municipality = models.CharField(max_length=120, blank=True)
    observed_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(
        max_length=40, blank=True, help_text=_("registration, import, check-in link, field visit…")
    )
    recorded_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-observed_at", "-id"]
        indexes = [models.Index(fields=["person", "observed_at"])]

    def __str__(self) -> str:
        return f"{self.latitude},{self.longitude} {self.subdivision} @ {self.observed_at:%Y-%m-%d}"


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Written")
    VERBAL = "verbal", _("Verbal")
    SELF_REGISTERED = "self_registered", _("Self-registered")
    IMPORTED = "imported", _("Imported from a file")


class ConsentQuerySet(models.QuerySet):
    def active(self, purpose: str | None = None):
        qs = self.filter(given=True, withdrawn_at__isnull=True)
        return qs.filter(purpose=purpose) if purpose else qs


class Consent(models.Model):
    """A person's answer for one purpose. A new answer closes the previous one (withdrawn_at), so
    the history of who recorded what, how and when is kept; only one answer is open at a time."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=32, choices=ConsentPurpose.choices)
    given = models.BooleanField(_("given"), default=True, help_text=_("False records an explicit refusal"))
    method = models.CharField(_("how"), max_length=16, choices=ConsentMethod.choices)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=150, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by_label = models.CharField(max_length=150, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_open_consent_per_purpose",
            ),
        ]
        indexes = [
            models.Index(
                fields=["purpose", "person"],
                condition=Q(given=True, withdrawn_at__isnull=True),
                name="active_consent_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {'yes' if self.given else 'no'}"


class NameWord(models.Model):
    """The vocabulary of name tokens (folded, see normalize.py): a query word expands to the known
    tokens starting with it through this small table, instead of range scans on the big one."""

    word = models.CharField(max_length=40, primary_key=True)

    def __str__(self) -> str:
        return self.word


class NameKey(models.Model):
    """Search index of names: one row per (key, person), where a key is a folded name token
    (`maria`) or an unordered pair of tokens of the same name (`=lopez maria`). Written in bulk by
    registry.indexing whenever a name changes; never edited by hand."""

    pk = models.CompositePrimaryKey("key", "person")
    key = models.CharField(max_length=90)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_keys")

    def __str__(self) -> str:
        return f"{self.key} → {self.person_id}"


class ImportJob(models.Model):
    """A file uploaded for import in the web UI: its column mapping, progress and outcome. The
    background task (tasks.run_import_job) runs registry.importing.engine.import_people on it."""

    class Status(models.TextChoices):
        MAPPING = "mapping", _("Waiting for the column mapping")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", pgettext_lazy("import status", "Done")  # "la importación": terminada
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_path = models.CharField(max_length=500)
    original_name = models.CharField(_("file"), max_length=255)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, help_text=_("header → standard column"))
    dry_run = models.BooleanField(_("dry run"), default=False)
    language = models.CharField(max_length=8, blank=True, help_text=_("the uploader's language, for the report"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.MAPPING)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    report_path = models.CharField(max_length=500, blank=True)
    problems = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    files_removed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("when the uploaded file and its report were deleted")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "created_at"])]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
