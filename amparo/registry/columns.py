"""The registry's standard columns: one list for imports, exports and other apps' exports.

`STANDARD_COLUMNS` is the order `amparo export-people` writes and `amparo import-people` reads;
`EXTRA_COLUMNS` are accepted on import (and written on export) so an imported person can be
reached. `HEADER_ALIASES` maps the headers field files use (Spanish and English, folded) to a
column. `person_row(person)` gives one person's values in these columns (other apps' exports,
e.g. `amparo affected`, reuse it with `prefetch_for_rows`).
"""

from __future__ import annotations

import re

from amparo.accounts.codes import ConsentPurpose
from amparo.registry import normalize

STANDARD_COLUMNS: tuple[str, ...] = (
    "source_record_id",
    "given_names",
    "first_surname",
    "second_surname",
    "sex",
    "date_of_birth",
    "nationality",
    "phone",
    "email",
    "document_type",
    "document_number",
    "latitude",
    "longitude",
    "country",
    "subdivision",
    "municipality",
    "preferred_language",
)
EXTRA_COLUMNS: tuple[str, ...] = (
    "consent_alerts",
    "consent_referrals",
    "consent_sharing",
    "preferred_channel",
    "whatsapp",
    "languages",
)
ALL_COLUMNS: tuple[str, ...] = STANDARD_COLUMNS + EXTRA_COLUMNS
IGNORE = "ignore"  # a mapping target that skips a column

CONSENT_COLUMNS = {
    "consent_alerts": ConsentPurpose.CRISIS_ALERTS,
    "consent_referrals": ConsentPurpose.REFERRALS,
    "consent_sharing": ConsentPurpose.SHARING_HOST_AUTHORITIES,
}

_ALIASES: dict[str, tuple[str, ...]] = {
    "source_record_id": (
        "id",
        "source id",
        "record id",
        "id registro",
        "registro",
        "folio",
        "no folio",
        "numero de folio",
        "expediente",
        "no expediente",
        "numero de expediente",
        "codigo",
        "id persona",
    ),
    "given_names": (
        "nombres",
        "nombre",
        "nombre s",
        "primer nombre",
        "given name",
        "given names",
        "first name",
        "first names",
        "forename",
        "forenames",
    ),
    "first_surname": (
        "apellido paterno",
        "primer apellido",
        "apellido 1",
        "apellido1",
        "apellido",
        "apellidos",
        "first surname",
        "surname",
        "last name",
        "family name",
        "paternal surname",
    ),
    "second_surname": (
        "apellido materno",
        "segundo apellido",
        "apellido 2",
        "apellido2",
        "second surname",
        "maternal surname",
        "second last name",
    ),
    "sex": ("sexo", "sex", "genero", "gender", "sexo h m", "sexo f m"),
    "date_of_birth": (
        "fecha de nacimiento",
        "fecha nacimiento",
        "f nacimiento",
        "fec nac",
        "fecha nac",
        "nacimiento",
        "date of birth",
        "birth date",
        "birthdate",
        "dob",
    ),
    "nationality": ("nacionalidad", "nationality", "pais de origen", "country of origin", "citizenship"),
    "phone": (
        "telefono",
        "tel",
        "celular",
        "cel",
        "movil",
        "numero de telefono",
        "telefono celular",
        "phone",
        "phone number",
        "mobile",
        "cell",
    ),
    "email": ("correo", "correo electronico", "email", "e mail", "mail"),
    "document_type": ("tipo de documento", "tipo documento", "tipo doc", "document type", "id type"),
    "document_number": (
        "numero de documento",
        "no documento",
        "num documento",
        "documento",
        "no de documento",
        "document number",
        "document",
        "id number",
    ),
    "latitude": ("latitud", "latitude", "lat"),
    "longitude": ("longitud", "longitude", "lon", "lng", "long"),
    "country": ("pais", "pais de residencia", "pais actual", "country", "country of residence"),
    "subdivision": (
        "estado",
        "entidad",
        "entidad federativa",
        "departamento",
        "provincia",
        "subdivision",
        "state",
        "province",
        "region",
    ),
    "municipality": ("municipio", "ciudad", "localidad", "municipality", "city", "town"),
    "preferred_language": ("idioma", "idioma preferido", "lengua", "preferred language", "language"),
    "consent_alerts": (
        "consentimiento alertas",
        "acepta alertas",
        "consiente alertas",
        "consent alerts",
        "consent crisis alerts",
    ),
    "consent_referrals": (
        "consentimiento referencias",
        "acepta referencias",
        "consentimiento canalizacion",
        "consent referrals",
    ),
    "consent_sharing": (
        "consentimiento compartir",
        "acepta compartir",
        "consentimiento autoridades",
        "consent sharing",
    ),
    "preferred_channel": ("canal preferido", "canal", "preferred channel", "channel"),
    "whatsapp": ("whatsapp", "tiene whatsapp", "usa whatsapp", "wa"),
    "languages": ("idiomas", "lenguas", "languages", "idiomas que habla", "spoken languages"),
}


def fold_header(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", normalize.fold(str(header or ""))).strip()


HEADER_ALIASES: dict[str, str] = {}
for _column, _names in _ALIASES.items():
    HEADER_ALIASES[fold_header(_column)] = _column
    for _name in _names:
        HEADER_ALIASES[fold_header(_name)] = _column


def column_for_header(header: str) -> str | None:
    """The standard column a file's header means, or None."""
    return HEADER_ALIASES.get(fold_header(header))


# --- Export ------------------------------------------------------------------------------


def prefetch_for_rows(queryset):
    """What person_row reads, fetched in a few queries per page of people."""
    return queryset.prefetch_related("contacts", "documents", "consents", "nationalities")


def person_row(person) -> dict[str, str]:
    """One person's values in ALL_COLUMNS (strings; empty when unknown)."""
    # In the order they were recorded, as the exports write them (these models have no ordering:
    # PostgreSQL may return them in any order, and the first document is the first recorded).
    contacts = sorted(person.contacts.all(), key=_pk)
    phones = [c for c in contacts if c.kind == "phone"]
    emails = [c for c in contacts if c.kind == "email"]
    documents = sorted(person.documents.all(), key=_pk)
    open_consents = {c.purpose: c.given for c in person.consents.all() if c.withdrawn_at is None}
    nationalities = [n.country for n in sorted(person.nationalities.all(), key=_pk)]
    main = person.nationality or (nationalities[0] if nationalities else "")
    ordered = [main] + [n for n in nationalities if n != main] if main else nationalities
    row = {
        "source_record_id": person.source_record_id,
        "given_names": person.given_names,
        "first_surname": person.first_surname,
        "second_surname": person.second_surname,
        "sex": person.sex,
        "date_of_birth": _birth_date(person),
        "nationality": " ".join(ordered),
        "phone": " / ".join(c.value for c in phones),
        "email": " / ".join(c.value for c in emails),
        "document_type": documents[0].document_type if documents else "",
        "document_number": documents[0].number if documents else "",
        "latitude": "" if person.latitude is None else f"{person.latitude:.6f}",
        "longitude": "" if person.longitude is None else f"{person.longitude:.6f}",
        "country": person.country,
        "subdivision": person.subdivision,
        "municipality": person.municipality,
        "preferred_language": person.preferred_language,
        "preferred_channel": person.preferred_channel,
        "whatsapp": "yes" if any(c.whatsapp for c in phones) else ("no" if phones else ""),
        "languages": " ".join(person.languages or []),
    }
    for column, purpose in CONSENT_COLUMNS.items():
        given = open_consents.get(purpose)
        row[column] = "" if given is None else ("yes" if given else "no")
    return row


def _pk(row) -> int:
    return row.pk


def _birth_date(person) -> str:
    if person.birth_date is None:
        return ""
    if person.birth_date_precision == "year" or person.birth_date_precision == "estimated":
        return person.birth_date.isoformat()[:4]  # "0987": the year as isoformat() writes it
    if person.birth_date_precision == "month":
        return person.birth_date.isoformat()[:7]
    return person.birth_date.isoformat()
