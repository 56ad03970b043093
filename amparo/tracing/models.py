"""Tracing: inquiries for missing people, notes by those who meet them, the candidates that link
the two, the sought person's answer, and every disclosure made with it.

- `Inquiry`: a sought person as the inquirer remembers them (names, nicknames, an age or an age
  range, the route) on behalf of an inquirer (relationship, contact, language, consents), owned by
  the organization that recorded it. Its `state` is DOMAIN.md's tracing state.
- `FoundNote`: "found" or "looking for family" on a registry person, with the person's own wish
  about who may be told, owned by the organization that wrote it.
- `MatchCandidate`: an inquiry and a person (with the note that brought them, if any) or another
  inquiry, scored with reasons. One row per pair, whatever its state: a rejected pair is never
  proposed again (unique constraints).
- `ConsentRequest`: the question to the found person (or, for a child, to the child-protection
  authority) and the answer.
- `Disclosure`: what was passed to the inquirer, when, by whom (each one is also audited).
- `InquiryKey`: the blocking keys of open inquiries (matching's keys), so a new registration,
  welfare update or note finds the inquiries it may answer through an index.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.accounts.models import Organization
from amparo.accounts.policy import ScopedQuerySet
from amparo.registry.models import DatePrecision, Person, Sex
from amparo.tracing.codes import (
    OPEN_STATES,
    AnswerSource,
    CandidateState,
    ConsentStatus,
    DisclosureKind,
    InquirySource,
    NoteKind,
    TracingState,
    Wish,
)


class InquiryQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)


class Inquiry(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="inquiries")
    crisis = models.ForeignKey(
        "crises.Crisis", on_delete=models.PROTECT, null=True, blank=True, related_name="inquiries"
    )
    state = models.CharField(_("state"), max_length=20, choices=TracingState.choices, default=TracingState.OPEN)
    source = models.CharField(max_length=8, choices=InquirySource.choices, default=InquirySource.STAFF)
    source_record_id = models.CharField(
        _("source record id"), max_length=200, blank=True, help_text=_("PFIF person_record_id when imported")
    )

    # The sought person, as remembered.
    given_names = models.CharField(_("given names"), max_length=150)
    first_surname = models.CharField(_("first surname"), max_length=150, blank=True)
    second_surname = models.CharField(_("second surname"), max_length=150, blank=True)
    nicknames = models.JSONField(_("nicknames and other names"), default=list, blank=True)
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_date_precision = models.CharField(
        _("precision"), max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    age_min = models.PositiveSmallIntegerField(_("age from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("age to"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    last_seen_place = models.CharField(_("where last seen"), max_length=200, blank=True)
    last_seen_country = models.CharField(_("country last seen"), max_length=2, blank=True)
    last_seen_on = models.DateField(_("when last seen"), null=True, blank=True)
    route = models.JSONField(_("places along the route"), default=list, blank=True)
    distinguishing_features = models.TextField(_("distinguishing features"), blank=True)

    # The inquirer.
    inquirer_name = models.CharField(_("inquirer's name"), max_length=200)
    inquirer_relationship = models.CharField(_("relationship to the sought person"), max_length=80, blank=True)
    inquirer_phone = models.CharField(_("inquirer's phone"), max_length=40, blank=True)
    inquirer_email = models.EmailField(_("inquirer's e-mail"), blank=True)
    inquirer_language = models.CharField(_("inquirer's language"), max_length=16, blank=True)
    inquirer_consents_contact = models.BooleanField(_("the inquirer agrees to be contacted"), default=False)
    inquirer_consents_share = models.BooleanField(
        _("the inquirer agrees that their name and contact may be given to the sought person"), default=False
    )

    # The outcome.
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="inquiries",
        help_text=_("the registry person this inquiry was confirmed to be about"),
    )  # fmt: skip
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by_label = models.CharField(max_length=150, blank=True)
    closure_note = models.TextField(_("closure note"), blank=True)
    # Found deceased: proposed by one staff member, approved by a supervisor, with who told the
    # family and how.
    deceased_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deceased_proposed_at = models.DateTimeField(null=True, blank=True)
    family_informed_by = models.CharField(_("who informed the family"), max_length=200, blank=True)
    family_informed_how = models.CharField(_("how the family was informed"), max_length=300, blank=True)
    deceased_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("inquiries")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source_record_id"],
                condition=~Q(source_record_id=""),
                name="unique_inquiry_source_record",
            ),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True) | Q(age_max__isnull=True) | Q(age_min__lte=F("age_max")),
                name="inquiry_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(state="closed_deceased") | Q(deceased_approved_by__isnull=False),
                name="inquiry_deceased_approved",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "state"]),
            models.Index(fields=["crisis", "state"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.sought_name}"

    @property
    def sought_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.first_surname, self.second_surname) if p)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class InquiryKey(models.Model):
    """One blocking key of one open inquiry (matching.features.blocking_keys of its names)."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inquiry", "key"], name="unique_inquiry_key")]
        indexes = [models.Index(fields=["key", "inquiry"], name="tracing_key_inquiry_idx")]

    def __str__(self) -> str:
        return f"{self.key} → {self.inquiry_id}"


class FoundNote(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="found_notes")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="found_notes")
    kind = models.CharField(_("note"), max_length=20, choices=NoteKind.choices, default=NoteKind.FOUND)
    wish = models.CharField(_("who may be told"), max_length=8, choices=Wish.choices, default=Wish.ASK_ME)
    place = models.CharField(_("where"), max_length=200, blank=True)
    text = models.TextField(_("note"), blank=True)
    author_name = models.CharField(_("author"), max_length=200, blank=True)
    pfif_status = models.CharField(max_length=24, blank=True)
    source_record_id = models.CharField(max_length=200, blank=True, help_text=_("PFIF note_record_id when imported"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source_record_id"],
                condition=~Q(source_record_id=""),
                name="unique_found_note_source_record",
            ),
        ]
        indexes = [models.Index(fields=["person", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.person_id})"


class MatchCandidate(models.Model):
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    note = models.ForeignKey(FoundNote, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    other_inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    score = models.FloatField(_("score"))
    reasons = models.JSONField(default=list)  # [[code, params, weight], …]
    state = models.CharField(max_length=10, choices=CandidateState.choices, default=CandidateState.PROPOSED)
    found_by = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_label = models.CharField(max_length=150, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(other_inquiry__isnull=True))
                | (Q(person__isnull=True) & Q(other_inquiry__isnull=False) & Q(inquiry__lt=F("other_inquiry"))),
                name="candidate_person_or_ordered_inquiry",
            ),
            models.UniqueConstraint(
                fields=["inquiry", "person"], condition=Q(person__isnull=False), name="unique_candidate_person"
            ),
            models.UniqueConstraint(
                fields=["inquiry", "other_inquiry"],
                condition=Q(other_inquiry__isnull=False),
                name="unique_candidate_inquiry",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "state"]),
            models.Index(fields=["other_inquiry"]),
        ]

    def __str__(self) -> str:
        return f"{self.inquiry_id} ~ {self.person_id or self.other_inquiry_id} ({self.score:.2f})"


class ConsentRequest(models.Model):
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="consent_requests")
    candidate = models.ForeignKey(MatchCandidate, on_delete=models.CASCADE, related_name="consent_requests")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", help_text=_("the organization that asks")
    )
    is_child = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=ConsentStatus.choices, default=ConsentStatus.ASKED)
    language = models.CharField(max_length=16, blank=True)
    message = models.ForeignKey("messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    allows = models.JSONField(default=list, blank=True, help_text=_("what may be passed on: DisclosureKind codes"))
    answer_source = models.CharField(max_length=10, choices=AnswerSource.choices, blank=True)
    authority_name = models.CharField(_("child-protection authority"), max_length=200, blank=True)
    authority_reference = models.CharField(_("decision reference"), max_length=200, blank=True)
    note = models.TextField(blank=True)
    asked_at = models.DateTimeField(default=timezone.now)
    asked_by_label = models.CharField(max_length=150, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by_label = models.CharField(max_length=150, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate"], condition=Q(status="asked"), name="one_open_consent_request_per_candidate"
            ),
            models.CheckConstraint(
                condition=Q(is_child=False) | ~Q(status="given") | Q(answer_source="authority"),
                name="child_consent_by_authority",
            ),
        ]

    def __str__(self) -> str:
        return f"consent {self.status} for inquiry {self.inquiry_id}"


class Disclosure(models.Model):
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="disclosures")
    consent = models.ForeignKey(ConsentRequest, on_delete=models.PROTECT, related_name="disclosures")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=DisclosureKind.choices)
    content = models.TextField(_("what was passed on"))
    recipient = models.CharField(_("to whom"), max_length=200)
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    disclosed_by_label = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} for inquiry {self.inquiry_id}"
