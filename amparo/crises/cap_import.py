"""Turning CAP alerts into crises (a service: every write here is audited, in one transaction).

- `Alert` (Actual) opens a crisis; `Exercise` opens a drill (`is_exercise`), never a real crisis;
  `Test`, `System`, `Draft`, `Ack` and `Error` messages are ignored (Test alerts are technical
  tests every recipient disregards).
- `Update` applies to the crisis of the alert it references (sender,identifier,sent): its CAP
  areas are replaced and the affected set recomputed, so the id stays the same. An Update whose
  referenced alerts are all unknown opens a crisis (the original was missed).
- `Cancel` closes the referenced crisis (phase `closed`); a Cancel of an unknown alert is rejected.
- A reference counts only when it names the message's own sender (CAP 1.2 §3.2.1: a sender
  updates or cancels its own alerts) and an alert of the same kind: an Exercise Update or Cancel
  never touches an Actual crisis, nor an Actual one a drill. Test messages are ignored altogether.
- The same message received twice (same sender, identifier and sent) changes nothing.
- Each message is applied in its own transaction: a refused one (an invalid area, a value the
  database would not take) changes nothing and the next one is still applied.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import DatabaseError, transaction
from django.utils.dateparse import parse_datetime

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.crises import cap, geo
from amparo.crises.codes import AreaKind, AreaSource, CrisisKind, Phase, Severity
from amparo.crises.models import CapAlert, Crisis
from amparo.crises.services import AreaSpec, create_crisis, set_areas


@dataclass
class CapOutcome:
    key: tuple[str, str, str]
    action: str  # created | updated | cancelled | duplicate | ignored | exercise
    crisis: Crisis | None = None
    affected: int = 0
    message: str = ""


KIND_WORDS = [
    (CrisisKind.EARTHQUAKE, ("earthquake", "sismo", "terremoto", "seism", "quake", "séisme", "tremblement")),
    (CrisisKind.TROPICAL_CYCLONE, ("hurricane", "huracán", "huracan", "tropical", "cyclone", "ciclón", "typhoon")),
    (CrisisKind.FLOOD, ("flood", "inundación", "inundacion", "crecida", "tsunami")),
    (CrisisKind.LANDSLIDE, ("landslide", "deslave", "deslizamiento", "mudslide", "alud")),
    (CrisisKind.VOLCANIC_ERUPTION, ("volcan", "volcán", "eruption", "erupción", "ash", "ceniza")),
    (CrisisKind.WILDFIRE, ("fire", "incendio")),
    (CrisisKind.EPIDEMIC, ("epidemic", "epidemia", "outbreak", "brote", "pandemic")),
]
CATEGORY_KINDS = {
    "Geo": CrisisKind.EARTHQUAKE,
    "Fire": CrisisKind.WILDFIRE,
    "Health": CrisisKind.EPIDEMIC,
    "Security": CrisisKind.CONFLICT_VIOLENCE,
}


def crisis_kind(message: cap.CapMessage) -> str:
    words = " ".join(f"{i.event} {i.headline}" for i in message.infos).lower()
    for kind, keys in KIND_WORDS:
        if any(k in words for k in keys):
            return kind
    for info in message.infos:
        for category in info.categories:
            if category in CATEGORY_KINDS:
                return CATEGORY_KINDS[category]
    return CrisisKind.OTHER


def area_specs(message: cap.CapMessage) -> list[AreaSpec]:
    """Every polygon, circle and mappable geocode of every info block, without repeats (the
    blocks of a multilingual alert usually repeat the same areas)."""
    specs, seen = [], set()
    for info in message.infos:
        for area in info.areas:
            label = area.description[:200]
            for ring in area.polygons:
                key = ("p", tuple(map(tuple, ring)))
                if key not in seen:
                    seen.add(key)
                    specs.append(
                        AreaSpec(
                            kind=AreaKind.POLYGON,
                            label=label,
                            source=AreaSource.CAP,
                            geometry={"type": "Polygon", "coordinates": [ring]},
                        )
                    )
            for lat, lon, radius in area.circles:
                key = ("c", lat, lon, radius)
                if key not in seen:
                    seen.add(key)
                    specs.append(
                        AreaSpec(
                            kind=AreaKind.CIRCLE,
                            label=label,
                            source=AreaSource.CAP,
                            center_latitude=lat,
                            center_longitude=lon,
                            radius_km=radius,
                        )
                    )
            codes = [c for c in area.subdivisions if ("a", c) not in seen]
            if codes:
                seen.update(("a", c) for c in codes)
                specs.append(
                    AreaSpec(kind=AreaKind.ADMINISTRATIVE, label=label, source=AreaSource.CAP, subdivisions=codes)
                )
    return specs


def _severity(message: cap.CapMessage) -> str:
    info = message.info_for()
    value = (info.severity if info else "").lower()
    return value if value in Severity.values else Severity.UNKNOWN


log = logging.getLogger(__name__)


def _sent_at(message: cap.CapMessage) -> datetime | None:
    if message.sent_at is not None:
        return message.sent_at
    try:
        return parse_datetime(message.sent)
    except ValueError:
        return None


def _countries(specs: list[AreaSpec]) -> list[str]:
    return sorted({code.split("-")[0] for s in specs for code in s.subdivisions})


def _describe(message: cap.CapMessage) -> tuple[str, str]:
    info = message.info_for()
    if info is None:
        return f"CAP {message.identifier}", ""
    name = info.headline or info.event or f"CAP {message.identifier}"
    parts = [info.description, info.instruction]
    areas = "; ".join(a.description for a in info.areas if a.description)
    if areas:
        parts.append(areas)
    return name, "\n\n".join(p for p in parts if p)


def import_message(*, actor, message: cap.CapMessage, source_url: str = "") -> CapOutcome:
    """Apply one CAP message (its own savepoint: a rejected message changes nothing)."""
    principal = policy.principal_for(actor)
    with transaction.atomic():
        existing = CapAlert.objects.filter(
            sender=message.sender, identifier=message.identifier, sent=message.sent
        ).first()
        if existing is not None:
            affected = existing.crisis.welfare.affected().count() if existing.crisis else 0
            return CapOutcome(message.key, "duplicate", existing.crisis, affected, "already imported")
        if message.status in ("Test", "System", "Draft") or message.msg_type in ("Ack", "Error"):
            return CapOutcome(message.key, "ignored", message=f"{message.status} {message.msg_type}: not acted upon")
        specs = area_specs(message)
        name, description = _describe(message)
        referenced, passed_over = _referenced_crisis(message)
        exercise = message.status == "Exercise"
        if message.msg_type == "Cancel":
            if referenced is None:
                why = f"; {'; '.join(passed_over)}" if passed_over else ""
                raise cap.InvalidCapAlert(
                    f"alert {message.identifier}: Cancel references no known alert ({_refs(message)}){why}"
                )
            referenced.phase = Phase.CLOSED
            referenced.ended_at = max(filter(None, (_sent_at(message), referenced.started_at)))
            referenced.save(update_fields=["phase", "ended_at", "updated_at"])
            crisis, action = referenced, "cancelled"
            affected = crisis.welfare.affected().count()
        elif message.msg_type == "Update" and referenced is not None:
            crisis, action = referenced, "updated"
            crisis.name, crisis.severity = name[:200], _severity(message)
            if description:
                crisis.description = description
            crisis.save(update_fields=["name", "severity", "description", "updated_at"])
            keep = [_spec_of(a) for a in crisis.areas.exclude(source=AreaSource.CAP)]
            affected = set_areas(actor=principal, crisis=crisis, areas=keep + specs).total
        else:
            crisis = create_crisis(
                actor=principal,
                name=name,
                kind=crisis_kind(message),
                severity=_severity(message),
                phase=Phase.RESPONSE,
                started_at=_sent_at(message),
                countries=_countries(specs),
                description=description,
                is_exercise=exercise,
                areas=specs,
            )
            action = "exercise" if exercise else "created"
            affected = crisis.welfare.affected().count()
        CapAlert.objects.create(
            sender=message.sender,
            identifier=message.identifier,
            sent=message.sent,
            status=message.status,
            msg_type=message.msg_type,
            references=" ".join(",".join(r) for r in message.references),
            headline=name[:300],
            crisis=crisis,
            source_url=source_url[:500],
            xml=message.xml,
        )
        audit.record(
            principal,
            AuditAction.IMPORT,
            crisis,
            summary=f"CAP {message.msg_type} {message.identifier}"[:300],
            cap=list(message.key),
            outcome=action,
            source_url=source_url[:300],
        )
        return CapOutcome(message.key, action, crisis, affected, "; ".join(passed_over))


def _refs(message: cap.CapMessage) -> str:
    return " ".join(",".join(r) for r in message.references) or "no <references>"


def _referenced_crisis(message: cap.CapMessage) -> tuple[Crisis | None, list[str]]:
    """The crisis of the latest referenced alert that may be acted upon, and the references passed
    over with why: another sender's alert (CAP 1.2 §3.2.1), or a crisis of the other kind (an
    Exercise never reaches an Actual crisis, nor an Actual message a drill)."""
    exercise = message.status == "Exercise"
    passed_over = []
    for sender, identifier, sent in reversed(message.references):
        reference = f"{sender},{identifier},{sent}"
        if sender != message.sender:
            passed_over.append(f"reference {reference} ignored: another sender's alert")
            continue
        alert = (
            CapAlert.objects.filter(sender=sender, identifier=identifier, sent=sent, crisis__isnull=False)
            .select_related("crisis")
            .first()
        )
        if alert is None:
            continue
        if alert.crisis.is_exercise != exercise:
            passed_over.append(
                f"reference {reference} ignored: an {message.status} message never changes "
                + ("a drill" if alert.crisis.is_exercise else "a real crisis")
            )
            continue
        return alert.crisis, passed_over
    return None, passed_over


def _spec_of(area) -> AreaSpec:
    return AreaSpec(
        kind=area.kind,
        label=area.label,
        source=area.source,
        geometry=area.geometry,
        center_latitude=area.center_latitude,
        center_longitude=area.center_longitude,
        radius_km=area.radius_km,
        subdivisions=list(area.subdivisions),
    )


def import_alerts(
    *, actor, messages: list[cap.CapMessage], source_url: str = "", rejected: list[str] = ()
) -> list[CapOutcome]:
    """Apply several messages in order (a feed), each in its own transaction; one rejected message
    does not stop the others: it comes back as an outcome with action `rejected`, as do the
    entries the reader could not read (`rejected`, from `cap.CapBatch`)."""
    outcomes = [CapOutcome(("", "", ""), "rejected", message=why) for why in rejected]
    for message in messages:
        try:
            outcomes.append(import_message(actor=actor, message=message, source_url=source_url))
        except (cap.InvalidCapAlert, geo.InvalidArea) as exc:
            outcomes.append(CapOutcome(message.key, "rejected", message=str(exc)))
        except DatabaseError as exc:  # a value the database refused: this message only
            log.warning("CAP alert %s refused by the database: %s", ",".join(message.key)[:300], exc)
            outcomes.append(
                CapOutcome(message.key, "rejected", message=f"alert {message.identifier[:80]}: refused by the database")
            )
    return outcomes


def import_batch(*, actor, batch: cap.CapBatch, source_url: str = "") -> list[CapOutcome]:
    """`import_alerts` for what `cap.load_bytes` / `cap.load_url` read."""
    return import_alerts(actor=actor, messages=batch.alerts, source_url=source_url, rejected=batch.rejected)
