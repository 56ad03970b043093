"""Reads of matching, always scoped by the access policy.

- `likely_duplicates(user, data_or_person, limit=5)`: the online check while someone registers
  or imports a person: candidates from the stored blocking keys (indexed), scored and explained.
- `review_queue(user, …)`: pairs waiting for review where the user may see both people.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef

from amparo.accounts import policy
from amparo.accounts.codes import RecordStatus
from amparo.matching import features as feat
from amparo.matching.models import MatchPair, PairStatus, PersonFeatures, PersonKey
from amparo.matching.scoring import PairScore, review_threshold, score
from amparo.registry.models import Person

# At most this many people sharing keys are scored online (those sharing the most keys first).
CANDIDATE_CAP = 50


@dataclass
class Candidate:
    person: Person
    score: PairScore

    @property
    def probability(self) -> float:
        return self.score.probability

    @property
    def percent(self) -> int:
        return round(self.score.probability * 100)

    @property
    def band(self) -> str:
        return self.score.band

    @property
    def explanation(self) -> str:
        return self.score.explanation()


def features_of(data_or_person, *, organization_country: str = "") -> tuple[feat.Features, int | None]:
    if isinstance(data_or_person, Person):
        stored = PersonFeatures.objects.filter(person_id=data_or_person.pk).values_list("data", flat=True).first()
        if stored is not None:
            return feat.Features.from_json(stored), data_or_person.pk
        return feat.from_person(data_or_person), data_or_person.pk
    if isinstance(data_or_person, feat.Features):
        return data_or_person, None
    return feat.from_data(data_or_person, organization_country=organization_country), None


# Postings read per key: a key held by thousands (a very common name with a very common
# surname) is read only this far, most recent records first; rarer keys (date of birth with a
# name, phone, document, both surnames) still bring the duplicates of common names.
POSTINGS_PER_KEY = 400


def candidate_ids(keys, *, exclude: int | None = None, cap: int = CANDIDATE_CAP) -> list[int]:
    """People sharing at least one key, those sharing the rarest keys first (merged records have
    no keys, see services.refresh_keys). One indexed range read per key, capped.

    Each key a person shares counts 1 / (postings read for it): a shared phone or date of birth
    with a surname outweighs several very common name keys. Ranked by the plain count of shared
    keys, people sharing only common keys pushed the right person out of the 50 candidates as the
    registry grew (35 of 45 misses at 3M people; bench/README.md, Scale)."""
    keys = sorted(keys)
    if not keys:
        return []
    table = PersonKey._meta.db_table
    part = (
        "SELECT person_id, CAST(1 AS REAL) / COUNT(*) OVER () AS weight FROM "
        f"(SELECT person_id FROM {table} WHERE key = %s ORDER BY person_id DESC LIMIT %s) AS k"
    )
    union = " UNION ALL ".join(f"SELECT person_id, weight FROM ({part}) AS k{index}" for index in range(len(keys)))
    where = "WHERE person_id <> %s" if exclude is not None else ""
    sql = (
        f"SELECT person_id FROM ({union}) AS found {where} GROUP BY person_id "
        "ORDER BY SUM(weight) DESC, COUNT(*) DESC, person_id DESC LIMIT %s"
    )
    params: list = []
    for key in keys:
        params += [key, POSTINGS_PER_KEY]
    if exclude is not None:
        params.append(exclude)
    params.append(cap)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


_registry_size: dict[str, float] = {"n": 0, "at": -1e9}


def registry_size() -> int:
    """How many people the registry holds, for the model's size adjustment (scoring.Model.
    intercept_for). Counted at most every ten minutes: the adjustment moves by a fraction of a
    bit per doubling, so a recent count is as good as an exact one, and far cheaper."""
    now = time.monotonic()
    if now - _registry_size["at"] > 600:
        _registry_size["n"] = Person.objects.exclude(record_status=RecordStatus.MERGED).count()
        _registry_size["at"] = now
    return int(_registry_size["n"])


def likely_duplicates(
    user, data_or_person, limit: int = 5, *, min_probability: float | None = None, organization_country: str = ""
) -> list[Candidate]:
    """The people `user` may see who are likely the same as `data_or_person` (a Person, a
    registry PersonData, or a dict of form/import fields), best first, with score and reasons.

    Visibility is applied to the candidates found by key (so another organization's people are
    never scored, shown or counted)."""
    features, own_id = features_of(data_or_person, organization_country=organization_country)
    ids = candidate_ids(features.blocking_keys(), exclude=own_id)
    if not ids:
        return []
    visible = policy.visible(user, Person).filter(pk__in=ids).exclude(record_status=RecordStatus.MERGED)
    threshold = review_threshold() if min_probability is None else min_probability
    scored = []
    rows = PersonFeatures.objects.filter(person__in=visible.values("pk")).values_list("person_id", "data")
    size = registry_size()
    for pid, data in rows:
        s = score(features, feat.Features.from_json(data), registry_size=size)
        if s.probability >= threshold:
            scored.append((s.probability, pid, s))
    scored.sort(key=lambda item: (-item[0], item[1]))
    scored = scored[:limit]
    people = Person.objects.select_related("registering_organization").in_bulk([pid for _p, pid, _s in scored])
    return [Candidate(person=people[pid], score=s) for _p, pid, s in scored if pid in people]


def review_queue(user, *, status: str = PairStatus.PENDING, band: str | None = None):
    """Pairs in `status` where the user may see both people, most likely first."""
    visible = policy.visible(user, Person)
    qs = MatchPair.objects.filter(status=status).select_related(
        "person_a__registering_organization", "person_b__registering_organization"
    )
    if status == PairStatus.PENDING:
        active = Person.objects.exclude(record_status=RecordStatus.MERGED)
        qs = qs.filter(Exists(active.filter(pk=OuterRef("person_a_id")))).filter(
            Exists(active.filter(pk=OuterRef("person_b_id")))
        )
    if band:
        qs = qs.filter(band=band)
    if not policy.principal_for(user).is_system:
        qs = qs.filter(Exists(visible.filter(pk=OuterRef("person_a_id")))).filter(
            Exists(visible.filter(pk=OuterRef("person_b_id")))
        )
    return qs.order_by("-probability", "id")


def get_pair_or_404(user, pk: int) -> MatchPair:
    """The scoped fetch of one pair: 404 unless the user may see both people."""
    from django.http import Http404

    pair = MatchPair.objects.select_related("person_a", "person_b").filter(pk=pk).first()
    if pair is None:
        raise Http404
    visible = policy.visible(user, Person).filter(pk__in=[pair.person_a_id, pair.person_b_id]).count()
    if visible != 2:
        raise Http404
    return pair
