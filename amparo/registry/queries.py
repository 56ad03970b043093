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
PAIR_KEY_LIMIT = 600  # beyond this many pair keys, intersect single tokens instead
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
    """The people `user` may see that match `filters`, newest first (an indexed order)."""
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
    if filters.q.strip():
        qs = qs.filter(match_q(filters.q, regions=_regions_of(user)))
    return qs.order_by("-pk")


def match_q(query: str, *, regions: tuple[str, ...] = ()) -> Q:
    """A Q on Person for a free-text query: name, phone or document number."""
    query = query.strip()
    digit_count = sum(ch.isdigit() for ch in query)
    if digit_count and (_PHONE_RE.match(query) or digit_count * 2 >= len(query.replace(" ", ""))):
        q = document_q(query)
        if digit_count >= 6 and _PHONE_RE.match(query):
            q |= phone_q(query, regions=regions)
        return q
    return name_q(query)


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


def name_q(query: str) -> Q:
    """Each word of the query begins a token of one of the person's names (any order)."""
    words = normalize.tokens(query)
    if not words:
        return policy.NOTHING
    expansions: list[tuple[str, list[str] | None]] = []
    for word in words:
        found = words_starting(word, WORD_EXPANSION_LIMIT)
        if not found:
            return policy.NOTHING  # no one has a name starting with this word
        expansions.append((word, None if len(found) > WORD_EXPANSION_LIMIT else found))
    if len(words) == 1:
        return _single_q(*expansions[0])
    # The two most specific words (fewest expansions, then longest) drive through pair keys.
    ranked = sorted(expansions, key=lambda e: (e[1] is None, len(e[1]) if e[1] is not None else 0, -len(e[0])))
    (word_a, exp_a), (word_b, exp_b) = ranked[0], ranked[1]
    rest = [word for word, _ in ranked[2:]]
    if exp_a is not None and exp_b is not None and len(exp_a) * len(exp_b) <= PAIR_KEY_LIMIT:
        keys = {normalize.pair_key(a, b) for a in exp_a for b in exp_b if a != b}
        q = Q(pk__in=NameKey.objects.filter(key__in=sorted(keys)).values("person_id"))
    else:
        q = _single_q(word_a, exp_a) & _single_q(word_b, exp_b)
    for word in rest:
        q &= Q(search_name__contains=" " + word)
    return q


def _single_q(word: str, expansion: list[str] | None) -> Q:
    if expansion is not None:
        keys = NameKey.objects.filter(key__in=expansion)
    else:  # a very short prefix: scan the key range (pair keys start with "=" and sort before it)
        keys = NameKey.objects.filter(key__gte=word, key__lt=normalize.next_prefix(word)).exclude(key__startswith="=")
    return Q(pk__in=keys.values("person_id"))


def _regions_of(user) -> tuple[str, ...]:
    principal = policy.principal_for(user)
    return tuple(dict.fromkeys(s.country for s in principal.seats if s.country)) or ("MX",)


class Page:
    """A page of results without COUNT(*): at a million people, counting a broad search costs
    more than finding it. Knows whether there is a next page by fetching one row more."""

    def __init__(self, queryset: QuerySet, number, per_page: int = 50):
        try:
            self.number = max(1, int(number or 1))
        except (TypeError, ValueError):
            self.number = 1
        start = (self.number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        self.object_list = rows[:per_page]
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
