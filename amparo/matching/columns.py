"""A people file's columns → batch Records, every distinct value normalised once, no Python per row.

`amparo dedupe --input` and the benchmarks read a file as columns of strings (files.read_table)
and hand them here. A million rows hold far fewer distinct names, dates, places and sexes than
rows, but how many depends on the file: one written by hand has the same name in capitals, without
accents, with two spaces… So the work is split in two:

- **each distinct raw value once, vectorised** (pyarrow compute, in C++): folding case, accents,
  spacing and punctuation (`fold_many`), dates (`dates_many`), phones (`phone_keys_many`),
  document numbers and e-mails. Values a vectorised rule cannot decide exactly as
  `normalize.py` does (non-Latin scripts, phones with letters, digits of other scripts) go through
  the very functions of `normalize.py`: the answer is always theirs;
- **each distinct normalised value once, in Python** where the rule is a table lookup or a
  phonetic key (tokens, nicknames, sounds): far fewer values again (HERNÁNDEZ, Hernandez and
  hernández are one);
- **rows in numpy**: every row's codes, the bag of its name words and its blocking keys are
  gathered from those tables with array indexing.

The result equals what `files.features_of_rows` + `batch.Records` give for the same rows (tests
hold the two equal), except that blocking keys are numbers made of the codes of their parts
instead of hashes of strings: keys are only compared for equality.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from amparo.matching import features as feat
from amparo.matching import normalize as n

# Combining marks of the Latin block that Unicode gives a combining class (all but U+034F, the
# grapheme joiner): what normalize.fold removes after NFKD for accented Latin letters.
_LATIN_MARKS = "[\u0300-\u034e\u0350-\u036f]"

# Kinds of blocking key (the top bits of a key's number).
_NAME, _SURNAMES, _DATE, _PHONE, _DOCUMENT, _EMAIL = 1, 2, 3, 4, 5, 6
_PART_BITS = 29
_PART_MASK = (1 << _PART_BITS) - 1


@dataclass
class Distinct:
    """A column as codes of its distinct values: values[codes[row]] is the row's value."""

    codes: np.ndarray  # int64, one per row
    values: pa.Array  # the distinct values (strings)


def distinct(column: pa.Array) -> Distinct:
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    encoded = pc.dictionary_encode(column)
    return Distinct(encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), encoded.dictionary)


def _python_where(values: pa.Array, mask: pa.Array, function, base: pa.Array) -> pa.Array:
    """`base` with function(value) in place of the values where `mask` holds."""
    where = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
    if where.size == 0:
        return base
    out = base.to_pylist()
    raw = values.take(pa.array(where)).to_pylist()
    for k, value in zip(where.tolist(), raw, strict=True):
        out[k] = function(value)
    return pa.array(out, type=pa.string())


def fold_many(values: pa.Array) -> pa.Array:
    """normalize.fold of each value: lower case, no accents, punctuation as single spaces.

    Vectorised for what is Latin letters and their accents after NFKD decomposition (the same
    steps: decompose, drop the marks, lower case, non-alphanumerics to one space); other
    scripts go through normalize.fold itself."""
    decomposed = pc.utf8_normalize(values, "NFKD")
    stripped = pc.replace_substring_regex(decomposed, _LATIN_MARKS, "")
    ascii_ = pc.string_is_ascii(stripped)
    folded = pc.utf8_trim(pc.replace_substring_regex(pc.ascii_lower(stripped), "[^0-9a-z]+", " "), " ")
    return _python_where(values, pc.invert(ascii_), n.fold, folded)


# --- dates ------------------------------------------------------------------------------------

# normalize._DATE_PATTERNS, in order, with the position of year, month and day in the groups.
_DATE_REGEXES = (
    (r"^(?P<a>\d{4})[-/.](?P<b>\d{1,2})[-/.](?P<c>\d{1,2})$", ("a", "b", "c")),
    (r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<c>\d{4})$", ("c", "b", "a")),
    (r"^(?P<a>\d{4})[-/.](?P<b>\d{1,2})$", ("a", "b", None)),
    (r"^(?P<a>\d{1,2})[-/.](?P<b>\d{4})$", ("b", "a", None)),
    (r"^(?P<a>\d{4})$", ("a", None, None)),
    (r"^(?P<a>\d{4})(?P<b>\d{2})(?P<c>\d{2})$", ("a", "b", "c")),
)


def dates_many(values: pa.Array) -> np.ndarray:
    """normalize.parse_partial_date of each (stripped) text as rows of (year, month, day), -1
    for an unknown part and a year of -1 for no date. ASCII texts are read with the same
    patterns and rules in numpy; others (digits of other scripts) by parse_partial_date."""
    count = len(values)
    out = np.full((count, 3), -1, dtype=np.int64)
    undecided = np.ones(count, dtype=bool)
    ascii_ = pc.string_is_ascii(values).to_numpy(zero_copy_only=False)
    for regex, (yk, mk, dk) in _DATE_REGEXES:
        found = pc.extract_regex(values, regex)
        hit = found.is_valid().to_numpy(zero_copy_only=False) & undecided & ascii_
        if not hit.any():
            continue
        undecided &= ~hit

        year, month, day = (_group(found, key, count) for key in (yk, mk, dk))
        # "if month and day and month > 12 >= day": a day above 12 in the month's place
        swap = (month > 0) & (day > 0) & (month > 12) & (day <= 12)
        month, day = np.where(swap, day, month), np.where(swap, month, day)
        good_year = (year >= 1880) & (year <= 2100)
        has_month = month >= 0
        month_ok = ~has_month | ((month >= 1) & (month <= 12))
        leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
        length = np.asarray([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(month, 0, 12)] + (
            leap & (month == 2)
        )
        has_day = day >= 0
        day_ok = ~has_day | ((day >= 1) & (day <= length))
        whole = good_year & month_ok & day_ok
        year_only = good_year & ~(month_ok & day_ok)
        rows = np.flatnonzero(hit & whole)
        out[rows, 0], out[rows, 1], out[rows, 2] = year[rows], month[rows], day[rows]
        rows = np.flatnonzero(hit & year_only)
        out[rows, 0] = year[rows]
    rest = np.flatnonzero(undecided & ~ascii_)
    if rest.size:
        texts = values.take(pa.array(rest)).to_pylist()
        for k, text in zip(rest.tolist(), texts, strict=True):
            d = n.parse_partial_date(text)
            if d is not None:
                out[k] = [-1 if x is None else x for x in d.as_list()]
    return out


def _group(found: pa.StructArray, key: str | None, count: int) -> np.ndarray:
    if key is None:
        return np.full(count, -1, dtype=np.int64)
    return pc.cast(pc.struct_field(found, key).fill_null("0"), pa.int64()).to_numpy()


def date_keys(dob: np.ndarray) -> np.ndarray:
    """normalize.date_key as a number (yyyymmdd with day and month in order), 0 without a full date."""
    low, high = np.minimum(dob[:, 1], dob[:, 2]), np.maximum(dob[:, 1], dob[:, 2])
    full = (dob[:, 0] >= 0) & (dob[:, 1] >= 0) & (dob[:, 2] >= 0)
    return np.where(full, dob[:, 0] * 10000 + low * 100 + high, 0)


# --- phones, documents, e-mails ---------------------------------------------------------------


@lru_cache(maxsize=1)
def _country_codes() -> pa.Array:
    return pa.array(sorted(n._country_codes()))


def phone_keys_many(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """normalize.phone_key of each (stripped) raw phone that holds only digits, spaces and
    + - . ( ): (keys, decided). The others (letters, an extension) need the row's regions and
    are left to phone_key (decided False)."""
    decided = pc.match_substring_regex(values, r"^[0-9+\-.() ]*$")
    digits = pc.replace_substring_regex(values, r"[^0-9]+", "")
    length = pc.utf8_length(digits)
    plus = pc.starts_with(values, "+")
    double_zero = pc.starts_with(values, "00")
    international = pc.or_(plus, pc.and_(double_zero, pc.greater(length, 10)))
    digits = pc.if_else(pc.and_(double_zero, international), pc.utf8_slice_codeunits(digits, 2), digits)
    codes = _country_codes()
    strip = pc.if_else(
        pc.is_in(pc.utf8_slice_codeunits(digits, 0, 1), codes),
        1,
        pc.if_else(
            pc.is_in(pc.utf8_slice_codeunits(digits, 0, 2), codes),
            2,
            pc.if_else(pc.is_in(pc.utf8_slice_codeunits(digits, 0, 3), codes), 3, 0),
        ),
    )
    strip = pc.if_else(international, strip, 0)
    for size in (1, 2, 3):
        digits = pc.if_else(pc.equal(strip, size), pc.utf8_slice_codeunits(digits, size), digits)
    keys = pc.if_else(pc.greater_equal(pc.utf8_length(digits), 7), pc.utf8_slice_codeunits(digits, -8), "")
    return keys, decided.to_numpy(zero_copy_only=False)


def document_numbers_many(values: pa.Array) -> pa.Array:
    """normalize.document_number of each value (vectorised for ASCII)."""
    ascii_ = pc.string_is_ascii(values)
    cleaned = pc.ascii_upper(pc.replace_substring_regex(values, "[^0-9A-Za-z]+", ""))
    return _python_where(values, pc.invert(ascii_), n.document_number, cleaned)


def email_keys_many(values: pa.Array) -> pa.Array:
    """normalize.email_key of each (stripped) value (vectorised for ASCII)."""
    ascii_ = pc.string_is_ascii(values)
    lower = pc.ascii_lower(values)
    keys = pc.if_else(pc.match_substring(lower, "@"), lower, "")
    return _python_where(values, pc.invert(ascii_), n.email_key, keys)


# --- tables of codes --------------------------------------------------------------------------


class Table:
    """Codes of distinct values, 0 for an empty one (as batch._encode)."""

    def __init__(self):
        self.index: dict = {}
        self.values: list = [None]

    def code(self, value) -> int:
        if not value:
            return 0
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found

    def codes(self, values) -> np.ndarray:
        return np.fromiter((self.code(v) for v in values), dtype=np.int64)


def strings_table(values: pa.Array) -> tuple[np.ndarray, list]:
    """Codes of strings in bulk (0 for ""), and the string of each code (None for 0)."""
    encoded = pc.dictionary_encode(values)
    strings = encoded.dictionary.to_pylist()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64) + 1
    if "" in strings:
        empty = strings.index("")
        codes[codes == empty + 1] = 0
        strings[empty] = None  # a code no row has
    return codes, [None, *strings]


def _strings(values: pa.Array) -> list[str]:
    return values.to_pylist()


# --- names ------------------------------------------------------------------------------------


@dataclass
class _NameColumn:
    """One name column: per row the code of its folded value; per folded value its tokens."""

    folded: np.ndarray  # per row: code of the folded value
    tokens: list[tuple[str, ...]]  # per folded value


def _name_column(column: pa.Array) -> _NameColumn:
    raw = distinct(column)
    folded = distinct(fold_many(raw.values))
    tokens = [n.folded_tokens(value) for value in _strings(folded.values)]
    return _NameColumn(folded.codes[raw.codes], tokens)


def _token_matrix(tokens: list[tuple[str, ...]], table: dict[str, int], width: int) -> np.ndarray:
    matrix = np.full((len(tokens), width), -1, dtype=np.int32)
    for row, words in enumerate(tokens):
        for slot, token in enumerate(words[:width]):
            matrix[row, slot] = table.setdefault(token, len(table))
    return matrix


_BAG_WIDTH = 24  # rows with more name words than this have their bag made in Python


def _bags(columns: list[_NameColumn]) -> np.ndarray:
    """A code per row for the sorted words of its three name fields (0: no words): equal codes
    for equal bags (names typed into other fields)."""
    table: dict[str, int] = {}
    lengths = [np.fromiter(map(len, col.tokens), dtype=np.int64, count=len(col.tokens)) for col in columns]
    total = sum(length[col.folded] for length, col in zip(lengths, columns, strict=True))
    widths = [int(min(length.max(initial=0), _BAG_WIDTH)) for length in lengths]
    matrices = [_token_matrix(col.tokens, table, w) for col, w in zip(columns, widths, strict=True)]
    short = total <= _BAG_WIDTH
    rows = np.flatnonzero(short)
    words = np.concatenate([m[col.folded[rows]] for m, col in zip(matrices, columns, strict=True)], axis=1)
    words = np.where(words < 0, np.iinfo(np.int32).max, words)
    words.sort(axis=1)
    codes = np.zeros(total.size, dtype=np.int64)
    if words.shape[1]:
        packed = np.ascontiguousarray(words).view(np.dtype((np.void, words.dtype.itemsize * words.shape[1])))
        _unique, inverse = np.unique(packed.ravel(), return_inverse=True)
        codes[rows] = inverse.ravel() + 1
    codes[rows[total[rows] == 0]] = 0
    long_rows = np.flatnonzero(~short)
    if long_rows.size:
        offset = int(codes.max(initial=0)) + 1
        seen: dict[tuple, int] = {}
        for r in long_rows.tolist():
            bag = tuple(sorted(t for col in columns for t in col.tokens[col.folded[r]]))
            codes[r] = offset + seen.setdefault(bag, len(seen))
    return codes


class _Sounds(Table):
    """Phonetic keys, with code 0 for the empty key (so a key's code is never ambiguous)."""

    def sound(self, text: str) -> int:
        return self.code(n.phonetic(text)) if text else 0


def _pack(kind: int, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (np.int64(kind) << np.int64(2 * _PART_BITS)) | (x.astype(np.int64) << _PART_BITS) | y.astype(np.int64)


def _pair(kind: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A key for the unordered pair {a, b} (as features._pair_key orders its two sounds)."""
    return _pack(kind, np.minimum(a, b), np.maximum(a, b))


# --- the whole file ---------------------------------------------------------------------------


def _codes_of(values: list, table: Table) -> np.ndarray:
    return np.fromiter((table.code(v) for v in values), dtype=np.int64, count=len(values))


def records(table, *, organization_country: str = ""):
    """batch.Records of a files.FileTable's rows."""
    from amparo.matching import batch

    batch.return_freed_memory()
    records = batch.Records(parts=[encode(table, organization_country=organization_country)])
    pa.default_memory_pool().release_unused()
    return records


def encode(table, *, organization_country: str = "") -> dict:
    """What batch._encode_part gives for the Features of a file's rows (files.features_of_rows),
    from a files.FileTable: columns of strings as the import reads them ("" when empty), named
    as the registry import columns, nationality and country as codes."""
    count = table.n
    spanish_sex = table.m_means_female()
    col = table.column

    # --- names
    given_col, first_col, second_col = (
        _name_column(col(c)) for c in ("given_names", "first_surname", "second_surname")
    )
    given_table = Table()
    given_codes = _codes_of(given_col.tokens, given_table)[given_col.folded]
    words = Table()
    sounds = _Sounds()
    first_words = _codes_of([" ".join(t) for t in first_col.tokens], words)
    second_words = _codes_of([" ".join(t) for t in second_col.tokens], words)
    w1, w2 = first_words[first_col.folded], second_words[second_col.folded]
    lone = (w1 == 0) & (w2 > 0)  # a lone second surname becomes the first
    w1, w2 = np.where(lone, w2, w1), np.where(lone, 0, w2)
    word_sound = np.fromiter(
        (sounds.sound(w) if w else 0 for w in words.values), dtype=np.int64, count=len(words.values)
    )
    p1, p2 = word_sound[w1], word_sound[w2]
    bag = _bags([given_col, first_col, second_col])

    # --- name keys: per folded given name, the sounds of its first name (nicknames resolved),
    # plainly and when the whole name was typed in the given-names field (features._triple)
    given_count = len(given_col.tokens)
    plain_firsts = np.full((given_count, 4), -1, dtype=np.int64)
    guess_firsts = np.full((given_count, 4), -1, dtype=np.int64)
    guess_a = np.zeros(given_count, dtype=np.int64)
    guess_b = np.zeros(given_count, dtype=np.int64)
    guess_b_present = np.zeros(given_count, dtype=bool)
    token_count = np.zeros(given_count, dtype=np.int64)
    for k, tokens in enumerate(given_col.tokens):
        token_count[k] = len(tokens)
        if tokens:
            for slot, sound in enumerate(feat._first_sounds(tokens)[:4]):
                plain_firsts[k, slot] = sounds.code(sound) if sound else 0
        if len(tokens) >= 2:
            g, s1, s2 = feat._triple(tokens, "", "")
            if g:
                for slot, sound in enumerate(feat._first_sounds(g)[:4]):
                    guess_firsts[k, slot] = sounds.code(sound) if sound else 0
            guess_a[k] = sounds.sound(s1)
            guess_b[k], guess_b_present[k] = sounds.sound(s2), bool(s2)
    gf = given_col.folded
    guess = (w1 == 0) & (token_count[gf] >= 2)
    firsts = np.where(guess[:, None], guess_firsts[gf], plain_firsts[gf])
    has_a = (w1 > 0) | guess
    has_b = np.where(guess, guess_b_present[gf], w2 > 0)
    sound_a = np.where(guess, guess_a[gf], p1)
    sound_b = np.where(guess, guess_b[gf], p2)

    key_rows: list[np.ndarray] = []
    key_codes: list[np.ndarray] = []

    def keys(mask: np.ndarray, codes: np.ndarray) -> None:
        rows = np.flatnonzero(mask)
        key_rows.append(rows)
        key_codes.append(codes[rows])

    for slot in range(firsts.shape[1]):
        first = firsts[:, slot]
        keys((first >= 0) & has_a, _pair(_NAME, first, sound_a))
        keys((first >= 0) & has_b, _pair(_NAME, first, sound_b))
    both = has_a & has_b
    keys(both & (firsts[:, 0] < 0), _pair(_NAME, sound_a, sound_b))
    keys(both, _pair(_SURNAMES, sound_a, sound_b))

    # --- date of birth
    dates = distinct(col("date_of_birth"))
    dob = dates_many(dates.values)[dates.codes]
    date_key = date_keys(dob)
    dated = date_key > 0
    keys(dated & has_a, _pack(_DATE, date_key, sound_a))
    keys(dated & has_b, _pack(_DATE, date_key, sound_b))
    for slot in range(firsts.shape[1]):
        keys(dated & (firsts[:, slot] >= 0), _pack(_DATE, date_key, firsts[:, slot]))

    # --- sex (files reads H/M as hombre/mujer when the column holds H)
    sex_table = Table()
    sexes = distinct(col("sex"))
    sex_codes = _codes_of([n.sex_code(_sex_word(v, spanish_sex)) for v in _strings(sexes.values)], sex_table)
    sex = sex_codes[sexes.codes]

    # --- phone: the national number, read with the row's country and nationality when needed
    phones = distinct(col("phone"))
    phone_keys, decided = phone_keys_many(phones.values)
    phone_codes, phone_numbers = strings_table(phone_keys)
    phone = phone_codes[phones.codes]
    undecided_rows = np.flatnonzero(~decided[phones.codes])
    if undecided_rows.size:
        index = {number: code for code, number in enumerate(phone_numbers) if code}
        take = pa.array(undecided_rows)
        raw = col("phone").take(take).to_pylist()
        regions = zip(col("country").take(take).to_pylist(), col("nationality").take(take).to_pylist(), strict=True)
        for r, text, (c, nat) in zip(undecided_rows.tolist(), raw, regions, strict=True):
            number = n.phone_key(text, c, nat, organization_country)
            phone[r] = index.setdefault(number, len(phone_numbers)) if number else 0
            if phone[r] == len(phone_numbers):
                phone_numbers.append(number)
    keys(phone > 0, _pack(_PHONE, np.zeros(count, dtype=np.int64), phone))

    # --- documents: (type, number) for the comparison, the number alone for the key
    doc_numbers = distinct(col("document_number"))
    number_codes, numbers = strings_table(document_numbers_many(doc_numbers.values))
    number = number_codes[doc_numbers.codes]
    long_enough = np.fromiter((bool(x) and len(x) >= 4 for x in numbers), dtype=bool, count=len(numbers))
    keys(long_enough[number], _pack(_DOCUMENT, np.zeros(count, dtype=np.int64), number))
    doc_types = distinct(col("document_type"))
    combined = np.where(number > 0, doc_types.codes * len(numbers) + number, 0)
    unique_docs, doc_inverse = np.unique(combined, return_inverse=True)
    type_list = _strings(doc_types.values)
    document_values = [None] + [
        ((type_list[u // len(numbers)], numbers[u % len(numbers)]),) for u in unique_docs[unique_docs > 0].tolist()
    ]
    document = doc_inverse.ravel() + (0 if unique_docs[0] == 0 else 1)

    # --- e-mail
    emails = distinct(col("email"))
    email_codes, addresses = strings_table(email_keys_many(emails.values))
    email = email_codes[emails.codes]
    keys(email > 0, _pack(_EMAIL, np.zeros(count, dtype=np.int64), email))

    # --- place: the folded municipality, else the subdivision code
    place_table = Table()
    municipalities = distinct(col("municipality"))
    muni_codes = _codes_of(_strings(fold_many(municipalities.values)), place_table)[municipalities.codes]
    subdivisions = distinct(col("subdivision"))
    sub_codes = _codes_of([s.upper() for s in _strings(subdivisions.values)], place_table)[subdivisions.codes]
    place = np.where(muni_codes > 0, muni_codes, sub_codes)

    # --- nationality (a code already)
    nationality_table = Table()
    nationalities = distinct(col("nationality"))
    nationality_codes = _codes_of([v.upper()[:2] for v in _strings(nationalities.values)], nationality_table)
    nationality_code = nationality_codes[nationalities.codes]

    return {
        "n": count,
        "fields": {
            "given": (given_codes, given_table.values),
            "sex": (sex, sex_table.values),
            "phone": (phone, [None] + [(x,) for x in phone_numbers[1:]]),
            "document": (document, document_values),
            "email": (email, [None] + [(x,) for x in addresses[1:]]),
            "place": (place, place_table.values),
            "nationality": (nationality_code, nationality_table.values),
        },
        "bag": (bag, None),
        "has_surnames": True,
        "words": ([w1, w2], words.values),
        "sounds": ([p1, p2], sounds.values),
        "dob": dob.astype(np.int32),
        "keys": (np.concatenate(key_rows).astype(np.int32 if count < 2**31 else np.int64), np.concatenate(key_codes)),
    }


def _sex_word(raw: str, spanish: bool) -> str:
    upper = raw.strip().upper()
    if spanish and upper == "M":
        return "female"
    if spanish and upper == "H":
        return "male"
    return raw
