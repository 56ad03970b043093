"""The offline gazetteer: typed names become places with an ISO subdivision and a position."""

import pycountry
import pytest

from amparo.core import gazetteer
from amparo.core.gazetteer import REGION, fold, representative_point, search


def test_every_subdivision_of_the_region_has_towns():
    # Naso Tjër Di (Panama, 2020) is newer than the GeoNames data; every other one must be there,
    # or a place picker would offer a state with nothing in it.
    for country in REGION:
        known = {s.code for s in gazetteer.subdivisions(country)}
        expected = {
            s.code for s in pycountry.subdivisions.get(country_code=country) if s.type != "Region" and s.code != "PA-NT"
        }
        assert expected <= known, (country, expected - known)


@pytest.mark.parametrize(
    ("query", "name", "subdivision"),
    [
        ("Tapachula", "Tapachula", "MX-CHP"),
        ("tapachula", "Tapachula", "MX-CHP"),
        ("TENOSIQUE", "Tenosique", "MX-TAB"),
        ("tecun uman", "Ciudad Tecún Umán", "GT-12"),
        ("ciudad de guatemala", "Ciudad de Guatemala", "GT-01"),
        ("Guatemala City", "Ciudad de Guatemala", "GT-01"),
        ("cdmx", "Ciudad de México", "MX-CMX"),
        ("San Pedro Sula", "San Pedro Sula", "HN-CR"),
        ("choluteca", "Ciudad Choluteca", "HN-CH"),
        ("managua", "Managua", "NI-MN"),
        ("belmopan", "Belmopan", "BZ-CY"),
        ("santo domingo", "Santo Domingo", "DO-01"),
        ("tapachla", "Tapachula", "MX-CHP"),  # a typo still finds it
    ],
)
def test_search_finds_the_place_people_mean_first(query, name, subdivision):
    first = search(query)[0]
    assert (first.name, first.subdivision) == (name, subdivision)


def test_accents_and_word_order_do_not_matter():
    assert search("Peñas Blancas", country="CR")[0].id == search("blancas penas", country="CR")[0].id


def test_a_word_may_name_the_area_a_town_lies_in():
    # There are San Vicentes in six countries; the Darién reception point is the one meant here.
    found = search("san vicente darien")
    assert found[0].country == "PA" and found[0].subdivision == "PA-5"
    assert all(p.subdivision == "PA-5" for p in search("darien"))


def test_crossings_on_the_route_are_there_though_small():
    for query, country in [("Paso Canoas", "PA"), ("Paso Canoas", "CR"), ("El Ceibo", "GT"), ("Bajo Chiquito", "PA")]:
        place = search(query, country=country)[0]
        assert place.source == "curated" and fold(place.name) == fold(query)


def test_search_is_scoped_by_country_and_subdivision():
    assert {p.country for p in search("san jose", country="HN", limit=20)} == {"HN"}
    assert {p.subdivision for p in search("san", subdivision="GT-17", limit=20)} == {"GT-17"}
    assert search("tapachula", country="GT") == []


def test_nothing_found_is_an_empty_list_not_a_guess():
    assert search("") == []
    assert search("xyzzy qwerty") == []


def test_a_label_tells_same_named_towns_apart_in_the_page_language():
    place = search("paso canoas", country="CR")[0]
    assert place.label("es") == "Paso Canoas, Corredores, Puntarenas, Costa Rica"
    mexico_city = search("cdmx")[0]
    assert mexico_city.label("fr").endswith("Mexique")


def test_representative_point_prefers_the_most_precise_thing_known():
    lat, lon, precision = representative_point(country="MX", subdivision="MX-CHP", municipality="Tapachula")
    assert (round(lat, 1), round(lon, 1), precision) == (14.9, -92.3, gazetteer.TOWN_PRECISION_M)
    lat, lon, precision = representative_point(subdivision="GT-17")
    assert 15.5 < lat < 17.9 and -91.5 < lon < -89.1 and precision == gazetteer.SUBDIVISION_PRECISION_M
    assert representative_point(subdivision="GT-GU") is None
    assert representative_point() is None


def test_nearest_town_to_a_gps_fix():
    place, km = gazetteer.nearest(14.906, -92.259)[0]
    assert place.name == "Tapachula" and km < 1


def test_distance_is_great_circle_kilometres():
    tapachula, tecun = search("tapachula")[0], search("tecun uman")[0]
    assert (
        27 < gazetteer.distance_km(tapachula.lat, tapachula.lon, tecun.lat, tecun.lon) < 30
    )  # 28 km as the crow flies
