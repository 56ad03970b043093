"""Every write of matching: keys, review decisions, merge and unmerge (audited, one transaction).

Merging is non-destructive: the merged record stays, with record_status `merged` and
`merged_into` the survivor. Every app's rows follow the survivor through the AppConfig hooks
`merge_person(*, survivor, merged, actor) -> dict` and `unmerge_person(*, survivor, merged,
moved, actor)`; the driver here calls them all in one transaction and keeps what each returned
(Merge.moved) so `unmerge` gives everything back. The registry's own rows (contacts, documents,
consents, locations, nationalities, names) are moved by `amparo.matching.registry_moves` unless
the registry's AppConfig defines the hooks itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction, RecordStatus
from amparo.matching import features as feat
from amparo.matching import registry_moves
from amparo.matching.models import (
    FEATURES_VERSION,
    MatchPair,
    Merge,
    PairBand,
    PairStatus,
    PersonFeatures,
    PersonKey,
)
from amparo.matching.scoring import PairScore, automatic_threshold
from amparo.registry.access import can_change
from amparo.registry.models import ContactPoint, Document, Person

_PERSON_COLUMNS = (
    "id",
    "given_names",
    "first_surname",
    "second_surname",
    "birth_date",
    "birth_date_precision",
    "sex",
    "nationality",
    "country",
    "subdivision",
    "municipality",
    "record_status",
    "updated_at",
)


def features_for(person_ids: Iterable[int]) -> dict[int, tuple[feat.Features, object, str]]:
    """Build features from the registry for these people (bulk: three queries a chunk).
    Returns {id: (features, updated_at, record_status)}."""
    ids = list(person_ids)
    # A drill's synthetic people are never matched with anyone (they get no features, no keys).
    rows = Person.objects.filter(pk__in=ids, registering_organization__is_exercise=False).values(*_PERSON_COLUMNS)
    phones: dict[int, list[str]] = defaultdict(list)
    emails: dict[int, list[str]] = defaultdict(list)
    for pid, kind, value in ContactPoint.objects.filter(person_id__in=ids).values_list("person_id", "kind", "value"):
        (phones if kind == "phone" else emails)[pid].append(value)
    documents: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for pid, doc_type, number in Document.objects.filter(person_id__in=ids).values_list(
        "person_id", "document_type", "number"
    ):
        documents[pid].append((doc_type, number))
    out = {}
    for row in rows:
        pid = row["id"]
        raw = feat.RawRecord(
            given_names=row["given_names"],
            first_surname=row["first_surname"],
            second_surname=row["second_surname"],
            birth_date=row["birth_date"],
            birth_date_precision=row["birth_date_precision"],
            sex=row["sex"],
            phones=phones.get(pid, []),
            documents=documents.get(pid, []),
            emails=emails.get(pid, []),
            nationality=row["nationality"],
            country=row["country"],
            subdivision=row["subdivision"],
            municipality=row["municipality"],
        )
        out[pid] = (feat.build(raw), row["updated_at"], row["record_status"])
    return out


def refresh_keys(person_ids: Iterable[int], *, chunk_size: int = 2000) -> int:
    """Recompute the features and blocking keys of these people (bulk). Merged records lose
    their keys (they are never proposed again) until an unmerge. Returns how many were refreshed."""
    ids = sorted(set(int(i) for i in person_ids))
    done = 0
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        with transaction.atomic():
            built = features_for(chunk)
            PersonKey.objects.filter(person_id__in=chunk).delete()
            PersonFeatures.objects.filter(person_id__in=chunk).delete()
            now = timezone.now()
            keys, rows = [], []
            for pid, (features, updated_at, status) in built.items():
                if status == RecordStatus.MERGED:
                    continue
                rows.append(
                    PersonFeatures(
                        person_id=pid,
                        data=features.to_json(),
                        version=FEATURES_VERSION,
                        source_updated_at=updated_at,
                        computed_at=now,
                    )
                )
                keys.extend(PersonKey(person_id=pid, key=k) for k in sorted(features.blocking_keys()))
            PersonFeatures.objects.bulk_create(rows, batch_size=1000)
            PersonKey.objects.bulk_create(keys, batch_size=5000)
            done += len(rows)
    return done


def stale_person_ids(limit: int = 5000) -> list[int]:
    """People whose features are missing, older than the record, or of an older version."""
    from django.db.models import F, Q

    qs = (
        Person.objects.exclude(record_status=RecordStatus.MERGED)
        .exclude(registering_organization__is_exercise=True)
        .filter(
            Q(match_features__isnull=True)
            | Q(updated_at__gt=F("match_features__source_updated_at"))
            | Q(match_features__version__lt=FEATURES_VERSION)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return list(qs[:limit])


def refresh_stale(*, batch_size: int = 5000, limit: int | None = None) -> int:
    """Refresh every stale person, in batches (used by the task and by `amparo dedupe`)."""
    total = 0
    while True:
        ids = stale_person_ids(batch_size)
        if not ids:
            return total
        total += refresh_keys(ids)
        if limit is not None and total >= limit:
            return total


# --- Review pairs ------------------------------------------------------------------------------


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def record_pairs(pairs: Iterable[tuple[int, int, PairScore]], *, found_by: str) -> tuple[int, int]:
    """Write pairs for review (new ones created, pending ones re-scored; decided pairs are left
    alone). Returns (created, updated)."""
    by_key = {}
    for a, b, s in pairs:
        if a == b:
            continue
        by_key[_ordered(a, b)] = s
    created = updated = 0
    keys = list(by_key)
    for start in range(0, len(keys), 2000):
        chunk = keys[start : start + 2000]
        a_ids = {a for a, _ in chunk}
        existing = {
            (p.person_a_id, p.person_b_id): p
            for p in MatchPair.objects.filter(person_a_id__in=a_ids, person_b_id__in={b for _, b in chunk})
        }
        new, changed = [], []
        for key in chunk:
            s = by_key[key]
            band = PairBand.AUTOMATIC if s.probability >= automatic_threshold() else PairBand.REVIEW
            reasons = [[code, params, round(w, 2)] for code, params, w in s.reasons]
            pair = existing.get(key)
            if pair is None:
                new.append(
                    MatchPair(
                        person_a_id=key[0],
                        person_b_id=key[1],
                        probability=s.probability,
                        match_weight=s.weight,
                        band=band,
                        reasons=reasons,
                        found_by=found_by,
                    )
                )
            elif pair.status == PairStatus.PENDING:
                pair.probability, pair.match_weight, pair.band, pair.reasons = s.probability, s.weight, band, reasons
                changed.append(pair)
        MatchPair.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        MatchPair.objects.bulk_update(changed, ["probability", "match_weight", "band", "reasons"], batch_size=1000)
        created += len(new)
        updated += len(changed)
    return created, updated


def _check_pair_access(principal, pair: MatchPair) -> None:
    visible = policy.visible(principal, Person).filter(pk__in=[pair.person_a_id, pair.person_b_id]).count()
    if visible != 2:
        raise PermissionDenied(_("You may not see both records of this pair."))


@transaction.atomic
def mark_distinct(*, actor, pair: MatchPair, request=None) -> MatchPair:
    """A reviewer says the two records are different people: the pair leaves the queue for good."""
    principal = policy.principal_for(actor)
    _check_pair_access(principal, pair)
    if pair.status != PairStatus.PENDING:
        raise ValidationError(_("This pair was already decided."))
    pair.status = PairStatus.DISTINCT
    pair.decided_at = timezone.now()
    pair.decided_by = principal.user
    pair.decided_by_label = principal.label
    pair.save(update_fields=["status", "decided_at", "decided_by", "decided_by_label", "updated_at"])
    audit.record(
        principal,
        AuditAction.UPDATE,
        pair,
        request=request,
        summary=f"not the same person: {pair.person_a_id} / {pair.person_b_id}",
        person_a=pair.person_a_id,
        person_b=pair.person_b_id,
    )
    return pair


# --- Merge and unmerge -------------------------------------------------------------------------


def _hooks(name: str) -> list:
    """(label, bound hook) of every app defining `name`, the registry's built-in moves first."""
    found = []
    registry_config = apps.get_app_config("registry")
    if not callable(getattr(registry_config, name, None)):
        found.append(("registry", getattr(registry_moves, name)))
    for config in apps.get_app_configs():
        hook = getattr(config, name, None)
        if callable(hook):
            found.append((config.label, hook))
    return found


@transaction.atomic
def merge_people(*, actor, survivor: Person, merged: Person, pair: MatchPair | None = None, request=None) -> Merge:
    """Merge `merged` into `survivor`: every app's rows follow the survivor, the merged record is
    kept (record_status `merged`, `merged_into` the survivor), and the whole merge can be undone."""
    principal = policy.principal_for(actor)
    if survivor.pk == merged.pk:
        raise ValidationError(_("A record cannot be merged with itself."))
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])}
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    if not (can_change(principal, survivor) and can_change(principal, merged)):
        raise PermissionDenied(_("Only the organization that registered both records may merge them."))
    if RecordStatus.MERGED in (survivor.record_status, merged.record_status):
        raise ValidationError(_("One of these records is already merged into another."))
    moved = {}
    for label, hook in _hooks("merge_person"):
        moved[label] = hook(survivor=survivor, merged=merged, actor=principal) or {}
    previous_status = merged.record_status
    merged.record_status = RecordStatus.MERGED
    merged.merged_into = survivor
    merged.save(update_fields=["record_status", "merged_into", "updated_at"])
    if pair is None:
        a, b = _ordered(survivor.pk, merged.pk)
        pair = MatchPair.objects.filter(person_a_id=a, person_b_id=b).first()
    if pair is not None:
        pair.status = PairStatus.MERGED
        pair.decided_at = timezone.now()
        pair.decided_by = principal.user
        pair.decided_by_label = principal.label
        pair.save(update_fields=["status", "decided_at", "decided_by", "decided_by_label", "updated_at"])
    merge = Merge.objects.create(
        survivor=survivor,
        merged=merged,
        pair=pair,
        moved=moved,
        previous_status=previous_status,
        merged_by=principal.user,
        merged_by_label=principal.label,
    )
    counts = {label: _count(value) for label, value in moved.items()}
    audit.record(
        principal,
        AuditAction.MERGE,
        survivor,
        request=request,
        summary=f"{merged.full_name} (#{merged.pk}) merged into {survivor.full_name} (#{survivor.pk})",
        merge=merge.pk,
        merged=merged.pk,
        moved=counts,
    )
    audit.record(
        principal,
        AuditAction.MERGE,
        merged,
        request=request,
        summary=f"merged into #{survivor.pk}",
        merge=merge.pk,
        survivor=survivor.pk,
    )
    refresh_keys([survivor.pk, merged.pk])
    return merge


def _count(value) -> int:
    if isinstance(value, dict):
        return sum(_count(v) for v in value.values())
    if isinstance(value, list):
        return len(value)
    return 0


@transaction.atomic
def unmerge(*, actor, merge: Merge, request=None) -> Merge:
    """Undo a merge: every app gives back what it moved, the merged record is active again."""
    principal = policy.principal_for(actor)
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ValidationError(_("This merge was already undone."))
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[merge.survivor_id, merge.merged_id])}
    survivor, merged = locked[merge.survivor_id], locked[merge.merged_id]
    if not (can_change(principal, survivor) and can_change(principal, merged)):
        raise PermissionDenied(_("Only the organization that registered both records may undo this merge."))
    for label, hook in reversed(_hooks("unmerge_person")):
        if label in merge.moved:
            hook(survivor=survivor, merged=merged, moved=merge.moved[label], actor=principal)
    merged.refresh_from_db()
    merged.record_status = merge.previous_status
    merged.merged_into = None
    merged.save(update_fields=["record_status", "merged_into", "updated_at"])
    merge.undone_at = timezone.now()
    merge.undone_by_label = principal.label
    merge.save(update_fields=["undone_at", "undone_by_label"])
    if merge.pair_id:
        MatchPair.objects.filter(pk=merge.pair_id).update(
            status=PairStatus.PENDING, decided_at=None, decided_by=None, decided_by_label=""
        )
    for obj in (survivor, merged):
        audit.record(
            principal,
            AuditAction.UNMERGE,
            obj,
            request=request,
            summary=f"merge of #{merged.pk} into #{survivor.pk} undone",
            merge=merge.pk,
        )
    refresh_keys([survivor.pk, merged.pk])
    return merge
