"""Codes as words: every code a person reads on a page goes through here (or through the model's
`get_<field>_display`), never raw.

- Choice codes (`food`, `needs_assistance`, `draft`) read as their label in the page's language:
  `label("crises.Need", "food")` → "Comida". The choices class is named "app.ClassName" and found
  in the app's `codes` module, else its `models` module (so this module needs no app to register,
  and imports none of them at import time).
- Countries and languages read as their CLDR names (Babel) in the page's language; Haitian Creole,
  which CLDR barely covers, falls back to French names, never to Spanish or English.
- Subdivisions (ISO 3166-2, `MX-GRO`) read as their names from the offline gazetteer (Guerrero).
- Actors recorded in histories (`cli:demo-data`, `task:cap-feed`, `portal:self-service`) read as
  who did it in words; a user name stays as it is.

Templates use the filters of `{% load amparo %}` (core/templatetags/amparo.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import import_module

from django.utils.translation import get_language, gettext

# Where CLDR has no data for a language of the interface, the language whose names and formats
# stand in for it (Haitian Creole speakers read French; Spanish would be wrong).
CLDR_FALLBACK = {"ht": "fr"}


def _language(language: str | None) -> str:
    return (language or get_language() or "es").split("-")[0].lower()


# --- Choice codes ---------------------------------------------------------------------------


@cache
def choices_class(path: str):
    """ "crises.Need" → amparo.crises.codes.Need (or amparo.crises.models.Need)."""
    app, _, name = path.partition(".")
    for module in ("codes", "models"):
        try:
            found = getattr(import_module(f"amparo.{app}.{module}"), name, None)
        except ModuleNotFoundError:
            continue
        if found is not None:
            return found
    raise LookupError(f"no choices named {name!r} in amparo.{app}.codes or amparo.{app}.models")


def label(path: str, code) -> str:
    """The label of `code` in the choices `path`, in the active language; an unknown code (an old
    value, free text) is shown as it is rather than hidden."""
    if code is None or code == "":
        return ""
    mapping = dict(choices_class(path).choices)
    found = mapping.get(code)
    if found is None and isinstance(code, str):
        # Older rows wrote some codes with spaces or hyphens ("check-in link").
        found = mapping.get(int(code)) if code.isdigit() else mapping.get(code.replace(" ", "_").replace("-", ""))
    return str(found) if found is not None else str(code)


def labels(path: str, codes: Iterable) -> list[str]:
    return [label(path, code) for code in codes or ()]


# --- Actors ---------------------------------------------------------------------------------


def _actor_words() -> dict[str, str]:
    return {
        "cli:demo-data": gettext("Demo data"),
        "cli:import-people": gettext("File import"),
        "cli:purge": gettext("Retention purge"),
        "task:purge": gettext("Retention purge"),
        "cli:dedupe": gettext("Duplicate detection"),
        "cli:create-organization": gettext("Organization set-up"),
        "cli:create-token": gettext("API token set-up"),
        "task:cap-feed": gettext("Alert feed (CAP)"),
        "task:flag_overdue_referrals": gettext("Overdue referral check"),
        "system:delivery-receipt": gettext("Delivery receipt"),
        "checkin-link": gettext("Check-in link"),
        "messaging:inbound": gettext("Incoming message"),
        "messaging:reply": gettext("Reply to a message"),
        "messaging:stop": gettext("Opt-out by message"),
        "portal:self-service": gettext("The person, on the portal"),
    }


def actor(value: str) -> str:
    """Who did it, for a history: a user name as it is, the system's actors in words."""
    value = str(value or "")
    if ":" not in value and value not in ("checkin-link",):
        return value
    words = _actor_words()
    if value in words:
        return words[value]
    prefix, _, rest = value.partition(":")
    if prefix == "reply":
        return gettext("Reply from %(address)s") % {"address": rest}
    if prefix == "drill":
        return gettext("Drill")
    if prefix == "demo":
        return gettext("Demo data")
    if prefix in ("cli", "task", "system", "messaging", "test"):
        return gettext("Amparo (automatic: %(what)s)") % {"what": rest.replace("_", " ").replace("-", " ")}
    return value


# --- Countries, languages, subdivisions -----------------------------------------------------


@lru_cache(maxsize=16)
def _cldr(language: str):
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return None


def _cldr_name(kind: str, key: str, language: str) -> str | None:
    for lang in (language, CLDR_FALLBACK.get(language)):
        locale = _cldr(lang) if lang else None
        if locale is not None:
            name = getattr(locale, kind).get(key)
            if name:
                return name
    return None


def country_name(code: str, language: str | None = None) -> str:
    """ "MX" → "México" (es), "Mexique" (fr, ht); an unknown code is returned as given."""
    if not code:
        return ""
    return _cldr_name("territories", str(code).upper(), _language(language)) or str(code)


def language_name(code: str, language: str | None = None) -> str:
    """A BCP 47 tag ("ht", "pt-BR") as the language's name in the page's language."""
    if not code:
        return ""
    tag = str(code).replace("-", "_")
    lang = _language(language)
    return _cldr_name("languages", tag, lang) or _cldr_name("languages", tag.split("_")[0].lower(), lang) or str(code)


def subdivision_name(code: str) -> str:
    """ "MX-GRO" → "Guerrero"; an unknown code is returned as given."""
    if not code:
        return ""
    from amparo.core import gazetteer

    sub = gazetteer.subdivision(str(code).upper())
    if sub is not None:
        return sub.name
    import pycountry

    found = pycountry.subdivisions.get(code=str(code).upper())
    return found.name if found is not None else str(code)


def sort_key(text: str) -> str:
    """Alphabetical order that ignores accents and case ("Égypte" among the E's)."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def country_choices(language: str | None = None, codes: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(code, name) for every ISO 3166-1 country (or `codes`), named and sorted in the language."""
    import pycountry

    lang = _language(language)
    codes = list(codes) if codes is not None else [c.alpha_2 for c in pycountry.countries]
    pairs = [(code, country_name(code, lang)) for code in codes]
    return sorted(pairs, key=lambda pair: sort_key(pair[1]))


# --- Record types and recorded summaries (the audit log) ------------------------------------


def record_types() -> dict[str, str]:
    """The kinds of record the audit log names, as words (their models' own verbose names are
    English only)."""
    return {
        "accounts.organization": gettext("Organization"),
        "accounts.membership": gettext("Membership"),
        "accounts.datasharingagreement": gettext("Data-sharing agreement"),
        "accounts.apitoken": gettext("API token"),
        "registry.person": gettext("Person"),
        "registry.household": gettext("Household"),
        "registry.document": gettext("Identity document"),
        "registry.contactpoint": gettext("Contact"),
        "registry.consent": gettext("Consent"),
        "registry.importjob": gettext("File import"),
        "matching.matchpair": gettext("Possible duplicate"),
        "matching.merge": gettext("Merge of records"),
        "crises.crisis": gettext("Crisis"),
        "crises.welfarestatus": gettext("Welfare status"),
        "crises.consularalertlevel": gettext("Consular alert level"),
        "crises.capalert": gettext("CAP alert"),
        "messaging.template": gettext("Message template"),
        "messaging.broadcast": gettext("Broadcast"),
        "messaging.message": gettext("Message"),
        "messaging.inboundmessage": gettext("Incoming message"),
        "protection.screening": gettext("Screening"),
        "protection.referral": gettext("Referral"),
        "protection.service": gettext("Service"),
        "cases.case": gettext("Case"),
        "cases.planaction": gettext("Case plan action"),
        "cases.note": gettext("Case note"),
        "cases.followup": gettext("Follow-up"),
        "portal.infopage": gettext("Information page"),
        "portal.infopageversion": gettext("Information page version"),
        "portal.selfregistration": gettext("Self-registration"),
        "portal.datarequest": gettext("Request about one's data"),
        "drills.drill": gettext("Drill"),
    }


def record_type(value: str) -> str:
    """ "registry.person" → "Persona"; a type not in the list reads as its model's verbose name."""
    from django.apps import apps

    value = str(value or "")
    known = record_types().get(value.lower())
    if known:
        return known
    try:
        model = apps.get_model(value)
    except (LookupError, ValueError):
        return value
    return str(model._meta.verbose_name).capitalize()


# The choices a code in a recorded summary belongs to, by the summary's first word ("welfare
# contacted → safe (reply)", "step screening → assessment", "closed: person_left").
_SUMMARY_CONTEXT = {
    "welfare": ("crises.WelfareCode", "crises.WelfareSource"),
    "step": ("cases.Step",),
    "closed:": ("cases.ClosureReason",),
    "referral": ("protection.ReferralStatus",),
    "broadcast": ("messaging.BroadcastStatus",),
    "consent": ("accounts.ConsentPurpose",),
    "participant": ("accounts.Role",),
    "reply": ("crises.WelfareCode",),
}
# Any other code with an underscore is looked up in these, in order.
_SUMMARY_CLASSES = (
    "crises.WelfareCode", "crises.Need", "crises.WelfareSource", "crises.Phase", "accounts.Role",
    "accounts.ConsentPurpose", "accounts.RecordStatus", "cases.Step", "cases.ClosureReason",
    "protection.ReferralStatus", "messaging.BroadcastStatus", "accounts.OrganizationKind",
)  # fmt: skip
_TOKEN = None


def _summary_words() -> dict[str, str]:
    return {
        "welfare": gettext("Welfare status:"),
        "closed": gettext("Case closed"),
        "step": gettext("Case step:"),
        "referral": gettext("Referral"),
        "consent": gettext("Consent:"),
        "reply": gettext("Reply:"),
        "profile": gettext("Profile:"),
        "broadcast": gettext("Broadcast"),
        "participant": gettext("Participant"),
    }


def _code_label(token: str, classes) -> str | None:
    for path in classes:
        try:
            mapping = dict(choices_class(path).choices)
        except LookupError:
            continue
        if token in mapping:
            return str(mapping[token])
    return None


def _profile_label(code: str) -> str | None:
    from django.apps import apps

    try:
        profile = apps.get_model("protection", "Profile").objects.filter(code=code).first()
    except LookupError:
        return None
    return profile.label if profile is not None else None


def summary(text: str) -> str:
    """A summary the audit log recorded (English, for the record: it is never rewritten) with its
    codes read as words: "welfare contacted → safe (reply)" → "welfare Contactado → A salvo
    (Respuesta a un mensaje)"; record types and system actors as words too."""
    import re

    global _TOKEN
    if _TOKEN is None:
        _TOKEN = re.compile(
            r"(?<![\w.@/-])(?:([a-z]+):([\w-]+)|([a-z]+)\.([a-z]+)|([a-z][a-z0-9]*(?:_[a-z0-9]+)*))(?![\w@/-])"
        )
    text = str(text or "")
    first = text.split(" ", 1)[0]
    context = _SUMMARY_CONTEXT.get(first, ())

    def replace(match) -> str:
        whole = match.group(0)
        if match.group(1):  # cli:demo-data, task:cap-feed
            return actor(whole) if match.start() else whole
        if match.group(3):  # registry.person
            return record_type(whole)
        token = match.group(5)
        if match.start() == 0 and token == first.rstrip(":"):
            return _summary_words().get(token, whole)  # the summary's own first word ("welfare", "step")
        found = _code_label(token, context)
        if found is None and "_" in token:
            found = _code_label(token, _SUMMARY_CLASSES)
            if found is None and first == "profile":
                found = _profile_label(token)
        return found if found is not None else whole

    return _TOKEN.sub(replace, text)
