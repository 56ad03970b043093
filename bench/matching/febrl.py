"""Amparo's batch engine configured for the FEBRL data sets (Australian-style records: given
name, surname, address, suburb, postcode, state, date of birth, social security id).

The engine (blocking, vectorised comparison, EM, clustering) is the one of
`amparo.matching.batch`; only the fields differ, as Splink's settings differ per data set. The
weights are estimated with EM on the data itself (no labels), as Splink's are.
"""

from __future__ import annotations

from functools import cached_property

from rapidfuzz.distance import OSA, JaroWinkler

from amparo.matching import batch
from amparo.matching import compare as c
from amparo.matching import normalize as n
from amparo.matching.scoring import Model


def _s(value) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    return "" if text.lower() in ("nan", "none") else text


class FebrlRecord:
    def __init__(self, row: dict):
        self.given = n.fold(_s(row.get("given_name")))
        self.surname = n.fold(_s(row.get("surname")))
        self.street_number = _s(row.get("street_number"))
        self.address = n.fold(_s(row.get("address_1")))
        self.suburb = n.fold(_s(row.get("suburb")))
        self.postcode = _s(row.get("postcode"))
        self.state = n.fold(_s(row.get("state")))
        self.ssn = "".join(ch for ch in _s(row.get("soc_sec_id")) if ch.isdigit())
        d = n.parse_partial_date(_s(row.get("date_of_birth")))
        self.dob = tuple(d.as_list()) if d else None

    @cached_property
    def bag(self) -> tuple:
        return tuple(sorted(t for t in (self.given, self.surname) if t))

    def blocking_keys(self) -> set[str]:
        keys = set()
        g, s = n.phonetic(self.given) if self.given else "", n.phonetic(self.surname) if self.surname else ""
        if g and s:
            a, b = sorted((g, s))
            keys.add(f"n:{a}|{b}")
        dk = n.date_key(n.PartialDate(*self.dob)) if self.dob else ""
        if dk:
            if s:
                keys.add(f"d:{dk}|{s}")
            if g:
                keys.add(f"d:{dk}|{g}")
        # The data sets are small (5,000-10,000 records): single fields make blocks of a few
        # dozen, as Splink's rules on given name, surname and date of birth alone do here.
        if dk:
            keys.add(f"dob:{dk}")
        if s:
            keys.add(f"s:{s}")
        if g:
            keys.add(f"g:{g}")
        if dk and self.postcode:
            keys.add(f"dp:{dk}|{self.postcode}")
        if dk and self.suburb:
            keys.add(f"ds:{dk}|{self.suburb}")
        if self.suburb and self.street_number:
            keys.add(f"sn:{self.suburb}|{self.street_number}")
        if self.ssn:
            keys.add(f"i:{self.ssn}")
        if self.postcode:
            if s:
                keys.add(f"pc:{self.postcode}|{s}")
            if g:
                keys.add(f"pc:{self.postcode}|{g}")
        return keys


STRING_LEVELS = ("disagree", "jw80", "close", "exact")


def string_level(a: str, b: str) -> tuple[int, None]:
    if a == b:
        return 3, None
    if OSA.distance(a, b) <= 1 or JaroWinkler.similarity(a, b) >= 0.92:
        return 2, None
    if JaroWinkler.similarity(a, b) >= 0.8:
        return 1, None
    return 0, None


def _given(a, b):
    return c.compare_given(((a,), "", ()), ((b,), "", ()))


def _surname(a, b):
    return c.compare_surnames(((a,), (), "", ""), ((b,), (), "", ""))


def _ssn(a, b):
    if a == b:
        return 2, None
    return (1, None) if OSA.distance(a, b) <= 1 else (0, None)


FIELDS = [
    batch.FieldSpec("given", lambda r: r.given, _given, c.L["given"]["exact"]),
    batch.FieldSpec("surnames", lambda r: r.surname, _surname, c.L["surnames"]["exact"]),
    batch.FieldSpec("ssn", lambda r: r.ssn, _ssn, 2),
    batch.FieldSpec("address", lambda r: r.address, string_level, 3),
    batch.FieldSpec("suburb", lambda r: r.suburb, string_level, 3),
    batch.FieldSpec("postcode", lambda r: r.postcode, string_level, 3),
    batch.FieldSpec("street_number", lambda r: r.street_number, lambda a, b: (int(a == b), None), 1),
    batch.FieldSpec("state", lambda r: r.state, lambda a, b: (int(a == b), None), 1),
]


def starting_model() -> Model:
    """Neutral starting values for EM (agreement likely for matches, rare otherwise)."""

    def ramp(k: int, top: float) -> list[float]:
        rest = (1 - top) / (k - 1)
        return [rest] * (k - 1) + [top]

    def falling(k: int, low: float) -> list[float]:
        rest = (1 - low * (k - 1)) if k > 1 else 1
        return [rest] + [low] * (k - 1)

    sizes = {"given": 6, "surnames": 6, "dob": 6, "ssn": 3, "address": 4, "suburb": 4, "postcode": 4}
    sizes.update({"street_number": 2, "state": 2})
    m = {f: ramp(k, 0.8) for f, k in sizes.items()}
    u = {f: falling(k, 0.02) for f, k in sizes.items()}
    u["state"] = [0.7, 0.3]
    return Model(m=m, u=u, prior=0.1)


def dedupe(records: list[FebrlRecord], *, source=None, link_only=False, threshold: float = 0.5):
    return batch.dedupe(
        records,
        model=starting_model(),
        estimate_model=True,
        fields=FIELDS,
        source=source,
        link_only=link_only,
        threshold=threshold,
        # Small data sets: whole blocks up to 200 records are compared (a common surname),
        # as Splink's one-field rules do here.
        block_cap=200,
        window=20,
    )
