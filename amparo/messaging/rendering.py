"""Templates: placeholders, the language fallback chain, and the checks the editor shows.

Placeholders are `{name}` with a known name (PLACEHOLDERS); anything else in braces is reported.
A person's language is chosen from, in order: their preferred language, the languages they
speak, then the broadcast's fallback list (Spanish, English by default); the first language the template
has a variant for wins (BCP 47 tags are compared by their primary subtag: es-MX → es).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

from amparo.messaging.sms import reads_fine_without_accents, sms_length, to_gsm7

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
PLACEHOLDERS = {
    "given_name": _("the person's given names"),
    "full_name": _("the person's full name"),
    "crisis": _("the crisis's name"),
    "checkin_link": _("the personal check-in link"),
    "organization": _("your organization's name"),
    "consulate_phone": _("the consulate's (or organization's) phone"),
    "consulate_name": _("the consulate's name"),
    "consulate_address": _("the consulate's address"),
    "shelters": _("the nearest shelters (keyword replies)"),
    "info": _("information text (keyword replies)"),
    "understood": _("what Amparo understood from the reply, and how to correct it (thank-you)"),
}
# Typical lengths used to estimate SMS segments in the editor (plain letters, so the template's
# own characters decide the encoding; a name with á or ó switches a message to UCS-2).
SAMPLE_VALUES = {
    "given_name": "Maria Jose",
    "full_name": "Maria Jose Lopez Garcia",
    "crisis": "Huracan Otis",
    "checkin_link": "https://amparo.example.org/messaging/c/" + "x" * 22,
    "organization": "Consulado de Guatemala",
    "consulate_phone": "+52 55 5000 0000",
    "consulate_name": "Consulado de Guatemala en Ciudad de Mexico",
    "consulate_address": "Av. Explanada 1025, Lomas de Chapultepec",
    "shelters": "Albergue Belén, Tapachula, +52 962 000 0000",
    "info": "",
    "understood": "Registramos: esta a salvo. Si no es asi, responda 2.",
}
DEFAULT_FALLBACK = ("es", "en")


def placeholders_in(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text or ""))


_MISSING = object()


@lru_cache(maxsize=512)
def _pieces(text: str) -> tuple[str, ...]:
    """A template text split once into literal, name, literal, name, …, literal."""
    return tuple(PLACEHOLDER.split(text))


def render(text: str, values: dict[str, str]) -> str:
    """Replace known placeholders; unknown ones are left as written (the editor reports them).
    Each text is parsed once (cached), so a broadcast renders 100,000 messages by substitution."""
    pieces = list(_pieces(text or ""))
    for i in range(1, len(pieces), 2):
        value = values.get(pieces[i], _MISSING)
        pieces[i] = "{" + pieces[i] + "}" if value is _MISSING else str(value)
    return "".join(pieces)


def uses_gsm7(*, language: str, template_alphabet: str = "auto", channel_alphabet: str = "auto") -> bool:
    """Whether an SMS in `language` is written without the accents GSM-7 lacks: the template's
    choice, else the channel's, else the language's default (`data/sms_alphabet.toml`)."""
    for choice in (template_alphabet, channel_alphabet):
        if choice in ("gsm7", "unicode"):
            return choice == "gsm7"
    return reads_fine_without_accents(language)


def message_text(body: str, values: dict[str, str], *, kind: str, language: str, gsm7: bool) -> str:
    """What a person receives: the template rendered with their values and, for an SMS written
    in GSM-7, without the accents GSM-7 lacks (links untouched, meaning unchanged)."""
    text = render(body, values).strip()
    if kind == "sms" and gsm7:
        return to_gsm7(text, language=language).text
    return text


def primary(tag: str) -> str:
    return (tag or "").strip().replace("_", "-").split("-")[0].lower()


def language_chain(preferred: str, spoken: Iterable[str] = (), fallback: Iterable[str] = DEFAULT_FALLBACK) -> list[str]:
    """The person's languages, then the fallback list (the broadcast's; empty: no fallback)."""
    chain = [primary(preferred), *(primary(t) for t in spoken), *(primary(t) for t in fallback)]
    return [lang for lang in dict.fromkeys(chain) if lang]


def choose_language(available: Iterable[str], chain: Iterable[str]) -> str | None:
    available = set(available)
    return next((lang for lang in chain if lang in available), None)


@dataclass(frozen=True)
class VariantCheck:
    language: str
    encoding: str  # as the SMS goes out (after GSM-7 transliteration when it applies)
    segments: int
    units: int
    non_gsm: tuple[str, ...]
    missing: tuple[str, ...]  # placeholders other languages use but this one lacks
    unknown: tuple[str, ...]  # placeholders that are not known
    segments_with_accents: int = 0  # the same text with every accent kept
    sms_text: str = ""  # the template as written for SMS, when it differs from the text
    kept_for: str = ""  # a word whose meaning needs its accents (the SMS keeps them all)


def check_variants(variants: dict[str, str], *, purpose: str = "", sms_alphabet: str = "auto") -> list[VariantCheck]:
    """The editor's checks: SMS encoding and segments (with typical placeholder values, written
    in GSM-7 when the template's alphabet and the language say so), a placeholder used in one
    language but missing in another, unknown placeholders, and a check-in template without its
    link."""
    used = set().union(*(placeholders_in(body) for body in variants.values())) if variants else set()
    if purpose == "checkin":
        used.add("checkin_link")
    checks = []
    for language, body in sorted(variants.items()):
        names = placeholders_in(body)
        rendered = render(body, SAMPLE_VALUES).strip()
        with_accents = sms_length(rendered)
        length, sms_text, kept_for = with_accents, "", ""
        if uses_gsm7(language=language, template_alphabet=sms_alphabet):
            written = to_gsm7(rendered, language=language)
            length, kept_for = sms_length(written.text), written.kept_for
            template_written = to_gsm7(body.strip(), language=language)
            sms_text = template_written.text if template_written.changed else ""
        checks.append(
            VariantCheck(
                language=language,
                encoding=length.encoding,
                segments=length.segments,
                units=length.units,
                non_gsm=length.non_gsm,
                missing=tuple(sorted((used & set(PLACEHOLDERS)) - names)),
                unknown=tuple(sorted(names - set(PLACEHOLDERS))),
                segments_with_accents=with_accents.segments,
                sms_text=sms_text,
                kept_for=kept_for,
            )
        )
    return checks
