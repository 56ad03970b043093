"""The normalised match features of one record, and its blocking keys.

A `Features` is built the same way from a saved Person, from a registration being typed
(`PersonData` or a form's cleaned data), and from a row of a file, so the online check, the batch
dedupe and the stored keys agree. It serialises to JSON (`PersonFeatures.data`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache

from amparo.matching import normalize as n


@dataclass
class Features:
    given: tuple[str, ...] = ()  # folded tokens, abbreviations expanded, particles dropped
    s1: tuple[str, ...] = ()
    s2: tuple[str, ...] = ()
    given_display: str = ""  # as written (for explanations)
    s1_display: str = ""
    s2_display: str = ""
    expansions: tuple[tuple[str, str], ...] = ()  # (abbreviation, full) found in the name
    dob: tuple[int | None, int | None, int | None] | None = None
    sex: str = ""
    phones: tuple[str, ...] = ()
    documents: tuple[tuple[str, str], ...] = ()  # (type, number)
    emails: tuple[str, ...] = ()
    nationality: str = ""
    place: str = ""  # folded municipality, else subdivision code

    # --- serialisation ---
    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Features:
        return cls(
            given=tuple(data.get("given", ())),
            s1=tuple(data.get("s1", ())),
            s2=tuple(data.get("s2", ())),
            given_display=data.get("given_display", ""),
            s1_display=data.get("s1_display", ""),
            s2_display=data.get("s2_display", ""),
            expansions=tuple(tuple(e) for e in data.get("expansions", ())),
            dob=tuple(data["dob"]) if data.get("dob") else None,
            sex=data.get("sex", ""),
            phones=tuple(data.get("phones", ())),
            documents=tuple(tuple(d) for d in data.get("documents", ())),
            emails=tuple(data.get("emails", ())),
            nationality=data.get("nationality", ""),
            place=data.get("place", ""),
        )

    # --- derived values (plain attributes: cached_property takes a lock, too slow at 1M) ---
    def __post_init__(self) -> None:
        self.surname: tuple[str, str] = (" ".join(self.s1), " ".join(self.s2))
        # Every name token, sorted: equal when the same words sit in other fields.
        self.bag: tuple[str, ...] = tuple(sorted(self.given + self.s1 + self.s2))
        self.partial_dob: n.PartialDate | None = n.PartialDate(*self.dob) if self.dob else None

    @property
    def given_part(self) -> tuple:
        return (self.given, self.given_display, self.expansions)

    @property
    def surname_part(self) -> tuple:
        return (self.s1, self.s2, self.s1_display, self.s2_display)

    def blocking_keys(self) -> set[str]:
        return blocking_keys(self)


@dataclass
class RawRecord:
    """What matching reads from any source, before normalisation."""

    given_names: str = ""
    first_surname: str = ""
    second_surname: str = ""
    birth_date: object = None
    birth_date_precision: str = "day"
    sex: str = ""
    phones: list[str] = field(default_factory=list)
    documents: list[tuple[str, str]] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    nationality: str = ""
    country: str = ""
    subdivision: str = ""
    municipality: str = ""
    organization_country: str = ""


def _unique_nonempty(values: list, key: int | None = None) -> tuple:
    """The non-empty values (or values whose item `key` is non-empty), first occurrence kept.
    Most records have none or one (the batch builds a million of these)."""
    kept = [v for v in values if (v[key] if key is not None else v)]
    if len(kept) < 2:
        return tuple(kept)
    return tuple(dict.fromkeys(kept))


def name_fields(given_names, first_surname, second_surname) -> tuple[tuple, tuple, tuple, tuple]:
    """(given tokens, first surname tokens, second surname tokens, abbreviations expanded): a
    lone second surname becomes the first."""
    given, exp_g = n.name_tokens(given_names)
    s1, exp_1 = n.name_tokens(first_surname)
    s2, exp_2 = n.name_tokens(second_surname)
    if not s1 and s2:
        s1, s2 = s2, ()
    return given, s1, s2, exp_g + exp_1 + exp_2


def build(raw: RawRecord) -> Features:
    given, s1, s2, expansions = name_fields(raw.given_names, raw.first_surname, raw.second_surname)
    dob = n.parse_partial_date(raw.birth_date, raw.birth_date_precision or "day")
    regions = (raw.country, raw.nationality, raw.organization_country)
    phones = _unique_nonempty([n.phone_key(p, *regions) for p in raw.phones])
    documents = _unique_nonempty([(str(t or ""), n.document_number(x)) for t, x in raw.documents], key=1)
    emails = _unique_nonempty([n.email_key(x) for x in raw.emails])
    place = n.fold(raw.municipality) or (raw.subdivision or "").upper()
    return Features(
        given=given,
        s1=s1,
        s2=s2,
        given_display=" ".join(str(raw.given_names or "").split()),
        s1_display=" ".join(str(raw.first_surname or "").split()),
        s2_display=" ".join(str(raw.second_surname or "").split()),
        expansions=expansions,
        dob=tuple(dob.as_list()) if dob else None,
        sex=n.sex_code(raw.sex),
        phones=phones,
        documents=documents,
        emails=emails,
        nationality=(raw.nationality or "").upper()[:2],
        place=place,
    )


def from_person(person, *, phones=None, documents=None, emails=None) -> Features:
    """Features of a saved Person. Pass the contact/document lists when already fetched in bulk."""
    if phones is None or emails is None:
        contacts = list(person.contacts.values_list("kind", "value"))
        phones = [v for k, v in contacts if k == "phone"]
        emails = [v for k, v in contacts if k == "email"]
    if documents is None:
        documents = list(person.documents.values_list("document_type", "number"))
    return build(
        RawRecord(
            given_names=person.given_names,
            first_surname=person.first_surname,
            second_surname=person.second_surname,
            birth_date=person.birth_date,
            birth_date_precision=person.birth_date_precision,
            sex=person.sex,
            phones=phones,
            documents=documents,
            emails=emails,
            nationality=person.nationality,
            country=person.country,
            subdivision=person.subdivision,
            municipality=person.municipality,
        )
    )


def from_data(data, *, organization_country: str = "") -> Features:
    """Features of a registration not yet saved: a registry `PersonData`, a dict of form fields
    or of import columns (given_names, first_surname, second_surname, birth_date or
    date_of_birth, sex, phone(s), email(s), document_number(s), nationality, country…)."""
    if not isinstance(data, dict):
        documents = [(d.get("document_type", ""), d.get("number", "")) for d in getattr(data, "documents", [])]
        nationalities = list(getattr(data, "nationalities", []) or [])
        return build(
            RawRecord(
                given_names=data.given_names,
                first_surname=data.first_surname,
                second_surname=data.second_surname,
                birth_date=data.birth_date,
                birth_date_precision=getattr(data, "birth_date_precision", "day"),
                sex=data.sex,
                phones=[p[0] if isinstance(p, list | tuple) else p for p in data.phones],
                documents=documents,
                emails=list(data.emails),
                nationality=nationalities[0] if nationalities else "",
                country=data.country,
                subdivision=data.subdivision,
                municipality=data.municipality,
                organization_country=organization_country,
            )
        )

    def many(single: str, plural: str) -> list[str]:
        values: list = []
        for value in (data.get(single), data.get(plural)):
            if not value:
                continue
            if isinstance(value, list | tuple):
                values.extend(v[0] if isinstance(v, list | tuple) else v for v in value)
            else:
                values.append(value)
        return [str(v) for v in values if v]

    documents = [(data.get("document_type", ""), num) for num in many("document_number", "document_numbers")]
    for doc in data.get("documents", []) or []:
        documents.append((doc.get("document_type", ""), doc.get("number", "")))
    nationality = data.get("nationality") or (data.get("nationalities") or [""])[0]
    return build(
        RawRecord(
            given_names=data.get("given_names", ""),
            first_surname=data.get("first_surname", ""),
            second_surname=data.get("second_surname", ""),
            birth_date=data.get("birth_date") or data.get("date_of_birth"),
            birth_date_precision=data.get("birth_date_precision") or "day",
            sex=data.get("sex", ""),
            phones=many("phone", "phones"),
            documents=documents,
            emails=many("email", "emails"),
            nationality=str(nationality or ""),
            country=data.get("country", "") or "",
            subdivision=data.get("subdivision", "") or "",
            municipality=data.get("municipality", "") or "",
            organization_country=organization_country,
        )
    )


# --- Blocking keys -----------------------------------------------------------------------------


def _name_triple(f: Features) -> tuple[tuple[str, ...], str, str]:
    return _triple(f.given, f.surname[0], f.surname[1])


def _triple(given: tuple[str, ...], s1: str, s2: str) -> tuple[tuple[str, ...], str, str]:
    """(given tokens, first surname, second surname) for keys, guessing surnames when a whole
    name was typed into the given-names field."""
    if not s1 and len(given) >= 2:
        if len(given) >= 3:
            given, s1, s2 = given[:-2], given[-2], given[-1]
        else:
            given, s1 = given[:-1], given[-1]
    return given, s1, s2


@lru_cache(maxsize=100_000)
def _first_sounds(given: tuple[str, ...]) -> tuple[str, ...]:
    """The sounds of the first given name in each reading (nicknames resolved)."""
    return tuple(sorted({n.phonetic(reading[0]) for reading in n.canonical_given(given) if reading}))


@lru_cache(maxsize=200_000)
def _name_keys(given: tuple[str, ...], s1: str, s2: str) -> tuple[tuple[str, ...], tuple[str, ...], frozenset]:
    """(phonetic first given names, phonetic surnames, the name keys) of one name: computed once
    per distinct name (a million records share far fewer names)."""
    firsts = _first_sounds(given) if given else ()
    surnames = tuple(n.phonetic(s) for s in (s1, s2) if s)
    keys = {_pair_key("n", g, s) for g in firsts for s in surnames}
    if len(surnames) == 2:
        if not firsts:
            keys.add(_pair_key("n", *surnames))
        keys.add(_pair_key("s", *surnames))  # a given name too mistyped to meet
    return firsts, surnames, frozenset(keys)


@lru_cache(maxsize=500_000)
def _pair_key(kind: str, a: str, b: str) -> str:
    """'kind:a|b' with the two sounds in order (the same string object each time: its hash is
    computed once)."""
    return f"{kind}:{a}|{b}" if a <= b else f"{kind}:{b}|{a}"


def blocking_keys(f: Features) -> set[str]:
    """The keys under which a record is stored and searched. A likely duplicate shares at least
    one: first given name (nicknames resolved) with either surname, by sound, in either order
    (so swapped fields and a missing surname still meet); both surnames (a given name mistyped
    beyond recognition); the date of birth (day and month in either order) with either surname
    or the first given name; a phone; a document; an e-mail."""
    firsts, surnames, name_keys = _name_keys(*_name_triple(f))
    keys = set(name_keys)
    dk = n.date_key(f.partial_dob)
    if dk:
        for s in surnames:
            keys.add(f"d:{dk}|{s}")
        for g in firsts:
            keys.add(f"d:{dk}|{g}")
    keys.update(f"p:{p}" for p in f.phones)
    keys.update(f"i:{num}" for _t, num in f.documents if len(num) >= 4)
    keys.update(f"e:{e}" for e in f.emails)
    return {k[:64] for k in keys}
