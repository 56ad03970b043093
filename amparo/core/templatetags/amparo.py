"""Template helpers for every app: `{% load amparo %}`. No code reaches a page raw (core/labels.py).

- `{{ code|country_name }}`: an ISO 3166-1 alpha-2 code as the country's CLDR name in the page's
  language ("MX" → "México" in Spanish); an unknown code stays as it is. `{{ codes|country_names }}`
  for a list, joined.
- `{{ code|subdivision_name }}` ("MX-GRO" → "Guerrero"), `{{ codes|subdivision_names }}`.
- `{{ code|language_name }}` ("ht" → "criollo haitiano" in Spanish), `{{ codes|language_list }}`.
- `{{ code|label:"crises.Need" }}`: a choice code as its label (choices named "app.ClassName");
  `{{ codes|labels:"crises.Need" }}` for a list, joined with commas.
- `{{ entry.actor_label|actor }}`: who did it, the system's actors in words ("Demo data").
- `{{ event.object_type|record_type }}` ("registry.person" → "persona"), `{{ event.summary|summary }}`
  (a recorded summary with its codes read as words).
- `{{ n|cell:principal }}`: a count as the viewer may read it (1 to 4 as "<5" for roles that see
  counts only; accounts/disclosure.py).
"""

from django import template

from amparo.core import labels as _labels

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    return _labels.country_name(code) if code else ""


@register.filter
def country_names(codes) -> str:
    return ", ".join(_labels.country_name(code) for code in codes or ())


@register.filter
def subdivision_name(code: str) -> str:
    return _labels.subdivision_name(code) if code else ""


@register.filter
def subdivision_names(codes) -> str:
    return ", ".join(_labels.subdivision_name(code) for code in codes or ())


@register.filter
def language_name(code: str) -> str:
    return _labels.language_name(code) if code else ""


@register.filter
def language_list(codes) -> str:
    return ", ".join(_labels.language_name(code) for code in codes or ())


@register.filter
def label(code, choices: str) -> str:
    return _labels.label(choices, code)


@register.filter
def labels(codes, choices: str) -> str:
    return ", ".join(_labels.labels(choices, codes))


@register.filter
def actor(value) -> str:
    return _labels.actor(value)


@register.filter
def record_type(value) -> str:
    return _labels.record_type(value)


@register.filter
def summary(value) -> str:
    return _labels.summary(value)


@register.filter
def cell(count, principal):
    from amparo.accounts.disclosure import suppress

    return suppress(count, principal)


@register.filter
def place(obj, with_country=True) -> str:
    """A person's or a location's place in words: "Acapulco de Juárez, Guerrero, México" (its
    `municipality`, `subdivision` and `country`); `|place:False` leaves the country out."""
    parts = [
        getattr(obj, "municipality", "") or "",
        _labels.subdivision_name(getattr(obj, "subdivision", "") or ""),
        _labels.country_name(getattr(obj, "country", "") or "") if with_country else "",
    ]
    return ", ".join(part for part in parts if part)
