"""Phone numbers: E.164 via phonenumbers, with the region guessed as DOMAIN.md says (the person's
location country, then nationality, then the organization's country)."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers


@dataclass(frozen=True)
class ParsedPhone:
    value: str  # E.164, or the input as written when it does not parse
    raw: str
    is_valid: bool
    national_number: str = ""


def parse_phone(raw: str, *regions: str) -> ParsedPhone:
    raw = (raw or "").strip()
    # Each region once: the location, the nationality and the organization's country are often
    # the same, and a number that does not parse costs a full parse and validation per region.
    candidates = list(dict.fromkeys(r.upper() for r in regions if r)) or [None]
    if raw.startswith("+") or raw.startswith("00"):
        candidates = [None]
        raw_for_parse = "+" + raw[2:] if raw.startswith("00") else raw
    else:
        raw_for_parse = raw
    for region in candidates:
        try:
            number = phonenumbers.parse(raw_for_parse, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return ParsedPhone(
                value=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                raw=raw,
                is_valid=True,
                national_number=str(number.national_number),
            )
    digits = "".join(c for c in raw if c.isdigit())
    if candidates != [None] and len(digits) >= 10:
        # Written with its country code but without "+" ("502 4455 6677").
        try:
            number = phonenumbers.parse("+" + digits, None)
        except phonenumbers.NumberParseException:
            number = None
        if number is not None and phonenumbers.is_valid_number(number):
            return ParsedPhone(
                value=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                raw=raw,
                is_valid=True,
                national_number=str(number.national_number),
            )
    return ParsedPhone(value=raw, raw=raw, is_valid=False, national_number="".join(c for c in raw if c.isdigit()))
