"""Template filters for drill time."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def drill_clock(seconds) -> str:
    """Drill seconds as hours:minutes ("2:05"); "—" when unknown."""
    if seconds in (None, ""):
        return "—"
    seconds = max(0, int(float(seconds)))
    return f"{seconds // 3600}:{(seconds % 3600) // 60:02d}"


@register.filter
def minutes(seconds) -> str:
    if seconds in (None, ""):
        return "—"
    return f"{float(seconds) / 60:.0f}"


@register.filter
def inject_outcome(outcome: str) -> str:
    """What an inject did, stored as a code (and a number), in the reader's language."""
    code, _sep, number = (outcome or "").partition(":")
    n = int(number) if number.isdigit() else 0
    if code == "affected":
        return ngettext("%(n)s person in the area", "%(n)s people in the area", n) % {"n": n}
    if code == "replying":
        return ngettext("%(n)s simulated person answers now", "%(n)s simulated people answer now", n) % {"n": n}
    if code == "note":
        return _("shown to the players as a note")
    if code == "inquiry":
        return _("a family inquiry was recorded")
    if code == "no_person":
        return _("no simulated person to ask about yet")
    return ""  # an older or unknown outcome: the tick mark alone says the inject fired
