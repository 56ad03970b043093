"""Scenario scripts: a facilitator's readable YAML file, checked line by line.

    name: Sismo M7.8 frente a la costa de Guerrero
    hazard: earthquake          # a crisis kind (crises.codes.CrisisKind)
    country: MX
    severity: extreme
    population:
      size: 2000
      around: {lat: 16.85, lon: -99.88, radius_km: 150}
      nationalities: {GT: 35, HN: 30, SV: 15, HT: 10, VE: 10}
      vulnerable_share: 0.1
      replies: {safe: 55, help: 15, ambiguous: 10, never: 20}
      reply_delay_minutes: [3, 360]
    injects:
      - at: "0:00"               # drill time, hours:minutes
        kind: cap_alert
        title: Alerta sísmica
        area: {circle: {lat: 16.6, lon: -99.4, radius_km: 90}}
      - at: "0:40"
        kind: note
        title: El albergue de Acapulco está lleno

Areas: `circle` {lat, lon, radius_km}, `polygon` [[lon, lat], …] (GeoJSON order), or
`subdivisions` [ISO 3166-2 codes]. Inject kinds: drills.codes.InjectKind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from amparo.crises.codes import CrisisKind, Severity
from amparo.drills.codes import InjectKind, ReplyBehaviour

MAX_BYTES = 100_000
MAX_INJECTS = 500
MAX_PEOPLE = 200_000


class ScenarioError(ValueError):
    """A scenario that cannot run, with where and why."""


@dataclass
class Population:
    size: int
    lat: float
    lon: float
    radius_km: float
    nationalities: dict[str, float]
    vulnerable_share: float
    replies: dict[str, float]
    delay_minutes: tuple[float, float]


@dataclass
class InjectSpec:
    at_seconds: float
    kind: str
    title: str
    payload: dict = field(default_factory=dict)


@dataclass
class Scenario:
    name: str
    hazard: str
    country: str
    severity: str
    population: Population
    injects: list[InjectSpec]


def _number(value, where: str, *, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(f"{where}: a number is expected, not {value!r}")
    if not low <= value <= high:
        raise ScenarioError(f"{where}: {value} is outside {low}–{high}")
    return float(value)


def _at(value, where: str) -> float:
    text = str(value).strip()
    hours, _sep, minutes = text.partition(":")
    try:
        seconds = int(hours) * 3600 + (int(minutes) * 60 if minutes else 0)
    except ValueError:
        raise ScenarioError(f'{where}: a drill time like "1:30" (hours:minutes) is expected, not {text!r}') from None
    if seconds < 0 or seconds > 30 * 24 * 3600 or (minutes and not 0 <= int(minutes) < 60):
        raise ScenarioError(f"{where}: {text!r} is not a drill time between 0:00 and 720:00")
    return float(seconds)


def _weights(value, where: str, allowed=None) -> dict[str, float]:
    if not isinstance(value, dict) or not value:
        raise ScenarioError(f"{where}: a mapping of code: weight is expected")
    out = {}
    for key, weight in value.items():
        if allowed is not None and key not in allowed:
            raise ScenarioError(f"{where}: unknown {key!r}; expected some of {', '.join(sorted(allowed))}")
        out[str(key).upper() if allowed is None else key] = _number(weight, f"{where}.{key}", low=0, high=1e6)
    if sum(out.values()) <= 0:
        raise ScenarioError(f"{where}: the weights add up to zero")
    return out


def area(value, where: str) -> dict:
    """An inject's area, checked: the same dict the crises services take (AreaSpec fields)."""
    if not isinstance(value, dict) or len(value) != 1:
        raise ScenarioError(f"{where}: one of circle, polygon or subdivisions is expected")
    ((kind, spec),) = value.items()
    if kind == "circle":
        if not isinstance(spec, dict):
            raise ScenarioError(f"{where}.circle: {{lat, lon, radius_km}} is expected")
        return {
            "kind": "circle",
            "center_latitude": _number(spec.get("lat"), f"{where}.circle.lat", low=-90, high=90),
            "center_longitude": _number(spec.get("lon"), f"{where}.circle.lon", low=-180, high=180),
            "radius_km": _number(spec.get("radius_km"), f"{where}.circle.radius_km", low=0.1, high=2000),
        }
    if kind == "polygon":
        if not isinstance(spec, list) or len(spec) < 3:
            raise ScenarioError(f"{where}.polygon: at least three [lon, lat] points are expected")
        ring = []
        for i, point in enumerate(spec):
            if not isinstance(point, list | tuple) or len(point) != 2:
                raise ScenarioError(f"{where}.polygon[{i}]: [lon, lat] is expected")
            ring.append([_number(point[0], f"{where}.polygon[{i}] lon", low=-180, high=180),
                         _number(point[1], f"{where}.polygon[{i}] lat", low=-90, high=90)])  # fmt: skip
        if ring[0] != ring[-1]:
            ring.append(ring[0])
        return {"kind": "polygon", "geometry": {"type": "Polygon", "coordinates": [ring]}}
    if kind == "subdivisions":
        from amparo.core.places import is_subdivision_code

        codes = [str(c).upper() for c in (spec or [])]
        bad = [c for c in codes if not is_subdivision_code(c)]
        if not codes or bad:
            raise ScenarioError(f"{where}.subdivisions: unknown ISO 3166-2 codes {', '.join(bad) or '(none given)'}")
        return {"kind": "administrative", "subdivisions": codes}
    raise ScenarioError(f"{where}: unknown area kind {kind!r}; expected circle, polygon or subdivisions")


def parse(text: str) -> Scenario:
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ScenarioError(f"the script is larger than {MAX_BYTES // 1000} KB")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "the script"
        raise ScenarioError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise ScenarioError("the script must be a mapping with name, hazard, population and injects")
    for key in ("name", "hazard", "country", "population", "injects"):
        if key not in data:
            raise ScenarioError(f"{key}: missing")
    if data["hazard"] not in CrisisKind.values:
        raise ScenarioError(f"hazard: unknown {data['hazard']!r}; expected one of {', '.join(CrisisKind.values)}")
    severity = data.get("severity", "unknown")
    if severity not in Severity.values:
        raise ScenarioError(f"severity: unknown {severity!r}; expected one of {', '.join(Severity.values)}")
    pop = data["population"]
    if not isinstance(pop, dict) or not isinstance(pop.get("around"), dict):
        raise ScenarioError("population: size and around {lat, lon, radius_km} are expected")
    around = pop["around"]
    delay = pop.get("reply_delay_minutes", [2, 240])
    if not isinstance(delay, list) or len(delay) != 2:
        raise ScenarioError("population.reply_delay_minutes: [shortest, longest] is expected")
    population = Population(
        size=int(_number(pop.get("size"), "population.size", low=1, high=MAX_PEOPLE)),
        lat=_number(around.get("lat"), "population.around.lat", low=-90, high=90),
        lon=_number(around.get("lon"), "population.around.lon", low=-180, high=180),
        radius_km=_number(around.get("radius_km"), "population.around.radius_km", low=0.1, high=2000),
        nationalities=_weights(pop.get("nationalities", {"GT": 1}), "population.nationalities"),
        vulnerable_share=_number(pop.get("vulnerable_share", 0.1), "population.vulnerable_share", low=0, high=1),
        replies=_weights(
            pop.get("replies", {"safe": 60, "help": 15, "ambiguous": 10, "never": 15}),
            "population.replies",
            allowed=set(ReplyBehaviour.values),
        ),  # fmt: skip
        delay_minutes=(
            _number(delay[0], "population.reply_delay_minutes[0]", low=0, high=43200),
            _number(delay[1], "population.reply_delay_minutes[1]", low=0, high=43200),
        ),  # fmt: skip
    )
    if population.delay_minutes[0] > population.delay_minutes[1]:
        raise ScenarioError("population.reply_delay_minutes: the shortest delay comes first")
    raw = data["injects"]
    if not isinstance(raw, list) or not raw:
        raise ScenarioError("injects: a list of at least one inject is expected")
    if len(raw) > MAX_INJECTS:
        raise ScenarioError(f"injects: more than {MAX_INJECTS}")
    injects = []
    for i, item in enumerate(raw):
        where = f"injects[{i}]"
        if not isinstance(item, dict):
            raise ScenarioError(f"{where}: a mapping with at, kind and title is expected")
        kind = item.get("kind")
        if kind not in InjectKind.values:
            raise ScenarioError(f"{where}.kind: unknown {kind!r}; expected one of {', '.join(InjectKind.values)}")
        title = str(item.get("title") or "").strip()
        if not title:
            raise ScenarioError(f"{where}.title: missing")
        payload = {}
        if kind in (InjectKind.CAP_ALERT, InjectKind.CAP_UPDATE):
            payload["area"] = area(item.get("area"), f"{where}.area")
        if kind == InjectKind.REPLIES:
            payload["share"] = _number(item.get("share", 0.2), f"{where}.share", low=0, high=1)
        if kind == InjectKind.FAMILY_INQUIRY and item.get("about"):
            payload["about"] = str(item["about"])[:200]
        injects.append(
            InjectSpec(at_seconds=_at(item.get("at"), f"{where}.at"), kind=kind, title=title[:300], payload=payload)
        )
    if not any(i.kind == InjectKind.CAP_ALERT for i in injects):
        raise ScenarioError("injects: a drill needs a cap_alert inject (the hazard area)")
    injects.sort(key=lambda i: i.at_seconds)
    return Scenario(
        name=str(data["name"])[:200], hazard=data["hazard"], country=str(data["country"]).upper()[:2],
        severity=severity, population=population, injects=injects,
    )  # fmt: skip
