"""Normalised forms of names, documents and phones, so search ignores accents, case and word order.

A name is folded (accents stripped, lower-case, `ñ` → `n`, apostrophes dropped) and split into
tokens; particles (de, la, del, y…) are dropped because people write them or not ("María de la
Cruz" = "María Cruz"). The search index (models.NameKey) stores, for every person:

- each token of every name the person is known by (main name and other names), e.g. `maria`;
- each unordered pair of tokens of the same name, written `=a b` with a < b, e.g. `=lopez maria`.

A query word matches a name token that starts with it (prefix search), through the vocabulary of
known tokens (models.NameWord): "mar lop" expands to the words starting with `mar` and `lop`, and
two-word queries are answered from the pair keys, which stay selective even when both words are
common (María López at a million people). See docs/registry.md, "Search".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "e", "da", "das", "do", "dos", "van", "von", "der"})
MAX_TOKEN = 40  # longer tokens are truncated (NameWord.word, NameKey.key)
MAX_TOKENS_PER_NAME = 6  # bounds the pairs of one name to 15

_TOKEN_RE = re.compile(r"[a-z0-9]+")
_DROP = str.maketrans("", "", "'’`´")


def fold(text: str) -> str:
    """Lower-case without accents: 'Núñez-Pérez' → 'nunez-perez'."""
    text = unicodedata.normalize("NFKD", text or "").casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.translate(_DROP)


def tokens(text: str, *, keep_particles: bool = False) -> list[str]:
    """The name's tokens in order, folded, particles dropped, duplicates removed."""
    words = [w[:MAX_TOKEN] for w in _TOKEN_RE.findall(fold(text))]
    if not keep_particles:
        kept = [w for w in words if w not in PARTICLES]
        words = kept or words  # a name made only of particles keeps them
    return list(dict.fromkeys(words))


@lru_cache(maxsize=1 << 16)
def _words(part: str) -> tuple[str, ...]:
    """The folded words of one part of a name, particles kept (cached: a registry repeats its
    given names and surnames; imports and re-indexing fold each distinct one once)."""
    return tuple(w[:MAX_TOKEN] for w in _TOKEN_RE.findall(fold(part)))


def _main_tokens(given_names: str, first_surname: str, second_surname: str) -> list[str]:
    """tokens(f"{given_names} {first_surname} {second_surname}"), from each part's cached words:
    folding works character by character and no token spans the spaces between the parts."""
    words = [*_words(f"{given_names}"), *_words(f"{first_surname}"), *_words(f"{second_surname}")]
    kept = [w for w in words if w not in PARTICLES]
    return list(dict.fromkeys(kept or words))


def pair_key(a: str, b: str) -> str:
    a, b = sorted((a, b))
    return f"={a} {b}"


def name_variants(given_names: str, first_surname: str, second_surname: str, other_names: Iterable[str] = ()):
    """Each name the person is known by, as a token list (main name first)."""
    variants = [_main_tokens(given_names, first_surname, second_surname)]
    for other in other_names or ():
        if isinstance(other, str) and other.strip():
            variants.append(tokens(other))
    return [v for v in variants if v]


def person_keys(given_names: str, first_surname: str, second_surname: str, other_names: Iterable[str] = ()) -> set[str]:
    """The search keys of one person: every token, and every pair of tokens of the same name."""
    keys: set[str] = set()
    for variant in name_variants(given_names, first_surname, second_surname, other_names):
        variant = variant[:MAX_TOKENS_PER_NAME]
        keys.update(variant)
        for i, a in enumerate(variant):
            for b in variant[i + 1 :]:
                keys.add(pair_key(a, b))
    return keys


def search_name(given_names: str, first_surname: str, second_surname: str, other_names: Iterable[str] = ()) -> str:
    """One folded string of every token the person is known by, space-delimited on both ends, so
    ' lop' matches a token starting with 'lop' (used to check extra query words on few rows)."""
    words: list[str] = []
    for variant in name_variants(given_names, first_surname, second_surname, other_names):
        words.extend(variant)
    return (" " + " ".join(dict.fromkeys(words)) + " ")[:500]


def next_prefix(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix` (for range scans)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def document_number(number: str) -> str:
    """'A-123 456' → 'A123456': what Document.number_normalized stores."""
    return "".join(ch for ch in fold(number).upper() if ch.isalnum())


def digits(text: str) -> str:
    return "".join(ch for ch in text or "" if ch.isdigit())
