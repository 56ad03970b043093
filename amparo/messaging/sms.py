"""SMS length and alphabet: which encoding a text needs, how many parts it costs, and the GSM-7
spelling of a text that would otherwise go out as UCS-2.

GSM-7 (3GPP TS 23.038 default alphabet): 160 septets in one message, 153 per part when split;
the extension table characters ^ { } \\ [ ~ ] | € and form feed cost two septets (escape + char)
and an escape pair is never split across parts. Any other character forces UCS-2: 70 UTF-16
code units in one message, 67 per part, and a surrogate pair (emoji) is never split.
Spanish á, í, ó, ú are NOT in GSM-7 (é, ñ, ü are): one of them turns a 2-part message into 4.

Transliteration (`to_gsm7`) writes such a text in GSM-7 without changing what it says: letters
lose the accent GSM-7 lacks (á → a, ç → c, ã → a), capitals that GSM-7 only has in small letters
become small (È → è, so Haitian Creole keeps its è), typographic quotes and dashes become plain
ones. Web addresses are never touched (the check-in link stays byte for byte), and a text holding
a word whose meaning changes without its accent (French "sûr", Portuguese "avô") keeps its
accents: `data/sms_alphabet.toml` lists them per language, with the languages that read fine
without accents (transliteration on by default for them).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("\f^{}\\[~]|€")
_NOT_GSM = re.compile("[^" + re.escape("".join(sorted(GSM7_BASIC | GSM7_EXTENSION))) + "]")
_EXTENSION = re.compile("[" + re.escape("".join(sorted(GSM7_EXTENSION))) + "]")
# Same meaning in GSM-7: typography, spaces, ordinal signs.
_PLAIN = {
    "’": "'", "‘": "'", "‚": "'", "ʼ": "'", "´": "'", "`": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
    "‹": "'", "›": "'", "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "…": "...", "•": "-", "·": ".",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\t": " ", "º": "o", "ª": "a",
    "œ": "oe", "Œ": "OE",
}  # fmt: skip
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
DATA = Path(__file__).parent / "data" / "sms_alphabet.toml"


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int
    non_gsm: tuple[str, ...]  # characters that forced UCS-2 (empty for GSM-7)


def _pack(costs: list[int], single: int, multi: int) -> int:
    if sum(costs) <= single:
        return 1 if costs else 0
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments += 1
            used = 0
        used += cost
    return segments


def _parts(units: int, single: int, multi: int) -> int:
    return 0 if units == 0 else 1 if units <= single else -(-units // multi)


def _outside_gsm(text: str) -> list[tuple[int, str]]:
    """(position, character) of each character GSM-7 lacks, in order."""
    return [(m.start(), m.group()) for m in _NOT_GSM.finditer(text)]


def sms_length(text: str) -> SmsLength:
    non_gsm = tuple(dict.fromkeys(ch for _position, ch in _outside_gsm(text)))
    if not non_gsm:
        escapes = len(_EXTENSION.findall(text))
        units = len(text) + escapes
        if escapes and units > 160:  # an escape pair never straddles two parts
            segments = _pack([2 if ch in GSM7_EXTENSION else 1 for ch in text], 160, 153)
        else:
            segments = _parts(units, 160, 153)
        return SmsLength("GSM-7", units, segments, 160 if segments <= 1 else 153, ())
    wide = sum(1 for ch in non_gsm if ord(ch) > 0xFFFF)
    if wide:
        costs = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        units, segments = sum(costs), _pack(costs, 70, 67)
    else:
        units = len(text)
        segments = _parts(units, 70, 67)
    return SmsLength("UCS-2", units, segments, 70 if segments <= 1 else 67, non_gsm)


# --- GSM-7 spelling ------------------------------------------------------------------------------


@cache
def _spelling(ch: str) -> str | None:
    """The GSM-7 spelling of one character with the same meaning, or None if there is none."""
    if ch in GSM7_BASIC or ch in GSM7_EXTENSION:
        return ch
    if ch in _PLAIN:
        return _PLAIN[ch]
    lower = ch.lower()
    if lower != ch and lower in GSM7_BASIC:
        return lower  # È → è: GSM-7 has it only in small letters
    base = unicodedata.normalize("NFD", ch)[0]
    if base != ch and base.isalpha() and base in GSM7_BASIC:
        return base  # á → a, ç → c, Ô → O
    return None


@cache
def alphabet_rules() -> dict[str, dict]:
    """Per language: `default` (transliterate SMS unless told otherwise) and `keep` (words whose
    meaning changes without their accent: a text holding one keeps its accents)."""
    with open(DATA, "rb") as handle:
        data = tomllib.load(handle)
    return {
        language: {
            "default": bool(rules.get("default", False)),
            "keep": frozenset(w.casefold() for w in rules.get("keep", [])),
        }
        for language, rules in data.items()
    }


def reads_fine_without_accents(language: str) -> bool:
    return alphabet_rules().get((language or "").split("-")[0].lower(), {}).get("default", False)


@dataclass(frozen=True)
class Gsm7Text:
    text: str
    changed: bool
    kept_for: str = ""  # the word whose meaning needs its accents ("" when none)


def to_gsm7(text: str, *, language: str = "") -> Gsm7Text:
    """`text` in GSM-7 where it can be written so with the same meaning (see the module doc).
    Characters with no GSM-7 spelling (emojis, other scripts) stay: the text is then UCS-2 anyway.
    Only the few characters outside GSM-7 are looked at (100,000 texts take about a second)."""
    found = _outside_gsm(text)
    if not found:
        return Gsm7Text(text, False)
    keep = alphabet_rules().get((language or "").split("-")[0].lower(), {}).get("keep", frozenset())
    if keep:
        for position, _ch in found:
            word = _word_at(text, position)
            if word.casefold() in keep:
                return Gsm7Text(text, False, word)
    links = _links(text)
    pieces, last = [], 0
    for position, ch in found:
        pieces.append(text[last:position])
        in_link = any(start <= position < end for start, end in links)
        pieces.append(ch if in_link else (_spelling(ch) or ch))
        last = position + len(ch)
    pieces.append(text[last:])
    result = "".join(pieces)
    return Gsm7Text(result, result != text)


def _word_at(text: str, position: int) -> str:
    start = end = position
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[start:end]


def _links(text: str) -> list[tuple[int, int]]:
    """Where the web addresses are (from "http…://" or "www." to the next space)."""
    spans: list[tuple[int, int]] = []
    for marker in ("://", "www."):
        at = text.find(marker)
        while at != -1:
            match = _URL.search(text, max(0, at - 8))  # "https" is at most 5 characters before "://"
            if match is None or match.start() > at:
                break
            spans.append(match.span())
            at = text.find(marker, match.end())
    return spans
