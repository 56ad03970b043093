"""Template filters of the portal."""

from django import template

from amparo.portal.forms import LANGUAGE_NAMES

register = template.Library()


@register.filter
def language_names(codes) -> str:
    """BCP 47 tags as each language's own name ("Kreyòl ayisyen"): a migrant recognises their
    language in its own words, whatever the page's language."""
    from django.utils.translation import get_language_info

    names = []
    for code in codes or ():
        base = str(code).split("-")[0].lower()
        if base in LANGUAGE_NAMES:
            names.append(LANGUAGE_NAMES[base])
            continue
        try:
            names.append(get_language_info(base)["name_local"])
        except KeyError:
            names.append(str(code))
    return ", ".join(names)
