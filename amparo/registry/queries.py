"""Reads of the registry, shared by pages, the API and exports. Every read starts from the access
policy (`Person.objects.visible_to(user)`); search never scans the registry in Python.

Search (see normalize.py and docs/registry.md):
- a query with letters is a name search: each word must begin a token of one of the person's
  names, in any order, ignoring accents and case. Words expand through the vocabulary (NameWord);
  two or more words are answered from the pair keys of the two most specific words (an indexed
  `IN` on NameKey), the others are checked on the few candidate rows (`search_name`);
- a query that is mostly digits searches phones (E.164 after parsing, or the national digits) and
  document numbers (normalised) through their indexes.
There is deliberately no filter by migratory status: protection data never serves enforcement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from amparo.accounts import policy
from amparo.accounts.codes import RecordStatus
from amparo.registry import normalize
from amparo.registry.indexing import words_starting
from amparo.registry.models import ContactPoint, Document, NameKey, Person, normalize_document_number
from amparo.registry.phones import parse_phone

WORD_EXPANSION_LIMIT = 60  # a query word starting more tokens than this is "broad"
PAIR_KEY_LIMIT = 600  # beyond this many pair keys, drive from single tokens instead
MAX_PAIRS_COUNTED = 6  # with 3+ words, how many word pairs are compared by their number of people
PAIR_COUNT_CAP = 1000  # counting stops there: enough to know a pair is common
_PHONE_RE = re.compile(r"^[+\d\s().\-/]+$")


@dataclass
class PersonFilters:
    q: str = ""
    nationality: str = ""
    country: str = ""
    subdivision: str = ""
    municipality: str = ""
    status: str = ""  # a RecordStatus; empty: every status but merged
    organization: int | None = None  # registering organization

    @property
    def is_empty(self) -> bool:
        return not any((self.q.strip(), self.nationality, self.country, self.subdivision, self.municipality))


def visible_people(user) -> QuerySet:
    return Person.objects.visible_to(user)


def search_people(user, filters: PersonFilters, *, base: QuerySet | None = None) -> QuerySet:
    """The people `user` may see that match `filters`. Name searches come in the order of the
    search index (matched name, then registration), which the database reads straight from the
    index, page by page, whatever the number of matches; other lists come newest first."""
    qs = base if base is not None else visible_people(user)
    qs = qs.filter(record_status=filters.status) if filters.status else qs.exclude(record_status=RecordStatus.MERGED)
    if filters.nationality:
        qs = qs.of_nationality(filters.nationality.upper())
    if filters.country:
        qs = qs.filter(country=filters.country.upper())
    if filters.subdivision:
        qs = qs.filter(subdivision=filters.subdivision.upper())
    if filters.municipality:
        qs = qs.filter(municipality__iexact=filters.municipality.strip())
    if filters.organization:
        qs = qs.filter(registering_organization_id=filters.organization)
    query = filters.q.strip()
    if not query:
        return qs.order_by("-pk")
    if _looks_like_number(query):
        return qs.filter(number_q(query, regions=_regions_of(user))).order_by("-pk")
    plan = name_plan(query)
    if plan is None:
        return qs.none()
    keys, key_range, rest = plan
    if keys is not None:
        qs = qs.filter(name_keys__key__in=keys)
    else:
        qs = qs.filter(name_keys__key__gte=key_range[0], name_keys__key__lt=key_range[1])
    for word in rest:
        qs = qs.filter(search_name__contains=" " + word)
    return qs.order_by("name_keys__key", "name_keys__person_id")


def match_q(query: str, *, regions: tuple[str, ...] = ()) -> Q:
    """A Q on Person for a free-text query (name, phone or document number), for callers that
    combine it with other conditions; pages use search_people, which reads in index order."""
    query = query.strip()
    if _looks_like_number(query):
        return number_q(query, regions=regions)
    plan = name_plan(query)
    if plan is None:
        return policy.NOTHING
    keys, key_range, rest = plan
    if keys is not None:
        q = Q(pk__in=NameKey.objects.filter(key__in=keys).values("person_id"))
    else:
        q = Q(pk__in=NameKey.objects.filter(key__gte=key_range[0], key__lt=key_range[1]).values("person_id"))
    for word in rest:
        q &= Q(search_name__contains=" " + word)
    return q


def _looks_like_number(query: str) -> bool:
    digit_count = sum(ch.isdigit() for ch in query)
    return bool(digit_count) and bool(_PHONE_RE.match(query) or digit_count * 2 >= len(query.replace(" ", "")))


def number_q(query: str, *, regions: tuple[str, ...] = ()) -> Q:
    """Document numbers, and phones when the query has enough digits."""
    q = document_q(query)
    if sum(ch.isdigit() for ch in query) >= 6 and _PHONE_RE.match(query):
        q |= phone_q(query, regions=regions)
    return q


def document_q(number: str) -> Q:
    normalized = normalize_document_number(number)
    if not normalized:
        return policy.NOTHING
    return Q(pk__in=Document.objects.filter(number_normalized=normalized).values("person_id"))


def phone_q(number: str, *, regions: tuple[str, ...] = ()) -> Q:
    parsed = parse_phone(number, *regions)
    contacts = Q(search_digits=normalize.digits(number)[-15:])
    if parsed.is_valid:
        contacts |= Q(value=parsed.value) | Q(search_digits=parsed.national_number)
    return Q(pk__in=ContactPoint.objects.filter(contacts, kind="phone").values("person_id"))


def name_plan(query: str):
    """How to answer a name query from the index: (keys, None, rest) to read the NameKey rows with
    these keys, or (None, (low, high), rest) to read a range of single-token keys; `rest` are the
    query words left to check on Person.search_name. None when no name can match."""
    words = normalize.tokens(query)
    if not words:
        return None
    expansions: list[tuple[str, list[str] | None]] = []
    for word in words:
        found = words_starting(word, WORD_EXPANSION_LIMIT)
        if not found:
            return None  # no one has a name starting with this word
        expansions.append((word, None if len(found) > WORD_EXPANSION_LIMIT else found))
    # The most specific words (fewest expansions, then longest) drive.
    ranked = sorted(expansions, key=lambda e: (e[1] is None, len(e[1]) if e[1] is not None else 0, -len(e[0])))
    pairs = []
    for i, (word_a, exp_a) in enumerate(ranked):
        for word_b, exp_b in ranked[i + 1 :]:
            if exp_a is not None and exp_b is not None and len(exp_a) * len(exp_b) <= PAIR_KEY_LIMIT:
                keys = sorted({normalize.pair_key(a, b) for a in exp_a for b in exp_b if a != b})
                if keys:
                    pairs.append((word_a, word_b, keys))
    if len(pairs) > 1:
        # Three words or more: drive with the pair fewest people have (a capped count on the index),
        # so "José Luis Hernández García" does not wade through every Hernández García.
        counted = []
        for word_a, word_b, keys in pairs[:MAX_PAIRS_COUNTED]:
            count = NameKey.objects.filter(key__in=keys)[:PAIR_COUNT_CAP].count()
            if count == 0:
                return None  # these two words are in no one's name together
            counted.append((count, word_a, word_b, keys))
        counted.sort(key=lambda c: c[0])
        pairs = [(a, b, keys) for _count, a, b, keys in counted]
    if pairs:
        word_a, word_b, keys = pairs[0]
        return keys, None, [w for w, _ in ranked if w not in (word_a, word_b)]
    word, expansion = ranked[0]
    rest = [w for w, _ in ranked[1:]]
    if expansion is not None:
        return expansion, None, rest
    # A very short prefix: a range of keys (pair keys start with "=", which sorts before it).
    return None, (word, normalize.next_prefix(word)), rest


def _regions_of(user) -> tuple[str, ...]:
    principal = policy.principal_for(user)
    return tuple(dict.fromkeys(s.country for s in principal.seats if s.country)) or ("MX",)


MAX_PAGE = 100_000  # beyond it a page number is a mistake or a probe (and an SQL OFFSET overflow)


class Page:
    """A page of results without COUNT(*): at a million people, counting a broad search costs
    more than finding it. Knows whether there is a next page by fetching one row more."""

    def __init__(self, queryset: QuerySet, number, per_page: int = 50):
        try:
            self.number = min(MAX_PAGE, max(1, int(number or 1)))
        except (TypeError, ValueError, OverflowError):
            self.number = 1
        start = (self.number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        self.object_list = list({p.pk: p for p in rows[:per_page]}.values())  # one row per person
        self._has_next = len(rows) > per_page
        self.start_index = start + 1 if self.object_list else 0
        self.end_index = start + len(self.object_list)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1
