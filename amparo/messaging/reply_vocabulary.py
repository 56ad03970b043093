"""The reply reader's vocabulary: one data file per language in `data/replies/` (reviewed by
translators, documented in `data/replies/README.md`), compiled once into phrase tables.

Text and vocabulary go through the same `tokenize`, so an entry matches what people type:
capitals, accents and letters repeated for emphasis do not matter, emojis become category words,
and an apostrophe splits a word except for English endings (I'm → i_m, which `[spellings]` reads).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "replies"
LANGUAGES = ("es", "en", "fr", "ht", "pt")
NEED_CODES = ("shelter", "medical", "documents", "food", "evacuation", "repatriation", "family_contact", "other")
WORD_CATEGORIES = (
    "yes", "no", "safe", "safe_or_very", "bad", "harm", "happen", "help", "need_verb", "negation", "nothing",
    "nobody", "lack", "have", "missing", "feeling", "unsure", "contrast", "question", "copula", "location",
    "neutral",
)  # fmt: skip
KEYWORD_INTENTS = ("info", "shelters", "consulate", "stop")
EMOJI_CATEGORIES = ("yes", "help", "distress", "neutral")
PUNCTUATION = frozenset("?¿!.,;:\n")
EMOJI_PREFIX = "~"

_APOSTROPHES = str.maketrans({c: "'" for c in "’‘`´ʼ"})
_ENGLISH_ENDING = re.compile(r"(?<=[^\W\d_])'(t|m|re|s|ve|ll|d)\b")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ß": "ss", "đ": "d", "ł": "l"})
_TOKEN = re.compile(r"~[a-z]+|[^\W_]+(?:_[^\W_]+)*|[?¿!.,;:\n]")
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_IGNORED = {0xFE0F, 0xFE0E, 0x200D, 0x20E3} | set(range(0x1F3FB, 0x1F400))  # presentation, joiner, skin tones
_BRACKETS = re.compile(r"\[([^\]]*)\]")


@dataclass(frozen=True)
class Tag:
    category: str  # a WORD_CATEGORIES name, "need", "resource" or an emoji category
    code: str = ""  # the need code of a need or a resource


@dataclass
class Lexicon:
    language: str
    spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    phrases: dict[tuple[str, ...], Tag] = field(default_factory=dict)
    keywords: dict[str, str] = field(default_factory=dict)
    people_before: set[tuple[str, ...]] = field(default_factory=set)
    people_after: set[tuple[str, ...]] = field(default_factory=set)
    longest: int = 1

    @property
    def words(self) -> set[str]:
        """Every single word this language's vocabulary knows (for language detection)."""
        known = {w for phrase in self.phrases for w in phrase}
        return known | set(self.spellings) | set(self.keywords)


class VocabularyError(ValueError):
    """A data file is wrong: the message names the file and the entry."""


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _is_emoji(ch: str) -> bool:
    code = ord(ch)
    return code >= 0x1F000 or 0x2600 <= code <= 0x27BF or 0x2190 <= code <= 0x21FF or 0x2B00 <= code <= 0x2BFF


def tokenize(text: str) -> list[str]:
    """Words (lower case, without accents, emphasis shortened), numbers, emoji categories
    (`~yes`, `~help`, `~distress`) and the punctuation that cuts clauses."""
    emoji = emoji_table()
    pieces = []
    for ch in unicodedata.normalize("NFC", text or ""):
        if ord(ch) in _IGNORED:
            continue
        if ch in emoji:
            pieces.append(f" {EMOJI_PREFIX}{emoji[ch]} ")
        elif _is_emoji(ch):
            pieces.append(" ")
        else:
            pieces.append(ch)
    plain = "".join(pieces).casefold().translate(_APOSTROPHES)
    plain = _ENGLISH_ENDING.sub(r"_\1", plain).replace("'", " ")
    plain = strip_accents(plain)
    return [_REPEATS.sub(r"\1", token) for token in _TOKEN.findall(plain)]


def is_word(token: str) -> bool:
    return token not in PUNCTUATION and not token.startswith(EMOJI_PREFIX)


def expand(entry: str) -> list[str]:
    """`herid[o|a|os|as]` → herido, herida, heridos, heridas; `sano[s]` → sano, sanos."""
    match = _BRACKETS.search(entry)
    if match is None:
        return [entry]
    options = match.group(1).split("|")
    if len(options) == 1:
        options = ["", options[0]]
    head, tail = entry[: match.start()], entry[match.end() :]
    return [form for option in options for form in expand(head + option + tail)]


@lru_cache(maxsize=1)
def emoji_table() -> dict[str, str]:
    with open(DATA / "emoji.toml", "rb") as handle:
        data = tomllib.load(handle)["emoji"]
    table = {}
    for category, symbols in data.items():
        if category not in EMOJI_CATEGORIES:
            raise VocabularyError(f"emoji.toml: unknown category {category!r}")
        for symbol in symbols:
            for ch in symbol:
                if ord(ch) not in _IGNORED:
                    table[ch] = category
    return table


def _phrase(lexicon: Lexicon, entry: str) -> tuple[str, ...]:
    words: list[str] = []
    for token in tokenize(entry):
        words.extend(lexicon.spellings.get(token, (token,)))
    return tuple(words)


@cache
def lexicon(language: str) -> Lexicon:
    path = DATA / f"{language}.toml"
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    where = path.name
    result = Lexicon(language=language)
    for written, standard in data.get("spellings", {}).items():
        key = tokenize(written)
        if len(key) != 1:
            raise VocabularyError(f"{where}: the spelling {written!r} must be one word")
        result.spellings[key[0]] = tuple(tokenize(standard))

    def add(entries: list[str], tag: Tag, section: str) -> None:
        for entry in entries:
            for form in expand(entry):
                phrase = _phrase(result, form)
                if not phrase:
                    raise VocabularyError(f"{where} [{section}]: the entry {entry!r} has no words")
                known = result.phrases.get(phrase)
                if known is not None and known != tag:
                    raise VocabularyError(
                        f"{where} [{section}]: {form!r} is already {known.category}"
                        + (f" ({known.code})" if known.code else "")
                    )
                result.phrases[phrase] = tag
                result.longest = max(result.longest, len(phrase))

    words = data.get("words", {})
    for category, entries in words.items():
        if category in ("people_before", "people_after"):
            target = result.people_before if category == "people_before" else result.people_after
            target.update(_phrase(result, form) for entry in entries for form in expand(entry))
        elif category in WORD_CATEGORIES:
            add(entries, Tag(category), "words")
        else:
            raise VocabularyError(f"{where} [words]: unknown category {category!r}")
    for section, category in (("needs", "need"), ("resources", "resource")):
        for code, entries in data.get(section, {}).items():
            if code not in NEED_CODES:
                raise VocabularyError(f"{where} [{section}]: {code!r} is not a welfare need code")
            add(entries, Tag(category, code), section)
    for intent, entries in data.get("keywords", {}).items():
        if intent not in KEYWORD_INTENTS:
            raise VocabularyError(f"{where} [keywords]: unknown keyword {intent!r}")
        for entry in entries:
            for form in expand(entry):
                phrase = _phrase(result, form)
                if len(phrase) != 1:
                    raise VocabularyError(f"{where} [keywords]: {form!r} must be one word")
                result.keywords[phrase[0]] = intent
    return result


@lru_cache(maxsize=1)
def word_languages() -> dict[str, frozenset[str]]:
    """For each known word, the languages that know it (a word only one language knows weighs
    more when guessing the language of a reply)."""
    found: dict[str, set[str]] = {}
    for language in LANGUAGES:
        for word in lexicon(language).words:
            found.setdefault(word, set()).add(language)
    return {word: frozenset(languages) for word, languages in found.items()}
