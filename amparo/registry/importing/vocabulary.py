"""How field files write countries, nationalities, languages, places and yes/no, and what they mean.

Lookups are on folded text (normalize.fold: no accents, lower-case), so "Guatemalteca",
"GUATEMALTECA" and "guatemalteca" read the same. Each lookup is cached by the text as written: a
file of a million rows holds a few hundred distinct countries, languages and yes/no spellings, so
each is folded and looked up once. Countries: ISO alpha-2 and alpha-3 codes,
English names (pycountry), Spanish names, and demonyms in both genders in Spanish and English.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

from amparo.registry import normalize

# code: Spanish name(s), demonyms (masculine, feminine, plural forms), English demonym.
_COUNTRY_WORDS: dict[str, tuple[str, ...]] = {
    "MX": ("mexico", "mejico", "mexicano", "mexicana", "mexican", "estados unidos mexicanos"),
    "GT": ("guatemala", "guatemalteco", "guatemalteca", "guatemalan", "guate", "chapin", "chapina"),
    "HN": ("honduras", "hondureno", "hondurena", "honduran", "catracho", "catracha"),
    "SV": ("el salvador", "salvador", "salvadoreno", "salvadorena", "salvadoran", "salvadorian", "guanaco", "guanaca"),
    "NI": ("nicaragua", "nicaraguense", "nicaraguan", "nica"),
    "CR": ("costa rica", "costarricense", "costarriqueno", "costarriquena", "costa rican", "tico", "tica"),
    "PA": ("panama", "panameno", "panamena", "panamanian"),
    "BZ": ("belice", "belize", "beliceno", "belicena", "belizean"),
    "CU": ("cuba", "cubano", "cubana", "cuban"),
    "HT": ("haiti", "haitiano", "haitiana", "haitian", "ayiti", "ayisyen"),
    "DO": (
        "republica dominicana",
        "rep dominicana",
        "dominican republic",
        "dominicano",
        "dominicana",
        "dominican",
    ),
    "JM": ("jamaica", "jamaicano", "jamaicana", "jamaiquino", "jamaiquina", "jamaican"),
    "VE": ("venezuela", "venezolano", "venezolana", "venezuelan"),
    "CO": ("colombia", "colombiano", "colombiana", "colombian"),
    "EC": ("ecuador", "ecuatoriano", "ecuatoriana", "ecuadorian", "ecuadorean"),
    "PE": ("peru", "peruano", "peruana", "peruvian"),
    "BO": ("bolivia", "boliviano", "boliviana", "bolivian"),
    "CL": ("chile", "chileno", "chilena", "chilean"),
    "AR": ("argentina", "argentino", "argentinian", "argentine"),
    "UY": ("uruguay", "uruguayo", "uruguaya", "uruguayan"),
    "PY": ("paraguay", "paraguayo", "paraguaya", "paraguayan"),
    "BR": ("brasil", "brazil", "brasileno", "brasilena", "brasileiro", "brasileira", "brazilian"),
    "US": ("estados unidos", "eeuu", "eua", "usa", "estadounidense", "norteamericano", "norteamericana", "american"),
    "CA": ("canada", "canadiense", "canadian"),
    "ES": ("espana", "espanol", "espanola", "spanish", "spain"),
    "IN": ("india", "indio", "indian", "hindu"),
    "BD": ("banglades", "bangladesh", "bangladesi", "bangladeshi"),
    "NP": ("nepal", "nepali", "nepales", "nepalesa"),
    "PK": ("pakistan", "pakistani"),
    "AF": ("afganistan", "afghanistan", "afgano", "afgana", "afghan"),
    "CN": ("china", "chino", "chinese"),
    "UZ": ("uzbekistan", "uzbeko", "uzbeka", "uzbek"),
    "RU": ("rusia", "russia", "ruso", "rusa", "russian"),
    "UA": ("ucrania", "ukraine", "ucraniano", "ucraniana", "ukrainian"),
    "TR": ("turquia", "turkey", "turkiye", "turco", "turca", "turkish"),
    "SY": ("siria", "syria", "sirio", "siria", "syrian"),
    "CM": ("camerun", "cameroon", "camerunes", "camerunesa", "cameroonian"),
    "SN": ("senegal", "senegales", "senegalesa", "senegalese"),
    "GN": ("guinea", "guineano", "guineana", "guinean"),
    "GH": ("ghana", "ghanes", "ghanesa", "ghanaian"),
    "NG": ("nigeria", "nigeriano", "nigeriana", "nigerian"),
    "ER": ("eritrea", "eritreo", "eritrean"),
    "ET": ("etiopia", "ethiopia", "etiope", "ethiopian"),
    "SO": ("somalia", "somali"),
    "CD": ("republica democratica del congo", "rd congo", "congoleno", "congolena", "congolese"),
    "AO": ("angola", "angoleno", "angolena", "angolan"),
    "MR": ("mauritania", "mauritano", "mauritana", "mauritanian"),
}


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                table.setdefault(_key(value), country.alpha_2)
        table[_key(country.alpha_3)] = country.alpha_2
        table[_key(country.alpha_2)] = country.alpha_2
    for code, words in _COUNTRY_WORDS.items():
        for word in words:
            table[_key(word)] = code
    return table


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", normalize.fold(text)).strip()


_CACHE = 1 << 14


@lru_cache(maxsize=_CACHE)
def country_code(text: str) -> str | None:
    """'HND', 'hondureña', 'Honduras', 'hn' → 'HN'; None when unknown."""
    return _countries().get(_key(text)) if text and text.strip() else None


# --- Subdivisions (ISO 3166-2) -----------------------------------------------------------

_SUBDIVISION_ALIASES = {
    "MX": {
        "cdmx": "MX-CMX",
        "df": "MX-CMX",
        "distrito federal": "MX-CMX",
        "ciudad de mexico": "MX-CMX",
        "mexico city": "MX-CMX",
        "edomex": "MX-MEX",
        "estado de mexico": "MX-MEX",
        "edo mex": "MX-MEX",
        "edo de mexico": "MX-MEX",
        "gro": "MX-GRO",
        "oax": "MX-OAX",
        "chis": "MX-CHP",
        "veracruz": "MX-VER",
        "coahuila": "MX-COA",
        "michoacan": "MX-MIC",
        "nuevo leon": "MX-NLE",
        "baja california norte": "MX-BCN",
    },
}


@lru_cache(maxsize=64)
def _subdivisions(country: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for sub in pycountry.subdivisions.get(country_code=country) or ():
        table[_key(sub.code)] = sub.code
        table[_key(sub.code.split("-", 1)[1])] = sub.code
        table.setdefault(_key(sub.name), sub.code)
        # "Veracruz de Ignacio de la Llave" is written "Veracruz"; keep the first words too.
        short = _key(sub.name.split(",")[0])
        table.setdefault(short, sub.code)
    table.update(_SUBDIVISION_ALIASES.get(country, {}))
    return table


@lru_cache(maxsize=_CACHE)
def subdivision_code(text: str, country: str) -> str | None:
    """'MX-GRO', 'GRO' or 'Guerrero' (with country MX) → 'MX-GRO', 'PA-06' → 'PA-6', 'GT-1' →
    'GT-01'; None when unknown."""
    if not text or not text.strip():
        return None
    raw = text.strip().upper()
    if "-" in raw:
        if pycountry.subdivisions.get(code=raw) is not None:
            return raw
        prefix, _, number = raw.partition("-")
        if number.isdigit():  # numbered codes written with or without a leading zero: PA-06, GT-1
            for code in (f"{prefix}-{int(number)}", f"{prefix}-{int(number):02d}"):
                if pycountry.subdivisions.get(code=code) is not None:
                    return code
    if not country:
        return None
    return _subdivisions(country.upper()).get(_key(text))


# --- Languages (BCP 47) ------------------------------------------------------------------

_LANGUAGE_WORDS = {
    "es": ("espanol", "castellano", "spanish", "espagnol", "espanhol", "esp"),
    "en": ("ingles", "english", "anglais", "ingl"),
    "fr": ("frances", "french", "francais", "franse"),
    "ht": ("criollo haitiano", "creole haitiano", "creole", "kreyol", "kreyol ayisyen", "haitian creole", "criollo"),
    "pt": ("portugues", "portuguese", "portugais"),
    "ar": ("arabe", "arabic"),
    "hi": ("hindi",),
    "bn": ("bengali", "bangla"),
    "ti": ("tigrina", "tigrinya", "tigrigna"),
    "am": ("amharico", "amharic"),
    "wo": ("wolof",),
    "zh": ("chino", "mandarin", "chinese"),
    "ru": ("ruso", "russian"),
    "uk": ("ucraniano", "ukrainian"),
    "ne": ("nepali",),
    "ur": ("urdu",),
    "quc": ("kiche", "k iche", "quiche"),
    "mam": ("mam",),
    "kek": ("qeqchi", "q eqchi", "kekchi"),
    "cak": ("kaqchikel", "cakchiquel"),
    "cab": ("garifuna",),
    "nah": ("nahuatl", "nahuat"),
    "miq": ("miskito", "miskitu"),
}


@lru_cache(maxsize=1)
def _languages() -> dict[str, str]:
    table = {}
    for code, words in _LANGUAGE_WORDS.items():
        table[code] = code
        for word in words:
            table[_key(word)] = code
    return table


_BCP47 = re.compile(r"^([a-zA-Z]{2,3})(-[a-zA-Z0-9]{2,8})*$")


@lru_cache(maxsize=_CACHE)
def language_tag(text: str) -> str | None:
    """'Español', 'es-MX', 'kreyòl' → a BCP 47 tag ('es', 'es-MX', 'ht'); None when unknown."""
    if not text or not text.strip():
        return None
    raw = text.strip().replace("_", "-")
    found = _languages().get(_key(raw))
    if found:
        return found
    match = _BCP47.match(raw)
    if match:
        primary = match.group(1).lower()
        known = (
            pycountry.languages.get(alpha_2=primary) if len(primary) == 2 else pycountry.languages.get(alpha_3=primary)
        )
        if known is not None:
            parts = raw.split("-")
            return "-".join([primary] + [p.upper() if len(p) == 2 else p for p in parts[1:]])
    return None


# --- Yes / no ----------------------------------------------------------------------------

_YES = frozenset({"si", "s", "yes", "y", "1", "true", "verdadero", "x", "acepta", "oui", "wi", "sim"})
_NO = frozenset({"no", "n", "0", "false", "falso", "non", "nao", "rechaza", "no acepta"})


def yes_no(text: str) -> bool | None:
    """True, False, or None for blank. Raises ValueError for anything else."""
    answer = _yes_no(text or "")
    if answer is _UNKNOWN:
        raise ValueError(text)
    return answer


_UNKNOWN = object()


@lru_cache(maxsize=_CACHE)
def _yes_no(text: str):
    key = _key(text)
    if not key:
        return None
    if key in _YES:
        return True
    if key in _NO:
        return False
    return _UNKNOWN


_CHANNELS = {
    "sms": "sms",
    "mensaje": "sms",
    "mensaje de texto": "sms",
    "texto": "sms",
    "text": "sms",
    "whatsapp": "whatsapp",
    "wa": "whatsapp",
    "wsp": "whatsapp",
    "email": "email",
    "e mail": "email",
    "correo": "email",
    "correo electronico": "email",
    "voice": "voice",
    "voz": "voice",
    "llamada": "voice",
    "call": "voice",
    "telefono": "voice",
}


@lru_cache(maxsize=_CACHE)
def channel_code(text: str) -> str | None:
    return _CHANNELS.get(_key(text or ""))


_DOCUMENT_TYPES = {
    "passport": "passport",
    "pasaporte": "passport",
    "pas": "passport",
    "pp": "passport",
    "passeport": "passport",
    "national id": "national_id",
    "national_id": "national_id",
    "id card": "national_id",
    "dpi": "national_id",
    "dui": "national_id",
    "dni": "national_id",
    "cedula": "national_id",
    "cedula de identidad": "national_id",
    "tarjeta de identidad": "national_id",
    "identidad": "national_id",
    "documento nacional de identidad": "national_id",
    "ine": "national_id",
    "consular id": "consular_id",
    "consular_id": "consular_id",
    "matricula consular": "consular_id",
    "tarjeta consular": "consular_id",
    "matricula": "consular_id",
    "birth certificate": "birth_certificate",
    "birth_certificate": "birth_certificate",
    "acta de nacimiento": "birth_certificate",
    "partida de nacimiento": "birth_certificate",
    "certificado de nacimiento": "birth_certificate",
    "refugee document": "refugee_document",
    "refugee_document": "refugee_document",
    "constancia de refugiado": "refugee_document",
    "tarjeta de refugiado": "refugee_document",
    "constancia comar": "refugee_document",
    "solicitud de asilo": "refugee_document",
    "constancia de solicitante": "refugee_document",
    "asylum document": "refugee_document",
    "other": "other",
    "otro": "other",
}


@lru_cache(maxsize=_CACHE)
def document_type_code(text: str) -> str | None:
    key = _key(text or "")
    return _DOCUMENT_TYPES.get(key) or _DOCUMENT_TYPES.get(key.replace(" ", "_"))
