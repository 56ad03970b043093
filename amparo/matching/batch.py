"""Batch deduplication in memory: blocking, comparison, EM estimation, scoring and clustering,
vectorised with numpy so a million records take about a minute on two cores.

The comparisons are the very functions of `compare.py` (so batch and online agree), applied once
per distinct pair of values (a million pairs of records share far fewer distinct pairs of names)
and spread back over the pairs with numpy. Dates of birth, equal values and missing values are
compared in numpy directly.

Blocking: the records sharing a key (features.blocking_keys) are compared; a key shared by more
than `BLOCK_CAP` records (a very common name with a very common surname, a shelter's phone) is
searched as a sorted neighbourhood instead: each record meets its `WINDOW` nearest neighbours by
date of birth within the block.
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from amparo.matching import compare as c
from amparo.matching import normalize as n
from amparo.matching.features import Features
from amparo.matching.scoring import Model

BLOCK_CAP = 12
WINDOW = 4


def return_freed_memory() -> None:
    """Have glibc hand big freed blocks back to the system at once. By default it raises its
    threshold for using mmap after each big free, so the next arrays come from its heap and
    stay held after they are freed: a batch over a million records then holds hundreds of MB
    of dead temporaries. A fixed threshold keeps the process at what it really uses. Only this
    process (a dedupe command, a worker running a batch) is affected; elsewhere, nothing."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 1 << 17)
    except (OSError, AttributeError):
        pass  # not glibc


_M_MMAP_THRESHOLD = -3


def _encode_many(*columns: Sequence) -> tuple[list[np.ndarray], list]:
    """Codes for several columns sharing one table of values (so codes compare across them)."""
    table: dict = {}
    lookup: list = [None]
    out = []
    for values in columns:
        codes = np.zeros(len(values), dtype=np.int64)
        for i, v in enumerate(values):
            if not v:
                continue
            code = table.get(v)
            if code is None:
                code = table[v] = len(lookup)
                lookup.append(v)
            codes[i] = code
        out.append(codes)
    return out, lookup


def _encode(values: Sequence) -> tuple[np.ndarray, list]:
    """Codes for values: 0 for empty/None, 1.. for distinct values (with the value list)."""
    (codes,), lookup = _encode_many(values)
    return codes, lookup


@dataclass
class FieldSpec:
    """One compared field: how to read its value from Features and how to compare two values."""

    name: str
    extract: Callable[[Features], object]
    compare: Callable[[object, object], tuple[int, object]]
    equal_level: int | None  # the level of two equal values (a shortcut), None: always compare
    differ_level: int | str | None = None  # the level of two different single values (phones, e-mails),
    # or "documents": different single documents are compared only when they may be one typo apart
    # levels of many distinct pairs of values at once (values, codes a, codes b), in place of
    # `compare` one pair at a time
    compare_many: Callable[[object, np.ndarray, np.ndarray], np.ndarray] | None = None
    scalar: bool = False  # one value per record: two different values take `differ_level`
    # tables built once from the field's values for compare_many (which then gets them in place
    # of the values), before worker processes are forked so that they share them
    prepare: Callable[[list], object] | None = None


def _given_level(a, b):
    return c.given_level(a, b), None


_READINGS = 4  # n.canonical_given keeps at most four readings
_READING_WORDS = 8  # names with longer readings (rare) are compared by compare.given_level itself


class _GivenTables:
    """What compare.given_level reads of each given name, as arrays over the value codes
    (code 0 = no value): reading codes, the phonetic codes of each reading and of its prefixes,
    sound tokens, the first reading joined, its first word and the code of its other words."""

    def __init__(self, values: list):
        self.values = values
        count = len(values)
        self.reading = np.full((count, _READINGS), -1, dtype=np.int64)
        self.sound = np.full((count, _READINGS), -2, dtype=np.int64)  # phonetic code of the reading
        self.prefix = np.full((count, _READINGS, _READING_WORDS + 1), -3, dtype=np.int64)
        self.length = np.full((count, _READINGS), -1, dtype=np.int64)
        self.long = np.zeros(count, dtype=bool)
        self.first_length = np.zeros(count, dtype=np.int64)
        self.first_tail = np.zeros(count, dtype=np.int64)
        joined, heads = [""] * count, [""] * count
        readings: dict[tuple, int] = {}
        prefixes: dict[tuple, int] = {}
        tokens: dict[str, int] = {}
        sound_tokens: list[list[int]] = [[] for _ in range(count)]
        ids: dict = {}
        self.identity = np.full(count, -1, dtype=np.int64)
        for code in range(1, count):
            value = values[code]
            if not value:
                continue
            self.identity[code] = ids.setdefault(value, len(ids))
            sounds = c._given_sounds(value)
            for x, reading in enumerate(n.canonical_given(value)[:_READINGS]):
                self.reading[code, x] = readings.setdefault(reading, len(readings))
                self.length[code, x] = len(reading)
                if len(reading) > _READING_WORDS:
                    self.long[code] = True
                    continue
                phonetic = tuple(map(n.phonetic, reading))
                for k in range(len(reading) + 1):
                    self.prefix[code, x, k] = prefixes.setdefault(phonetic[:k], len(prefixes))
                self.sound[code, x] = self.prefix[code, x, len(reading)]
                if x == 0:
                    heads[code] = reading[0] if reading else ""
                    self.first_length[code] = len(reading)
                    self.first_tail[code] = readings.setdefault(("tail", *reading[1:]), len(readings))
            sound_tokens[code] = [tokens.setdefault(t, len(tokens)) for t in sounds[1]]
            joined[code] = sounds[2]
        width = max(map(len, sound_tokens), default=1) or 1
        self.sounds = np.full((count, width), -1, dtype=np.int64)
        for code, row in enumerate(sound_tokens):
            self.sounds[code, : len(row)] = row
        self.joined = np.asarray(joined, dtype=object)
        self.head = np.asarray(heads, dtype=object)


def _given_levels_many(t: _GivenTables, ua: np.ndarray, ub: np.ndarray) -> np.ndarray:
    """compare.given_level for distinct pairs of different given names, in numpy: the same
    decisions in the same order (a reading in common, by spelling or by sound: equivalent; no
    word sounding alike: a typo or nothing; one reading the beginning of the other by sound:
    compound; a typo: similar; else one word in common). Tested against given_level."""
    lv = c.L["given"]
    sa, sb = t.sounds[ua], t.sounds[ub]
    shared = np.zeros(ua.size, dtype=bool)
    for x in range(sa.shape[1]):
        for y in range(sb.shape[1]):
            shared |= (sa[:, x] == sb[:, y]) & (sa[:, x] >= 0)
    # a reading in common or one beginning the other (by sound) needs a word sounding alike
    on = np.flatnonzero(shared)
    a, b = ua[on], ub[on]
    equivalent = np.zeros(on.size, dtype=bool)
    compound = np.zeros(on.size, dtype=bool)
    readings_b = [(t.reading[b, y], t.length[b, y], t.sound[b, y]) for y in range(_READINGS)]
    for x in range(_READINGS):
        ra, la, pa = t.reading[a, x], t.length[a, x], t.sound[a, x]
        if not (la >= 0).any():
            continue
        for y, (rb, lb, pb) in enumerate(readings_b):
            both = (la >= 0) & (lb >= 0)
            equivalent |= both & ((ra == rb) | (pa == pb))
            # one reading begins with the other, by sound (José / José Luis)
            compound |= both & (la < lb) & (t.prefix[b, y, np.clip(la, 0, _READING_WORDS)] == pa)
            compound |= both & (lb < la) & (t.prefix[a, x, np.clip(lb, 0, _READING_WORDS)] == pb)
    level = np.full(ua.size, lv["disagree"], dtype=np.int8)
    level[on] = np.where(equivalent, lv["equivalent"], np.where(compound, lv["compound"], lv["partial"]))
    # a typo: the first readings one edit apart, or their first words (the others equal)
    open_ = np.flatnonzero(~shared)
    open_ = np.concatenate([open_, on[~equivalent & ~compound]])
    typo = c.similar_many(t.joined[ua[open_]], t.joined[ub[open_]])
    heads = open_[
        ~typo
        & shared[open_]
        & (t.first_length[ua[open_]] > 1)
        & (t.first_length[ub[open_]] > 1)
        & (t.first_tail[ua[open_]] == t.first_tail[ub[open_]])
    ]
    level[open_[typo]] = lv["similar"]
    level[heads[c.similar_many(t.head[ua[heads]], t.head[ub[heads]])]] = lv["similar"]
    level[t.identity[ua] == t.identity[ub]] = lv["exact"]
    level[(t.identity[ua] < 0) | (t.identity[ub] < 0)] = c.MISSING
    for k in np.flatnonzero(t.long[ua] | t.long[ub]).tolist():
        level[k] = c.given_level(t.values[ua[k]], t.values[ub[k]])
    return level


def _surname_level(a, b):
    return c.compare_surnames((a[0], a[1], "", ""), (b[0], b[1], "", ""))


REGISTRY_FIELDS: list[FieldSpec] = [
    FieldSpec(
        "given",
        lambda f: f.given,
        _given_level,
        c.L["given"]["exact"],
        compare_many=_given_levels_many,
        prepare=lambda values: _GivenTables(values),
    ),
    FieldSpec(
        "sex",
        lambda f: f.sex,
        lambda a, b: c.compare_value("sex", a, b),
        c.L["sex"]["equal"],
        c.L["sex"]["disagree"],
        scalar=True,
    ),
    FieldSpec("phone", lambda f: f.phones, lambda a, b: c.compare_set("phone", a, b), c.L["phone"]["equal"], 0),
    FieldSpec("document", lambda f: f.documents, c.compare_documents, c.L["document"]["equal"], "documents"),
    FieldSpec("email", lambda f: f.emails, lambda a, b: c.compare_set("email", a, b), c.L["email"]["equal"], 0),
    FieldSpec(
        "place",
        lambda f: f.place,
        lambda a, b: c.compare_value("place", a, b),
        c.L["place"]["equal"],
        c.L["place"]["disagree"],
        scalar=True,
    ),
    FieldSpec(
        "nationality",
        lambda f: f.nationality,
        lambda a, b: c.compare_value("nationality", a, b),
        c.L["nationality"]["equal"],
        c.L["nationality"]["disagree"],
        scalar=True,
    ),
]


def _encode_part(features: Sequence, fields: list[FieldSpec]) -> dict:
    """Local codes of one slice of records (merged into global codes by Records)."""
    part: dict = {"n": len(features), "fields": {}}
    for spec in fields:
        part["fields"][spec.name] = _encode([spec.extract(f) for f in features])
    part["bag"] = _encode([f.bag for f in features])
    has_surnames = not any(spec.name == "surnames" for spec in fields) and all(
        isinstance(f, Features) for f in features[:1]
    )
    part["has_surnames"] = has_surnames
    if has_surnames:
        words = [f.surname for f in features]
        part["words"] = _encode_many([w[0] for w in words], [w[1] for w in words])
        sounds = [(n.phonetic(w[0]), n.phonetic(w[1])) for w in words]
        part["sounds"] = _encode_many([x[0] for x in sounds], [x[1] for x in sounds])
    dob = np.full((len(features), 3), -1, dtype=np.int32)
    for i, f in enumerate(features):
        if f.dob:
            dob[i] = [-1 if x is None else x for x in f.dob]
    part["dob"] = dob
    # Keys are compared for equality only: their hash is their code (forked workers share the
    # interpreter's hash seed, so codes agree across slices without merging tables).
    key_rows, key_codes = [], []
    for i, f in enumerate(features):
        for k in f.blocking_keys():
            key_rows.append(i)
            key_codes.append(hash(k))
    part["keys"] = (np.asarray(key_rows, dtype=np.int64), np.asarray(key_codes, dtype=np.int64))
    return part


def _merge(columns: list[tuple[np.ndarray, list]]) -> tuple[np.ndarray, list]:
    """Global codes for columns encoded separately (code 0 stays 'empty'). One column's codes
    are already global."""
    if len(columns) == 1:
        return columns[0]
    table: dict = {}
    lookup: list = [None]
    out = []
    for codes, local in columns:
        mapping = np.zeros(len(local), dtype=np.int64)
        for code, value in enumerate(local[1:], start=1):
            g = table.get(value)
            if g is None:
                g = table[value] = len(lookup)
                lookup.append(value)
            mapping[code] = g
        out.append(mapping[codes])
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64), lookup


_parts_job: dict = {}


def _encode_slice(bounds: tuple[int, int]) -> dict:
    items, to_part = _parts_job["job"]
    return to_part(items[bounds[0] : bounds[1]])


class Records:
    """Many records as columns of codes, ready for blocking and comparison."""

    def __init__(
        self, features: Sequence[Features] = (), *, fields: list[FieldSpec] | None = None, source=None, parts=None
    ):
        self.fields = fields or REGISTRY_FIELDS
        parts = parts if parts is not None else [_encode_part(features, self.fields)]
        self.n = sum(p["n"] for p in parts)
        self.codes: dict[str, np.ndarray] = {}
        self.values: dict[str, list] = {}
        for spec in self.fields:
            self.codes[spec.name], self.values[spec.name] = _merge([p["fields"][spec.name] for p in parts])
        self.bag, _ = _merge([p["bag"] for p in parts])
        self.has_surnames = all(p["has_surnames"] for p in parts) and self.n > 0
        if self.has_surnames:
            # Surnames, one column each (with their phonetic keys), compared in numpy.
            words = [(np.concatenate([p["words"][0][0], p["words"][0][1]]), p["words"][1]) for p in parts]
            merged, self.surname_words = _merge(words)
            sizes = [p["n"] for p in parts]
            self.s1, self.s2 = _split_halves(merged, sizes)
            sounds = [(np.concatenate([p["sounds"][0][0], p["sounds"][0][1]]), p["sounds"][1]) for p in parts]
            merged, _ = _merge(sounds)
            self.p1, self.p2 = _split_halves(merged, sizes)
        self.dob = np.concatenate([p["dob"] for p in parts]) if parts else np.zeros((0, 3), dtype=np.int32)
        if len(parts) == 1:
            self.key_rows, self.key_codes = parts[0]["keys"]
        else:
            offsets = np.cumsum([0] + [p["n"] for p in parts])
            self.key_rows = np.concatenate([p["keys"][0] + offsets[k] for k, p in enumerate(parts)])
            self.key_codes = np.concatenate([p["keys"][1] for p in parts])
        self.source = None if source is None else np.asarray(source)
        self._prepared: dict[str, object] = {}

    def prepared(self, name: str, build: Callable[[], object]):
        """A table derived from the values (built once, kept)."""
        found = self._prepared.get(name)
        if found is None:
            found = self._prepared[name] = build()
        return found

    def prepare_comparisons(self) -> None:
        """Build every table the comparisons read, so that forked workers share them."""
        for spec in self.fields:
            _comparison_input(self, spec)
            if spec.differ_level == "documents":
                _document_tables(self, spec.name)
            elif spec.differ_level is not None and not spec.scalar:
                _single_values(self, spec.name)
        if self.has_surnames:
            _surname_words(self)

    @classmethod
    def build(
        cls,
        items: Sequence,
        to_part: Callable[[Sequence], dict],
        *,
        fields=None,
        workers: int | None = None,
        source=None,
    ):
        """Records of `items` (file rows…) encoded by `to_part` (a function of a list giving
        what `_encode_part` gives for their features), in forked worker processes for large
        inputs: each encodes its slice, and only codes and distinct values come back."""
        fields = fields or REGISTRY_FIELDS
        workers = workers or default_workers()
        if workers < 2 or len(items) < 100_000 or "fork" not in multiprocessing.get_all_start_methods():
            return cls(fields=fields, source=source, parts=[to_part(items)])
        size = -(-len(items) // workers)
        _parts_job["job"] = (items, to_part)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                parts = pool.map(_encode_slice, [(k * size, min(len(items), (k + 1) * size)) for k in range(workers)])
        finally:
            _parts_job.pop("job", None)
        return cls(fields=fields, source=source, parts=parts)


def _split_halves(merged: np.ndarray, sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Each part contributed [first column, second column]: split them back, in order."""
    firsts, seconds, start = [], [], 0
    for size in sizes:
        firsts.append(merged[start : start + size])
        seconds.append(merged[start + size : start + 2 * size])
        start += 2 * size
    return np.concatenate(firsts), np.concatenate(seconds)


# --- Blocking ----------------------------------------------------------------------------------


def candidate_pairs(records: Records, *, block_cap: int = BLOCK_CAP, window: int = WINDOW, link_only=False):
    """(i, j) arrays of record indices (i < j) sharing a blocking key, each pair once."""
    rows, keys = records.key_rows, records.key_codes
    if rows.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    dob = records.dob
    secondary = dob[rows, 0].astype(np.int64) * 10000 + np.maximum(dob[rows, 1], 0) * 100 + np.maximum(dob[rows, 2], 0)
    order = np.lexsort((rows, secondary, keys))
    del secondary
    row_type = np.int32 if records.n < 2**31 else np.int64  # half the memory of the arrays below
    rows, keys = rows[order].astype(row_type), keys[order]
    del order
    # a record under the same key twice (two of its keys built alike) counts once in the block
    once = np.r_[True, (keys[1:] != keys[:-1]) | (rows[1:] != rows[:-1])]
    if not once.all():
        rows, keys = rows[once], keys[once]
    del once
    # group sizes
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, keys.size])
    size_of = np.repeat(sizes, sizes).astype(np.int32)
    del starts
    alive = np.flatnonzero(size_of > 1).astype(row_type)  # positions that may still have a partner at offset d
    found: list[np.ndarray] = []  # pair codes (i * n + j), a few arrays per offset d
    max_d = max(min(int(sizes.max()), block_cap), window + 1)
    for d in range(1, max_d):
        if d == window + 1:
            alive = alive[size_of[alive] <= block_cap]  # big blocks: only the window
        alive = alive[alive + d < keys.size]
        alive = alive[keys[alive + d] == keys[alive]]
        if alive.size == 0:
            break
        a, b = rows[alive].astype(np.int64), rows[alive + d].astype(np.int64)
        i, j = np.minimum(a, b), np.maximum(a, b)
        keep = i != j
        if link_only and records.source is not None:
            keep &= records.source[i] != records.source[j]
        found.append(i[keep] * records.n + j[keep])
    del rows, keys, alive, size_of
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pair_codes = np.concatenate(found)
    del found
    pair_codes = _sorted_unique(pair_codes)
    return pair_codes // records.n, pair_codes % records.n


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting: numpy 2's hash-based unique is several times slower on tens of
    millions of int64 codes (cache misses), a sort is not."""
    values.sort()  # in place: the caller hands over its array
    if values.size:
        values = values[np.r_[True, values[1:] != values[:-1]]]
    return values


# --- Comparison --------------------------------------------------------------------------------


def field_levels(records: Records, spec: FieldSpec, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    codes, values = records.codes[spec.name], records.values[spec.name]
    ca, cb = codes[i], codes[j]
    levels = np.full(i.size, c.MISSING, dtype=np.int8)
    both = (ca > 0) & (cb > 0)
    equal = both & (ca == cb)
    if spec.equal_level is not None:
        levels[equal] = spec.equal_level
        rest = both & ~equal
    else:
        rest = both
    if spec.differ_level == "documents":
        rest = _documents_prefilter(_document_tables(records, spec.name), ca, cb, rest, levels)
    elif spec.scalar:
        levels[rest] = spec.differ_level  # compare.compare_value: different values disagree
        rest = np.zeros_like(rest)
    elif spec.differ_level is not None:
        single = _single_values(records, spec.name)
        differ = rest & single[ca] & single[cb]
        levels[differ] = spec.differ_level
        rest &= ~differ
    if rest.any():
        k = len(values)
        unique, inverse = np.unique(ca[rest] * k + cb[rest], return_inverse=True)
        if spec.compare_many is not None:
            computed = spec.compare_many(_comparison_input(records, spec), unique // k, unique % k)
        else:
            compare = spec.compare
            computed = np.fromiter(
                (compare(values[u // k], values[u % k])[0] for u in unique.tolist()), dtype=np.int8, count=unique.size
            )
        levels[rest] = computed[inverse]
    return levels


def _comparison_input(records: Records, spec: FieldSpec):
    """What spec.compare_many reads: its prepared tables, or the values."""
    if spec.prepare is None:
        return records.values[spec.name]
    return records.prepared(spec.name, lambda: spec.prepare(records.values[spec.name]))


def _single_values(records: Records, name: str) -> np.ndarray:
    """Per value code: the value holds one item (one phone, one e-mail)."""
    values = records.values[name]
    return records.prepared(
        f"{name}:single",
        lambda: np.fromiter((v is not None and len(v) == 1 for v in values), dtype=bool, count=len(values)),
    )


def _document_tables(records: Records, name: str) -> tuple:
    return records.prepared(f"{name}:documents", lambda: _documents_by_code(records.values[name]))


def _documents_by_code(values: list) -> tuple:
    """Per value code: one document only, its type, length, first and last three characters."""
    count = len(values)
    single = np.zeros(count, dtype=bool)
    kind = np.zeros(count, dtype=np.int64)
    length = np.zeros(count, dtype=np.int64)
    kinds: dict[str, int] = {"": 0}
    heads: dict[str, int] = {}
    tails: dict[str, int] = {}
    head = np.zeros(count, dtype=np.int64)
    tail = np.zeros(count, dtype=np.int64)
    for code, value in enumerate(values):
        if value and len(value) == 1:
            doc_type, number = value[0]
            single[code] = True
            kind[code] = kinds.setdefault(doc_type or "", len(kinds))
            length[code] = len(number)
            head[code] = heads.setdefault(number[:3], len(heads))
            tail[code] = tails.setdefault(number[-3:], len(tails))
    return single, kind, length, head, tail


def _documents_prefilter(tables: tuple, ca, cb, rest, levels) -> np.ndarray:
    """Two different single document numbers can be one edit apart only if their first three
    or last three characters agree (numbers of seven characters or more): the others disagree,
    or are not compared when their document types differ (as compare.compare_documents)."""
    single, kind, length, head, tail = tables
    both_single = rest & single[ca] & single[cb]
    other_kind = both_single & (kind[ca] > 0) & (kind[cb] > 0) & (kind[ca] != kind[cb])
    levels[other_kind] = c.MISSING
    maybe = (head[ca] == head[cb]) | (tail[ca] == tail[cb]) | (np.minimum(length[ca], length[cb]) < 7)
    far = both_single & ~other_kind & ~maybe
    levels[far] = c.L["document"]["disagree"]
    return rest & ~other_kind & ~far


def dob_levels(dob: np.ndarray, i: np.ndarray, j: np.ndarray, chunk: int = 1_000_000) -> np.ndarray:
    """compare.compare_dob, in numpy."""
    out = np.full(i.size, c.MISSING, dtype=np.int8)
    lv = c.L["dob"]
    for start in range(0, i.size, chunk):
        a, b = dob[i[start : start + chunk]], dob[j[start : start + chunk]]
        ya, ma, da = a[:, 0], a[:, 1], a[:, 2]
        yb, mb, db = b[:, 0], b[:, 1], b[:, 2]
        level = np.full(a.shape[0], c.MISSING, dtype=np.int8)
        has = (ya >= 0) & (yb >= 0)
        full = has & (ma >= 0) & (da >= 0) & (mb >= 0) & (db >= 0)
        partial = has & ~full
        level[partial] = np.where((ya == yb) & ((ma < 0) | (mb < 0) | (ma == mb)), lv["partial"], lv["disagree"])[
            partial
        ]
        exact = full & (ya == yb) & (ma == mb) & (da == db)
        swapped = full & ~exact & (ya == yb) & (ma == db) & (da == mb)
        year_off = full & ~exact & (ma == mb) & (da == db) & (np.abs(ya - yb) == 1)
        rest = full & ~exact & ~swapped & ~year_off
        level[full] = lv["disagree"]
        if rest.any():
            va = (ya[rest].astype(np.int64) * 10000 + ma[rest] * 100 + da[rest])[:, None]
            vb = (yb[rest].astype(np.int64) * 10000 + mb[rest] * 100 + db[rest])[:, None]
            powers = 10 ** np.arange(7, -1, -1, dtype=np.int64)
            xa, xb = (va // powers) % 10, (vb // powers) % 10
            differ = xa != xb
            count = differ.sum(axis=1)
            first = differ.argmax(axis=1)
            rows = np.arange(xa.shape[0])
            nxt = np.minimum(first + 1, 7)
            transposed = (
                (count == 2)
                & differ[rows, nxt]
                & (xa[rows, first] == xb[rows, nxt])
                & (xa[rows, nxt] == xb[rows, first])
            )
            typo = (count == 1) | transposed
            sub = level[rest]
            sub[typo] = lv["typo"]
            level[rest] = sub
        level[year_off] = lv["year_off"]
        level[swapped] = lv["swapped"]
        level[exact] = lv["exact"]
        out[start : start + chunk] = level
    return out


def _surname_words(records: Records) -> np.ndarray:
    """The surname words as an object array (indexed by their codes; "" for code 0)."""

    def build():
        words = np.empty(len(records.surname_words), dtype=object)
        words[:] = ["" if w is None else w for w in records.surname_words]
        return words

    return records.prepared("surname:words", build)


def _pair_similar(codes_a, codes_b, words: np.ndarray) -> np.ndarray:
    """compare._similar(words[a], words[b]) for each pair of codes, once per distinct pair."""
    if codes_a.size == 0:
        return np.zeros(0, dtype=bool)
    k = len(words)
    unique, inverse = np.unique(codes_a * k + codes_b, return_inverse=True)
    return c.similar_many(words[unique // k], words[unique % k])[inverse]


def surname_levels(records: Records, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """compare.compare_surnames, in numpy (string similarity once per distinct pair of words)."""
    lv = c.L["surnames"]
    a1, a2, b1, b2 = records.s1[i], records.s2[i], records.s1[j], records.s2[j]
    pa1, pa2, pb1, pb2 = records.p1[i], records.p2[i], records.p1[j], records.p2[j]
    words = _surname_words(records)
    level = np.full(i.size, lv["disagree"], dtype=np.int8)
    todo = (a1 > 0) & (b1 > 0)
    level[~todo] = c.MISSING

    def settle(mask, value):
        nonlocal todo
        hit = todo & mask
        level[hit] = value
        todo &= ~hit

    settle((a1 == b1) & (a2 == b2), lv["exact"])
    settle((pa1 == pb1) & (pa2 == pb2), lv["equivalent"])
    settle((a2 > 0) & (b2 > 0) & (pa1 == pb2) & (pa2 == pb1), lv["equivalent"])
    settle(
        ((a2 == 0) | (b2 == 0)) & ((pa1 == pb1) | ((a2 == 0) & (pa1 == pb2)) | ((b2 == 0) & (pb1 == pa2))),
        lv["one_missing"],
    )
    similar = np.zeros(i.size, dtype=bool)
    idx = np.flatnonzero(todo)
    s11 = _pair_similar(a1[idx], b1[idx], words)
    second_ok = (a2[idx] == b2[idx]) | (a2[idx] == 0) | (b2[idx] == 0) | (pa2[idx] == pb2[idx])
    need = s11 & ~second_ok
    s22 = np.zeros(idx.size, dtype=bool)
    s22[need] = _pair_similar(a2[idx][need], b2[idx][need], words)
    similar[idx] = s11 & (second_ok | s22)
    crossed = idx[~similar[idx] & (a2[idx] > 0) & (b2[idx] > 0)]
    if crossed.size:
        s12 = _pair_similar(a1[crossed], b2[crossed], words)
        s21 = np.zeros(crossed.size, dtype=bool)
        s21[s12] = _pair_similar(a2[crossed][s12], b1[crossed][s12], words)
        similar[crossed] = s12 & s21
    settle(similar, lv["similar"])
    shared = (
        ((pa1 == pb1) & (pa1 > 0))
        | ((pa1 == pb2) & (pa1 > 0))
        | ((pa2 == pb1) & (pa2 > 0))
        | ((pa2 == pb2) & (pa2 > 0))
    )
    settle(shared, lv["partial"])
    return level


def compare_pairs(records: Records, i: np.ndarray, j: np.ndarray, *, with_dob: bool = True) -> dict[str, np.ndarray]:
    levels = {spec.name: field_levels(records, spec, i, j) for spec in records.fields}
    if records.has_surnames and "surnames" not in levels:
        levels["surnames"] = surname_levels(records, i, j)
    if with_dob:
        levels["dob"] = dob_levels(records.dob, i, j)
    if "given" in levels and "surnames" in levels:
        g, s = levels["given"], levels["surnames"]
        other_fields = (
            (records.bag[i] > 0)
            & (records.bag[i] == records.bag[j])
            & ((g < c.L["given"]["compound"]) | (s < c.L["surnames"]["one_missing"]))
        )
        g[other_fields] = c.L["given"]["equivalent"]
        s[other_fields] = c.L["surnames"]["equivalent"]
    if "given" in levels and "dob" in levels:
        g, d = levels["given"], levels["dob"]
        lv_i, lv_d = c.L["identity"], c.L["dob"]
        identity = np.full(g.size, lv_i["not_both"], dtype=np.int8)
        differ = (g >= 0) & (g <= c.L["given"]["partial"])
        not_equal = (d == lv_d["disagree"]) | (d == lv_d["typo"]) | (d == lv_d["partial"])
        identity[differ & (d == c.MISSING)] = lv_i["given_differs_dob_unknown"]
        identity[differ & not_equal] = lv_i["given_and_dob_differ"]
        identity[g == c.MISSING] = c.MISSING
        levels["identity"] = identity
    return levels


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


_shared: dict = {}


COMPARE_CHUNK = 1_000_000  # pairs compared at once: bounds each worker's temporary memory
PARALLEL_FROM = 200_000  # fewer pairs are compared in this process


def _compare_slice(bounds: tuple[int, int]) -> dict[str, np.ndarray]:
    records, i, j, with_dob = _shared["job"]
    start, stop = bounds
    return compare_pairs(records, i[start:stop], j[start:stop], with_dob=with_dob)


def parallel_compare(records: Records, i, j, *, with_dob: bool = True, workers: int | None = None):
    """compare_pairs over chunks of the pairs in forked worker processes (the records and the
    tables the comparisons read are built first and shared copy-on-write; only the small level
    arrays come back). One process below 200,000 pairs or where fork is not available."""
    workers = workers or default_workers()
    if workers < 2 or i.size < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return compare_pairs(records, i, j, with_dob=with_dob)
    records.prepare_comparisons()
    chunks = max(workers, -(-i.size // COMPARE_CHUNK))
    bounds = [(k * i.size // chunks, (k + 1) * i.size // chunks) for k in range(chunks)]
    _shared["job"] = (records, i, j, with_dob)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_compare_slice, bounds, chunksize=1)
    finally:
        _shared.pop("job", None)
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


# --- Scoring and estimation --------------------------------------------------------------------


def match_weights(levels: dict[str, np.ndarray], model: Model, records: int | None = None) -> np.ndarray:
    """Match weight (bits) of each pair; `records`: the size of the registry the pairs come from."""
    weights = model.weights()
    total = np.full(next(iter(levels.values())).size, model.intercept_for(records), dtype=np.float64)
    for name, lv in levels.items():
        if name not in weights:
            continue  # a field the model does not weigh
        table = np.asarray([0.0, *weights[name]])
        total += table[lv.astype(np.int16) + 1]
    return total


def probabilities(weight: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))


def estimate(levels: dict[str, np.ndarray], model: Model, *, iterations: int = 30, floor: float = 1e-5) -> Model:
    """Expectation–maximisation of m, u and the prior over the candidate pairs (conditional
    independence of fields given match status), starting from `model`."""
    levels = {f: lv for f, lv in levels.items() if f in model.m}
    m = {f: np.asarray(model.m[f], dtype=float) for f in levels}
    u = {f: np.asarray(model.u[f], dtype=float) for f in levels}
    prior = model.prior
    for _ in range(iterations):
        current = Model(m={f: list(v) for f, v in m.items()}, u={f: list(v) for f, v in u.items()}, prior=prior)
        p = probabilities(match_weights(levels, current))
        prior = float(min(max(p.mean(), 1e-6), 0.999))
        for f, lv in levels.items():
            valid = lv >= 0
            n_levels = len(m[f])
            pm = np.bincount(lv[valid], weights=p[valid], minlength=n_levels)[:n_levels]
            pu = np.bincount(lv[valid], weights=1 - p[valid], minlength=n_levels)[:n_levels]
            m[f] = np.maximum(pm / max(pm.sum(), 1e-12), floor)
            u[f] = np.maximum(pu / max(pu.sum(), 1e-12), floor)
            m[f] /= m[f].sum()
            u[f] /= u[f].sum()
    return Model(
        m={f: [round(float(x), 6) for x in v] for f, v in m.items()},
        u={f: [round(float(x), 6) for x in v] for f, v in u.items()},
        prior=round(prior, 6),
        notes=f"estimated with EM over {next(iter(levels.values())).size} candidate pairs",
    )


def calibrate(levels: dict[str, np.ndarray], is_match: np.ndarray, *, smoothing: float = 0.5) -> Model:
    """m, u and the prior counted on labelled candidate pairs (a generated registry whose true
    identities are known), with add-`smoothing` counts so no level weighs infinitely."""
    is_match = np.asarray(is_match, dtype=bool)
    m, u = {}, {}
    for f, lv in levels.items():
        n_levels = int(max(lv.max(initial=0) + 1, 2))
        n_levels = max(n_levels, len(_LEVEL_NAMES.get(f, ())) or n_levels)
        valid = lv >= 0
        cm = np.bincount(lv[valid & is_match], minlength=n_levels)[:n_levels] + smoothing
        cu = np.bincount(lv[valid & ~is_match], minlength=n_levels)[:n_levels] + smoothing
        m[f] = [round(float(x), 6) for x in cm / cm.sum()]
        u[f] = [round(float(x), 6) for x in cu / cu.sum()]
    prior = float(is_match.mean()) if is_match.size else 0.01
    return Model(
        m=m,
        u=u,
        prior=round(min(max(prior, 1e-6), 0.5), 6),
        notes=f"calibrated on {is_match.size} labelled candidate pairs ({int(is_match.sum())} true matches)",
    )


_LEVEL_NAMES = c.LEVELS


def fit_weights(
    levels: dict[str, np.ndarray],
    is_match: np.ndarray,
    *,
    sizes: np.ndarray | None = None,
    l2: float = 2.0,
    iterations: int = 50,
) -> Model:
    """Weights per field level fitted jointly by logistic regression (Newton's method with an L2
    penalty, on the distinct combinations of levels with their counts) on labelled candidate
    pairs. Unlike m/u counted one field at a time, a joint fit does not count twice evidence
    that travels together (relatives share surnames, address and phone), while the weights stay
    additive and explainable. Weights are in bits (log2 odds); a missing value weighs nothing.

    `sizes`: for pairs pooled from registries of different sizes, each pair's registry size; a
    slope of the intercept per doubling of the registry is then fitted with the weights
    (Model.size_slope, from the smallest size up)."""
    is_match = np.asarray(is_match, dtype=bool)
    fields = list(levels)
    columns_in = [levels[f].astype(np.int16) for f in fields]
    reference = 0
    if sizes is not None:
        sizes = np.asarray(sizes)
        reference = int(sizes.min())
        # one code per size (few distinct sizes): the patterns below stay few
        size_values, size_codes = np.unique(sizes, return_inverse=True)
        columns_in.append(size_codes.astype(np.int16))
    matrix = np.stack(columns_in, axis=1)
    patterns, inverse = np.unique(matrix, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    positives = np.bincount(inverse, weights=is_match, minlength=len(patterns))
    totals = np.bincount(inverse, minlength=len(patterns)).astype(float)
    columns: list[tuple[int, int]] = []
    for index, f in enumerate(fields):
        n_levels = len(_LEVEL_NAMES.get(f, ())) or int(levels[f].max(initial=0) + 1)
        columns.extend((index, k) for k in range(n_levels))
    extra = 1 if sizes is not None else 0
    x = np.zeros((len(patterns), len(columns) + 1 + extra))
    x[:, -1] = 1.0
    for col, (index, k) in enumerate(columns):
        x[:, col] = patterns[:, index] == k
    if extra:
        x[:, -2] = np.log2(size_values[patterns[:, len(fields)]] / reference)
    beta = np.zeros(x.shape[1])
    rate = positives.sum() / totals.sum()
    beta[-1] = math.log(max(rate, 1e-6) / max(1 - rate, 1e-6))
    penalty = np.full(x.shape[1], l2)
    penalty[-1 - extra :] = 0.0

    def loss(b: np.ndarray) -> float:
        z = x @ b
        return float(np.sum(totals * np.logaddexp(0, z) - positives * z) + 0.5 * np.sum(penalty * b * b))

    current = loss(beta)
    for _ in range(iterations):
        z = np.clip(x @ beta, -35, 35)
        p = 1.0 / (1.0 + np.exp(-z))
        gradient = x.T @ (positives - totals * p) - penalty * beta
        hessian = (x * (totals * p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        scale = 1.0
        while scale > 1e-4:
            candidate = beta + scale * step
            value = loss(candidate)
            if value <= current:
                break
            scale /= 2
        beta, improvement = candidate, current - value
        current = value
        if improvement < 1e-7 * max(abs(current), 1.0):
            break
    bits = beta / math.log(2)
    weights: dict[str, list[float]] = {f: [] for f in fields}
    for col, (index, _k) in enumerate(columns):
        weights[fields[index]].append(round(float(bits[col]), 4))
    counted = calibrate(levels, is_match)
    return Model(
        m=counted.m,
        u=counted.u,
        prior=counted.prior,
        w=weights,
        intercept=round(float(bits[-1]), 4),
        size_slope=round(float(bits[-2]), 4) if extra else 0.0,
        reference_size=reference,
        notes=f"weights fitted by logistic regression on {is_match.size} labelled candidate pairs "
        f"({int(is_match.sum())} true matches); m and u counted on the same pairs, for reference",
    )


# --- Clustering --------------------------------------------------------------------------------


def clusters(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Connected components of the matched pairs: a label per record (its cluster's smallest
    record index). Each round hooks every pair's two labels onto the smaller one, then follows
    labels to their end (pointer jumping): a few rounds, in numpy."""
    label = np.arange(n, dtype=np.int64)
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    while i.size:
        li, lj = label[i], label[j]
        differ = li != lj
        if not differ.any():
            break
        low = np.minimum(li[differ], lj[differ])
        np.minimum.at(label, li[differ], low)
        np.minimum.at(label, lj[differ], low)
        while True:
            jumped = label[label]
            if (jumped == label).all():
                break
            label = jumped
    return label


@dataclass
class Result:
    i: np.ndarray
    j: np.ndarray
    levels: dict[str, np.ndarray]
    weight: np.ndarray
    probability: np.ndarray
    cluster: np.ndarray
    best: np.ndarray  # per record: highest probability of a matched pair it is part of (0: alone)
    model: Model
    timings: dict[str, float]

    def matched(self, threshold: float) -> np.ndarray:
        return self.probability >= threshold


def dedupe(
    features: Sequence[Features] | Records,
    *,
    model: Model | None = None,
    threshold: float = 0.5,
    estimate_model: bool = False,
    link_only: bool = False,
    source=None,
    fields: list[FieldSpec] | None = None,
    with_dob: bool = True,
    block_cap: int = BLOCK_CAP,
    window: int = WINDOW,
    workers: int | None = None,
) -> Result:
    """Find the duplicates among `features`: scored pairs and clusters at `threshold`."""
    import time

    from amparo.matching.scoring import default_model

    return_freed_memory()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    records = features if isinstance(features, Records) else Records(features, fields=fields, source=source)
    timings["encode"] = time.perf_counter() - t
    t = time.perf_counter()
    i, j = candidate_pairs(records, block_cap=block_cap, window=window, link_only=link_only)
    timings["block"] = time.perf_counter() - t
    t = time.perf_counter()
    levels = parallel_compare(records, i, j, with_dob=with_dob, workers=workers)
    timings["compare"] = time.perf_counter() - t
    model = model or default_model()
    if estimate_model and i.size:
        t = time.perf_counter()
        model = estimate(levels, model)
        timings["estimate"] = time.perf_counter() - t
    t = time.perf_counter()
    weight = match_weights(levels, model, records.n) if i.size else np.zeros(0)
    prob = probabilities(weight)
    hit = prob >= threshold
    cluster = clusters(records.n, i[hit], j[hit])
    best = np.zeros(records.n)
    if hit.any():
        np.maximum.at(best, i[hit], prob[hit])
        np.maximum.at(best, j[hit], prob[hit])
    timings["score_cluster"] = time.perf_counter() - t
    timings["pairs"] = float(i.size)
    return Result(i, j, levels, weight, prob, cluster, best, model, timings)


def f1(predicted: set, truth: set) -> tuple[float, float, float]:
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth) if truth else 0.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, score
