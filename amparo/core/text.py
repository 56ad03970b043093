"""Invisible characters that text fields must not carry, and the one function that removes them.

One NUL (U+0000) fails a whole PostgreSQL batch (text columns cannot hold it), the other C0
controls make every XLSX export of the record fail (XML 1.0 forbids them), lone surrogates cannot
be encoded to UTF-8 at all, and C1 controls are what a mis-decoded Windows file leaves behind.
Tab, line feed and carriage return are ordinary text and stay.

Used by every way text enters Amparo: the web (amparo.core.middleware: every form and query
string), the API (amparo.api: every JSON body and query parameter is refused with the field's
location) and imports (registry.importing.rows: removed, with a warning in the report).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def clean_text(value: str) -> str:
    """`value` without the characters no text field may hold (see the module docstring)."""
    return CONTROL_CHARACTERS.sub("", value)


def describe(value: str) -> str:
    """The control characters of `value` as code points, for a message: "U+0000, U+000B"."""
    found = dict.fromkeys(f"U+{ord(ch):04X}" for ch in CONTROL_CHARACTERS.findall(value))
    return ", ".join(list(found)[:5])


def find_in(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(location, string) of every string holding control characters in decoded JSON: keys and
    values, at any depth (the location is the path of keys and list indexes)."""
    if isinstance(data, str):
        if has_control_characters(data):
            yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and has_control_characters(key):
                yield (*path, key), key
            yield from find_in(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from find_in(value, (*path, index))
