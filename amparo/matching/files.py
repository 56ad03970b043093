"""Reading a people file (CSV/XLSX with the registry import columns) for `amparo dedupe --input`.

Uses the registry's reader (`amparo.registry.importing.files.open_table` and
`amparo.registry.columns.column_for_header`: encodings, delimiters, Spanish and English
headers), so a file is read exactly as its import would read it. Every row becomes a
record: a value that does not parse (a bad date, "1988", a local phone) is matched on what is
usable or left out of the comparison, never a reason to drop the row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from amparo.matching import features as feat
from amparo.registry.columns import column_for_header
from amparo.registry.importing.files import UnreadableFile, open_table


class UnreadableInput(Exception):
    """The file itself cannot be read."""


@dataclass
class InputRow:
    number: int  # row number in the file (header = 1)
    source_record_id: str
    cells: dict[str, str]


def _open(path: Path) -> tuple[list[str], Iterator[tuple[int, list]]]:
    try:
        table = open_table(path)
    except UnreadableFile as exc:
        raise UnreadableInput(str(exc)) from exc
    return table.headers, table.rows


def read_rows(path: str | Path) -> list[InputRow]:
    headers, rows = _open(Path(path))
    columns = [column_for_header(h) for h in headers]
    if "given_names" not in columns and "first_surname" not in columns:
        raise UnreadableInput(
            f"{Path(path).name}: no name column found (expected given_names or first_surname, got {', '.join(headers)})"
        )
    out = []
    for number, cells in rows:
        record: dict[str, str] = {}
        for column, value in zip(columns, cells, strict=False):
            if column and value is not None and str(value).strip():
                record[column] = str(value).strip()
        source_id = record.get("source_record_id", "") or f"row-{number}"
        out.append(InputRow(number=number, source_record_id=source_id, cells=record))
    return out


def m_means_female(rows: list[InputRow]) -> bool:
    return any(r.cells.get("sex", "").strip().upper() == "H" for r in rows)


def features_of_rows(rows: list[InputRow], *, organization_country: str = "") -> list[feat.Features]:
    """Features of every row (a plain loop: handing Features between processes costs more
    than building them)."""
    return _features(rows, m_means_female(rows), organization_country)


def records_of_rows(rows: list[InputRow], *, organization_country: str = "", workers: int | None = None):
    """Batch records (amparo.matching.batch.Records) of every row, encoded in parallel."""
    from functools import partial

    from amparo.matching import batch

    encode = partial(_rows_part, spanish_sex=m_means_female(rows), organization_country=organization_country)
    return batch.Records.build(rows, encode, workers=workers)


class _Codes(dict):
    """Codes of distinct values, 0 for an empty one (as batch._encode)."""

    def __init__(self):
        super().__init__()
        self.values: list = [None]

    def code(self, value) -> int:
        if not value:
            return 0
        found = self.get(value)
        if found is None:
            found = self[value] = len(self.values)
            self.values.append(value)
        return found


def _rows_part(rows: list[InputRow], *, spanish_sex: bool, organization_country: str) -> dict:
    """What batch._encode_part gives for the Features of `rows` (features_of_rows), computed
    once per distinct value of each column instead of once per row: a million rows share far
    fewer names, dates, places and sexes, and the batch needs codes, not Features objects.
    The same normalisation functions are applied; tests hold the two paths equal."""
    import numpy as np

    from amparo.matching import normalize as n

    count = len(rows)
    given, bag, words, sounds = _Codes(), _Codes(), _Codes(), _Codes()
    sexes, phones, documents, emails, places, nationalities = (_Codes() for _ in range(6))
    name_index: dict[tuple, int] = {}
    name_rows: list[tuple] = []  # per distinct name: (given, bag, s1, s2, sound1, sound2) codes, keys
    date_index: dict[str, tuple] = {}
    sex_index: dict[str, int] = {}
    place_index: dict[tuple, int] = {}
    phone_index: dict[tuple, tuple[int, str]] = {}
    name_of: list[int] = []
    other: list[tuple] = []  # per row: sex, phone, document, e-mail, place, nationality codes
    dob_rows: list[int] = []
    dob_values: list[list[int]] = []
    key_rows: list[int] = []
    key_codes: list[int] = []
    for r, row in enumerate(rows):
        cells = row.cells
        # names
        name = (cells.get("given_names", ""), cells.get("first_surname", ""), cells.get("second_surname", ""))
        t = name_index.get(name)
        if t is None:
            g, s1, s2, _expanded = feat.name_fields(*name)
            first, second = " ".join(s1), " ".join(s2)
            firsts, surnames, name_keys = feat._name_keys(*feat._triple(g, first, second))
            name_rows.append(
                (
                    (
                        given.code(g),
                        bag.code(tuple(sorted(g + s1 + s2))),
                        words.code(first),
                        words.code(second),
                        sounds.code(n.phonetic(first)),
                        sounds.code(n.phonetic(second)),
                    ),
                    [hash(k[:64]) for k in name_keys],
                    tuple(dict.fromkeys((*surnames, *firsts))),
                )
            )
            t = name_index[name] = len(name_rows) - 1
        codes, name_hashes, dob_partners = name_rows[t]
        key_rows.extend([r] * len(name_hashes))
        key_codes.extend(name_hashes)
        # date of birth
        text = cells.get("birth_date") or cells.get("date_of_birth") or ""
        parsed = date_index.get(text)
        if parsed is None:
            d = n.parse_partial_date(text)
            parsed = date_index[text] = (
                [-1 if x is None else x for x in d.as_list()] if d else None,
                n.date_key(d),
            )
        if parsed[0] is not None:
            dob_rows.append(r)
            dob_values.append(parsed[0])
            if parsed[1]:
                for partner in dob_partners:
                    key_rows.append(r)
                    key_codes.append(hash(f"d:{parsed[1]}|{partner}"[:64]))
        # sex, as files._features reads it
        raw_sex = cells.get("sex", "")
        sex = sex_index.get(raw_sex)
        if sex is None:
            upper = raw_sex.strip().upper()
            value = raw_sex
            if spanish_sex and upper == "M":
                value = "female"
            elif spanish_sex and upper == "H":
                value = "male"
            sex = sex_index[raw_sex] = sexes.code(n.sex_code(value))
        # phone (national number, read with the row's country and nationality)
        nationality = str(cells.get("nationality", "") or "")
        phone = 0
        raw_phone = cells.get("phone", "")
        if raw_phone:
            key = (raw_phone, cells.get("country", "") or "", nationality)
            found = phone_index.get(key)
            if found is None:
                number = n.phone_key(raw_phone, key[1], nationality, organization_country)
                found = phone_index[key] = (phones.code((number,) if number else ()), number)
            phone = found[0]
            if found[1]:
                key_rows.append(r)
                key_codes.append(hash(f"p:{found[1]}"[:64]))
        document = 0
        raw_number = cells.get("document_number", "")
        if raw_number:
            number = n.document_number(raw_number)
            if number:
                document = documents.code(((str(cells.get("document_type", "") or ""), number),))
                if len(number) >= 4:
                    key_rows.append(r)
                    key_codes.append(hash(f"i:{number}"[:64]))
        email = 0
        raw_email = cells.get("email", "")
        if raw_email:
            address = n.email_key(raw_email)
            if address:
                email = emails.code((address,))
                key_rows.append(r)
                key_codes.append(hash(f"e:{address}"[:64]))
        place_key = (cells.get("municipality", "") or "", cells.get("subdivision", "") or "")
        place = place_index.get(place_key)
        if place is None:
            place = place_index[place_key] = places.code(n.fold(place_key[0]) or place_key[1].upper())
        name_of.append(t)
        other.append((sex, phone, document, email, place, nationalities.code(nationality.upper()[:2])))
    names = np.asarray([codes for codes, _keys, _partners in name_rows], dtype=np.int64).reshape(-1, 6)
    columns = np.concatenate(
        [names[np.asarray(name_of, dtype=np.int64)], np.asarray(other, dtype=np.int64).reshape(-1, 6)], axis=1
    )
    dob = np.full((count, 3), -1, dtype=np.int32)
    if dob_rows:
        dob[np.asarray(dob_rows)] = np.asarray(dob_values, dtype=np.int32)

    def column(k: int, table: _Codes) -> tuple:
        return columns[:, k].copy(), table.values

    return {
        "n": count,
        "fields": {
            "given": column(0, given),
            "sex": column(6, sexes),
            "phone": column(7, phones),
            "document": column(8, documents),
            "email": column(9, emails),
            "place": column(10, places),
            "nationality": column(11, nationalities),
        },
        "bag": column(1, bag),
        "has_surnames": True,
        "words": ([columns[:, 2].copy(), columns[:, 3].copy()], words.values),
        "sounds": ([columns[:, 4].copy(), columns[:, 5].copy()], sounds.values),
        "dob": dob,
        "keys": (np.asarray(key_rows, dtype=np.int64), np.asarray(key_codes, dtype=np.int64)),
    }


def _features(rows: list[InputRow], spanish_sex: bool, organization_country: str) -> list[feat.Features]:
    out = []
    for row in rows:
        cells = dict(row.cells)
        sex = cells.get("sex", "").strip().upper()
        if spanish_sex and sex == "M":
            cells["sex"] = "female"
        elif spanish_sex and sex == "H":
            cells["sex"] = "male"
        if cells.get("document_number"):
            cells["document_type"] = cells.get("document_type", "")
        out.append(feat.from_data(cells, organization_country=organization_country))
    return out
