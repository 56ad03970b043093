"""Who is affected: the exact rule of DOMAIN.md, computed for a million people without PostGIS.

- Polygon: planar test on lon/lat degrees, boundary inside (= PostGIS `ST_Covers` on geometry 4326):
  GEOS's prepared point-in-area locator through shapely's vectorised `intersects_xy`.
- Circle: WGS84 geodesic distance ≤ radius (= `ST_DWithin` on geography). A vectorised haversine
  settles every point clearly inside or outside (the sphere is within 0.7% of the ellipsoid);
  only points in that thin band get the exact geodesic (geographiclib's Karney algorithm).
- Administrative: the stored ISO 3166-2 subdivision code is in the list.

Candidates come from SQL with a bounding box on the indexed (latitude, longitude) of Person; only
active records count (merged, deceased and departed records are left out).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from django.db import connection
from geographiclib.geodesic import Geodesic
from shapely.geometry import MultiPolygon, Polygon, shape

from amparo.registry.models import Person

EARTH_MEAN_RADIUS_M = 6371008.8
SPHERE_TOLERANCE = 0.007  # relative: sphere vs WGS84 ellipsoid distances differ by less than this
METERS_PER_DEGREE_LAT_MIN = 110574.0  # the shortest degree of latitude (at the equator)
METERS_PER_DEGREE_LON_EQUATOR = 111319.49


class InvalidArea(ValueError):
    """An area that cannot be used (says what and where)."""


@dataclass(frozen=True)
class BBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


# --- Geometry parsing ---------------------------------------------------------------------------


def polygon_from_geojson(geometry: dict) -> Polygon | MultiPolygon:
    """A shapely (Multi)Polygon from a GeoJSON geometry ([lon, lat] positions), checked."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise InvalidArea(f"expected a GeoJSON Polygon or MultiPolygon, got {_type_of(geometry)}")
    coords = geometry.get("coordinates")
    polygons = [coords] if geometry["type"] == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons:
        raise InvalidArea("the geometry has no coordinates")
    for p, rings in enumerate(polygons, 1):
        if not isinstance(rings, list) or not rings:
            raise InvalidArea(f"polygon {p} has no rings")
        for r, ring in enumerate(rings, 1):
            _check_ring(ring, f"polygon {p}, ring {r}")
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, shapely.errors.ShapelyError) as exc:
        raise InvalidArea(f"unreadable geometry: {exc}") from None
    if geom.is_empty:
        raise InvalidArea("the geometry is empty")
    problem = geometry_problem(geom)
    if problem:
        raise InvalidArea(problem)
    return geom


_REASON = re.compile(r"^(?P<what>[^\[]+)\[(?P<x>\S+) (?P<y>\S+)\]")


def geometry_problem(geom) -> str:
    """Why a (multi)polygon is not a usable area, with where ("self-intersection at (-99.5 16.8)":
    longitude then latitude), or "" when it is valid. An area whose edges cross has no inside the
    point test could trust (and GEOS refuses to cut it into strips)."""
    if geom.is_valid:
        return ""
    reason = shapely.is_valid_reason(geom)
    match = _REASON.match(reason)
    if not match:
        return reason.lower()
    what = match["what"].strip().lower()
    if "self-intersection" in what:
        what = "self-intersection"
    return f"{what} at ({_coordinate(match['x'])} {_coordinate(match['y'])})"


def _coordinate(text: str) -> str:
    try:
        return f"{round(float(text), 6):g}"
    except ValueError:
        return text


def ring_problem(ring: list[list[float]]) -> str:
    """`geometry_problem` of a single GeoJSON ring ([lon, lat] positions)."""
    try:
        return geometry_problem(Polygon(ring))
    except (ValueError, shapely.errors.ShapelyError) as exc:
        return f"unreadable polygon: {exc}"


def _check_ring(ring, where: str) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise InvalidArea(f"{where}: a ring needs at least 4 positions (closed), got {_len(ring)}")
    for i, pos in enumerate(ring, 1):
        if not isinstance(pos, list | tuple) or len(pos) < 2:
            raise InvalidArea(f"{where}, position {i}: expected [longitude, latitude]")
        lon, lat = pos[0], pos[1]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in (lon, lat)):
            raise InvalidArea(f"{where}, position {i}: coordinates must be numbers")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise InvalidArea(
                f"{where}, position {i}: [{lon}, {lat}] is out of range (GeoJSON is [longitude, latitude])"
            )
    if list(ring[0][:2]) != list(ring[-1][:2]):
        raise InvalidArea(f"{where}: the ring is not closed (first and last positions differ)")


def _len(value) -> int:
    return len(value) if isinstance(value, list) else 0


def _type_of(value) -> str:
    return value.get("type", "no type") if isinstance(value, dict) else type(value).__name__


def bbox_of_polygon(geom) -> BBox:
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    return BBox(min_lat, max_lat, min_lon, max_lon)


def bbox_of_circle(lat: float, lon: float, radius_m: float) -> BBox:
    """A box that surely holds the geodesic circle (a little larger is fine)."""
    dlat = radius_m / METERS_PER_DEGREE_LAT_MIN * 1.01 + 1e-9
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    far = max(abs(min_lat), abs(max_lat))
    if far >= 89.0:
        return BBox(min_lat, max_lat, -180.0, 180.0)
    dlon = radius_m / (METERS_PER_DEGREE_LON_EQUATOR * math.cos(math.radians(far))) * 1.02 + 1e-9
    if dlon >= 180:
        return BBox(min_lat, max_lat, -180.0, 180.0)
    return BBox(min_lat, max_lat, max(-180.0, lon - dlon), min(180.0, lon + dlon))


# --- Exact tests, vectorised --------------------------------------------------------------------


def covers_points(geom, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Boolean mask: the point is inside the polygon or on its boundary (ST_Covers)."""
    if len(lats) == 0:
        return np.zeros(0, dtype=bool)
    shapely.prepare(geom)
    return shapely.intersects_xy(geom, lons, lats)


def geodesic_distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2, Geodesic.DISTANCE)["s12"]


def haversine_m(lat0: float, lon0: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    phi0, phi = math.radians(lat0), np.radians(lats)
    dphi = phi - phi0
    dlmb = np.radians(lons - lon0)
    a = np.sin(dphi / 2) ** 2 + math.cos(phi0) * np.cos(phi) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_MEAN_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def within_circle(lat0: float, lon0: float, radius_m: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Boolean mask: WGS84 geodesic distance from the centre ≤ radius (ST_DWithin on geography)."""
    if len(lats) == 0:
        return np.zeros(0, dtype=bool)
    approx = haversine_m(lat0, lon0, lats, lons)
    inside = approx <= radius_m * (1 - SPHERE_TOLERANCE)
    unsure = np.flatnonzero(
        (approx > radius_m * (1 - SPHERE_TOLERANCE)) & (approx <= radius_m * (1 + SPHERE_TOLERANCE))
    )
    inverse, mask = Geodesic.WGS84.Inverse, Geodesic.DISTANCE
    for i in unsure:
        if inverse(lat0, lon0, float(lats[i]), float(lons[i]), mask)["s12"] <= radius_m:
            inside[i] = True
    return inside


# --- Candidates from the database ---------------------------------------------------------------


def _person_table() -> str:
    return connection.ops.quote_name(Person._meta.db_table)


# Who can be affected at all. A real crisis reaches real people only; an exercise reaches only
# the synthetic people of its exercise organization (a drill's population), and nobody when an
# Exercise alert came without a drill (CAP `Exercise` must never touch a real person).
REAL_PEOPLE = "real"


def population_of(crisis) -> str | int | None:
    """REAL_PEOPLE, an exercise organization's id, or None (nobody)."""
    organization = crisis.organization
    exercise_org = organization is not None and organization.is_exercise
    if crisis.is_exercise or exercise_org:
        return organization.pk if exercise_org else None
    return REAL_PEOPLE


def _population_sql(population) -> tuple[str, list]:
    if population == REAL_PEOPLE:
        orgs = connection.ops.quote_name("accounts_organization")
        return f"registering_organization_id NOT IN (SELECT id FROM {orgs} WHERE is_exercise)", []  # noqa: S608
    return "registering_organization_id = %s", [int(population)]


def _fetch_points(where: str, params: list, population=REAL_PEOPLE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, latitudes, longitudes) of active people of `population` matching `where`, as numpy arrays.

    On PostgreSQL the three columns come back as three packed binary strings (one row, no
    per-person Python objects): the transfer of 100,000 candidates costs a few milliseconds.
    """
    table = _person_table()
    scope, scope_params = _population_sql(population)
    active = f"record_status = 'active' AND {scope}"
    params = [*scope_params, *params]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT string_agg(int8send(id), ''::bytea), string_agg(float8send(latitude), ''::bytea), "  # noqa: S608
                f"string_agg(float8send(longitude), ''::bytea) FROM {table} WHERE {active} AND ({where})",
                params,
            )
            ids, lats, lons = cursor.fetchone()
            if ids is None:
                return _empty()
            return (
                np.frombuffer(bytes(ids), dtype=">i8").astype(np.int64),
                np.frombuffer(bytes(lats), dtype=">f8").astype(np.float64),
                np.frombuffer(bytes(lons), dtype=">f8").astype(np.float64),
            )
        cursor.execute(f"SELECT id, latitude, longitude FROM {table} WHERE {active} AND ({where})", params)  # noqa: S608
        rows = cursor.fetchall()
    if not rows:
        return _empty()
    arr = np.array(rows, dtype=np.float64)
    return arr[:, 0].astype(np.int64), arr[:, 1], arr[:, 2]


def _empty() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)


def _boxes_sql(boxes: list[BBox]) -> tuple[str, list]:
    clauses, params = [], []
    for box in boxes:
        clauses.append("(latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s)")
        params += [box.min_lat, box.max_lat, box.min_lon, box.max_lon]
    return " OR ".join(clauses), params


def candidates_in_bbox(box: BBox, population=REAL_PEOPLE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, latitudes, longitudes) of active people whose last position lies in the box."""
    return _fetch_points(*_boxes_sql([box]), population=population)


def polygon_strips(geom, max_strips: int = 12) -> list[BBox]:
    """Latitude strips, each with the polygon's own longitude extent inside it: a diagonal or
    curved area (a hurricane cone) fetches far fewer candidates than with its single bounding box.
    Strips touch (shared edges), so no point of the polygon falls between two of them."""
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    n = max(1, min(max_strips, int((max_lat - min_lat) / 0.25)))
    if n == 1:
        return [BBox(min_lat, max_lat, min_lon, max_lon)]
    edges = np.linspace(min_lat, max_lat, n + 1)
    edges[-1] = max_lat
    strips = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        part = geom.intersection(shapely.box(min_lon, lo, max_lon, hi))
        if part.is_empty:
            continue
        p_min_lon, _a, p_max_lon, _b = part.bounds
        # pad by a hair: the exact test decides, the strips must only never cut a point off
        strips.append(BBox(float(lo), float(hi), p_min_lon - 1e-9, p_max_lon + 1e-9))
    return strips or [BBox(min_lat, max_lat, min_lon, max_lon)]


def ids_in_subdivisions(codes: Iterable[str], population=REAL_PEOPLE) -> np.ndarray:
    codes = sorted({c.strip().upper() for c in codes if c and c.strip()})
    if not codes:
        return np.zeros(0, dtype=np.int64)
    by_country: dict[str, list[str]] = {}
    for code in codes:
        by_country.setdefault(code.split("-")[0], []).append(code)
    clauses, params = [], []
    for country, subdivisions in by_country.items():
        clauses.append(f"(country = %s AND subdivision IN ({', '.join(['%s'] * len(subdivisions))}))")
        params += [country, *subdivisions]
    table = _person_table()
    scope, scope_params = _population_sql(population)
    where = f"record_status = 'active' AND {scope} AND ({' OR '.join(clauses)})"
    params = [*scope_params, *params]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT string_agg(int8send(id), ''::bytea) FROM {table} WHERE {where}", params)  # noqa: S608
            (packed,) = cursor.fetchone()
            return (
                np.zeros(0, dtype=np.int64)
                if packed is None
                else np.frombuffer(bytes(packed), dtype=">i8").astype(np.int64)
            )
        cursor.execute(f"SELECT id FROM {table} WHERE {where}", params)  # noqa: S608
        return np.array([r[0] for r in cursor.fetchall()], dtype=np.int64)


def ids_in_polygon(geom, population=REAL_PEOPLE) -> np.ndarray:
    ids, lats, lons = _fetch_points(*_boxes_sql(polygon_strips(geom)), population=population)
    return ids[covers_points(geom, lats, lons)]


def circle_strips(lat: float, lon: float, radius_m: float) -> list[BBox]:
    """Latitude strips around a geodesic circle (from a 72-gon 1 % wider than the circle, so it
    surely encloses it): about 20 % fewer candidates than the circle's bounding box."""
    box = bbox_of_circle(lat, lon, radius_m)
    if radius_m < 1000 or box.min_lon <= -180 or box.max_lon >= 180 or box.min_lat <= -89 or box.max_lat >= 89:
        return [box]
    ring = []
    for k in range(72):
        p = Geodesic.WGS84.Direct(lat, lon, k * 5.0, radius_m * 1.01)
        ring.append((p["lon2"], p["lat2"]))
    strips = polygon_strips(shapely.Polygon(ring))
    # never narrower than the exact bounding box in latitude (the 72-gon reaches beyond it anyway)
    strips[0] = BBox(min(strips[0].min_lat, box.min_lat), strips[0].max_lat, strips[0].min_lon, strips[0].max_lon)
    strips[-1] = BBox(strips[-1].min_lat, max(strips[-1].max_lat, box.max_lat), strips[-1].min_lon, strips[-1].max_lon)
    return strips


def ids_in_circle(lat: float, lon: float, radius_km: float, population=REAL_PEOPLE) -> np.ndarray:
    radius_m = radius_km * 1000.0
    ids, lats, lons = _fetch_points(*_boxes_sql(circle_strips(lat, lon, radius_m)), population=population)
    return ids[within_circle(lat, lon, radius_m, lats, lons)]


def affected_ids(areas, population=REAL_PEOPLE) -> np.ndarray:
    """Sorted unique ids of active people of `population` inside any of `areas` (AffectedArea
    rows or alikes). `population`: REAL_PEOPLE, an exercise organization's id, or None (nobody)."""
    parts = [np.zeros(0, dtype=np.int64)]
    if population is None:
        return parts[0]
    for area in areas:
        if area.kind == "polygon":
            parts.append(ids_in_polygon(polygon_from_geojson(area.geometry), population))
        elif area.kind == "circle":
            parts.append(ids_in_circle(area.center_latitude, area.center_longitude, area.radius_km, population))
        elif area.kind == "administrative":
            parts.append(ids_in_subdivisions(area.subdivisions, population))
    return np.unique(np.concatenate(parts))
