"""One row of a field file → a validated registration, or the reasons it cannot be one.

The reusable core of every import (CSV, XLSX, the web UI, `amparo dedupe --input`):

    context = RowContext(organization_country="MX", m_means_female=sex_m_means_female(sex_values))
    parsed = parse_row({"given_names": "María", "nationality": "guatemalteca", ...}, context=context)
    parsed.ok        # True when nothing rejects the row
    parsed.data      # a services.PersonData (None when rejected)
    parsed.errors    # [FieldError(column, message, value)] that reject the row
    parsed.warnings  # [FieldError] kept but flagged (a phone that does not parse)
    parsed.phones    # [(ParsedPhone, whatsapp)] already parsed, E.164 when valid

Keys of the row are the standard columns of registry.columns (map headers first with
`columns.column_for_header`); values are strings as read (or None). Rules (DOMAIN.md, "Reading
field files"): phones without a prefix are parsed with the location country, then the nationality,
then the organization's country, and an unparseable phone is kept and flagged, never a reason to
reject; sex codes are F/M, or H/M when the file's sex column holds H (then M is "mujer");
nationalities come as codes, country names or demonyms in either gender, Spanish or English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from amparo.core.text import CONTROL_CHARACTERS, clean_text, describe, has_control_characters
from amparo.registry.columns import CONSENT_COLUMNS
from amparo.registry.importing import vocabulary
from amparo.registry.models import ConsentMethod, DatePrecision, Sex
from amparo.registry.phones import ParsedPhone, parse_phone
from amparo.registry.services import PersonData

NAME_MAX = 150
_SEX_WORDS = {
    "femenino": Sex.FEMALE,
    "femenina": Sex.FEMALE,
    "mujer": Sex.FEMALE,
    "female": Sex.FEMALE,
    "woman": Sex.FEMALE,
    "fem": Sex.FEMALE,
    "f": Sex.FEMALE,
    "masculino": Sex.MALE,
    "hombre": Sex.MALE,
    "varon": Sex.MALE,
    "male": Sex.MALE,
    "man": Sex.MALE,
    "masc": Sex.MALE,
    "h": Sex.MALE,
    "v": Sex.MALE,
    "intersex": Sex.INTERSEX_OTHER,
    "intersexual": Sex.INTERSEX_OTHER,
    "otro": Sex.INTERSEX_OTHER,
    "otra": Sex.INTERSEX_OTHER,
    "other": Sex.INTERSEX_OTHER,
    "x": Sex.INTERSEX_OTHER,
    "i": Sex.INTERSEX_OTHER,
    "desconocido": Sex.UNKNOWN,
    "unknown": Sex.UNKNOWN,
    "nd": Sex.UNKNOWN,
    "ns": Sex.UNKNOWN,
    "u": Sex.UNKNOWN,
    "sin dato": Sex.UNKNOWN,
}
_SPLIT_MULTI = re.compile(r"\s*[;/|,]\s*")
_SPLIT_PHONES = re.compile(r"\s*[;/|,]\s*|\s+y\s+|\s+or\s+|\s+o\s+")


@dataclass(frozen=True)
class FieldError:
    column: str
    message: str
    value: str = ""


@dataclass
class RowContext:
    organization_country: str = ""
    m_means_female: bool = False  # True for files whose sex column uses H/M (hombre/mujer)
    today: date = field(default_factory=date.today)


@dataclass
class ParsedRow:
    data: PersonData | None
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)
    phones: list[tuple[ParsedPhone, bool]] = field(default_factory=list)
    present: frozenset[str] = frozenset()  # columns with a value in this row

    @property
    def ok(self) -> bool:
        return not self.errors


def sex_m_means_female(values: Iterable[str | None]) -> bool:
    """A sex column holding `H` (hombre) uses H/M, so `M` reads as mujer (female)."""
    return any(str(v or "").strip().upper() == "H" for v in values)


def parse_row(row: Mapping[str, object], *, context: RowContext) -> ParsedRow:
    """Validate one row of standard columns; see the module docstring."""
    errors: list[FieldError] = []
    warnings: list[FieldError] = []
    cells: dict[str, str] = {key: cell_text(value) for key, value in row.items() if key}
    if CONTROL_CHARACTERS.search("\n".join(cells.values())):  # one search a row ("\n" is allowed)
        for key, text in cells.items():
            if has_control_characters(text):
                # One NUL would fail the whole batch in PostgreSQL, others every XLSX export: removed.
                found = describe(text)
                cells[key] = text = clean_text(text).strip()
                warnings.append(
                    FieldError(key, _("invisible control characters removed (%(chars)s)") % {"chars": found}, text)
                )

    def error(column: str, message: str) -> None:
        errors.append(FieldError(column, message, cells.get(column, "")))

    data = PersonData(given_names="")
    data.source_record_id = cells.get("source_record_id", "")
    if len(data.source_record_id) > 100:
        error("source_record_id", _("longer than 100 characters"))

    for column in ("given_names", "first_surname", "second_surname"):
        value = " ".join(cells.get(column, "").split())
        if len(value) > NAME_MAX:
            error(column, _("longer than %(n)d characters") % {"n": NAME_MAX})
        setattr(data, column, value)
    if not data.given_names:
        error("given_names", _("given names are required"))

    sex = cells.get("sex", "")
    if sex:
        parsed_sex = _sex(sex, context)
        if parsed_sex is None:
            error("sex", _("unknown sex code (use F/M, H/M or female, male, intersex, unknown)"))
        else:
            data.sex = parsed_sex

    dob = cells.get("date_of_birth", "")
    if dob:
        try:
            data.birth_date, data.birth_date_precision = parse_date(dob, this_year=context.today.year)
        except ValueError:
            error("date_of_birth", _("not a date (use YYYY-MM-DD or DD/MM/YYYY)"))
        else:
            if data.birth_date > context.today:
                error("date_of_birth", _("date of birth is in the future"))
            elif data.birth_date.year < 1900:
                error("date_of_birth", _("date of birth is before 1900"))

    nationality = cells.get("nationality", "")
    if nationality:
        codes, unknown = _nationalities(nationality)
        if unknown is not None:
            error("nationality", _("unknown nationality “%(value)s”") % {"value": unknown})
        data.nationalities = list(codes)

    country = cells.get("country", "")
    if country:
        code = vocabulary.country_code(country)
        if code is None:
            error("country", _("unknown country"))
        else:
            data.country = code
    subdivision = cells.get("subdivision", "")
    if subdivision:
        code = vocabulary.subdivision_code(subdivision, data.country or context.organization_country)
        if code is None:
            error("subdivision", _("unknown state or department (use an ISO 3166-2 code such as MX-GRO, or its name)"))
        else:
            if data.country and not code.startswith(data.country + "-"):
                error("subdivision", _("subdivision is not in the country given"))
            data.subdivision = code
            data.country = data.country or code.split("-", 1)[0]
    data.municipality = " ".join(cells.get("municipality", "").split())[:120]

    lat, lon = cells.get("latitude", ""), cells.get("longitude", "")
    if lat or lon:
        data.latitude = _coordinate(lat, -90, 90, "latitude", error)
        data.longitude = _coordinate(lon, -180, 180, "longitude", error)
        if (data.latitude is None) != (data.longitude is None) and not errors:
            error("latitude" if data.latitude is None else "longitude", _("latitude and longitude go together"))
    if data.latitude is not None or data.country or data.subdivision or data.municipality:
        data.location_source = "import"

    language = cells.get("preferred_language", "")
    if language:
        tag = vocabulary.language_tag(language)
        if tag is None:
            error("preferred_language", _("unknown language (use a code such as es, en, fr, ht, pt)"))
        else:
            data.preferred_language = tag
    languages = cells.get("languages", "")
    if languages:
        tags, unknown = _language_tags(languages)
        if unknown is not None:
            error("languages", _("unknown language “%(value)s”") % {"value": unknown})
        data.languages = list(tags)
    if data.preferred_language and data.preferred_language not in data.languages:
        data.languages = [data.preferred_language, *data.languages]

    channel = cells.get("preferred_channel", "")
    if channel:
        code = vocabulary.channel_code(channel)
        if code is None:
            error("preferred_channel", _("unknown channel (use sms, whatsapp, email or voice)"))
        else:
            data.preferred_channel = code

    whatsapp = False
    if cells.get("whatsapp"):
        try:
            whatsapp = bool(vocabulary.yes_no(cells["whatsapp"]))
        except ValueError:
            error("whatsapp", _("use yes or no"))
    elif data.preferred_channel == "whatsapp":
        whatsapp = True

    for column, purpose in CONSENT_COLUMNS.items():
        if cells.get(column):
            try:
                answer = vocabulary.yes_no(cells[column])
            except ValueError:
                error(column, _("use yes, no or leave blank"))
                continue
            if answer is not None:
                data.consents[purpose] = (answer, ConsentMethod.IMPORTED)

    email = cells.get("email", "")
    if email:
        for part in _SPLIT_MULTI.split(email):
            if not part:
                continue
            try:
                validate_email(part)
            except ValidationError:
                error("email", _("not an e-mail address"))
                break
            data.emails.append(part.lower())

    doc_number, doc_type = cells.get("document_number", ""), cells.get("document_type", "")
    if doc_number:
        code = vocabulary.document_type_code(doc_type) if doc_type else "other"
        if code is None:
            error("document_type", _("unknown document type (passport, national ID, consular ID, birth certificate…)"))
        elif len(doc_number) > 60:
            error("document_number", _("longer than 60 characters"))
        else:
            data.documents.append({"document_type": code, "number": doc_number})
    elif doc_type and vocabulary.document_type_code(doc_type) is None:
        error("document_type", _("unknown document type (passport, national ID, consular ID, birth certificate…)"))

    phones: list[tuple[ParsedPhone, bool]] = []
    phone_cell = cells.get("phone", "")
    if phone_cell:
        regions = (data.country, *data.nationalities, context.organization_country)
        for part in _SPLIT_PHONES.split(phone_cell):
            # A leading apostrophe keeps "+502 …" text in a spreadsheet (and Amparo's exports write
            # one before a cell starting with "+" that is not a plain number): not part of the number.
            part = part.strip().removeprefix("'").strip()
            if not part:
                continue
            # A number with its country prefix is read without the regions: one cache entry.
            parsed = _parse_phone(part, () if part.lstrip()[:1] == "+" or part.lstrip()[:2] == "00" else regions)
            if not parsed.is_valid:
                warnings.append(FieldError("phone", _("phone kept as written: it does not parse"), part))
            phones.append((parsed, whatsapp and not phones))
        data.phones = [(p.raw, w) for p, w in phones]

    present = frozenset(k for k, v in cells.items() if v)
    if errors:
        return ParsedRow(data=None, errors=errors, warnings=warnings, phones=phones, present=present)
    return ParsedRow(data=data, errors=[], warnings=warnings, phones=phones, present=present)


@lru_cache(maxsize=1 << 16)
def _parse_phone(text: str, regions: tuple[str, ...]) -> ParsedPhone:
    """parse_phone, once per distinct (phone as written, regions): households and re-sent files
    repeat them."""
    return parse_phone(text, *regions)


def parse_date(text: str, *, this_year: int | None = None) -> tuple[date, str]:
    """ISO (1990-05-17, 19900517, 1990-05, 1990), year first (1990/05/17, 1990.05.17) or day
    first (17/05/1990, 17-05-1990, 17.05.90) → (date, precision); two-digit years are read against `this_year` (today's by default). Raises
    ValueError."""
    parsed = _parse_date(text.strip(), this_year or date.today().year)
    if parsed is None:
        raise ValueError(text)
    return parsed


@lru_cache(maxsize=1 << 16)
def _parse_date(text: str, this_year: int) -> tuple[date, str] | None:
    """parse_date, cached by the text (a file repeats its dates of birth): None when not a date.
    Two-digit years are read against `this_year`, part of the cache's key."""
    try:
        return _read_date(text, this_year)
    except ValueError:
        return None


def _read_date(text: str, this_year: int) -> tuple[date, str]:
    if "T" in text or " " in text:  # "1990-05-17 00:00:00" from spreadsheets
        text = re.split(r"[T ]", text, maxsplit=1)[0]
    # Year first: ISO (1990-05-17), as other systems write it (1990/05/17, 1990.05.17) and ISO's
    # basic form (19900517). Nobody writes year, day, month, so these are not ambiguous; an
    # eight-digit day-first date (17051990) is refused rather than guessed.
    match = re.fullmatch(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})", text) or re.fullmatch(
        r"(1[89]\d\d|2\d{3})()(\d\d)(\d\d)", text
    )
    if match:
        return date(int(match[1]), int(match[3]), int(match[4])), DatePrecision.DAY
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", text)
    if match:
        year = int(match[3])
        if year < 100:
            year += 2000 if year <= this_year % 100 else 1900
        return date(year, int(match[2]), int(match[1])), DatePrecision.DAY
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text) or re.fullmatch(r"(\d{1,2})/(\d{4})", text)
    if match:
        year, month = (int(match[1]), int(match[2])) if len(match[1]) == 4 else (int(match[2]), int(match[1]))
        return date(year, month, 1), DatePrecision.MONTH
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 1, 1), DatePrecision.YEAR
    raise ValueError(text)


def _sex(value: str, context: RowContext) -> str | None:
    return _sex_code(value, context.m_means_female)


@lru_cache(maxsize=1 << 12)
def _sex_code(value: str, m_means_female: bool) -> str | None:
    key = re.sub(r"[^a-z]+", " ", vocabulary.normalize.fold(value)).strip()
    if key == "m":
        return Sex.FEMALE if m_means_female else Sex.MALE
    return _SEX_WORDS.get(key)


def _coordinate(text: str, low: float, high: float, column: str, error) -> float | None:
    if not text:
        error(column, _("latitude and longitude go together"))
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        error(column, _("not a number"))
        return None
    if not low <= value <= high:
        error(column, _("out of range (%(low)s to %(high)s)") % {"low": low, "high": high})
        return None
    return value


@lru_cache(maxsize=1 << 12)
def _nationalities(text: str) -> tuple[tuple[str, ...], str | None]:
    """A nationality cell → (its country codes, without repeats; the first part not understood, or
    None). Cached by the cell as written."""
    codes = []
    for part in _split_countries(text):
        code = vocabulary.country_code(part)
        if code is None:
            return tuple(dict.fromkeys(codes)), part
        codes.append(code)
    return tuple(dict.fromkeys(codes)), None


@lru_cache(maxsize=1 << 12)
def _language_tags(text: str) -> tuple[tuple[str, ...], str | None]:
    """A languages cell → (its BCP 47 tags, without repeats; the first part not understood, or
    None). Cached by the cell as written."""
    tags = []
    for part in _SPLIT_MULTI.split(text):
        if not part:
            continue
        tag = vocabulary.language_tag(part)
        # "es fr" (space-separated, as exports write them) but "criollo haitiano" is one.
        found = [tag] if tag else [vocabulary.language_tag(word) for word in part.split()]
        if not found or None in found:
            return tuple(dict.fromkeys(tags)), part
        tags.extend(found)
    return tuple(dict.fromkeys(tags)), None


def _split_countries(text: str) -> list[str]:
    parts = [p for p in _SPLIT_MULTI.split(text) if p]
    if len(parts) == 1 and " y " in f" {parts[0].lower()} ":
        parts = [p for p in re.split(r"\s+y\s+", parts[0], flags=re.IGNORECASE) if p]
    return parts


def cell_text(value) -> str:
    """A cell as text: spreadsheets give numbers and dates, CSV gives strings."""
    if type(value) is str:  # a CSV's every cell: the common case first
        text = value.strip()
    elif value is None:
        return ""
    elif isinstance(value, datetime):
        return value.date().isoformat()
    elif isinstance(value, date):
        return value.isoformat()
    elif isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, int):
        return str(value)
    else:
        text = str(value).strip()
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]  # undo an export's formula neutralisation
    return text
