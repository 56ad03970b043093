"""A small server-side SVG of accounted-for over time (no chart library, no script)."""

from __future__ import annotations

from django.utils import timezone

WIDTH, HEIGHT, PAD = 640, 180, 28


def accounted_chart(points: list[tuple], affected: int) -> dict | None:
    """Coordinates for `crises/_chart.html`: a polyline of the accounted-for count against time,
    scaled to the number affected (so the line reaching the top means everyone is accounted for)."""
    if not points:
        return None
    top = max(affected, max(n for _t, n in points), 1)
    t0, t1 = points[0][0], points[-1][0]
    span = max((t1 - t0).total_seconds(), 1.0)
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    coords = []
    for t, n in points:
        x = PAD + inner_w * (t - t0).total_seconds() / span
        y = HEIGHT - PAD - inner_h * n / top
        coords.append(f"{x:.1f},{y:.1f}")
    last = points[-1][1]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "pad": PAD,
        "bottom": HEIGHT - PAD,
        "right": WIDTH - PAD,
        "polyline": " ".join(coords),
        "area": f"{PAD},{HEIGHT - PAD} " + " ".join(coords) + f" {coords[-1].split(',')[0]},{HEIGHT - PAD}",
        "top": top,
        "last": last,
        "percent": round(100 * last / affected) if affected else 0,
        "start": timezone.localtime(t0),
        "end": timezone.localtime(t1),
    }
