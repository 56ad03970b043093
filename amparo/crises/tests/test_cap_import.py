"""CAP 1.1/1.2 import: the official OASIS examples, Mexico's Atom feed shape, Update/Cancel, drills,
tests, and hostile or malformed files rejected with no change."""

import functools
import http.server
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from amparo.accounts.models import AuditEvent
from amparo.crises import cap
from amparo.crises.cap_import import import_alerts
from amparo.crises.models import AffectedArea, CapAlert, Crisis, WelfareStatus
from amparo.crises.tests.conftest import SYSTEM

FILES = Path(__file__).parent / "cap"


def load(name: str):
    return cap.load_bytes((FILES / name).read_bytes()).alerts


def run(*args) -> str:
    out = StringIO()
    call_command("import_cap", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def people(world, make_person):
    def at(lat, lon, sub="MX-GRO", name="P"):
        return make_person(
            world["consulate"], given_names=name, latitude=lat, longitude=lon, country="MX", subdivision=sub
        )

    return {
        "acapulco": at(16.85, -99.88, name="Acapulco"),
        "copala": at(16.6, -98.98, name="Copala"),
        "pinotepa": at(16.34, -98.05, "MX-OAX", name="Pinotepa"),
        "zihuatanejo": at(17.64, -101.55, name="Zihuatanejo"),
        "cdmx": at(19.43, -99.13, "MX-CMX", name="CDMX"),
    }


# --- The official CAP 1.2 examples (OASIS specification, appendix A) ------------------------------


def test_homeland_security_example_parses_without_geometry():
    (alert,) = load("oasis_homeland_security.xml")
    assert alert.key == ("hsas@dhs.gov", "43b080713727", "2003-04-02T14:39:01-05:00")
    assert (alert.version, alert.status, alert.msg_type) == ("1.2", "Actual", "Alert")
    info = alert.infos[0]
    assert info.severity == "Severe" and info.headline == "Homeland Security Sets Code ORANGE"
    assert info.areas[0].description == "U.S. nationwide and interests worldwide"
    assert not info.areas[0].polygons and not info.areas[0].circles


def test_thunderstorm_example_polygon_is_lat_lon_pairs():
    (alert,) = load("oasis_thunderstorm.xml")
    area = alert.infos[0].areas[0]
    assert area.polygons == [[[-120.14, 38.47], [-119.95, 38.34], [-119.74, 38.52], [-119.89, 38.62], [-120.14, 38.47]]]
    assert ("SAME", "006109") in area.geocodes and area.subdivisions == []  # SAME codes are not ISO 3166-2


def test_earthquake_update_example_has_references_and_a_circle():
    (alert,) = load("oasis_earthquake_update.xml")
    assert alert.msg_type == "Update"
    assert alert.references == [("trinet@caltech.edu", "TRI13970876.1", "2003-06-11T20:30:00-07:00")]
    assert alert.infos[0].areas[0].circles == [(32.9525, -115.5527, 0.0)]


def test_multilingual_example_keeps_both_languages():
    (alert,) = load("oasis_amber_multilingual.xml")
    assert [i.language for i in alert.infos] == ["en-US", "es-US"]
    assert alert.info_for(("es",)).headline == "Alerta Amber en el condado de Los Ángeles"


def test_official_examples_import_as_crises(db):
    outcomes = import_alerts(
        actor=SYSTEM, messages=[m for f in sorted(FILES.glob("oasis_*.xml")) for m in load(f.name)]
    )
    assert [o.action for o in outcomes] == ["created", "created", "created", "created"]
    storm = Crisis.objects.get(cap_alerts__identifier="KSTO1055887203")
    assert storm.severity == "severe" and storm.areas.get().kind == "polygon"
    quake = Crisis.objects.get(cap_alerts__identifier="TRI13970876.2")  # an Update of an alert never seen
    assert quake.kind == "earthquake" and quake.areas.get().radius_km == 0
    amber = Crisis.objects.get(cap_alerts__identifier="KAR0-0306112239-SW")
    assert amber.name == "Alerta Amber en el condado de Los Ángeles"  # Spanish first


# --- Mexico: CAP 1.1 in Atom, Update and Cancel by reference ----------------------------------


def test_sasmex_atom_feed_cap_1_1_creates_an_earthquake_crisis(people):
    output = run(str(FILES / "sasmex_atom_cap11.xml"))
    crisis = Crisis.objects.get()
    assert output.strip() == f"crisis {crisis.pk}: 4 affected"
    assert crisis.kind == "earthquake" and crisis.severity == "extreme" and not crisis.is_exercise
    kinds = sorted(crisis.areas.values_list("kind", flat=True))
    assert kinds == ["administrative", "circle"]  # the English block repeats the circle: kept once
    assert set(crisis.areas.get(kind="administrative").subdivisions) == {"MX-GRO"}
    affected = set(WelfareStatus.objects.filter(crisis=crisis).values_list("person__given_names", flat=True))
    # In the 120 km circle: Copala, Pinotepa (Oaxaca); in Guerrero (INEGI 12): Acapulco, Zihuatanejo.
    assert affected == {"Acapulco", "Copala", "Pinotepa", "Zihuatanejo"}


def test_update_applies_to_the_same_crisis_and_cancel_closes_it(people):
    first = run(str(FILES / "mx_hurricane_alert.xml"))
    crisis = Crisis.objects.get()
    assert first.strip().startswith(f"crisis {crisis.pk}: ")
    update = run(str(FILES / "mx_hurricane_update.xml"))
    assert update.strip().startswith(f"crisis {crisis.pk}: ")
    crisis.refresh_from_db()
    assert crisis.severity == "extreme" and crisis.name == "Huracán categoría 5 toca tierra en Acapulco"
    assert Crisis.objects.count() == 1 and crisis.areas.count() == 1
    copala = WelfareStatus.objects.get(crisis=crisis, person=people["copala"])
    zihua = WelfareStatus.objects.get(crisis=crisis, person=people["zihuatanejo"])
    assert copala.in_area and not zihua.in_area  # newcomer added, the one now outside flagged
    cancel = run(str(FILES / "mx_hurricane_cancel.xml"))
    crisis.refresh_from_db()
    assert "cancelled" in cancel and crisis.phase == "closed" and crisis.ended_at is not None


def test_same_message_twice_changes_nothing(people):
    run(str(FILES / "mx_hurricane_alert.xml"))
    again = run(str(FILES / "mx_hurricane_alert.xml"))
    assert Crisis.objects.count() == 1 and CapAlert.objects.count() == 1
    assert again.startswith(f"crisis {Crisis.objects.get().pk}: ")


def test_exercise_alerts_make_drills_and_test_alerts_are_ignored(people):
    assert "(exercise)" in run(str(FILES / "mx_exercise.xml"))
    assert Crisis.objects.get().is_exercise
    assert run(str(FILES / "mx_test_alert.xml")).startswith("ignored")
    assert Crisis.objects.count() == 1


def test_cancel_of_an_unknown_alert_is_rejected(db):
    with pytest.raises(CommandError, match="Cancel references no known alert"):
        run(str(FILES / "mx_hurricane_cancel.xml"))
    assert not Crisis.objects.exists() and not CapAlert.objects.exists()


# --- Hostile and malformed files --------------------------------------------------------------


@pytest.mark.parametrize(
    "name, message",
    [
        ("hostile_billion_laughs.xml", "refused: the XML declares a DTD"),
        ("hostile_external_entity.xml", "refused: the XML declares a DTD"),
        ("hostile_dtd.xml", "refused: the XML declares a DTD"),
        ("malformed.xml", "malformed XML at line 6"),
        ("unclosed_polygon.xml", "info 1, area 1, polygon 1: the polygon is not closed"),
    ],
)
def test_hostile_or_malformed_files_are_rejected_with_no_change(people, name, message):
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match=message):
        run(str(FILES / name))
    assert not Crisis.objects.exists() and not CapAlert.objects.exists() and not AffectedArea.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "text, message",
    [
        ("16.5,-100.5 16.5,-99.5 17.2,-99.5 16.5,-100.5", None),
        ("16.5,-100.5 16.5,-99.5 16.5,-100.5", "at least 4 pairs"),
        ("-100.5,16.5 -99.5,16.5 -99.5,17.2 -100.5,16.5", "out of range"),
        ("16.5;-100.5 16.5,-99.5 17.2,-99.5 16.5;-100.5", "not a 'latitude,longitude' pair"),
    ],
)
def test_cap_polygons(text, message):
    if message is None:
        assert cap.parse_polygon(text)[0] == [-100.5, 16.5]
    else:
        with pytest.raises(cap.InvalidCapAlert, match=message):
            cap.parse_polygon(text)


def test_cap_circles_and_geocodes():
    assert cap.parse_circle("16.2,-98.8 120") == (16.2, -98.8, 120.0)
    with pytest.raises(cap.InvalidCapAlert, match="not 'latitude,longitude radius'"):
        cap.parse_circle("16.2,-98.8")
    assert cap.subdivision_from_geocode("ISO3166-2", "mx-gro") == "MX-GRO"
    assert cap.subdivision_from_geocode("INEGI", "20") == "MX-OAX"
    assert cap.subdivision_from_geocode("SAME", "006109") == ""


def test_not_a_cap_document_is_rejected():
    with pytest.raises(cap.InvalidCapAlert, match="not a CAP alert or a feed"):
        cap.load_bytes(b"<html><body>hello</body></html>")


# --- URLs and feeds that link to alerts --------------------------------------------------------


@pytest.fixture
def served_files(settings):
    settings.CAP_ALLOW_PRIVATE_ADDRESSES = True  # the test server listens on 127.0.0.1
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(FILES))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_import_from_a_url_and_from_a_feed_that_links(people, served_files):
    output = run(f"{served_files}/rss_linking.xml")
    crisis = Crisis.objects.get()
    assert output.strip().startswith(f"crisis {crisis.pk}: ")
    assert crisis.cap_alerts.get().source_url.endswith("/rss_linking.xml")


def test_unreachable_url_is_a_clear_error(db, settings):
    settings.CAP_ALLOW_PRIVATE_ADDRESSES = True
    with pytest.raises(CommandError, match="could not be read"):
        run("http://127.0.0.1:9/nothing.xml")
