"""Build the maps' offline outlines (amparo/static/amparo/outlines.json) from Natural Earth.

    .venv/bin/python scripts/regional_outlines.py

The maps (crisis dashboard and form, services directory) draw country outlines under the areas
when no tile server is configured. Natural Earth's 1:50m countries (npm world-atlas,
countries-50m.json, vendored) weigh 757 KB: detail for the whole world that a map of Mexico,
Central America and the Caribbean never shows. This keeps the TopoJSON form (shared borders,
quantised, delta-encoded) and simplifies each arc once (so neighbours keep a common border):
finely where the maps look (arcs of the countries touching REGION), coarsely elsewhere (the
world seen at zoom 2), dropping the rest of the world's islands too small to see there. Only
`objects.countries` is kept (the maps read nothing else), with each country's id.
"""

from __future__ import annotations

import json
from pathlib import Path

from shapely.geometry import LineString, Polygon, box

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "amparo/static/vendor/world-atlas/countries-50m.json"
TARGET = ROOT / "amparo/static/amparo/outlines.json"

REGION = box(-120.0, 0.0, -55.0, 35.0)  # Mexico to Panama, the Caribbean, their neighbours
FINE = 0.01  # degrees (~1 km): a pixel at zoom 9 in the region
COARSE = 0.3  # degrees: the rest of the world, seen at zoom 2-4
SMALLEST_FAR_RING = 0.5  # square degrees: smaller islands far away are dropped
QUANTIZATION = 100_000  # as world-atlas: 0.0036 degrees of longitude


def decode(topology: dict) -> list[list[tuple[float, float]]]:
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def rings(geometry: dict) -> list[list[int]]:
    if geometry["type"] == "Polygon":
        return list(geometry["arcs"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["arcs"] for ring in polygon]
    return []


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def main() -> None:
    topology = json.loads(SOURCE.read_text(encoding="utf-8"))
    arcs = decode(topology)
    countries = topology["objects"]["countries"]["geometries"]
    regional_arcs: set[int] = set()
    for country in countries:
        for ring in rings(country):
            points = ring_points(ring, arcs)
            if len(points) >= 4 and Polygon(points).intersects(REGION):
                regional_arcs.update(i if i >= 0 else ~i for i in ring)
    simplified = [
        list(LineString(arc).simplify(FINE if k in regional_arcs else COARSE).coords) if len(arc) > 2 else arc
        for k, arc in enumerate(arcs)
    ]
    kept_geometries = []
    for country in countries:
        polygons = country["arcs"] if country["type"] == "MultiPolygon" else [country["arcs"]]
        kept_polygons = []
        for polygon in polygons:
            outer = polygon[0]
            regional = any((i if i >= 0 else ~i) in regional_arcs for i in outer)
            points = ring_points(outer, simplified)
            if not regional and (len(points) < 4 or Polygon(points).area < SMALLEST_FAR_RING):
                continue
            kept_polygons.append(polygon)
        if kept_polygons:
            kept_geometries.append(
                {"type": "MultiPolygon", "arcs": kept_polygons, **({"id": country["id"]} if "id" in country else {})}
            )
    # only the arcs still used, renumbered, quantised and delta-encoded
    used = sorted(
        {i if i >= 0 else ~i for g in kept_geometries for polygon in g["arcs"] for ring in polygon for i in ring}
    )
    number = {old: new for new, old in enumerate(used)}
    for geometry in kept_geometries:
        geometry["arcs"] = [
            [[number[i] if i >= 0 else ~number[~i] for i in ring] for ring in polygon] for polygon in geometry["arcs"]
        ]
    scale = (360 / (QUANTIZATION - 1), 180 / (QUANTIZATION - 1))
    translate = (-180.0, -90.0)
    encoded = []
    for old in used:
        previous = (0, 0)
        out = []
        for lon, lat in simplified[old]:
            q = (round((lon - translate[0]) / scale[0]), round((lat - translate[1]) / scale[1]))
            if out and q == previous:
                continue
            out.append([q[0] - previous[0], q[1] - previous[1]])
            previous = q
        if len(out) < 2:  # an arc reduced to one point still joins its neighbours
            out.append([0, 0])
        encoded.append(out)
    result = {
        "type": "Topology",
        "transform": {"scale": list(scale), "translate": list(translate)},
        "objects": {"countries": {"type": "GeometryCollection", "geometries": kept_geometries}},
        "arcs": encoded,
    }
    TARGET.write_text(json.dumps(result, separators=(",", ":")), encoding="utf-8")
    print(
        f"{TARGET.relative_to(ROOT)}: {TARGET.stat().st_size / 1024:.0f} KB (from {SOURCE.stat().st_size / 1024:.0f} KB)"
    )


if __name__ == "__main__":
    main()
