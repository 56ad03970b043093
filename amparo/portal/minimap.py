"""A small map without tiles or JavaScript: the person at the centre, the services found as
numbered dots at their real bearing and distance, with distance rings. An inline SVG of a few
hundred bytes, so it shows on any phone, offline, and costs nothing on a 2G link."""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SIZE = 240
MARGIN = 18


def _nice_radius(km: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000):
        if km <= step:
            return float(step)
    return math.ceil(km / 1000) * 1000.0


def minimap(lat: float, lon: float, points: list[tuple[float, float, str]], *, title: str) -> SafeString:
    """`points`: (lat, lon, label) of the services, in list order (the label is their number)."""
    if not points:
        return mark_safe("")  # noqa: S308
    coslat = math.cos(math.radians(lat))
    offsets = [((p_lon - lon) * 111.32 * coslat, (p_lat - lat) * 110.57, label) for p_lat, p_lon, label in points]
    radius_km = _nice_radius(max(math.hypot(x, y) for x, y, _ in offsets) or 0.5)
    scale = (SIZE / 2 - MARGIN) / radius_km
    c = SIZE / 2
    parts = [
        f'<svg class="minimap" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" height="{SIZE}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for fraction in (0.5, 1.0):
        r = (SIZE / 2 - MARGIN) * fraction
        km = radius_km * fraction
        label = f"{km:g} km"
        parts.append(f'<circle cx="{c}" cy="{c}" r="{r:.1f}" class="ring"/>')
        parts.append(f'<text x="{c + 3}" y="{c - r + 11:.1f}" class="ringlabel">{label}</text>')
    parts.append(f'<text x="{c}" y="12" class="north">N</text>')
    for x, y, label in offsets:
        px, py = c + x * scale, c - y * scale
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="9" class="dot"/>')
        parts.append(f'<text x="{px:.1f}" y="{py + 4:.1f}" class="dotlabel">{escape(label)}</text>')
    parts.append(f'<circle cx="{c}" cy="{c}" r="6" class="you"/></svg>')
    return mark_safe("".join(parts))  # noqa: S308 (numbers and escaped labels only)
