"""CAP under real conditions (issue 12): bad areas refused with where and why, each alert applied
on its own and a feed going on past a bad entry (its last error shown), drills and other senders
never changing a real crisis, values over the columns' sizes or out of range refused on both
databases, and fetching that never reads Amparo's own network."""

import http.server
import threading

import pytest
from django.urls import reverse

from amparo.crises import cap, tasks
from amparo.crises.cap_import import import_alerts, import_batch
from amparo.crises.models import AffectedArea, CapAlert, CapFeed, Crisis, WelfareStatus
from amparo.crises.tests.conftest import SYSTEM

SQUARE = "16.5,-100.0 16.5,-98.5 17.2,-98.5 17.2,-100.0 16.5,-100.0"
SMALL_SQUARE = "16.5,-100.0 16.5,-99.5 17.2,-99.5 17.2,-100.0 16.5,-100.0"
# A bow tie: the edges (16.5,-100)→(17.2,-99) and (16.5,-99)→(17.2,-100) cross at (16.85, -99.5).
BOW_TIE = "16.5,-100.0 17.2,-99.0 16.5,-99.0 17.2,-100.0 16.5,-100.0"


def alert_xml(
    identifier="SMN-1",
    *,
    sender="smn@conagua.gob.mx",
    sent="2026-10-24T09:00:00-06:00",
    status="Actual",
    msg_type="Alert",
    references="",
    polygon=SQUARE,
    area="Costa de Guerrero",
    headline="Huracán en Guerrero",
    namespace="urn:oasis:names:tc:emergency:cap:1.2",
) -> str:
    refs = f"<references>{references}</references>" if references else ""
    return (
        f'<alert xmlns="{namespace}"><identifier>{identifier}</identifier><sender>{sender}</sender>'
        f"<sent>{sent}</sent><status>{status}</status><msgType>{msg_type}</msgType><scope>Public</scope>{refs}"
        f"<info><language>es-MX</language><category>Met</category><event>Huracán</event>"
        f"<urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed</certainty>"
        f"<headline>{headline}</headline><area><areaDesc>{area}</areaDesc><polygon>{polygon}</polygon></area>"
        f"</info></alert>"
    )


def atom(*alerts: str) -> bytes:
    entries = "".join(
        f"<entry><id>urn:e{n}</id><title>e{n}</title><updated>2026-10-24T09:00:00-06:00</updated>"
        f'<content type="text/xml">{a}</content></entry>'
        for n, a in enumerate(alerts, 1)
    )
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:f</id><title>f</title>{entries}</feed>'.encode()


def apply(*alerts: str):
    batch = cap.load_bytes(atom(*alerts) if len(alerts) > 1 else alerts[0].encode())
    return import_batch(actor=SYSTEM, batch=batch)


@pytest.fixture
def people(world, make_person):
    def at(lat, lon, name):
        return make_person(
            world["consulate"], given_names=name, latitude=lat, longitude=lon, country="MX", subdivision="MX-GRO"
        )

    return {"acapulco": at(16.85, -99.88, "Acapulco"), "copala": at(16.6, -98.98, "Copala")}


# --- Geometry: a polygon whose edges cross ------------------------------------------------------


def test_a_self_crossing_polygon_is_refused_saying_which_area_and_where():
    with pytest.raises(cap.InvalidCapAlert) as refused:
        cap.load_bytes(alert_xml("BOWTIE-1", polygon=BOW_TIE).encode())
    assert str(refused.value) == "area 1 of alert BOWTIE-1: self-intersection at (-99.5 16.85)"


def test_a_feed_goes_on_past_a_bad_entry_and_each_alert_stands_alone(people):
    outcomes = apply(
        alert_xml("OK-1"),
        alert_xml("BOWTIE-1", polygon=BOW_TIE),
        alert_xml("OK-2", sender="cenapred@gob.mx", polygon=SMALL_SQUARE),
    )
    assert sorted(o.action for o in outcomes) == ["created", "created", "rejected"]
    (rejected,) = [o for o in outcomes if o.action == "rejected"]
    assert rejected.message == "feed entry 2: area 1 of alert BOWTIE-1: self-intersection at (-99.5 16.85)"
    assert set(CapAlert.objects.values_list("identifier", flat=True)) == {"OK-1", "OK-2"}
    assert Crisis.objects.count() == 2 and AffectedArea.objects.count() == 2


def test_an_alert_the_database_refuses_changes_nothing_and_the_next_is_applied(people, monkeypatch):
    """Each alert in its own transaction: a failure half-way (here the audit write) leaves no
    crisis, area or welfare row behind, and the following alert is imported."""
    from django.db import DataError

    from amparo.crises import cap_import

    real_record = cap_import.audit.record

    def failing_record(principal, action, obj=None, **kwargs):
        if "FAILS" in kwargs.get("summary", ""):
            raise DataError("value too long")
        return real_record(principal, action, obj, **kwargs)

    monkeypatch.setattr(cap_import.audit, "record", failing_record)
    batch = cap.load_bytes(atom(alert_xml("FAILS-1"), alert_xml("OK-1")))
    outcomes = import_batch(actor=SYSTEM, batch=batch)
    assert [o.action for o in outcomes] == ["rejected", "created"]
    assert outcomes[0].message == "alert FAILS-1: refused by the database"
    crisis = Crisis.objects.get()
    assert crisis.cap_alerts.get().identifier == "OK-1"
    assert WelfareStatus.objects.exclude(crisis=crisis).count() == 0


def test_the_upload_page_refuses_a_self_crossing_polygon_with_its_reason(client, world):
    client.force_login(world["officer"])
    upload = _upload("bowtie.xml", alert_xml("BOWTIE-1", polygon=BOW_TIE).encode())
    response = client.post(reverse("crises:cap_import"), {"file": upload})
    assert response.status_code == 200
    assert "area 1 of alert BOWTIE-1: self-intersection at (-99.5 16.85)" in response.content.decode()
    assert not Crisis.objects.exists()


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/xml")


@pytest.fixture
def dummy_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    return default_task_backend


def test_a_feed_with_a_bad_entry_imports_the_rest_keeps_polling_and_shows_its_last_error(
    people, dummy_tasks, monkeypatch, client, world
):
    feed = CapFeed.objects.create(url="https://alerts.example.mx/feed", interval_seconds=60)
    body = atom(alert_xml("OK-1"), alert_xml("BOWTIE-1", polygon=BOW_TIE))
    monkeypatch.setattr(tasks.cap, "fetch", lambda url, **kw: body)
    token = tasks.start_polling(feed)
    result = tasks.poll_cap_feed.call(feed.pk, token)
    assert result["outcomes"] == {"rejected": 1, "created": 1}
    assert dummy_tasks.results[-1].args == [feed.pk, token]  # the next poll is scheduled
    feed.refresh_from_db()
    assert feed.last_error == "feed entry 2: area 1 of alert BOWTIE-1: self-intersection at (-99.5 16.85)"
    assert feed.last_error_at is not None
    client.force_login(world["officer"])
    page = client.get(reverse("crises:cap_import")).content.decode()
    assert "self-intersection at (-99.5 16.85)" in page


def test_an_unexpected_error_does_not_stop_a_feed_for_good(db, dummy_tasks, monkeypatch):
    feed = CapFeed.objects.create(url="https://alerts.example.mx/feed", interval_seconds=60)

    def explode(url):
        raise RuntimeError("boom")

    monkeypatch.setattr(tasks.cap, "load_url", explode)
    token = tasks.start_polling(feed)
    tasks.poll_cap_feed.call(feed.pk, token)
    assert dummy_tasks.results[-1].args == [feed.pk, token]
    feed.refresh_from_db()
    assert feed.last_error.startswith("unexpected error") and feed.last_error_at is not None
    first_error_at = feed.last_error_at
    # Read well afterwards: the error is cleared, its time kept.
    monkeypatch.setattr(tasks.cap, "load_url", lambda url: cap.CapBatch())
    tasks.poll_cap_feed.call(feed.pk, token)
    feed.refresh_from_db()
    assert feed.last_error == "" and feed.last_error_at == first_error_at


# --- Drills, tests and other senders never change a real crisis ---------------------------------

ORIGINAL = "smn@conagua.gob.mx,SMN-1,2026-10-24T09:00:00-06:00"


@pytest.fixture
def real_crisis(people):
    (outcome,) = apply(alert_xml("SMN-1"))
    assert outcome.action == "created"
    crisis = outcome.crisis
    assert WelfareStatus.objects.filter(crisis=crisis, in_area=True).count() == 2
    return crisis


def _unchanged(crisis):
    fresh = Crisis.objects.get(pk=crisis.pk)
    assert fresh.phase == "response" and fresh.ended_at is None and fresh.name == "Huracán en Guerrero"
    assert WelfareStatus.objects.filter(crisis=crisis, in_area=True).count() == 2
    assert list(fresh.areas.values_list("label", flat=True)) == ["Costa de Guerrero"]


def test_an_exercise_update_never_touches_an_actual_crisis(real_crisis):
    (outcome,) = apply(
        alert_xml(
            "SIM-2",
            status="Exercise",
            msg_type="Update",
            references=ORIGINAL,
            polygon="10.0,-90.0 10.0,-89.9 10.1,-89.9 10.0,-90.0",
            headline="Simulacro",
        )
    )
    _unchanged(real_crisis)
    assert outcome.action == "exercise" and outcome.crisis.is_exercise and outcome.crisis != real_crisis
    assert "never changes a real crisis" in outcome.message


def test_an_exercise_cancel_never_closes_an_actual_crisis(real_crisis):
    (outcome,) = apply(alert_xml("SIM-3", status="Exercise", msg_type="Cancel", references=ORIGINAL))
    _unchanged(real_crisis)
    assert outcome.action == "rejected" and "never changes a real crisis" in outcome.message


@pytest.mark.parametrize("msg_type", ["Update", "Cancel"])
def test_a_test_update_or_cancel_is_ignored(real_crisis, msg_type):
    (outcome,) = apply(alert_xml("TEST-2", status="Test", msg_type=msg_type, references=ORIGINAL))
    _unchanged(real_crisis)
    assert outcome.action == "ignored"


def test_another_senders_cancel_does_not_close_the_crisis(real_crisis):
    (outcome,) = apply(alert_xml("X-9", sender="someone@example.org", msg_type="Cancel", references=ORIGINAL))
    _unchanged(real_crisis)
    assert outcome.action == "rejected" and "another sender's alert" in outcome.message


def test_another_senders_update_does_not_change_the_crisis(real_crisis):
    (outcome,) = apply(
        alert_xml("X-10", sender="someone@example.org", msg_type="Update", references=ORIGINAL, headline="Nada")
    )
    _unchanged(real_crisis)
    assert outcome.crisis != real_crisis and "another sender's alert" in outcome.message


def test_the_same_senders_update_and_cancel_still_apply(real_crisis):
    (update,) = apply(alert_xml("SMN-2", msg_type="Update", references=ORIGINAL, headline="Categoría 5"))
    assert update.action == "updated" and update.crisis == real_crisis
    (cancel,) = apply(
        alert_xml("SMN-3", msg_type="Cancel", references="smn@conagua.gob.mx,SMN-2,2026-10-24T09:00:00-06:00")
    )
    assert cancel.action == "cancelled" and Crisis.objects.get(pk=real_crisis.pk).phase == "closed"


# --- Values too long, too deep, out of range: refused on both databases, never a traceback -------


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"identifier": "X" * 256}, "<identifier> is 256 characters long (at most 255)"),
        ({"sender": "s" * 250 + "@example.org"}, "<sender> is 262 characters long (at most 255)"),
        ({"identifier": "two words"}, "contains a space, a comma"),
        ({"sent": "2026-10-24T09:00:00-06:00" + "0" * 60}, "<sent> is 85 characters long (at most 64)"),
        ({"sent": "2026-13-45T09:00:00-06:00"}, "is not a date-time with its time zone"),
        ({"sent": "2026-10-24T09:00:00"}, "is not a date-time with its time zone"),
        ({"sent": "0001-01-01T00:00:00+14:00"}, "is out of range (1970 to 2100)"),
        ({"sent": "9999-12-31T23:59:59-12:00"}, "is out of range (1970 to 2100)"),
        ({"polygon": "91.0,-100.0 16.5,-98.5 17.2,-98.5 91.0,-100.0"}, "is out of range"),
        ({"polygon": "16.5,-181.0 16.5,-98.5 17.2,-98.5 16.5,-181.0"}, "is out of range"),
        ({"polygon": "nan,-100.0 16.5,-98.5 17.2,-98.5 nan,-100.0"}, "is out of range"),
    ],
)
def test_values_over_the_columns_or_out_of_range_are_refused(db, fields, message):
    with pytest.raises(cap.InvalidCapAlert, match=message.replace("(", r"\(").replace(")", r"\)")):
        cap.load_bytes(alert_xml(**fields).encode())
    # In a feed: that entry is refused, and nothing reaches the database.
    outcomes = apply(alert_xml(**fields), alert_xml("OK-1"))
    assert [o.action for o in outcomes] == ["rejected", "created"]
    assert CapAlert.objects.get().identifier == "OK-1"


def test_a_message_built_past_the_parser_is_still_refused_cleanly(db):
    """import_alerts alone (a message not read by cap.py): the database's refusal is an outcome."""
    message = cap.load_bytes(alert_xml("OK-1").encode()).alerts[0]
    message.identifier = "Y" * 300
    message.sender = "s" * 300
    outcomes = import_alerts(actor=SYSTEM, messages=[message])
    from django.db import connection

    if connection.vendor == "postgresql":
        assert outcomes[0].action == "rejected" and "refused by the database" in outcomes[0].message
        assert not CapAlert.objects.exists() and not Crisis.objects.exists()
    else:  # SQLite stores long text as it is: no traceback either way
        assert outcomes[0].action == "created"


def test_deep_nesting_is_refused():
    deep = "<a>" * 200 + "</a>" * 200
    with pytest.raises(cap.InvalidCapAlert, match="nested more than 32 levels deep"):
        cap.load_bytes(f'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">{deep}</alert>'.encode())


def test_very_many_elements_are_refused():
    many = "<code>x</code>" * (cap.MAX_ELEMENTS + 1)
    with pytest.raises(cap.InvalidCapAlert, match="more than 200,000 elements"):
        cap.load_bytes(f'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">{many}</alert>'.encode())


# --- Fetching never reads Amparo's own network --------------------------------------------------


@pytest.fixture
def resolver(monkeypatch):
    """Host names resolved from a table (no DNS); records every name asked for."""
    table: dict[str, list[str]] = {}
    asked: list[str] = []

    def resolve(host, port):
        asked.append(host)
        return table.get(host, [host])

    monkeypatch.setattr(cap, "_resolve", resolve)
    return table, asked


@pytest.fixture
def no_connections(monkeypatch):
    attempts = []

    def connect(address, *args, **kwargs):
        attempts.append(address)
        raise ConnectionRefusedError("refused")

    monkeypatch.setattr(cap.socket, "create_connection", connect)
    return attempts


@pytest.mark.parametrize(
    "addresses",
    [
        ["127.0.0.1"],
        ["10.1.2.3"],
        ["192.168.0.10"],
        ["172.16.5.4"],
        ["169.254.169.254"],  # cloud metadata
        ["100.64.0.1"],  # shared address space
        ["0.0.0.0"],  # noqa: S104 (an address refused, not bound)
        ["::1"],
        ["fe80::1"],
        ["fd00::1"],
        ["::ffff:127.0.0.1"],
        ["240.0.0.1"],  # reserved
        ["93.184.216.34", "10.0.0.7"],  # one public, one private: refused
    ],
)
def test_private_and_reserved_addresses_are_not_fetched(resolver, no_connections, addresses):
    table, asked = resolver
    table["feeds.example.org"] = addresses
    with pytest.raises(cap.InvalidCapAlert) as refused:
        cap.fetch("http://feeds.example.org:8080/cap.xml")
    assert str(refused.value) == "http://feeds.example.org:8080/cap.xml: address not allowed"
    assert asked == ["feeds.example.org"] and no_connections == []


def test_the_refusal_is_the_same_whether_a_port_is_open_or_not(resolver, settings):
    """Nothing in the message tells an open internal port from a closed one."""
    server, url = _server({"/x": (200, {}, b"<alert/>")})
    try:
        port = server.server_address[1]
        messages = set()
        for target in (f"http://127.0.0.1:{port}/x", "http://127.0.0.1:9/x"):
            with pytest.raises(cap.InvalidCapAlert) as refused:
                cap.fetch(target)
            messages.add(str(refused.value).replace(target, "URL"))
        assert messages == {"URL: address not allowed"}
    finally:
        server.shutdown()


def test_a_public_address_is_fetched_and_a_redirect_to_a_private_one_is_refused(resolver, monkeypatch):
    table, asked = resolver
    server, base = _server(
        {
            "/feed.xml": (200, {}, alert_xml("OK-1").encode()),
            "/moved": (302, {"Location": "http://intranet.example.org/secret"}, b""),
        }
    )
    port = server.server_address[1]
    table["public.example.org"] = ["127.0.0.1"]
    table["intranet.example.org"] = ["10.0.0.5"]
    # Here 127.0.0.1 (the test server) plays a public address; 10.0.0.5 stays private.
    monkeypatch.setattr(cap, "address_allowed", lambda address: address == "127.0.0.1")
    try:
        assert b"OK-1" in cap.fetch(f"http://public.example.org:{port}/feed.xml")
        with pytest.raises(cap.InvalidCapAlert, match="address not allowed"):
            cap.fetch(f"http://public.example.org:{port}/moved")
        assert asked[-1] == "intranet.example.org"
    finally:
        server.shutdown()


def test_the_operator_may_allow_private_addresses(resolver, settings):
    settings.CAP_ALLOW_PRIVATE_ADDRESSES = True
    server, base = _server({"/feed.xml": (200, {}, alert_xml("OK-1").encode())})
    try:
        assert b"OK-1" in cap.fetch(f"{base}/feed.xml")
    finally:
        server.shutdown()


def test_the_url_form_refuses_an_internal_address(client, world, resolver, no_connections):
    resolver[0]["intranet.example.org"] = ["10.0.0.5"]
    client.force_login(world["officer"])
    response = client.post(reverse("crises:cap_import"), {"url": "http://intranet.example.org/cap"})
    assert response.status_code == 200 and "address not allowed" in response.content.decode()
    assert no_connections == [] and not CapFeed.objects.exists()


def _server(routes: dict[str, tuple[int, dict, bytes]]):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            status, headers, body = routes.get(self.path, (404, {}, b""))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
