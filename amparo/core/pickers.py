"""Pickers: people choose places and colleagues by name, never by typing a code.

One widget (`PickerInput`) for every form that asks for a place or a user, and the JSON endpoints
it reads (`/pickers/…`, login required):

- `subdivisions` — a country's states or departments by name, accent-insensitive ("peten" finds
  Petén), with a representative point;
- `places` — towns of the offline gazetteer (core/gazetteer.py), optionally within a country or a
  subdivision, with their municipality, subdivision and coordinates (a town centre, with its
  precision: what a form records when there is no GPS fix);
- `users` — active members of the asking user's own organizations, by name or user name (never
  another organization's staff).

The field still posts the same value it always did (an ISO 3166-2 code, a list of them, a town's
municipality, a user name), so services, imports and the API do not change. Without JavaScript
the input stays a plain text box, and the forms accept names as well as codes.

static/amparo/pickers.js enhances every `[data-picker]` input: a list of suggestions under the box,
arrow keys and Enter to choose, chips for multiple values; choosing a town also fills the form's
country, subdivision and (when empty) latitude, longitude and precision fields named in
`data-fill-*` attributes. No inline script (the CSP forbids them).
"""

from __future__ import annotations

import json

import pycountry
from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse_lazy
from django.utils.translation import get_language, gettext_lazy

from amparo.core import gazetteer, labels

MAX_RESULTS = 12
MAX_QUERY = 80

# Help texts the forms that use pickers share (in the shell's catalog, one translation each).
SUBDIVISION_HELP = gettext_lazy("Type the name and choose it from the list, e.g. Guerrero or Petén.")
SUBDIVISIONS_HELP = gettext_lazy(
    "Type a state's or department's name and choose it from the list; add as many as needed."
)
PLACE_HELP = gettext_lazy("Type the town's name and choose it: its state and country follow.")
PLACE_POSITION_HELP = gettext_lazy("Type a town's name and choose it; services are sorted by distance from it.")
USER_HELP = gettext_lazy("Type their name and choose them from your organization's staff.")
UNKNOWN_SUBDIVISIONS = gettext_lazy("No state or department is called %(names)s.")
UNKNOWN_PLACE = gettext_lazy("No town is called “%(name)s”: choose one from the list.")


# --- Widget ---------------------------------------------------------------------------------


class PickerInput(forms.TextInput):
    """A text input that type-ahead enhances (pickers.js).

    `kind`: "subdivision", "subdivisions" (several, comma-separated codes), "place" (a town: the
    field receives its municipality) or "user" (the field receives a user name). `country_field`,
    `subdivision_field` name the form fields that narrow the search (and that a chosen town fills);
    `fill` maps "lat", "lon", "precision", "country", "subdivision", "municipality" to the ids of
    inputs a chosen town writes into (coordinates only when those inputs are empty: a GPS fix
    typed by hand is never overwritten; with `fill_always`, where the position is the place's).
    `posts` names what the field receives from a chosen suggestion ("value" by default; "id" for
    a town's gazetteer id, read back with `resolve_place`). `organization_field` narrows a user
    picker to the organization chosen in that field (still only the asker's own)."""

    urls = {
        "subdivision": reverse_lazy("core:picker_subdivisions"),
        "subdivisions": reverse_lazy("core:picker_subdivisions"),
        "place": reverse_lazy("core:picker_places"),
        "user": reverse_lazy("core:picker_users"),
    }

    def __init__(
        self,
        kind: str,
        *,
        country_field: str = "",
        subdivision_field: str = "",
        fill: dict[str, str] | None = None,
        fill_always: bool = False,
        posts: str = "value",
        organization_field: str = "",
        attrs: dict | None = None,
    ):
        if kind not in self.urls:
            raise ValueError(f"unknown picker kind {kind!r}")
        attrs = {"autocomplete": "off", **(attrs or {})}
        super().__init__(attrs)
        self.kind = kind
        self.country_field = country_field
        self.subdivision_field = subdivision_field
        self.fill = dict(fill or {})
        self.fill_always = fill_always
        self.posts = posts
        self.organization_field = organization_field

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-picker"] = self.kind
        widget_attrs["data-picker-url"] = str(self.urls[self.kind])
        if self.country_field:
            widget_attrs["data-picker-country"] = f"id_{self.country_field}"
        if self.subdivision_field:
            widget_attrs["data-picker-subdivision"] = f"id_{self.subdivision_field}"
        if self.organization_field:
            widget_attrs["data-picker-organization"] = f"id_{self.organization_field}"
        if self.fill_always:
            widget_attrs["data-fill-always"] = "true"
        if self.posts != "value":
            widget_attrs["data-picker-posts"] = self.posts
        for key, target in self.fill.items():
            widget_attrs[f"data-fill-{key}"] = target
        widget_attrs["data-picker-chosen"] = json.dumps(self.chosen(value), ensure_ascii=False)
        return context

    def chosen(self, value) -> list[dict]:
        """The current value as the person reads it (the box shows names, the form posts codes)."""
        text = str(value or "").strip()
        if not text:
            return []
        if self.kind == "subdivisions":
            codes = [c.strip().upper() for c in text.replace(";", ",").split(",") if c.strip()]
            return [{"value": c, "label": labels.subdivision_name(c)} for c in codes]
        if self.kind == "subdivision":
            return [{"value": text, "label": labels.subdivision_name(text.upper())}]
        if self.kind == "user":
            user = get_user_model().objects.filter(username=text).first()
            return [{"value": text, "label": user_label(user) if user else text}]
        if self.kind == "place" and text.isdigit():
            place = gazetteer.get(text)
            return [{"value": text, "label": place.label() if place else text}]
        return [{"value": text, "label": text}]


def resolve_place(text: str, country: str = "") -> gazetteer.Place | None:
    """What a place picker posted: a town's gazetteer id (chosen from the list) or a typed name
    (the largest town of that name)."""
    text = (text or "").strip()[:MAX_QUERY]
    if not text:
        return None
    if text.isdigit():
        return gazetteer.get(text)
    found = gazetteer.search(text, country=(country or "")[:2], limit=1)
    return found[0] if found else None


def subdivision_codes(text: str, country: str = "") -> tuple[list[str], list[str]]:
    """ "MX-GRO, Oaxaca" → (["MX-GRO", "MX-OAX"], []): codes or names (a name within `country`,
    else within the region), and the parts that name no subdivision."""
    codes, unknown = [], []
    for part in [p.strip() for p in (text or "").replace(";", ",").split(",") if p.strip()]:
        code = subdivision_code(part, country)
        (codes if code else unknown).append(code or part)
    return list(dict.fromkeys(codes)), unknown


def subdivision_code(text: str, country: str = "") -> str | None:
    """One subdivision by its ISO code ("MX-GRO") or its name ("Guerrero", "peten")."""
    raw = (text or "").strip()
    if not raw:
        return None
    if "-" in raw and pycountry.subdivisions.get(code=raw.upper()) is not None:
        return raw.upper()
    folded = gazetteer.fold(raw)
    exact = [r for r in subdivision_results(raw, country) if gazetteer.fold(r["label"]) == folded]
    return exact[0]["value"] if len(exact) == 1 else None


COUNTRIES_HELP = gettext_lazy("Country names separated by commas, e.g. México, Guatemala (ISO codes work too).")
UNKNOWN_COUNTRIES = gettext_lazy("No country is called %(names)s.")


def country_codes(text: str) -> tuple[list[str], list[str]]:
    """ "México, GT" → (["MX", "GT"], []): ISO 3166-1 codes or country names in any of the five
    languages (accents and case ignored), and the parts that name no country."""
    codes, unknown = [], []
    for part in [p.strip() for p in (text or "").replace(";", ",").split(",") if p.strip()]:
        code = country_code(part)
        (codes if code else unknown).append(code or part)
    return list(dict.fromkeys(codes)), unknown


def country_code(text: str) -> str | None:
    raw = (text or "").strip()
    if len(raw) == 2 and pycountry.countries.get(alpha_2=raw.upper()) is not None:
        return raw.upper()
    return _countries_by_name().get(gazetteer.fold(raw))


_COUNTRY_NAMES: dict[str, str] = {}


def _countries_by_name() -> dict[str, str]:
    """Folded name → code, from CLDR's names in the five languages and ISO's English ones."""
    if not _COUNTRY_NAMES:
        from django.conf import settings

        for country in pycountry.countries:
            names = {country.name, getattr(country, "common_name", country.name)}
            names |= {labels.country_name(country.alpha_2, lang) for lang, _name in settings.LANGUAGES}
            for name in names:
                _COUNTRY_NAMES.setdefault(gazetteer.fold(name), country.alpha_2)
    return _COUNTRY_NAMES


# --- Queries the endpoints answer -----------------------------------------------------------


def _clean(text: str | None) -> str:
    return (text or "").strip()[:MAX_QUERY]


def subdivision_results(query: str, country: str, language: str | None = None) -> list[dict]:
    """A country's subdivisions whose name (or code) starts a word with the typed text, accents
    ignored; the gazetteer's, with a point, else ISO 3166-2's (no point)."""
    country = _clean(country).upper()[:2]
    folded = gazetteer.fold(query)
    if not country and "-" in query:
        country = query.strip().upper().split("-")[0][:2]
    if country:
        known = {s.code: s for s in gazetteer.subdivisions(country)}
        iso = [s for s in (pycountry.subdivisions.get(country_code=country) or []) if s.parent_code is None]
        candidates = [(s.code, s.name) for s in iso] or [(c, s.name) for c, s in known.items()]
    else:  # no country chosen: the region's
        known = {s.code: s for code in gazetteer.REGION for s in gazetteer.subdivisions(code)}
        candidates = [(c, s.name) for c, s in known.items()]

    def matches(code: str, name: str) -> bool:
        if not folded:
            return True
        words = gazetteer.fold(name).split()
        return (
            any(w.startswith(folded) for w in words)
            or gazetteer.fold(name).startswith(folded)
            or gazetteer.fold(code) == folded
            or gazetteer.fold(code.split("-")[-1]) == folded
        )

    found = sorted(((c, n) for c, n in candidates if matches(c, n)), key=lambda pair: labels.sort_key(pair[1]))
    results = []
    for code, name in found[:MAX_RESULTS]:
        sub = known.get(code)
        item = {
            "value": code,
            "label": name,
            "detail": labels.country_name(code.split("-")[0], language),
            "country": code.split("-")[0],
            "subdivision": code,
        }
        if sub is not None:
            item.update(lat=sub.lat, lon=sub.lon, precision_m=gazetteer.SUBDIVISION_PRECISION_M)
        results.append(item)
    return results


def place_results(query: str, country: str = "", subdivision: str = "", language: str | None = None) -> list[dict]:
    """Towns of the gazetteer for the typed name, with where they lie and their coordinates."""
    if not gazetteer.fold(query):
        return []
    found = gazetteer.search(
        query, country=_clean(country)[:2], subdivision=_clean(subdivision)[:10], limit=MAX_RESULTS
    )
    results = []
    for place in found:
        results.append(
            {
                "value": place.municipality or place.name,
                "label": place.name,
                "name": place.name,
                "detail": place.label(language or get_language() or "")[len(place.name) + 2 :],
                "id": place.id,
                "country": place.country,
                "subdivision": place.subdivision,
                "subdivision_name": place.subdivision_name,
                "municipality": place.municipality or place.name,
                "lat": place.lat,
                "lon": place.lon,
                "precision_m": gazetteer.TOWN_PRECISION_M,
            }
        )
    return results


def user_label(user) -> str:
    full = user.get_full_name().strip()
    return f"{full} ({user.get_username()})" if full else user.get_username()


def user_results(asker, query: str, organization_id: str | None = None) -> list[dict]:
    """Active members of the asker's own organizations (or of one of them) whose name or user name
    starts with the typed words. Another organization's staff is never listed."""
    own = set(asker.memberships.filter(is_active=True).values_list("organization_id", flat=True))
    if organization_id not in (None, ""):
        try:
            own &= {int(organization_id)}
        except (TypeError, ValueError):
            return []
    if not own:
        return []
    members = (
        get_user_model()
        .objects.filter(is_active=True, memberships__organization_id__in=own, memberships__is_active=True)
        .distinct()
        .only("username", "first_name", "last_name")
    )
    # An organization's staff fits in memory; matching here ignores accents ("sofia" finds Sofía),
    # which the database's icontains does not.
    words = [gazetteer.fold(w) for w in _clean(query).split()[:4]]
    found = [u for u in members[:5000] if all(w in gazetteer.fold(user_label(u)) for w in words)]
    found.sort(key=lambda u: labels.sort_key(user_label(u)))
    return [{"value": u.get_username(), "label": user_label(u)} for u in found[:MAX_RESULTS]]
