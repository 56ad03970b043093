"""Fellegi–Sunter scoring: per-field agreement levels, weights, a probability and a sentence.

For each field and level the model holds m (how often true duplicates show that level) and u (how
often different people do). A level's weight is log2(m/u); a pair's match weight is the prior
log-odds plus the sum of its fields' weights (a missing value weighs nothing), and its match
probability is 1 / (1 + 2^-weight). The defaults in `data/weights.json` were estimated with EM
(`amparo.matching.batch.estimate`) on the generated Latin American registry of the benchmark
(bench/matching/), families included, and are re-estimated on a registry by `amparo dedupe
--estimate`. docs/matching.md lists them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from amparo.matching import compare as c
from amparo.matching.features import Features

WEIGHTS_FILE = Path(__file__).resolve().parent / "data" / "weights.json"


def automatic_threshold() -> float:
    """At or above this probability a pair is the same person (merged on request in batch)."""
    return float(getattr(settings, "MATCHING_AUTOMATIC_THRESHOLD", 0.95))


def review_threshold() -> float:
    """From this probability up to the automatic threshold a pair goes to the review queue."""
    return float(getattr(settings, "MATCHING_REVIEW_THRESHOLD", 0.5))


@dataclass
class Model:
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    prior: float  # proportion of true matches among candidate pairs
    notes: str = ""
    # Fitted weights (bits per level) and intercept, when calibrated jointly (batch.fit_weights);
    # otherwise the weights are log2(m/u) and the intercept the prior's log-odds.
    w: dict[str, list[float]] | None = None
    intercept: float | None = None
    # How the intercept falls as the registry grows: a registry ten times larger holds ten times
    # more strangers who share a name and a birthday with anyone, so the same evidence is worth
    # less. The intercept moves by `size_slope` bits per doubling above `reference_size` records
    # (fitted on generated registries of two sizes, batch.fit_weights); below it the calibrated
    # intercept is kept, never more eager than calibrated.
    size_slope: float = 0.0
    reference_size: int = 0

    def weights(self) -> dict[str, list[float]]:
        if self.w is not None:
            return self.w
        return {
            f: [math.log2(max(m_i, 1e-6) / max(u_i, 1e-6)) for m_i, u_i in zip(self.m[f], self.u[f], strict=True)]
            for f in self.m
        }

    @property
    def prior_weight(self) -> float:
        if self.intercept is not None:
            return self.intercept
        return math.log2(self.prior / (1 - self.prior))

    def intercept_for(self, records: int | None) -> float:
        """The intercept (bits) for a registry of `records` people (None: as calibrated)."""
        if not records or not self.reference_size or records <= self.reference_size:
            return self.prior_weight
        return self.prior_weight + self.size_slope * math.log2(records / self.reference_size)

    def to_json(self) -> dict:
        data = {"prior": self.prior, "m": self.m, "u": self.u, "notes": self.notes}
        if self.w is not None:
            data["w"], data["intercept"] = self.w, self.intercept
        if self.reference_size:
            data["size_slope"], data["reference_size"] = self.size_slope, self.reference_size
        return data

    @classmethod
    def from_json(cls, data: dict) -> Model:
        return cls(
            m=data["m"],
            u=data["u"],
            prior=data["prior"],
            notes=data.get("notes", ""),
            w=data.get("w"),
            intercept=data.get("intercept"),
            size_slope=data.get("size_slope", 0.0),
            reference_size=data.get("reference_size", 0),
        )

    def save(self, path: Path = WEIGHTS_FILE) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1, sort_keys=True) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def default_model() -> Model:
    return Model.from_json(json.loads(WEIGHTS_FILE.read_text(encoding="utf-8")))


def probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    return 1.0 / (1.0 + 2.0 ** (-weight))


@dataclass
class PairScore:
    levels: dict[str, int]
    reasons: list[tuple[str, dict, float]] = field(default_factory=list)  # (code, params, weight)
    weight: float = 0.0
    probability: float = 0.0

    @property
    def band(self) -> str:
        if self.probability >= automatic_threshold():
            return "automatic"
        if self.probability >= review_threshold():
            return "review"
        return "distinct"

    def explanation(self) -> str:
        return explain(self.reasons)


def compare_features(a: Features, b: Features) -> dict[str, tuple[int, c.Reason]]:
    given = c.compare_given(a.given_part, b.given_part)
    surnames = c.compare_surnames(a.surname_part, b.surname_part)
    if c.names_in_other_fields(a.bag, b.bag, given[0], surnames[0]):
        given = (c.L["given"]["equivalent"], ("names_other_fields", {}))
        surnames = (c.L["surnames"]["equivalent"], None)
    dob = c.compare_dob(a.dob, b.dob)
    return {
        "given": given,
        "surnames": surnames,
        "dob": dob,
        "identity": c.compare_identity(given[0], dob[0]),
        "sex": c.compare_value("sex", a.sex, b.sex),
        "phone": c.compare_set("phone", a.phones, b.phones),
        "document": c.compare_documents(a.documents, b.documents),
        "email": c.compare_set("email", a.emails, b.emails),
        "place": c.compare_value("place", a.place, b.place),
        "nationality": c.compare_value("nationality", a.nationality, b.nationality),
    }


def score(a: Features, b: Features, model: Model | None = None, *, registry_size: int | None = None) -> PairScore:
    """Compare two records and explain the result; `registry_size`: how many people the two
    were found among (see Model.intercept_for)."""
    model = model or default_model()
    weights = _weights(model)
    compared = compare_features(a, b)
    total = model.intercept_for(registry_size)
    levels: dict[str, int] = {}
    reasons: list[tuple[str, dict, float]] = []
    for f in c.FIELDS:
        level, reason = compared[f]
        levels[f] = level
        if level == c.MISSING or f not in weights:
            continue
        w = weights[f][level]
        total += w
        if reason is not None and reason[0] not in QUIET_REASONS:
            reasons.append((reason[0], reason[1], w))
    reasons.sort(key=lambda r: -abs(r[2]))
    return PairScore(levels=levels, reasons=reasons, weight=total, probability=probability(total))


_weights_cache: dict[int, dict[str, list[float]]] = {}


def _weights(model: Model) -> dict[str, list[float]]:
    key = id(model)
    if key not in _weights_cache:
        _weights_cache[key] = model.weights()
    return _weights_cache[key]


# --- Explanations ------------------------------------------------------------------------------

# Reasons too common to be worth saying ("same sex").
QUIET_REASONS = frozenset({"sex_same", "nationality_same"})

REASON_TEXT = {
    "given_same": gettext_noop("same given names"),
    "given_no_accents": gettext_noop("given names equal without accents"),
    "abbreviation": gettext_noop("'%(a)s' is an abbreviation of '%(b)s'"),
    "nickname": gettext_noop("'%(a)s' is a nickname of '%(b)s'"),
    "diminutive": gettext_noop("'%(a)s' is a diminutive of '%(b)s'"),
    "given_sound": gettext_noop("given names sound the same ('%(a)s' / '%(b)s')"),
    "compound": gettext_noop("'%(a)s' is part of the compound given name '%(b)s'"),
    "given_typo": gettext_noop("given names differ by a typo ('%(a)s' / '%(b)s')"),
    "given_partial": gettext_noop("one given name in common ('%(a)s')"),
    "given_differ": gettext_noop("different given names"),
    "surnames_same": gettext_noop("same surnames"),
    "surnames_no_accents": gettext_noop("surnames equal without accents"),
    "surnames_sound": gettext_noop("surnames sound the same ('%(a)s' / '%(b)s')"),
    "surnames_swapped": gettext_noop("surnames in swapped order"),
    "surname_one_missing": gettext_noop("surname '%(a)s' in common; one record has no second surname"),
    "surnames_typo": gettext_noop("surnames differ by a typo ('%(a)s' / '%(b)s')"),
    "surname_partial": gettext_noop("one surname in common ('%(a)s')"),
    "surnames_differ": gettext_noop("different surnames"),
    "names_other_fields": gettext_noop("the same names, entered in other fields"),
    "identity_differ": gettext_noop("given names and date of birth both differ, as between relatives"),
    "dob_same": gettext_noop("same date of birth"),
    "dob_swapped": gettext_noop("dates of birth with day and month swapped"),
    "dob_year_off": gettext_noop("dates of birth one year apart (same day and month)"),
    "dob_typo": gettext_noop("dates of birth one digit apart"),
    "dob_partial": gettext_noop("date of birth agrees as far as it is known (%(a)s)"),
    "dob_differ": gettext_noop("different dates of birth"),
    "sex_same": gettext_noop("same sex"),
    "sex_differ": gettext_noop("different sex"),
    "phone_same": gettext_noop("same phone number"),
    "phone_differ": gettext_noop("different phone numbers"),
    "document_same": gettext_noop("same document number"),
    "document_typo": gettext_noop("document numbers one character apart ('%(a)s' / '%(b)s')"),
    "document_differ": gettext_noop("different document numbers"),
    "email_same": gettext_noop("same e-mail"),
    "email_differ": gettext_noop("different e-mails"),
    "place_same": gettext_noop("same place"),
    "place_differ": gettext_noop("different places"),
    "nationality_same": gettext_noop("same nationality"),
    "nationality_differ": gettext_noop("different nationality"),
}


def reason_text(code: str, params: dict) -> str:
    template = REASON_TEXT.get(code)
    if template is None:
        return code
    return _(template) % params if params else _(template)


def explain(reasons) -> str:
    """One sentence, strongest evidence first: "same date of birth; 'Chema' is a nickname of
    'José María'; surnames equal without accents"."""
    parts = [reason_text(r[0], r[1]) for r in reasons]
    return "; ".join(parts)
