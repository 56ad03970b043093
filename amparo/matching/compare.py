"""Field comparisons: each returns an agreement level and the reason a person would give.

A level is an index into `LEVELS[field]` (0 = disagree, higher = closer agreement), or MISSING
when one side lacks the value (it then weighs nothing). A reason is `(code, params)`; the
sentence is written in the reader's language by `amparo.matching.scoring.explain`.

The same functions serve the online check (one pair at a time) and the batch dedupe (applied to
each distinct pair of values, cached), so both always agree.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.process import cpdist

from amparo.matching import normalize as n

MISSING = -1

FIELDS = ("given", "surnames", "dob", "identity", "sex", "phone", "document", "email", "place", "nationality")
LEVELS: dict[str, tuple[str, ...]] = {
    "given": ("disagree", "partial", "similar", "compound", "equivalent", "exact"),
    "surnames": ("disagree", "partial", "similar", "one_missing", "equivalent", "exact"),
    "dob": ("disagree", "partial", "typo", "year_off", "swapped", "exact"),
    # Both the given names and the date of birth differ: how siblings differ (sharing surnames,
    # address and phone). An interaction term, so the household's shared values are not
    # counted as if they were independent evidence.
    "identity": ("given_and_dob_differ", "given_differs_dob_unknown", "not_both"),
    "sex": ("disagree", "equal"),
    "phone": ("disagree", "equal"),
    "document": ("disagree", "typo", "equal"),
    "email": ("disagree", "equal"),
    "place": ("disagree", "equal"),
    "nationality": ("disagree", "equal"),
}
L = {field: {name: i for i, name in enumerate(levels)} for field, levels in LEVELS.items()}

Reason = tuple[str, dict] | None


def _word_as_written(display: str, folded: str) -> str:
    """The word(s) of `display` that fold to `folded` ('maria' in 'Ma. MARÍA José' → 'MARÍA')."""
    words = display.replace(".", ". ").split()
    target = folded.split()
    for i in range(len(words)):
        for j in range(i + 1, min(len(words), i + 4) + 1):
            if n.name_tokens(" ".join(words[i:j]))[0] == tuple(target):
                return " ".join(words[i:j])
    return folded.title()


def _gender_pair(a: str, b: str) -> bool:
    """Mario/María, Francisco/Francisca: a different name, not a typo."""
    return len(a) == len(b) and a[:-1] == b[:-1] and {a[-1], b[-1]} == {"a", "o"}


def _similar(a: str, b: str) -> bool:
    if not a or not b or _gender_pair(a, b):
        return False
    if OSA.distance(a, b) <= (1 if min(len(a), len(b)) < 8 else 2):
        return True
    return JaroWinkler.similarity(a, b) >= 0.93


def similar_many(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`_similar` of each pair (a[k], b[k]) at once, for the batch (string distances in
    rapidfuzz's C++); the same answers, tested against `_similar`. a, b: object arrays of str."""
    if a.size == 0:
        return np.zeros(0, dtype=bool)
    la = np.fromiter(map(len, a), dtype=np.int32, count=a.size)
    lb = np.fromiter(map(len, b), dtype=np.int32, count=b.size)
    distance = cpdist(a, b, scorer=OSA.distance)
    similar = distance <= np.where(np.minimum(la, lb) < 8, 1, 2)
    rest = np.flatnonzero(~similar)
    if rest.size:
        # in double precision, as JaroWinkler.similarity answers (float32 turns 0.92999… into 0.93)
        similar[rest] = cpdist(a[rest], b[rest], scorer=JaroWinkler.similarity, dtype=np.float64) >= 0.93
    # Mario/María are one substitution apart: the only pairs _gender_pair can refuse.
    for k in np.flatnonzero(similar & (distance == 1) & (la == lb)).tolist():
        similar[k] = not _gender_pair(a[k], b[k])
    similar[(la == 0) | (lb == 0)] = False
    return similar


# --- Given names -------------------------------------------------------------------------------


@lru_cache(maxsize=100_000)
def _given_sounds(tokens: tuple[str, ...]) -> tuple[frozenset, frozenset, str, frozenset]:
    """(phonetic readings, phonetic tokens, first reading joined, readings) of given-name
    tokens, nicknames resolved: computed once per distinct name."""
    readings = n.canonical_given(tokens)
    return (
        frozenset(tuple(n.phonetic(t) for t in r) for r in readings),
        frozenset(n.phonetic(t) for r in readings for t in r),
        " ".join(readings[0]),
        frozenset(readings),
    )


def _typo_apart(ca: tuple, cb: tuple, pa: tuple, pb: tuple) -> bool:
    """The first readings one typo apart, or their first words (the rest being equal)."""
    return _similar(pa[2], pb[2]) or (
        len(ca[0]) > 1 and len(cb[0]) > 1 and ca[0][1:] == cb[0][1:] and _similar(ca[0][0], cb[0][0])
    )


def _compound_parts(ca: tuple, cb: tuple) -> tuple[tuple, tuple] | None:
    """(shorter, longer) readings when one begins with the other by sound (José / José Luis)."""
    for ra in ca:
        for rb in cb:
            short, long_ = (ra, rb) if len(ra) < len(rb) else (rb, ra)
            if len(short) < len(long_) and tuple(map(n.phonetic, long_[: len(short)])) == tuple(map(n.phonetic, short)):
                return short, long_
    return None


def given_level(ta: tuple[str, ...], tb: tuple[str, ...]) -> int:
    """The agreement level of two given names (folded tokens): what compare_given decides,
    without building its explanation (the batch compares millions of pairs)."""
    lv = L["given"]
    if not ta or not tb:
        return MISSING
    if ta == tb:
        return lv["exact"]
    pa, pb = _given_sounds(ta), _given_sounds(tb)
    if pa[3] & pb[3] or pa[0] & pb[0]:  # a common reading once nicknames are resolved, or by sound
        return lv["equivalent"]
    ca, cb = n.canonical_given(ta), n.canonical_given(tb)
    if not (pa[1] & pb[1]):  # no word sounds alike: only a typo can bring them together
        return lv["similar"] if _typo_apart(ca, cb, pa, pb) else lv["disagree"]
    if _compound_parts(ca, cb):
        return lv["compound"]
    if _typo_apart(ca, cb, pa, pb):
        return lv["similar"]
    return lv["partial"]


def compare_given(a: tuple, b: tuple) -> tuple[int, Reason]:
    """a, b: (tokens, as written, abbreviations expanded). The level is given_level's."""
    ta, da, ea = a
    tb, db, eb = b
    lv = L["given"]
    level = given_level(ta, tb)
    if level == MISSING:
        return MISSING, None
    if level == lv["exact"]:
        if n.display_fold(da) == n.display_fold(db):
            return level, ("given_same", {})
        for abbr, full in (*ea, *eb):
            if full in ta:
                other = db if any(abbr == x for x, _ in ea) else da
                return level, ("abbreviation", {"a": abbr, "b": _word_as_written(other, full)})
        return level, ("given_no_accents", {})
    pa, pb = _given_sounds(ta), _given_sounds(tb)
    if level == lv["equivalent"]:
        common = pa[3] & pb[3]
        if not common:
            return level, ("given_sound", {"a": da, "b": db})
        for tokens, display, other_display in ((ta, da, db), (tb, db, da)):
            for token in tokens:
                readings = n.canonical_token(token)
                if readings != ((token,),):
                    full = " ".join(readings[0]) if len(readings) == 1 else " ".join(next(iter(common)))
                    code = "nickname" if token in n.nicknames() else "diminutive"
                    return level, (
                        code,
                        {"a": _word_as_written(display, token), "b": _word_as_written(other_display, full)},
                    )
        return level, ("given_no_accents", {})
    if level == lv["similar"]:
        return level, ("given_typo", {"a": da, "b": db})
    if level == lv["disagree"]:
        return level, ("given_differ", {})
    ca, cb = n.canonical_given(ta), n.canonical_given(tb)
    if level == lv["compound"]:
        short, _long = _compound_parts(ca, cb)
        sd, ld = (da, db) if short in ca else (db, da)
        return level, ("compound", {"a": sd, "b": ld})
    common = pa[1] & pb[1]
    shared = next(t for r in ca for t in r if n.phonetic(t) in common)
    return level, ("given_partial", {"a": _word_as_written(da, shared)})


# --- Surnames ----------------------------------------------------------------------------------


@lru_cache(maxsize=100_000)
def _surname_prep(s1: tuple, s2: tuple) -> tuple[str, str, str, str]:
    a1, a2 = " ".join(s1), " ".join(s2)
    return a1, a2, n.phonetic(a1), n.phonetic(a2)


def compare_surnames(a: tuple, b: tuple) -> tuple[int, Reason]:
    """a, b: (first surname tokens, second surname tokens, first as written, second as written)."""
    a1, a2, pa1, pa2 = _surname_prep(a[0], a[1])
    b1, b2, pb1, pb2 = _surname_prep(b[0], b[1])
    lv = L["surnames"]
    if not a1 or not b1:
        return MISSING, None
    if a1 == b1 and a2 == b2:
        written_a = n.display_fold(f"{a[2]} {a[3]}")
        written_b = n.display_fold(f"{b[2]} {b[3]}")
        return lv["exact"], ("surnames_same" if written_a == written_b else "surnames_no_accents", {})
    if pa1 == pb1 and pa2 == pb2:
        return lv["equivalent"], ("surnames_sound", {"a": f"{a[2]} {a[3]}".strip(), "b": f"{b[2]} {b[3]}".strip()})
    if a2 and b2 and pa1 == pb2 and pa2 == pb1:
        return lv["equivalent"], ("surnames_swapped", {})
    if (not a2 or not b2) and (pa1 == pb1 or (not a2 and pa1 == pb2) or (not b2 and pb1 == pa2)):
        shared = a[2] if pa1 in (pb1, pb2) else a[3]
        return lv["one_missing"], ("surname_one_missing", {"a": shared})
    if _similar(a1, b1) and (a2 == b2 or not a2 or not b2 or _similar(a2, b2) or pa2 == pb2):
        return lv["similar"], ("surnames_typo", {"a": f"{a[2]} {a[3]}".strip(), "b": f"{b[2]} {b[3]}".strip()})
    if a2 and b2 and _similar(a1, b2) and _similar(a2, b1):
        return lv["similar"], ("surnames_typo", {"a": f"{a[2]} {a[3]}".strip(), "b": f"{b[2]} {b[3]}".strip()})
    shared = {pa1, pa2} & {pb1, pb2} - {""}
    if shared:
        word = a[2] if pa1 in shared else a[3]
        return lv["partial"], ("surname_partial", {"a": word})
    return lv["disagree"], ("surnames_differ", {})


def names_in_other_fields(bag_a: tuple, bag_b: tuple, given_level: int, surname_level: int) -> bool:
    """The same words, typed into other fields (given names in the surname field, a whole name
    in one field): worth as much as matching names, once the fields disagree."""
    return (
        bool(bag_a)
        and bag_a == bag_b
        and (given_level < L["given"]["compound"] or surname_level < L["surnames"]["one_missing"])
    )


# --- Date of birth -----------------------------------------------------------------------------


def _one_digit_apart(x: str, y: str) -> bool:
    if len(x) != len(y):
        return False
    diffs = [i for i in range(len(x)) if x[i] != y[i]]
    if len(diffs) == 1:
        return True
    return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and x[diffs[0]] == y[diffs[1]] and x[diffs[1]] == y[diffs[0]]


def compare_dob(a, b) -> tuple[int, Reason]:
    """a, b: (year, month, day) with None for unknown parts, or None."""
    lv = L["dob"]
    if not a or not b:
        return MISSING, None
    ya, ma, da = a
    yb, mb, db = b
    if None not in (ma, da, mb, db):
        if (ya, ma, da) == (yb, mb, db):
            return lv["exact"], ("dob_same", {})
        if ya == yb and ma == db and da == mb:
            return lv["swapped"], ("dob_swapped", {})
        if ma == mb and da == db and abs(ya - yb) == 1:
            return lv["year_off"], ("dob_year_off", {})
        if _one_digit_apart(f"{ya:04d}{ma:02d}{da:02d}", f"{yb:04d}{mb:02d}{db:02d}"):
            return lv["typo"], ("dob_typo", {})
        return lv["disagree"], ("dob_differ", {})
    if ya == yb and (ma is None or mb is None or ma == mb):
        known = f"{ya}" if (ma is None or mb is None) else f"{ma:02d}/{ya}"
        return lv["partial"], ("dob_partial", {"a": known})
    return lv["disagree"], ("dob_differ", {})


_DOB_NOT_EQUAL = frozenset({L["dob"]["disagree"], L["dob"]["typo"], L["dob"]["partial"]})


def compare_identity(given_level: int, dob_level: int) -> tuple[int, Reason]:
    """Given names that differ, with a date of birth that is not the same either (or unknown)."""
    if given_level == MISSING or given_level > L["given"]["partial"]:
        return (MISSING, None) if given_level == MISSING else (L["identity"]["not_both"], None)
    if dob_level == MISSING:
        return L["identity"]["given_differs_dob_unknown"], None
    if dob_level in _DOB_NOT_EQUAL:
        return L["identity"]["given_and_dob_differ"], ("identity_differ", {})
    return L["identity"]["not_both"], None


# --- Identifiers and the rest ------------------------------------------------------------------


def compare_set(field: str, a: tuple, b: tuple) -> tuple[int, Reason]:
    if not a or not b:
        return MISSING, None
    if set(a) & set(b):
        return L[field]["equal"], (f"{field}_same", {})
    return L[field]["disagree"], (f"{field}_differ", {})


def compare_documents(a: tuple, b: tuple) -> tuple[int, Reason]:
    """a, b: ((type, number), …). Numbers of different document types are not compared."""
    lv = L["document"]
    if not a or not b:
        return MISSING, None
    numbers_a = {num for _t, num in a}
    if numbers_a & {num for _t, num in b}:
        return lv["equal"], ("document_same", {})
    compared = False
    for ta, na in a:
        for tb, nb in b:
            if ta and tb and ta != tb:
                continue
            compared = True
            if min(len(na), len(nb)) >= 5 and OSA.distance(na, nb) <= 1:
                return lv["typo"], ("document_typo", {"a": na, "b": nb})
    if not compared:
        return MISSING, None
    return lv["disagree"], ("document_differ", {})


def compare_value(field: str, a: str, b: str) -> tuple[int, Reason]:
    if not a or not b:
        return MISSING, None
    if a == b:
        return L[field]["equal"], (f"{field}_same", {})
    return L[field]["disagree"], (f"{field}_differ", {})
