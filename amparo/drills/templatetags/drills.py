"""Template filters for drill time."""

from django import template

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
