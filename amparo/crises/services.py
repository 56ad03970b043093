"""Every write of the crises app: one function per use case, keyword-only, one transaction, audited.

The welfare interface other apps use (messaging's replies, check-in links and delivery receipts):
- `update_welfare(*, actor, crisis, person, status, source, needs=(), note="", people_with=None, at=None)`
- `mark_contacted(*, crisis, person, at=None, source="staff") -> bool`
- `mark_contacted_many(*, crisis, person_ids, at=None, source="staff") -> int`
See docs/crises.md for the rules they apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.accounts.models import Organization
from amparo.core import places
from amparo.core.gazetteer import REGION
from amparo.crises import geo
from amparo.crises.access import (
    can_change_crisis,
    can_manage_crises,
    can_set_alert_level,
    can_write_welfare,
    manager_organizations,
)
from amparo.crises.codes import (
    ACCOUNTED_FOR,
    AUTOMATIC_SOURCES,
    PERSON_ANSWER_SOURCES,
    STAFF_SOURCES,
    AreaKind,
    AreaSource,
    CrisisKind,
    Need,
    Phase,
    Severity,
    WelfareCode,
    WelfareSource,
)
from amparo.crises.models import AffectedArea, ConsularAlertLevel, Crisis, WelfareHistory, WelfareStatus
from amparo.registry.models import Person


class WelfareUpdateRefused(Exception):  # noqa: N818 (a domain refusal, not a bug)
    """The update breaks a welfare rule (e.g. a reply about a person recorded as deceased): route
    it to a person (the staff inbox) instead."""

    def __init__(self, message: str, *, welfare: WelfareStatus | None = None):
        super().__init__(message)
        self.welfare = welfare


class InvalidWelfareUpdate(ValueError):
    """An unknown status, need or source code."""


# --- Crises and their areas ---------------------------------------------------------------------


@dataclass
class AreaSpec:
    """One affected area as forms, GeoJSON uploads and CAP alerts describe it."""

    kind: str
    label: str = ""
    source: str = AreaSource.FORM
    geometry: dict | None = None
    center_latitude: float | None = None
    center_longitude: float | None = None
    radius_km: float | None = None
    subdivisions: list[str] = field(default_factory=list)

    def validate(self) -> None:
        if self.kind == AreaKind.POLYGON:
            geo.polygon_from_geojson(self.geometry)
        elif self.kind == AreaKind.CIRCLE:
            lat, lon, r = self.center_latitude, self.center_longitude, self.radius_km
            if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise geo.InvalidArea(_("A circle needs a centre with latitude -90…90 and longitude -180…180."))
            if r is None or not (0 <= r <= 5000):
                raise geo.InvalidArea(_("A circle needs a radius between 0 and 5,000 km."))
        elif self.kind == AreaKind.ADMINISTRATIVE:
            codes = [c.strip().upper() for c in self.subdivisions if c and c.strip()]
            bad = [c for c in codes if not _looks_like_subdivision(c)]
            if not codes or bad:
                message = _("Subdivision codes must be ISO 3166-2, like MX-GRO: %(bad)s") % {
                    "bad": ", ".join(bad) or "—"
                }
                meant = [s for c in bad for s in places.subdivision_suggestions(c, countries=REGION)]
                if meant:
                    message += " " + _("Did you mean %(suggestions)s?") % {
                        "suggestions": ", ".join(f"{c} ({name})" for c, name in meant)
                    }
                raise geo.InvalidArea(message)
            unknown = [c for c in codes if not places.is_subdivision_code(c)]
            if unknown:
                raise geo.InvalidArea(" ".join(_unknown_subdivision(c) for c in unknown))
            self.subdivisions = codes
        else:
            raise geo.InvalidArea(_("Unknown area kind: %(kind)s") % {"kind": self.kind})


def _unknown_subdivision(code: str) -> str:
    """Why `code` is refused, with the codes the person probably meant (ISO 3166-2, by name)."""
    suggestions = places.subdivision_suggestions(code)
    if suggestions:
        return _("%(code)s is not a subdivision code; did you mean %(suggestions)s?") % {
            "code": code,
            "suggestions": ", ".join(f"{c} ({name})" for c, name in suggestions),
        }
    country = code.partition("-")[0]
    if not places.is_country_code(country):
        return _("%(code)s is not a subdivision code: %(country)s is not a country code.") % {
            "code": code,
            "country": country,
        }
    return _("%(code)s is not a subdivision code; the codes of %(country)s read like %(examples)s.") % {
        "code": code,
        "country": country,
        "examples": ", ".join(f"{c} ({name})" for c, name in places.subdivision_examples(country)),
    }


def _looks_like_subdivision(code: str) -> bool:
    country, _sep, rest = code.partition("-")
    return len(country) == 2 and country.isalpha() and 1 <= len(rest) <= 3 and rest.isalnum()


@dataclass
class AffectedResult:
    total: int
    added: int
    flagged_outside: int
    back_inside: int


@transaction.atomic
def create_crisis(
    *,
    actor,
    name: str,
    kind: str,
    severity: str = Severity.UNKNOWN,
    phase: str = Phase.RESPONSE,
    started_at: datetime | None = None,
    countries: Sequence[str] = (),
    description: str = "",
    is_exercise: bool = False,
    areas: Sequence[AreaSpec] = (),
    organization: Organization | None = None,
    request=None,
) -> Crisis:
    """Open a crisis with its areas and compute who is affected."""
    principal = policy.principal_for(actor)
    if not can_manage_crises(principal):
        raise PermissionDenied(_("You may not open crises."))
    if kind not in CrisisKind.values or severity not in Severity.values or phase not in Phase.values:
        raise ValueError(f"unknown crisis kind, severity or phase: {kind}, {severity}, {phase}")
    for spec in areas:
        spec.validate()
    if organization is None and not principal.is_system:
        # The user's only crisis-managing organization; with several (and none named: a CAP
        # alert an authority sent) the crisis is filed under none rather than a guessed one.
        organizations = manager_organizations(principal)
        organization = organizations[0] if len(organizations) == 1 else None
    crisis = Crisis.objects.create(
        name=name[:200],
        kind=kind,
        severity=severity,
        phase=phase,
        started_at=started_at or timezone.now(),
        countries=sorted({c.upper() for c in countries if c}),
        description=description,
        is_exercise=is_exercise,
        organization=organization,
        created_by=principal.user,
    )
    _add_areas(crisis, areas)
    result = recompute_affected(crisis=crisis)
    audit.record(
        principal,
        AuditAction.CREATE,
        crisis,
        request=request,
        summary=crisis.name,
        areas=len(areas),
        affected=result.total,
    )
    return crisis


CRISIS_FIELDS = ("name", "kind", "severity", "phase", "started_at", "ended_at", "countries", "description")


@transaction.atomic
def update_crisis(*, actor, crisis: Crisis, request=None, **changes) -> Crisis:
    """Change a crisis's facts (name, kind, severity, phase, dates, countries, description)."""
    principal = policy.principal_for(actor)
    if not can_change_crisis(principal, crisis):
        raise policy.Refused(crisis, _("Only the organization that opened this crisis changes it."))
    unknown = set(changes) - set(CRISIS_FIELDS)
    if unknown:
        raise TypeError(f"not a crisis field: {', '.join(sorted(unknown))}")
    before = {name: _jsonable(getattr(crisis, name)) for name in changes}
    for name, value in changes.items():
        setattr(crisis, name, value)
    crisis.full_clean(exclude=["organization", "created_by"])
    crisis.save()
    after = {name: _jsonable(getattr(crisis, name)) for name in changes}
    audit.record(
        principal, AuditAction.UPDATE, crisis, request=request, summary=crisis.name, before=before, after=after
    )
    return crisis


def _jsonable(value):
    return value.isoformat() if isinstance(value, datetime) else value


@transaction.atomic
def set_areas(
    *, actor, crisis: Crisis, areas: Sequence[AreaSpec], replace: bool = True, request=None
) -> AffectedResult:
    """Replace (or add to) a crisis's areas and recompute the affected set: newcomers are added,
    people now outside are flagged, never dropped."""
    principal = policy.principal_for(actor)
    if not can_change_crisis(principal, crisis):
        raise policy.Refused(crisis, _("Only the organization that opened this crisis changes it."))
    for spec in areas:
        spec.validate()
    if replace:
        crisis.areas.all().delete()
    _add_areas(crisis, areas)
    result = recompute_affected(crisis=crisis)
    audit.record(
        principal,
        AuditAction.UPDATE,
        crisis,
        request=request,
        summary=_("affected areas changed"),
        areas=len(areas),
        replace=replace,
        affected=result.total,
        added=result.added,
        flagged_outside=result.flagged_outside,
    )
    return result


def _add_areas(crisis: Crisis, areas: Iterable[AreaSpec]) -> None:
    AffectedArea.objects.bulk_create(
        [
            AffectedArea(
                crisis=crisis,
                kind=spec.kind,
                label=spec.label[:200],
                source=spec.source,
                geometry=spec.geometry if spec.kind == AreaKind.POLYGON else None,
                center_latitude=spec.center_latitude if spec.kind == AreaKind.CIRCLE else None,
                center_longitude=spec.center_longitude if spec.kind == AreaKind.CIRCLE else None,
                radius_km=spec.radius_km if spec.kind == AreaKind.CIRCLE else None,
                subdivisions=spec.subdivisions if spec.kind == AreaKind.ADMINISTRATIVE else [],
            )
            for spec in areas
        ]
    )


def _chunks(values, size: int):
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]


@transaction.atomic
def recompute_affected(*, crisis: Crisis, at: datetime | None = None) -> AffectedResult:
    """Bring the affected set in line with the crisis's areas, in bulk (no per-person loop in
    Python beyond building rows): one WelfareStatus per newcomer; `in_area=False` for people now
    outside (their welfare and history stay); people back inside are unflagged."""
    now = at or timezone.now()
    inside = geo.affected_ids(list(crisis.areas.all()), geo.population_of(crisis))
    rows = np.array(
        list(WelfareStatus.objects.filter(crisis=crisis).values_list("person_id", "in_area")), dtype=np.int64
    ).reshape(-1, 2)
    known, known_in = rows[:, 0], rows[:, 1].astype(bool)
    newcomers = np.setdiff1d(inside, known, assume_unique=True)
    now_out = np.setdiff1d(known[known_in], inside, assume_unique=True)
    back_in = np.intersect1d(known[~known_in], inside, assume_unique=True)
    if connection.vendor == "postgresql":
        _pg_write_affected(crisis, now, newcomers, now_out, back_in)
    else:
        for chunk in _chunks(newcomers.tolist(), 20000):
            WelfareStatus.objects.bulk_create(
                [WelfareStatus(crisis=crisis, person_id=pid, added_at=now, in_area=True) for pid in chunk],
                batch_size=500,
                ignore_conflicts=True,
            )
        for chunk in _chunks(now_out.tolist(), 500):
            WelfareStatus.objects.filter(crisis=crisis, person_id__in=chunk).update(in_area=False, left_area_at=now)
        for chunk in _chunks(back_in.tolist(), 500):
            WelfareStatus.objects.filter(crisis=crisis, person_id__in=chunk).update(in_area=True, left_area_at=None)
    Crisis.objects.filter(pk=crisis.pk).update(affected_computed_at=now)
    crisis.affected_computed_at = now
    return AffectedResult(
        total=int(len(inside)),
        added=int(len(newcomers)),
        flagged_outside=int(len(now_out)),
        back_inside=int(len(back_in)),
    )


def _pg_write_affected(crisis: Crisis, now: datetime, newcomers, now_out, back_in) -> None:
    """PostgreSQL: one INSERT … SELECT FROM unnest(ids) for the newcomers and one UPDATE per flag
    change, so 100,000 newcomers cost one statement, not 100,000 Python objects."""
    table = connection.ops.quote_name(WelfareStatus._meta.db_table)
    with connection.cursor() as cursor:
        if len(newcomers):
            cursor.execute(
                f"INSERT INTO {table} (crisis_id, person_id, status, needs, note, source, updated_by_label, "  # noqa: S608
                "in_area, added_at) SELECT %s, pid, 'unknown', '[]'::jsonb, '', '', '', true, %s "
                "FROM unnest(%s::bigint[]) AS pid ON CONFLICT (crisis_id, person_id) DO NOTHING",
                [crisis.pk, now, newcomers.tolist()],
            )
        if len(now_out):
            cursor.execute(
                f"UPDATE {table} SET in_area = false, left_area_at = %s WHERE crisis_id = %s AND person_id = ANY(%s::bigint[])",  # noqa: S608
                [now, crisis.pk, now_out.tolist()],
            )
        if len(back_in):
            cursor.execute(
                f"UPDATE {table} SET in_area = true, left_area_at = NULL WHERE crisis_id = %s AND person_id = ANY(%s::bigint[])",  # noqa: S608
                [crisis.pk, back_in.tolist()],
            )


# --- Welfare ------------------------------------------------------------------------------------


def _check_codes(status: str, source: str, needs: Iterable[str]) -> list[str]:
    if status not in WelfareCode.values:
        raise InvalidWelfareUpdate(
            f"unknown welfare status {status!r}; expected one of {', '.join(WelfareCode.values)}"
        )
    if source not in WelfareSource.values:
        raise InvalidWelfareUpdate(
            f"unknown welfare source {source!r}; expected one of {', '.join(WelfareSource.values)}"
        )
    needs = list(dict.fromkeys(needs or ()))
    bad = [n for n in needs if n not in Need.values]
    if bad:
        raise InvalidWelfareUpdate(f"unknown need {', '.join(bad)}; expected some of {', '.join(Need.values)}")
    return needs


def _accounted_delta(before: str, after: str) -> int:
    return int(after in ACCOUNTED_FOR) - int(before in ACCOUNTED_FOR)


def update_welfare(
    *,
    actor,
    crisis: Crisis,
    person: Person,
    status: str,
    source: str,
    needs: Sequence[str] = (),
    note: str = "",
    people_with: int | None = None,
    at: datetime | None = None,
    request=None,
    from_answer: bool = False,
) -> WelfareStatus:
    """Record a person's welfare in a crisis, by DOMAIN.md's rules:

    - the sources that say the person answered (reply, check-in link, self report) are only
      accepted with `from_answer=True`, from the flows that received the answer: a staff entry
      can never claim the person spoke (`InvalidWelfareUpdate`);

    - replies and check-in links (`reply`, `checkin_link`) update any status but `deceased`: they
      can neither set it nor change it (`WelfareUpdateRefused`, kept in the history as refused,
      for the staff inbox);
    - nothing automatic erases a staff entry: an automatic update older than the latest entry made
      by staff, a field visit, a partner or an import is kept in the history only; automatic
      updates add needs and never clear a note;
    - every change appends a WelfareHistory row (source, actor label, time) and an audit event.
    """
    principal = policy.principal_for(actor)
    needs = _check_codes(status, source, needs)
    if source in PERSON_ANSWER_SOURCES and not from_answer:
        raise InvalidWelfareUpdate(
            f"source {source!r} says the person answered; staff record one of {', '.join(STAFF_SOURCES)}"
        )
    with transaction.atomic():
        welfare, refusal = _apply_welfare(
            principal, crisis, person, status, source, needs, note, people_with, at, request
        )
        transaction.on_commit(lambda: welfare_changed(crisis_id=crisis.pk, person_id=person.pk, status=status))
    if refusal:
        # Raised after the block so the refused entry and its audit event are kept.
        raise WelfareUpdateRefused(refusal, welfare=welfare)
    return welfare


def _apply_welfare(principal, crisis, person, status, source, needs, note, people_with, at, request):
    if not principal.is_system and (
        not can_write_welfare(principal) or not Person.objects.visible_to(principal).filter(pk=person.pk).exists()
    ):
        raise PermissionDenied(_("You may not change this person's welfare."))
    at = at or timezone.now()
    automatic = source in AUTOMATIC_SOURCES
    welfare, _created = WelfareStatus.objects.select_for_update().get_or_create(
        crisis=crisis, person=person, defaults={"in_area": False, "added_at": at}
    )
    before = welfare.status
    history = WelfareHistory(
        welfare=welfare,
        crisis=crisis,
        previous_status=before,
        status=status,
        needs=needs,
        note=note,
        people_with=people_with,
        source=source,
        actor=principal.user,
        actor_label=principal.label[:150],
        at=at,
    )
    if automatic:
        welfare.replied_at = max(filter(None, (welfare.replied_at, at)))
    if automatic and WelfareCode.DECEASED in (before, status):
        history.applied = False
        history.save()
        welfare.save(update_fields=["replied_at"])
        audit.record(
            principal,
            AuditAction.ACCESS_DENIED,
            welfare,
            request=request,
            summary="welfare update refused: deceased",
            crisis=crisis.pk,
            person=person.pk,
            status=status,
            source=source,
        )
        message = _(
            "A %(source)s cannot change the welfare of a person recorded as deceased; staff must review it."
        ) % {"source": WelfareSource(source).label}
        return welfare, message
    if automatic and welfare.staff_entry_at and at < welfare.staff_entry_at:
        history.applied = False  # older than a staff entry: kept, not applied
    else:
        welfare.status = status
        if automatic:
            welfare.needs = list(dict.fromkeys([*welfare.needs, *needs]))
        else:
            welfare.needs = needs
            welfare.staff_entry_at = max(filter(None, (welfare.staff_entry_at, at)))
            if note:
                welfare.note = note
        if people_with is not None:
            welfare.people_with = people_with
        welfare.source = source
        welfare.updated_at = at
        welfare.updated_by_label = principal.label[:150]
        if status != WelfareCode.UNKNOWN and welfare.contacted_at is None:
            welfare.contacted_at = at
        if status in ACCOUNTED_FOR and before not in ACCOUNTED_FOR:
            welfare.accounted_at = at
        elif status not in ACCOUNTED_FOR:
            welfare.accounted_at = None
        history.accounted_delta = _accounted_delta(before, status)
    welfare.save()
    history.save()
    audit.record(
        principal,
        AuditAction.STATUS_CHANGE,
        welfare,
        request=request,
        summary=f"welfare {before} → {status} ({source})"[:300],
        crisis=crisis.pk,
        person=person.pk,
        previous=before,
        status=status,
        source=source,
        applied=history.applied,
    )
    return welfare, ""


def welfare_changed(*, crisis_id: int, person_id: int, status: str) -> None:
    """Tell higher apps (tracing matches the person against open inquiries) that a welfare
    status changed: each AppConfig may define `welfare_changed(*, crisis_id, person_id, status)`."""
    from django.apps import apps

    for config in apps.get_app_configs():
        hook = getattr(config, "welfare_changed", None)
        if callable(hook):
            hook(crisis_id=crisis_id, person_id=person_id, status=status)


DELIVERY_ACTOR = "system:delivery-receipt"


@transaction.atomic
def mark_contacted(*, crisis: Crisis, person: Person, at: datetime | None = None, source: str = "staff") -> bool:
    """A delivery receipt (or a visit attempt): moves `unknown` to `contacted` and nothing else.
    Returns whether the status changed. Sets `contacted_at` the first time in any case."""
    return mark_contacted_many(crisis=crisis, person_ids=[person.pk], at=at, source=source) > 0


@transaction.atomic
def mark_contacted_many(
    *, crisis: Crisis, person_ids: Iterable[int], at: datetime | None = None, source: str = "staff"
) -> int:
    """The bulk form of `mark_contacted` (a batch of receipts): returns how many moved to contacted.
    Claims rows by a conditional update, so concurrent receipts never move a row twice."""
    _check_codes(WelfareCode.CONTACTED, source, ())
    at = at or timezone.now()
    person_ids = list(person_ids)
    changed_ids: list[int] = []
    for chunk in _chunks(person_ids, 500):
        rows = WelfareStatus.objects.filter(crisis=crisis, person_id__in=chunk)
        rows.filter(contacted_at__isnull=True).exclude(status=WelfareCode.UNKNOWN).update(contacted_at=at)
        candidates = list(rows.filter(status=WelfareCode.UNKNOWN).values_list("pk", flat=True))
        if not candidates:
            continue
        WelfareStatus.objects.filter(pk__in=candidates, status=WelfareCode.UNKNOWN).update(
            status=WelfareCode.CONTACTED,
            contacted_at=at,
            source=source,
            updated_at=at,
            updated_by_label=DELIVERY_ACTOR,
        )
        changed_ids.extend(candidates)
    if not changed_ids:
        return 0
    WelfareHistory.objects.bulk_create(
        [
            WelfareHistory(
                welfare_id=pk,
                crisis=crisis,
                previous_status=WelfareCode.UNKNOWN,
                status=WelfareCode.CONTACTED,
                source=source,
                actor_label=DELIVERY_ACTOR,
                at=at,
            )
            for pk in changed_ids
        ],
        batch_size=500,
    )
    if len(changed_ids) == 1:
        audit.record(
            policy.system_principal(DELIVERY_ACTOR),
            AuditAction.STATUS_CHANGE,
            object_type=WelfareStatus._meta.label_lower,
            object_id=changed_ids[0],
            summary=f"welfare unknown → contacted ({source})",
            crisis=crisis.pk,
            source=source,
        )
    else:
        audit.record_many(
            policy.system_principal(DELIVERY_ACTOR),
            AuditAction.STATUS_CHANGE,
            WelfareStatus,
            changed_ids,
            summary=f"welfare unknown → contacted ({source})",
            crisis=crisis.pk,
            source=source,
        )
    return len(changed_ids)


# --- Consular alert level -----------------------------------------------------------------------


@transaction.atomic
def set_alert_level(
    *, actor, crisis: Crisis, organization: Organization, level: int, note: str = "", request=None
) -> ConsularAlertLevel:
    """A consulate sets (or changes) its alert level for a crisis; earlier levels stay as history."""
    principal = policy.principal_for(actor)
    if not organization.is_consulate:
        raise ValueError(_("Only a consulate has a consular alert level."))
    if not can_set_alert_level(principal, organization.pk):
        raise PermissionDenied(_("You may not set this consulate's alert level."))
    if int(level) not in (1, 2, 3, 4):
        raise ValueError(_("The alert level is 1, 2, 3 or 4."))
    entry = ConsularAlertLevel.objects.create(
        crisis=crisis, organization=organization, level=int(level), note=note, set_by_label=principal.label[:150]
    )
    audit.record(
        principal,
        AuditAction.UPDATE,
        crisis,
        request=request,
        organization=organization,
        summary=f"consular alert level {level}",
        level=int(level),
    )
    return entry
