"""Template helpers for every app: `{% load amparo %}`.

- `{{ code|country_name }}`: an ISO 3166-1 alpha-2 code as the country's name in the page's language
  ("MX" → "México" in Spanish); an unknown code stays as it is.
"""

from django import template
from django.utils.translation import get_language

from amparo.core import places

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    return places.country_name(code, get_language() or "") if code else ""
