"""Finding who an inquiry may be about, with matching's engine and tracing's own evidence.

An inquirer remembers less than a registration holds: a nickname, one surname, an age ("about
twenty"), the places the person passed through. So a candidate is scored in two parts:

1. matching's Fellegi–Sunter comparison of the names (nicknames, abbreviations, two surnames in
   either order, sounds), the date of birth when the inquirer knows it, sex and nationality
   (`amparo.matching.scoring.score`), taking its evidence (the field weights, without the
   duplicate-finding prior);
2. tracing's evidence, each with its reason: the age in the remembered range, a place the person
   was registered or seen in lying on the route, the person seen after the date they went
   missing, a note saying they look for their family, the same crisis.

The sum plus `TRACING_PRIOR_BITS` gives a probability; candidates at or above
`TRACING_MIN_PROBABILITY` are proposed, the best `MAX_CANDIDATES` first.

Candidates are found through indexes only: the inquiry's blocking keys (every name the sought
person goes by, matching's `blocking_keys`) read against matching's `PersonKey` (the registry) and
tracing's `InquiryKey` (the other open inquiries). A new registration, welfare update or note reads
the person's keys against `InquiryKey`. Never a scan of the registry.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from amparo.accounts.codes import RecordStatus
from amparo.matching import features as feat
from amparo.matching import normalize as n
from amparo.matching.queries import candidate_ids
from amparo.matching.scoring import reason_text, score
from amparo.registry.models import LocationHistory, Person
from amparo.tracing.codes import NoteKind
from amparo.tracing.models import FoundNote, Inquiry, InquiryKey

MAX_CANDIDATES = 10
PERSON_CAP = 200  # people sharing keys scored per inquiry (those sharing the most keys first)


def prior_bits() -> float:
    return float(getattr(settings, "TRACING_PRIOR_BITS", -6.0))


def min_probability() -> float:
    return float(getattr(settings, "TRACING_MIN_PROBABILITY", 0.5))


# Tracing's evidence, in bits (log2 of how much likelier it is for the sought person than for a
# stranger sharing keys). Chosen on the generated tracing set of bench/tracing; docs/tracing.md.
AGE_IN_RANGE = 3.0
AGE_NEAR = 0.0
AGE_OUTSIDE = -6.0
PLACE_ON_ROUTE = 3.0
SEEN_AFTER = 1.0
LOOKING_FOR_FAMILY = 2.0
FOUND_NOTE = 1.0

REASON_TEXT = {
    "age_in_range": gettext_noop("age %(age)s within the remembered %(low)s–%(high)s"),
    "age_near": gettext_noop("age %(age)s close to the remembered %(low)s–%(high)s"),
    "age_outside": gettext_noop("age %(age)s far from the remembered %(low)s–%(high)s"),
    "place_on_route": gettext_noop("seen in %(place)s, on the route"),
    "seen_after": gettext_noop("recorded after the date last seen"),
    "looking_for_family": gettext_noop("a note says they are looking for their family"),
    "found_note": gettext_noop("a found-person note"),
    "same_crisis": gettext_noop("in the same crisis"),
}


def explain(reasons) -> str:
    parts = []
    for code, params, _weight in reasons:
        template = REASON_TEXT.get(code)
        parts.append((_(template) % params if params else _(template)) if template else reason_text(code, params))
    return "; ".join(parts)


# --- The sought person's features -----------------------------------------------------------------


def _split_full(text: str) -> tuple[str, str, str]:
    words = text.split()
    if len(words) >= 3:
        return " ".join(words[:-2]), words[-2], words[-1]
    if len(words) == 2:
        return words[0], words[1], ""
    return text, "", ""


def name_variants(inquiry: Inquiry) -> list[tuple[str, str, str]]:
    """(given, first surname, second surname) for every name the sought person goes by: the name
    given, and each nickname (one word: a given name with the same surnames; several: a whole
    name)."""
    variants = [(inquiry.given_names, inquiry.first_surname, inquiry.second_surname)]
    for nick in inquiry.nicknames or []:
        nick = " ".join(str(nick).split())
        if not nick:
            continue
        if len(nick.split()) == 1:
            variants.append((nick, inquiry.first_surname, inquiry.second_surname))
        else:
            variants.append(_split_full(nick))
    return list(dict.fromkeys(variants))


def inquiry_features(inquiry: Inquiry) -> list[feat.Features]:
    out = []
    for given, s1, s2 in name_variants(inquiry):
        out.append(
            feat.build(
                feat.RawRecord(
                    given_names=given,
                    first_surname=s1,
                    second_surname=s2,
                    birth_date=inquiry.birth_date,
                    birth_date_precision=inquiry.birth_date_precision,
                    sex=inquiry.sex,
                    nationality=inquiry.nationality,
                )
            )
        )
    return out


def inquiry_keys(inquiry: Inquiry) -> set[str]:
    keys: set[str] = set()
    for f in inquiry_features(inquiry):
        keys |= f.blocking_keys()
    return keys


def route_places(inquiry: Inquiry) -> set[str]:
    places = [inquiry.last_seen_place, *(inquiry.route or [])]
    return {n.fold(str(p)) for p in places if n.fold(str(p or ""))}


def _words(place: str) -> frozenset[str]:
    return frozenset(w for w in place.split() if w not in n.PARTICLES)


def places_meet(route: set[str], seen: set[str]) -> str:
    """The first place of `seen` that a place of `route` names: the same words, or all the words
    of the shorter name ("Juchitán" and "Juchitán de Zaragoza"); "" when none."""
    for place in sorted(seen):
        words = _words(place)
        if not words:
            continue
        for stop in route:
            other = _words(stop)
            if other and (other <= words or words <= other):
                return place
    return ""


def _age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --- Scoring --------------------------------------------------------------------------------------


@dataclass
class PersonFacts:
    """What tracing reads about a registry person besides matching's features."""

    features: feat.Features
    birth_date: date | None = None
    places: set[str] = field(default_factory=set)  # folded municipalities (and note places)
    place_labels: dict[str, str] = field(default_factory=dict)
    last_recorded: date | None = None
    notes: list[tuple[int, str]] = field(default_factory=list)  # (note id, kind), newest first
    crises: set[int] = field(default_factory=set)


@dataclass
class Scored:
    probability: float
    weight: float
    reasons: list[tuple[str, dict, float]]
    note_id: int | None = None

    def reasons_json(self) -> list:
        return [[code, params, round(w, 2)] for code, params, w in self.reasons]


def _probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    return 1.0 / (1.0 + 2.0 ** (-weight))


def score_person(inquiry: Inquiry, sought: list[feat.Features], facts: PersonFacts, *, places=None) -> Scored:
    best = None
    for f in sought:
        s = score(f, facts.features)
        evidence = s.weight - _intercept()
        if best is None or evidence > best[0]:
            best = (evidence, s.reasons)
    weight, reasons = best[0], list(best[1])
    on = inquiry.created_at.date() if inquiry.created_at else date.today()
    if facts.birth_date and (inquiry.age_min is not None or inquiry.age_max is not None) and not inquiry.birth_date:
        low = inquiry.age_min if inquiry.age_min is not None else inquiry.age_max
        high = inquiry.age_max if inquiry.age_max is not None else inquiry.age_min
        age = _age_on(facts.birth_date, on)
        params = {"age": age, "low": low, "high": high}
        if low - 1 <= age <= high + 1:
            reasons.append(("age_in_range", params, AGE_IN_RANGE))
        elif low - 4 <= age <= high + 4:
            reasons.append(("age_near", params, AGE_NEAR))
        else:
            reasons.append(("age_outside", params, AGE_OUTSIDE))
    places = route_places(inquiry) if places is None else places
    on_route = places_meet(places, facts.places)
    if on_route:
        label = facts.place_labels.get(on_route, on_route.title())
        reasons.append(("place_on_route", {"place": label}, PLACE_ON_ROUTE))
    if inquiry.last_seen_on and facts.last_recorded and facts.last_recorded >= inquiry.last_seen_on:
        reasons.append(("seen_after", {}, SEEN_AFTER))
    note_id = None
    if facts.notes:
        looking = [nid for nid, kind in facts.notes if kind == NoteKind.LOOKING_FOR_FAMILY]
        found = [nid for nid, kind in facts.notes if kind == NoteKind.FOUND]
        if looking:
            reasons.append(("looking_for_family", {}, LOOKING_FOR_FAMILY))
            note_id = looking[0]
        elif found:
            reasons.append(("found_note", {}, FOUND_NOTE))
            note_id = found[0]
        else:
            note_id = facts.notes[0][0]
    if inquiry.crisis_id and inquiry.crisis_id in facts.crises:
        reasons.append(("same_crisis", {}, 1.0))
    total = prior_bits() + weight + sum(w for code, _p, w in reasons if code in REASON_TEXT)
    reasons.sort(key=lambda r: -abs(r[2]))
    return Scored(probability=_probability(total), weight=total, reasons=reasons, note_id=note_id)


def _intercept() -> float:
    from amparo.matching.scoring import default_model

    return default_model().intercept_for(None)


def score_inquiries(a: Inquiry, b: Inquiry) -> Scored:
    """Two inquiries for the same person (two relatives call two consulates): names, dates and
    the route they remember."""
    best = None
    for fa in inquiry_features(a):
        for fb in inquiry_features(b):
            s = score(fa, fb)
            evidence = s.weight - _intercept()
            if best is None or evidence > best[0]:
                best = (evidence, s.reasons)
    weight, reasons = best[0], list(best[1])
    shared = places_meet(route_places(a), route_places(b))
    if shared:
        reasons.append(("place_on_route", {"place": shared.title()}, PLACE_ON_ROUTE))
    if a.age_min is not None and b.age_min is not None:
        a_high = a.age_max if a.age_max is not None else a.age_min
        b_high = b.age_max if b.age_max is not None else b.age_min
        overlap = a.age_min - 2 <= b_high and b.age_min - 2 <= a_high
        params = {"age": b.age_min, "low": a.age_min, "high": a_high}
        reasons.append(("age_in_range", params, AGE_IN_RANGE) if overlap else ("age_outside", params, AGE_OUTSIDE))
    total = prior_bits() + weight + sum(w for code, _p, w in reasons if code in REASON_TEXT)
    reasons.sort(key=lambda r: -abs(r[2]))
    return Scored(probability=_probability(total), weight=total, reasons=reasons)


# --- Reading people in bulk -----------------------------------------------------------------------


def person_facts(person_ids, *, keep=None) -> dict[int, PersonFacts]:
    """Matching's stored features (built on the fly when missing) and tracing's facts for these
    people: one query for the people with their features, then, only for those `keep(features)`
    accepts (a candidate that could still reach the threshold), one for their earlier places,
    notes and crises."""
    ids = list(person_ids)
    if not ids:
        return {}
    rows = list(
        Person.objects.filter(pk__in=ids)
        .exclude(record_status=RecordStatus.MERGED)
        .values_list(
            "pk", "birth_date", "municipality", "subdivision", "location_observed_at", "created_at",
            "match_features__data",
        )
    )  # fmt: skip
    missing = [row[0] for row in rows if row[6] is None]
    built = {}
    if missing:
        from amparo.matching.services import features_for

        built = {pid: f for pid, (f, _u, _s) in features_for(missing).items()}
    out: dict[int, PersonFacts] = {}
    for pid, birth, municipality, subdivision, observed, created, data in rows:
        features = feat.Features.from_json(data) if data is not None else built.get(pid)
        if features is None or (keep is not None and not keep(features)):
            continue
        facts = PersonFacts(features=features, birth_date=birth)
        _add_place(facts, municipality, subdivision)
        facts.last_recorded = max(filter(None, [observed.date() if observed else None, created.date()]))
        out[pid] = facts
    if out:
        _add_extras(out)
    return out


def _add_extras(out: dict[int, PersonFacts]) -> None:
    """Earlier places, notes (with their place) and crises of these people, in one statement."""
    from django.apps import apps
    from django.db import connection

    ids = list(out)
    marks = ", ".join(["%s"] * len(ids))
    history, notes = LocationHistory._meta.db_table, FoundNote._meta.db_table
    parts = [
        f"SELECT person_id, 'h', municipality, NULL, observed_at FROM {history} WHERE person_id IN ({marks})",
        f"SELECT person_id, kind, place, id, NULL FROM {notes} WHERE person_id IN ({marks})",
    ]
    params = ids + ids
    if apps.is_installed("amparo.crises"):
        from amparo.crises.models import WelfareStatus

        parts.append(f"SELECT person_id, 'c', NULL, crisis_id, NULL FROM {WelfareStatus._meta.db_table} "
                     f"WHERE person_id IN ({marks})")  # fmt: skip
        params += ids
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    notes_of: dict[int, list] = {}
    for pid, kind, place, number, observed in rows:
        facts = out[pid]
        if kind == "h":
            _add_place(facts, place, "")
            day = observed.date() if hasattr(observed, "date") else None
            if day and (facts.last_recorded is None or day > facts.last_recorded):
                facts.last_recorded = day
        elif kind == "c":
            facts.crises.add(number)
        else:
            notes_of.setdefault(pid, []).append((number, kind))
            _add_place(facts, place, "")
    for pid, found in notes_of.items():
        out[pid].notes = sorted(found, key=lambda n: -n[0])  # newest first


def _add_place(facts: PersonFacts, municipality: str, subdivision: str) -> None:
    folded = n.fold(municipality or "")
    if folded:
        facts.places.add(folded)
        facts.place_labels.setdefault(folded, municipality)


# --- Finding candidates ---------------------------------------------------------------------------


@dataclass
class Found:
    person_id: int | None
    other_inquiry_id: int | None
    scored: Scored


def people_for_inquiry(inquiry: Inquiry, *, cap: int = PERSON_CAP) -> list[Found]:
    """The registry people this inquiry may be about, best first (at most MAX_CANDIDATES). A
    drill's inquiry is never matched with real people (drill people have no keys: the drill
    proposes its own, tracing.drills)."""
    if inquiry.organization.is_exercise:
        return []
    sought = inquiry_features(inquiry)
    keys = set().union(*(f.blocking_keys() for f in sought))
    ids = candidate_ids(keys, cap=cap)
    if inquiry.person_id:
        ids = [pid for pid in ids if pid != inquiry.person_id]
    places = route_places(inquiry)
    threshold = min_probability()
    found = []
    for pid, facts in person_facts(ids, keep=could_reach(sought, threshold)).items():
        s = score_person(inquiry, sought, facts, places=places)
        if s.probability >= threshold:
            found.append(Found(pid, None, s))
    found.sort(key=lambda f: (-f.scored.probability, f.person_id))
    return found[:MAX_CANDIDATES]


# The most tracing's evidence can add: age in range, a place on the route, seen after, a note
# looking for family, the same crisis.
MAX_TRACING_BITS = AGE_IN_RANGE + PLACE_ON_ROUTE + SEEN_AFTER + LOOKING_FOR_FAMILY + 1.0


def could_reach(sought: list[feat.Features], threshold: float):
    """A filter on a candidate's features: whether its names (and date of birth) leave any chance
    of reaching `threshold` with the best tracing evidence; the others are not read further."""
    needed = math.log2(threshold / (1 - threshold)) if 0 < threshold < 1 else 0.0
    floor = needed - prior_bits() - MAX_TRACING_BITS + _intercept()

    def keep(features: feat.Features) -> bool:
        return any(score(f, features).weight >= floor for f in sought)

    return keep


def inquiries_sharing(keys, *, exclude: int | None = None, limit: int = 200) -> list[int]:
    """Open inquiries sharing at least one key (an indexed read of InquiryKey)."""
    qs = InquiryKey.objects.filter(key__in=sorted(keys))
    if exclude is not None:
        qs = qs.exclude(inquiry_id=exclude)
    return list(dict.fromkeys(qs.values_list("inquiry_id", flat=True)[: limit * 4]))[:limit]


def inquiries_for_inquiry(inquiry: Inquiry) -> list[Found]:
    if inquiry.organization.is_exercise:
        return []
    ids = inquiries_sharing(inquiry_keys(inquiry), exclude=inquiry.pk)
    threshold = min_probability()
    found = []
    for other in Inquiry.objects.open().exclude(organization__is_exercise=True).filter(pk__in=ids):
        s = score_inquiries(inquiry, other)
        if s.probability >= threshold:
            found.append(Found(None, other.pk, s))
    found.sort(key=lambda f: -f.scored.probability)
    return found[:MAX_CANDIDATES]


def inquiries_for_people(person_ids) -> list[tuple[Inquiry, Found]]:
    """For people just registered, updated or noted: the open inquiries they may answer."""
    facts = person_facts(person_ids)
    if not facts:
        return []
    by_key: dict[str, list[int]] = defaultdict(list)
    for pid, f in facts.items():
        for key in f.features.blocking_keys():
            by_key[key].append(pid)
    pairs: set[tuple[int, int]] = set()
    keys = sorted(by_key)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for key, inquiry_id in InquiryKey.objects.filter(key__in=chunk).values_list("key", "inquiry_id"):
            for pid in by_key[key]:
                pairs.add((inquiry_id, pid))
    if not pairs:
        return []
    inquiries = Inquiry.objects.open().exclude(organization__is_exercise=True).in_bulk({i for i, _p in pairs})
    sought = {i: inquiry_features(inq) for i, inq in inquiries.items()}
    threshold = min_probability()
    out = []
    for inquiry_id, pid in sorted(pairs):
        inquiry = inquiries.get(inquiry_id)
        if inquiry is None or inquiry.person_id == pid:
            continue
        s = score_person(inquiry, sought[inquiry_id], facts[pid])
        if s.probability >= threshold:
            out.append((inquiry, Found(pid, None, s)))
    return out
