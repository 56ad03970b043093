"""What matching keeps beside the registry: normalised features and blocking keys per person,
pairs found for review, and merges with everything they moved (so each can be undone).

The registry does not know about these tables. They are refreshed by
`amparo.matching.services.refresh_keys(person_ids)` from matching's own code paths (online check,
dedupe, merge, unmerge) and by the background task `refresh_stale_keys`, which picks up people
whose `updated_at` is newer than their features (see docs/matching.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amparo.accounts.policy import ScopedQuerySet
from amparo.registry.models import Person

# Bump when normalisation or keys change: rows of an older version are rebuilt.
FEATURES_VERSION = 1


class PersonFeatures(models.Model):
    """The normalised match features of one person (amparo.matching.features.Features as JSON)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, primary_key=True, related_name="match_features")
    data = models.JSONField()
    version = models.PositiveSmallIntegerField(default=FEATURES_VERSION)
    source_updated_at = models.DateTimeField(help_text=_("Person.updated_at when these features were computed"))
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("match features")
        verbose_name_plural = _("match features")

    def __str__(self) -> str:
        return f"features of person {self.person_id}"


class PersonKey(models.Model):
    """One blocking key of one person: candidates are the people sharing a key."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="unique_person_key")]
        indexes = [models.Index(fields=["key", "person"], name="matching_key_person_idx")]

    def __str__(self) -> str:
        return f"{self.key} → {self.person_id}"


class PairStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    MERGED = "merged", _("Merged")
    DISTINCT = "distinct", _("Not the same person")


class PairBand(models.TextChoices):
    AUTOMATIC = "automatic", _("Almost certain")
    REVIEW = "review", _("Possible")


class MatchPairQuerySet(ScopedQuerySet):
    def pending(self):
        return self.filter(status=PairStatus.PENDING)


class MatchPair(models.Model):
    """Two records that may be the same person (person_a.pk < person_b.pk), with the score and
    the reasons as codes (the sentence is written in the reader's language when shown)."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("match probability"))
    match_weight = models.FloatField(_("match weight"))
    band = models.CharField(_("band"), max_length=12, choices=PairBand.choices)
    reasons = models.JSONField(default=list)  # [[code, params, weight], …]
    status = models.CharField(_("status"), max_length=12, choices=PairStatus.choices, default=PairStatus.PENDING)
    found_by = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by_label = models.CharField(max_length=150, blank=True)

    objects = MatchPairQuerySet.as_manager()

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="unique_match_pair"),
            models.CheckConstraint(condition=Q(person_a__lt=F("person_b")), name="match_pair_ordered"),
            models.CheckConstraint(condition=Q(probability__gte=0) & Q(probability__lte=1), name="probability_0_1"),
        ]
        indexes = [
            models.Index(fields=["status", "probability"], name="matching_pair_queue_idx"),
            models.Index(fields=["person_b"], name="matching_pair_b_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.probability:.2f})"


class MergeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(undone_at__isnull=True)


class Merge(models.Model):
    """One merge: `merged` now points to `survivor`. `moved` holds, per app label, what that app's
    hook moved (its return value), so `unmerge` gives every row back."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    pair = models.ForeignKey(MatchPair, on_delete=models.SET_NULL, null=True, blank=True, related_name="merges")
    moved = models.JSONField(default=dict)
    previous_status = models.CharField(max_length=16)
    merged_at = models.DateTimeField(default=timezone.now)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    merged_by_label = models.CharField(max_length=150)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by_label = models.CharField(max_length=150, blank=True)

    objects = MergeQuerySet.as_manager()

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"], condition=Q(undone_at__isnull=True), name="one_open_merge_per_person"
            ),
            models.CheckConstraint(condition=~Q(survivor=F("merged")), name="merge_two_people"),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"


class BatchRun(models.Model):
    """One registry-wide batch dedupe split by blocking key across task workers (matching.sharded):
    a shard task per slice of the keys writes its likely pairs (BatchPair), the last one to finish
    enqueues the task that builds the clusters. `max_person_id` fixes the people compared, so every
    worker, on any machine, reads the same records."""

    class Status(models.TextChoices):
        RUNNING = "running", pgettext_lazy("batch dedupe status", "Running")
        DONE = "done", pgettext_lazy("batch dedupe status", "Done")
        FAILED = "failed", pgettext_lazy("batch dedupe status", "Failed")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    shards = models.PositiveIntegerField()
    shards_done = models.JSONField(default=list, help_text=_("the shard numbers whose pairs are written"))
    threshold = models.FloatField()
    max_person_id = models.BigIntegerField()
    people = models.PositiveIntegerField(default=0)
    clusters = models.JSONField(default=list, blank=True, help_text=_("person ids of each cluster of two or more"))
    created_by_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"batch run {self.pk} ({self.status}, {len(self.shards_done)}/{self.shards} shards)"


class BatchPair(models.Model):
    """A likely pair found by one shard of a batch run (person_a < person_b; the same pair may be
    found by two shards when the two people share keys in both)."""

    run = models.ForeignKey(BatchRun, on_delete=models.CASCADE, related_name="pairs")
    shard = models.PositiveIntegerField()
    person_a = models.BigIntegerField()
    person_b = models.BigIntegerField()
    probability = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["run", "shard"], name="matching_batchpair_shard_idx")]

    def __str__(self) -> str:
        return f"{self.person_a} ~ {self.person_b} ({self.probability:.2f})"
