"""Who is affected: DOMAIN.md's exact rule (polygon boundary inside, geodesic circles, subdivisions),
and the affected set kept up to date when an area changes."""

import math

import numpy as np
import pytest

from amparo.crises import geo
from amparo.crises.models import WelfareStatus
from amparo.crises.services import recompute_affected, set_areas, update_welfare
from amparo.crises.tests.conftest import SYSTEM, circle, polygon, subdivisions


def _ids(crisis):
    return set(WelfareStatus.objects.filter(crisis=crisis, in_area=True).values_list("person_id", flat=True))


@pytest.fixture
def place(world, make_person):
    def make(lat, lon, **fields):
        fields.setdefault("country", "MX")
        return make_person(world["consulate"], given_names=f"P {lat},{lon}", latitude=lat, longitude=lon, **fields)

    return make


# --- Polygons -----------------------------------------------------------------------------------


def test_polygon_counts_inside_and_boundary_points(make_crisis, place):
    inside, on_edge, on_vertex, outside = (
        place(16.5, -99.5),
        place(16.0, -99.5),
        place(17.0, -99.0),
        place(17.01, -99.5),
    )
    crisis = make_crisis(polygon((-100, 16), (-99, 16), (-99, 17), (-100, 17)))
    assert _ids(crisis) == {inside.pk, on_edge.pk, on_vertex.pk}
    assert outside.pk not in _ids(crisis)


def test_polygon_holes_and_multipolygons(make_crisis, place):
    in_hole, in_ring, in_second = place(16.5, -99.5), place(16.1, -99.9), place(20.5, -90.5)
    geometry = {
        "type": "MultiPolygon",
        "coordinates": [
            [
                [[-100, 16], [-99, 16], [-99, 17], [-100, 17], [-100, 16]],
                [[-99.7, 16.3], [-99.3, 16.3], [-99.3, 16.7], [-99.7, 16.7], [-99.7, 16.3]],
            ],
            [[[-91, 20], [-90, 20], [-90, 21], [-91, 21], [-91, 20]]],
        ],
    }
    from amparo.crises.services import AreaSpec

    crisis = make_crisis(AreaSpec(kind="polygon", geometry=geometry))
    assert _ids(crisis) == {in_ring.pk, in_second.pk}
    assert in_hole.pk not in _ids(crisis)


def test_concave_polygon_even_odd(make_crisis, place):
    # A "U": the notch between the arms is outside.
    in_arm, in_notch = place(16.8, -99.9), place(16.8, -99.5)
    crisis = make_crisis(
        polygon((-100, 16), (-99, 16), (-99, 17), (-99.2, 17), (-99.2, 16.2), (-99.8, 16.2), (-99.8, 17), (-100, 17))
    )
    assert _ids(crisis) == {in_arm.pk}
    assert in_notch.pk not in _ids(crisis)


def test_people_without_a_position_or_inactive_are_not_in_polygons(make_crisis, place, world, make_person):
    no_position = make_person(world["consulate"], given_names="Sin", country="MX", subdivision="MX-GRO")
    gone = place(16.5, -99.5)
    gone.record_status = "left_country"
    gone.save()
    crisis = make_crisis(polygon((-100, 16), (-99, 16), (-99, 17), (-100, 17)))
    assert no_position.pk not in _ids(crisis) and gone.pk not in _ids(crisis)


@pytest.mark.parametrize(
    "geometry, message",
    [
        ({"type": "Point", "coordinates": [0, 0]}, "expected a GeoJSON Polygon"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]}, "at least 4 positions"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "not closed"),
        ({"type": "Polygon", "coordinates": [[[16, -99], [17, -99], [17, -98], [16, -99]]]}, "out of range"),
        ({"type": "Polygon", "coordinates": [[[-99, 16], [-98, 16], [-98, 17], [-99, 16]]]}, None),
        ({"type": "Polygon", "coordinates": [[[-99, 100], [1, 0], [1, 1], [-99, 100]]]}, "out of range"),
        ({"type": "Polygon", "coordinates": [[["a", 0], [1, 0], [1, 1], ["a", 0]]]}, "must be numbers"),
    ],
)
def test_bad_polygons_are_rejected_with_where(geometry, message):
    if message is None:
        geo.polygon_from_geojson(geometry)  # valid (if oddly placed) polygons are accepted
        return
    with pytest.raises(geo.InvalidArea, match=message):
        geo.polygon_from_geojson(geometry)


# --- Circles ------------------------------------------------------------------------------------


def _haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def test_circle_uses_the_geodesic_not_a_sphere():
    # North of the centre, a sphere overestimates 100 km by ~0.5 %; a point the geodesic puts inside
    # the circle lies outside by haversine, and the rule follows the geodesic.
    lat0, lon0, radius_m = 16.2, -98.8, 100_000.0
    from geographiclib.geodesic import Geodesic

    edge = Geodesic.WGS84.Direct(lat0, lon0, 0.0, radius_m - 50)  # 50 m inside, due north
    lat, lon = edge["lat2"], edge["lon2"]
    assert _haversine_km(lat0, lon0, lat, lon) * 1000 > radius_m  # the sphere says outside
    mask = geo.within_circle(lat0, lon0, radius_m, np.array([lat]), np.array([lon]))
    assert mask.tolist() == [True]


def test_circle_boundary_and_random_points_agree_with_geographiclib():
    from geographiclib.geodesic import Geodesic

    rng = np.random.default_rng(5)
    lat0, lon0, radius_m = 16.2, -98.8, 120_000.0
    lats = lat0 + rng.uniform(-1.5, 1.5, 4000)
    lons = lon0 + rng.uniform(-1.5, 1.5, 4000)
    exact = np.array(
        [Geodesic.WGS84.Inverse(lat0, lon0, a, b)["s12"] <= radius_m for a, b in zip(lats, lons, strict=True)]
    )
    assert (geo.within_circle(lat0, lon0, radius_m, lats, lons) == exact).all()
    # A point exactly on the circle counts (distance ≤ radius).
    on = Geodesic.WGS84.Direct(lat0, lon0, 37.0, radius_m)
    assert geo.within_circle(lat0, lon0, radius_m + 1e-6, np.array([on["lat2"]]), np.array([on["lon2"]]))[0]


def test_circle_bbox_holds_the_circle_at_high_latitude():
    from geographiclib.geodesic import Geodesic

    for lat0 in (0.0, 16.0, 60.0, 85.0):
        box = geo.bbox_of_circle(lat0, -98.0, 300_000)
        for azimuth in range(0, 360, 5):
            p = Geodesic.WGS84.Direct(lat0, -98.0, azimuth, 300_000)
            assert box.min_lat <= p["lat2"] <= box.max_lat and box.min_lon <= p["lon2"] <= box.max_lon


def test_circle_crisis_counts_people_inside(make_crisis, place):
    near, far = place(16.3, -98.8), place(18.0, -98.8)
    crisis = make_crisis(circle(16.2, -98.8, 100))
    assert _ids(crisis) == {near.pk}
    assert far.pk not in _ids(crisis)


# --- Administrative areas -------------------------------------------------------------------------


def test_administrative_area_by_stored_subdivision(make_crisis, world, make_person):
    gro = make_person(world["consulate"], given_names="A", country="MX", subdivision="MX-GRO")
    oax = make_person(
        world["consulate"], given_names="B", country="MX", subdivision="MX-OAX", latitude=16.0, longitude=-97.0
    )
    crisis = make_crisis(subdivisions("mx-gro"))
    assert _ids(crisis) == {gro.pk}
    assert oax.pk not in _ids(crisis)


# --- Recompute on area change -------------------------------------------------------------------


def test_area_change_adds_newcomers_and_flags_people_now_outside(make_crisis, place, world):
    west, east = place(16.5, -99.8), place(16.5, -98.2)
    crisis = make_crisis(polygon((-100, 16), (-99, 16), (-99, 17), (-100, 17)))
    update_welfare(actor=world["officer"], crisis=crisis, person=west, status="safe", source="staff")
    result = set_areas(actor=SYSTEM, crisis=crisis, areas=[polygon((-99, 16), (-98, 16), (-98, 17), (-99, 17))])
    assert (result.total, result.added, result.flagged_outside) == (1, 1, 1)
    flagged = WelfareStatus.objects.get(crisis=crisis, person=west)
    assert not flagged.in_area and flagged.left_area_at is not None and flagged.status == "safe"
    assert _ids(crisis) == {east.pk}
    result = set_areas(actor=SYSTEM, crisis=crisis, areas=[polygon((-100, 16), (-98, 16), (-98, 17), (-100, 17))])
    assert result.back_inside == 1 and _ids(crisis) == {west.pk, east.pk}
    assert WelfareStatus.objects.get(crisis=crisis, person=west).status == "safe"


def test_recompute_picks_up_people_who_moved_in(make_crisis, place, world):
    crisis = make_crisis(circle(16.2, -98.8, 100))
    newcomer = place(16.25, -98.75)
    assert newcomer.pk not in _ids(crisis)
    assert recompute_affected(crisis=crisis).added == 1
    assert newcomer.pk in _ids(crisis)


def test_circle_strips_hold_the_whole_circle():
    from geographiclib.geodesic import Geodesic

    for lat0, radius in ((16.2, 100_000), (45.0, 400_000), (-30.0, 5_000)):
        strips = geo.circle_strips(lat0, -98.0, radius)
        for azimuth in np.arange(0, 360, 0.5):
            for frac in (1.0, 0.7, 0.3):
                p = Geodesic.WGS84.Direct(lat0, -98.0, azimuth, radius * frac)
                assert any(
                    s.min_lat <= p["lat2"] <= s.max_lat and s.min_lon <= p["lon2"] <= s.max_lon for s in strips
                ), (lat0, radius, azimuth, frac)
