"""Normalisation of the values a match compares: names of the region, dates, phones, documents.

Every rule here is a small pure function with its own test (tests/test_normalize.py):

- names: case, accents, spacing and punctuation are folded; particles (de, del, de la, de los, y…)
  are dropped; abbreviations (Ma. = María, Fco. = Francisco, Hdez. = Hernández) are expanded;
  nicknames (Pepe, Chepe = José; Chema = José María; …) map to their full names. Abbreviations
  and nicknames are data (`data/abbreviations.csv`, `data/nicknames.csv`), extended by a file
  named in the AMPARO_MATCHING_NICKNAMES environment variable;
- a phonetic key for Spanish spelling (b/v, s/z/c, ll/y, silent h, j/g, x, qu/k);
- dates of birth that are partial ("1988", "03/1988"), with day and month swapped, or a year off;
- phones reduced to their national number (phonenumbers), keyed on the last eight digits so a
  local number written without its prefix still meets its international form;
- document numbers upper-cased without separators, compared allowing one typo.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "e", "da", "do", "das", "dos", "van", "von", "der", "di"})

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _read_pairs(path: Path) -> list[tuple[str, str]]:
    pairs = []
    with open(path, encoding="utf-8") as handle:
        for row in csv.reader(line for line in handle if line.strip() and not line.lstrip().startswith("#")):
            if len(row) >= 2:
                pairs.append((fold(row[0]), fold(row[1])))
    return pairs


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, tuple[str, ...]]:
    """abbreviation → the words it stands for (empty: a title to drop, like "Sr")."""
    return {abbr: tuple(full.split()) for abbr, full in _read_pairs(DATA / "abbreviations.csv")}


@lru_cache(maxsize=1)
def nicknames() -> dict[str, tuple[tuple[str, ...], ...]]:
    """nickname → every full name it may stand for (each a tuple of tokens)."""
    table: dict[str, list[tuple[str, ...]]] = {}
    paths = [DATA / "nicknames.csv"]
    extra = os.environ.get("AMPARO_MATCHING_NICKNAMES", "")
    if extra:
        paths.append(Path(extra))
    for path in paths:
        for nick, full in _read_pairs(path):
            options = table.setdefault(nick, [])
            if tuple(full.split()) not in options:
                options.append(tuple(full.split()))
    return {nick: tuple(options) for nick, options in table.items()}


@lru_cache(maxsize=1)
def known_given_names() -> frozenset[str]:
    """Full given names known to the tables (used to undo diminutives: Juanita → Juana)."""
    names = {token for options in nicknames().values() for full in options for token in full}
    with open(DATA / "given_names.txt", encoding="utf-8") as handle:
        names.update(fold(line) for line in handle if line.strip() and not line.startswith("#"))
    return frozenset(names)


# --- Text -------------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower case, no accents (á→a, ñ→n, ü→u), punctuation as spaces, single spaces."""
    text = unicodedata.normalize("NFKD", str(text or "")).lower()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_ALNUM.sub(" ", text).split())


def display_fold(text: str) -> str:
    """Lower case with single spaces, accents kept: tells 'equal' from 'equal without accents'."""
    return " ".join(str(text or "").lower().replace(".", " ").split())


@lru_cache(maxsize=200_000)
def name_tokens(text: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Tokens of a name field: folded, particles dropped, abbreviations expanded.

    Returns (tokens, expansions) where expansions lists (abbreviation as written, full word)."""
    tokens: list[str] = []
    expansions: list[tuple[str, str]] = []
    raw_words = str(text or "").replace(".", ". ").split()
    for word in raw_words:
        for token in fold(word).split():
            full = _token_words(token)
            if full != (token,) and full:
                expansions.append((word.strip(), " ".join(full)))
            tokens.extend(full)
    return tuple(tokens), tuple(expansions)


def folded_tokens(folded: str) -> tuple[str, ...]:
    """name_tokens(text)[0] from fold(text) (the batch folds each distinct value once, in bulk)."""
    tokens: list[str] = []
    for token in folded.split():
        tokens.extend(_token_words(token))
    return tuple(tokens)


def _token_words(token: str) -> tuple[str, ...]:
    """What one folded word of a name stands for: nothing (a particle, a title like "sr"), its
    expansion (an abbreviation), or itself."""
    if token in PARTICLES:
        return ()
    return abbreviations().get(token, (token,))


@lru_cache(maxsize=200_000)
def canonical_token(token: str) -> tuple[tuple[str, ...], ...]:
    """The full given names a token may stand for: itself, or a nickname's names, or the name a
    diminutive comes from (Juanita → Juana, Pedrito → Pedro)."""
    table = nicknames()
    if token in table:
        return table[token]
    known = known_given_names()
    for suffix, endings in (("cito", ("", "o")), ("cita", ("", "a")), ("ito", ("o", "")), ("ita", ("a", ""))):
        if token.endswith(suffix) and len(token) > len(suffix) + 2:
            stem = token[: -len(suffix)]
            for ending in endings:
                if stem + ending in known:
                    return ((stem + ending,),)
    return ((token,),)


@lru_cache(maxsize=200_000)
def canonical_given(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Every reading of given-name tokens with nicknames resolved (usually one; a few for
    ambiguous nicknames like Beto), capped at four."""
    readings: list[tuple[str, ...]] = [()]
    for token in tokens:
        readings = [r + option for r in readings for option in canonical_token(token)][:4]
    return tuple(readings)


# --- Spanish phonetic key ----------------------------------------------------------------------

_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=200_000)
def phonetic(text: str) -> str:
    """A key equal for spellings that sound alike in Latin American Spanish.

    b/v/w → B; c before e/i, s, z → S; c, k, q(u) → K; g before e/i, j, x before a vowel → J;
    gu/qu before e/i → G/K; ll, y before a vowel → Y; h silent (ch → C); ph → F;
    final y → I; doubled letters once."""
    word = fold(text).replace(" ", "")
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        nxt = word[i + 1] if i + 1 < n else ""
        after = word[i + 2] if i + 2 < n else ""
        code = ""
        step = 1
        if ch in _VOWELS:
            code = ch.upper()
        elif ch == "c":
            if nxt == "h":
                code, step = "C", 2
            elif nxt in ("e", "i"):
                code = "S"
            else:
                code = "K"
        elif ch in ("s", "z"):
            code = "S"
        elif ch in ("k", "q"):
            code = "K"
            if ch == "q" and nxt == "u":
                step = 2
        elif ch == "g":
            if nxt in ("e", "i"):
                code = "J"
            elif nxt == "u" and after in ("e", "i"):
                code, step = "G", 2
            else:
                code = "G"
        elif ch == "j":
            code = "J"
        elif ch == "x":
            code = "J" if nxt in _VOWELS else "S"
        elif ch in ("b", "v", "w"):
            code = "B"
        elif ch == "l":
            if nxt == "l":
                code, step = "Y", 2
            else:
                code = "L"
        elif ch == "y":
            code = "Y" if nxt in _VOWELS else "I"
        elif ch == "h":
            code = ""
        elif ch == "p" and nxt == "h":
            code, step = "F", 2
        elif ch == "n" and nxt in ("b", "v", "p"):
            code = "M"
        elif ch.isalpha():
            code = ch.upper()
        else:
            code = ch
        if code and (not out or out[-1] != code):
            out.append(code)
        i += step
    return "".join(out)


# --- Dates -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartialDate:
    """A date of birth as far as it is known: the year at least; month and day when known."""

    year: int
    month: int | None = None
    day: int | None = None

    def as_list(self) -> list[int | None]:
        return [self.year, self.month, self.day]


_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), ("y", "m")),
    (re.compile(r"^(\d{1,2})[-/.](\d{4})$"), ("m", "y")),
    (re.compile(r"^(\d{4})$"), ("y",)),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), ("y", "m", "d")),
)


def parse_partial_date(value, precision: str = "day") -> PartialDate | None:
    """A date, or text as it comes in field files (ISO, dd/mm/yyyy, mm/yyyy, yyyy), as a
    PartialDate; None when nothing usable (the rest of the record is still matched). An
    impossible date (31/02/1990) keeps only its year.

    A day above 12 in the month's place is read as dd/mm swapped (12/31/1990 → 31 Dec)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if precision == "day":
            return PartialDate(value.year, value.month, value.day)
        if precision == "month":
            return PartialDate(value.year, value.month)
        return PartialDate(value.year)
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, list | tuple):
        return PartialDate(*value) if value and value[0] else None
    return _parse_date_text(str(value).strip())


@lru_cache(maxsize=100_000)
def _parse_date_text(text: str) -> PartialDate | None:
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
        year, month, day = parts["y"], parts.get("m"), parts.get("d")
        if month and day and month > 12 >= day:
            month, day = day, month
        if not 1880 <= year <= 2100:
            return None
        if month is not None and not 1 <= month <= 12:
            return PartialDate(year)
        if day is not None:
            try:
                date(year, month, day)
            except ValueError:
                return PartialDate(year)  # 31/02: which of day or month is wrong is unknown
        return PartialDate(year, month, day)
    return None


def date_key(d: PartialDate | None) -> str:
    """A blocking key for a full date that is the same when day and month are swapped."""
    if d is None or d.month is None or d.day is None:
        return ""
    low, high = sorted((d.month, d.day))
    return f"{d.year:04d}{low:02d}{high:02d}"


# --- Phones, documents, e-mail -----------------------------------------------------------------


_PHONE_CHARS = frozenset("0123456789+-.() ")
_NON_DIGITS = re.compile(r"\D+")
_NON_ALNUM_ASCII = re.compile(r"[^0-9A-Za-z]+")


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    import phonenumbers

    return frozenset(str(code) for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


def phone_key(raw: str, *regions: str) -> str:
    """The national number's last eight digits ("" when fewer than seven digits are usable).

    +52 55 1234 5678, 0052 55 1234 5678, 55-1234-5678 and a local 1234 5678 share a key. An
    international number loses its country code (country codes are prefix-free, so the table of
    phonenumbers says exactly where the national number starts); a number with letters or an
    extension is parsed by phonenumbers with the regions given."""
    raw = str(raw or "").strip()
    if not raw:
        return ""
    if set(raw) <= _PHONE_CHARS:
        digits = _NON_DIGITS.sub("", raw)
        international = raw.startswith("+") or (raw.startswith("00") and len(digits) > 10)
        if raw.startswith("00"):
            digits = digits[2:] if international else digits
        if international:
            codes = _country_codes()
            for size in (1, 2, 3):
                if digits[:size] in codes:
                    digits = digits[size:]
                    break
        return digits[-8:] if len(digits) >= 7 else ""
    from amparo.registry.phones import parse_phone

    parsed = parse_phone(raw, *regions)
    digits = parsed.national_number if parsed.is_valid else "".join(ch for ch in raw if ch.isdigit())
    return digits[-8:] if len(digits) >= 7 else ""


def document_number(raw: str) -> str:
    """Upper case, letters and digits only: 'a-123 456' → 'A123456'."""
    raw = str(raw or "")
    if raw.isascii():
        return _NON_ALNUM_ASCII.sub("", raw).upper()
    return "".join(ch for ch in fold(raw).upper() if ch.isalnum())


def email_key(raw: str) -> str:
    raw = str(raw or "").strip().lower()
    return raw if "@" in raw else ""


SEX_CODES = {
    "f": "f",
    "female": "f",
    "femenino": "f",
    "mujer": "f",
    "m": "m",
    "male": "m",
    "masculino": "m",
    "hombre": "m",
    "h": "m",
}


def sex_code(raw: str) -> str:
    """'f', 'm' or '' (unknown); 'M' alone means male here (a Spanish file's 'H'/'M' column
    is read by the registry parser before it reaches matching)."""
    return SEX_CODES.get(fold(raw), "")
