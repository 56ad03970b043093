"""The registry's retention rules (see amparo/core/retention.py): consents lapse per purpose,
earlier positions go, and a person's record goes with everything about them once nothing holds
it; the record leaves only its audit tombstone.

What holds a person is asked of every app (`AppConfig.retention_holds(now) -> Q on Person`: a
crisis in course, an open or recently closed case); what goes with them is deleted by every app
(`AppConfig.purge_person(person_ids)`), before the registry deletes the records themselves."""

from __future__ import annotations

import logging

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, ProtectedError, Q, RestrictedError, Subquery
from django.utils.translation import gettext_lazy as _

from amparo.accounts import audit
from amparo.accounts.codes import AuditAction, ConsentPurpose, RecordStatus
from amparo.core import retention
from amparo.registry.models import Consent, LocationHistory, Person

CHUNK = 500
log = logging.getLogger(__name__)


def _lapse_rule(purpose: str) -> retention.Rule:
    def candidates(cutoff):
        return Consent.objects.filter(purpose=purpose, given=True, withdrawn_at__isnull=True, recorded_at__lt=cutoff)

    def apply(due, now, principal):
        ids = list(due.values_list("pk", flat=True))
        Consent.objects.filter(pk__in=ids).update(withdrawn_at=now, withdrawn_by_label="retention")
        if ids:
            audit.record_many(
                principal, AuditAction.UPDATE, Consent, ids, summary=f"retention: {purpose} consents lapsed"
            )
        return len(ids)

    return retention.Rule(
        name=f"consent.{purpose}",
        description=_("consents to “%(purpose)s” recorded longer ago than their period lapse") % {"purpose": purpose},
        candidates=candidates,
        apply=apply,
    )


def holds_q(now) -> Q:
    """People something still needs: every app's hold, and their own consent to be kept."""
    q = Q(pk__in=Consent.objects.active(ConsentPurpose.RETENTION_AFTER_CASE).values("person_id"))
    for config in apps.get_app_configs():
        hold = getattr(config, "retention_holds", None)
        if callable(hold):
            q |= hold(now)
    return q


def _people(cutoff):
    from django.utils import timezone

    now = timezone.now()
    return (
        Person.objects.filter(updated_at__lt=cutoff)
        .exclude(record_status=RecordStatus.MERGED)  # a merged record goes with the one it was merged into
        .exclude(location_observed_at__gte=cutoff)
        .exclude(holds_q(now))
    )


def purge_people(person_ids: list[int], *, principal, rule: str, now) -> int:
    """Delete people with everything about them, in every app; one tombstone each. A person some
    app still references without a purge hook (a protected row) is kept and logged, never half
    deleted: each person goes in a savepoint of their own."""
    purged = 0
    for start in range(0, len(person_ids), CHUNK):
        ids = person_ids[start : start + CHUNK]
        merged = dict(Person.objects.filter(merged_into__in=ids).values_list("pk", "merged_into_id"))
        last_changed = dict(Person.objects.filter(pk__in=ids + list(merged)).values_list("pk", "updated_at"))
        gone = []
        for pk in ids:
            group = [m for m, survivor in merged.items() if survivor == pk] + [pk]
            try:
                with transaction.atomic():
                    for config in apps.get_app_configs():
                        hook = getattr(config, "purge_person", None)
                        if callable(hook):
                            hook(group)
                    for member in group:  # the merged records first: they point to the survivor
                        Person.objects.filter(pk=member).delete()
            except (ProtectedError, RestrictedError) as exc:
                log.warning("retention kept person %s: %s", pk, exc)
                continue
            gone.extend(group)
        for pk in gone:
            audit.record(
                principal,
                AuditAction.DELETE,
                object_type="registry.person",
                object_id=pk,
                summary=f"purged by retention ({rule})",
                rule=rule,
                last_changed=last_changed[pk].isoformat() if last_changed.get(pk) else "",
                tombstone=True,
            )
        purged += len(gone)
    return purged


def _apply_people(due, now, principal):
    return purge_people(list(due.values_list("pk", flat=True)), principal=principal, rule="person", now=now)


def _location_history(cutoff):
    newest = LocationHistory.objects.filter(person=OuterRef("person")).order_by("-observed_at", "-pk").values("pk")[:1]
    return LocationHistory.objects.filter(observed_at__lt=cutoff).exclude(pk=Subquery(newest))


def _apply_location_history(due, now, principal):
    ids = list(due.values_list("pk", flat=True))
    LocationHistory.objects.filter(pk__in=ids).delete()
    if ids:
        audit.record_many(principal, AuditAction.DELETE, LocationHistory, ids, summary="retention: earlier positions")
    return len(ids)


def register() -> None:
    for purpose in ConsentPurpose.values:
        if f"consent.{purpose}" in settings.RETENTION_DAYS:
            retention.register(_lapse_rule(purpose))
    retention.register(
        retention.Rule(
            name="person",
            description=_("people whose record has not changed for the period, and that nothing holds"),
            candidates=_people,
            apply=_apply_people,
        )
    )
    retention.register(
        retention.Rule(
            name="location_history",
            description=_("earlier positions (each person's latest is kept)"),
            candidates=_location_history,
            apply=_apply_location_history,
        )
    )
