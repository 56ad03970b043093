"""The dashboard map's people layer: what the current view shows, clustered on the server.

A crisis can affect tens of thousands of people; sending every point to the browser (and
clustering there) cost 2.6 MB of JSON at 76,542 affected, more than a consulate's link carries in
a minute. The map asks instead for what it shows (its zoom and bounds) and gets a grid of
clusters, counted by the database: the view is cut into cells of CELL_PIXELS screen pixels at
that zoom, each cell with its count per welfare status and the mean position of its people;
a cell holding SINGLE_UP_TO people or fewer is sent as those people, each a point that opens
their welfare page. The payload is bounded by the number of cells in view (at most MAX_CELLS),
not by the number of people.

Scoped like every list of names: the rows come from `queries.welfare_rows` (the people the user
may see by name) whose exact position the user may read (`registry.access.exact_position_q`), so a
cluster counts only them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Avg, Count, F
from django.db.models.functions import Floor

from amparo.crises import queries
from amparo.crises.codes import WelfareCode
from amparo.crises.models import Crisis
from amparo.registry.access import exact_position_q
from amparo.registry.models import Person

CELL_PIXELS = 64  # a cluster stands for this many screen pixels square
SINGLE_UP_TO = 5  # cells with this many people or fewer are sent as the people themselves
MAX_CELLS = 1200  # a larger view (a huge screen, a hand-made request) gets larger cells
MAX_ZOOM = 18
_ROW = 2**21


class BadView(ValueError):
    """The zoom or the bounds cannot be read."""


@dataclass(frozen=True)
class View:
    zoom: int
    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, zoom: str | None, bbox: str | None) -> View:
        """From the query string: z=6&bbox=west,south,east,north (degrees)."""
        try:
            z = int(zoom or "")
            west, south, east, north = (float(x) for x in (bbox or "").split(","))
        except ValueError as exc:
            raise BadView("z must be a whole number and bbox four numbers: west,south,east,north") from exc
        if not all(math.isfinite(x) for x in (west, south, east, north)):
            raise BadView("bbox must be finite numbers")
        south, north = max(-90.0, min(south, north)), min(90.0, max(south, north))
        west, east = max(-180.0, west), min(180.0, east)  # a view across the antimeridian is cut there
        if west >= east or south >= north:
            raise BadView("bbox is empty")
        return cls(max(0, min(z, MAX_ZOOM)), west, south, east, north)

    def cell_degrees(self) -> float:
        """The side of a cell: CELL_PIXELS at this zoom (Web Mercator, 256-pixel tiles), widened
        until the view holds at most MAX_CELLS cells."""
        size = CELL_PIXELS * 360 / (256 * 2**self.zoom)
        while ((self.east - self.west) / size) * ((self.north - self.south) / size) > MAX_CELLS:
            size *= 2
        return size


def people_in_view(user, crisis: Crisis, view: View) -> dict:
    """{"statuses": [codes], "cell": degrees, "total": people in view,
    "clusters": [[lat, lon, count, [count per status, in the order of statuses]], ...],
    "points": [[lat, lon, status index, person id], ...]}."""
    statuses = list(WelfareCode.values)
    index = {code: k for k, code in enumerate(statuses)}
    size = view.cell_degrees()
    rows = queries.welfare_rows(user, crisis).filter(
        # Only the people whose exact position the user may read (never through an enforcement
        # seat): a cluster's mean position and count would locate the others too.
        person__in=Person.objects.filter(exact_position_q(user)).values("pk"),
        person__latitude__gte=view.south,
        person__latitude__lte=view.north,
        person__longitude__gte=view.west,
        person__longitude__lte=view.east,
    )
    # a cell's number, row * 2**21 + column (both floors fit in 20 bits at zoom 18), computed by
    # the database in both queries the same way
    cells = rows.annotate(
        cell=Floor(F("person__latitude") / size) * _ROW + Floor(F("person__longitude") / size),
    )
    counted = cells.values("cell", "status").annotate(
        n=Count("pk"), lat=Avg("person__latitude"), lon=Avg("person__longitude")
    )
    grid: dict[float, dict] = {}
    for r in counted.order_by():
        cell = grid.setdefault(r["cell"], {"n": 0, "lat": 0.0, "lon": 0.0, "by": [0] * len(statuses)})
        cell["n"] += r["n"]
        cell["lat"] += r["lat"] * r["n"]
        cell["lon"] += r["lon"] * r["n"]
        cell["by"][index[r["status"]]] += r["n"]
    clusters, small = [], []
    for key, cell in grid.items():
        if cell["n"] <= SINGLE_UP_TO:
            small.append(key)
        else:
            clusters.append(
                [round(cell["lat"] / cell["n"], 5), round(cell["lon"] / cell["n"], 5), cell["n"], cell["by"]]
            )
    points = []
    if small:
        for lat, lon, status, pid in cells.filter(cell__in=small).values_list(
            "person__latitude", "person__longitude", "status", "person_id"
        ):
            points.append([round(lat, 5), round(lon, 5), index[status], pid])
    clusters.sort(key=lambda c: -c[2])
    return {
        "statuses": statuses,
        "cell": size,
        "total": sum(c["n"] for c in grid.values()),
        "clusters": clusters,
        "points": points,
    }
