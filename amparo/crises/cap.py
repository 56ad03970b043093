"""Reading CAP (Common Alerting Protocol) 1.1 and 1.2 alerts, alone or in Atom/RSS feeds.

Parsing goes through defusedxml: a DTD, an entity declaration or an external reference is refused
(entity bombs, XXE) before anything is read, and so is a document nested deeper than MAX_DEPTH or
holding more than MAX_ELEMENTS elements. Errors say what is wrong and where (`InvalidCapAlert`).
What the database stores is checked here, so PostgreSQL and SQLite refuse alike and never with a
traceback: identifiers and senders of at most 255 characters without spaces or commas (CAP 1.2
§3.2.1), `sent` a CAP date-time with its time zone between 1970 and 2100, positions in range, and
polygons that are valid areas (a ring whose edges cross is refused, with where they cross).

Positions: CAP writes `lat,lon`; polygons become GeoJSON `[lon, lat]` rings; circles are
`lat,lon radius_km`. Geocodes that are ISO 3166-2 codes (or Mexican INEGI state codes) become
administrative areas; other geocode systems (SAME, FIPS, UGC) are kept as text only.

In a feed, each entry stands alone: an unreadable entry (or linked alert) is reported in
`CapBatch.rejected` and the others are read. Fetching (`fetch`) refuses hosts that resolve to
loopback, private, link-local or reserved addresses unless the operator allows them
(AMPARO_CAP_ALLOW_PRIVATE_ADDRESSES), on the first request and on every redirect.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element, ParseError, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings
from django.utils.dateparse import parse_datetime

from amparo.core import places
from amparo.crises import geo

CAP_NAMESPACES = (
    "urn:oasis:names:tc:emergency:cap:1.2",
    "urn:oasis:names:tc:emergency:cap:1.1",
    "http://www.incident.com/cap/1.0",
)
ATOM = "http://www.w3.org/2005/Atom"
MAX_BYTES = 10 * 1024 * 1024
MAX_LINKED_ALERTS = 50
MAX_DEPTH = 32  # an Atom feed embedding CAP is about 8 levels deep
MAX_ELEMENTS = 200_000
MAX_ID_LENGTH = 255  # CapAlert.sender and .identifier
MAX_SENT_LENGTH = 64  # CapAlert.sent
SENT_YEARS = (1970, 2100)
SUBDIVISION_RE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
# Mexico's INEGI state codes (CVE_ENT) → ISO 3166-2, as Mexican feeds use them.
INEGI_STATES = dict(
    zip(
        [f"{i:02d}" for i in range(1, 33)],
        [
            "AGU",
            "BCN",
            "BCS",
            "CAM",
            "COA",
            "COL",
            "CHP",
            "CHH",
            "CMX",
            "DUR",
            "GUA",
            "GRO",
            "HID",
            "JAL",
            "MEX",
            "MIC",
            "MOR",
            "NAY",
            "NLE",
            "OAX",
            "PUE",
            "QUE",
            "ROO",
            "SLP",
            "SIN",
            "SON",
            "TAB",
            "TAM",
            "TLA",
            "VER",
            "YUC",
            "ZAC",
        ],
        strict=True,
    )
)


class InvalidCapAlert(ValueError):
    """A file or message that is not a usable CAP alert (malformed, hostile, incomplete)."""


@dataclass
class CapArea:
    description: str = ""
    polygons: list[list[list[float]]] = field(default_factory=list)  # GeoJSON rings, [lon, lat]
    circles: list[tuple[float, float, float]] = field(default_factory=list)  # (lat, lon, radius_km)
    geocodes: list[tuple[str, str]] = field(default_factory=list)
    subdivisions: list[str] = field(default_factory=list)


@dataclass
class CapInfo:
    language: str = "en-US"
    categories: list[str] = field(default_factory=list)
    event: str = ""
    urgency: str = ""
    severity: str = ""
    certainty: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    onset: str = ""
    expires: str = ""
    areas: list[CapArea] = field(default_factory=list)


@dataclass
class CapMessage:
    identifier: str
    sender: str
    sent: str
    status: str
    msg_type: str
    scope: str = ""
    references: list[tuple[str, str, str]] = field(default_factory=list)
    infos: list[CapInfo] = field(default_factory=list)
    version: str = "1.2"
    xml: str = ""
    sent_at: datetime | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.sender, self.identifier, self.sent)

    def info_for(self, languages=("es", "en")) -> CapInfo | None:
        for wanted in languages:
            for info in self.infos:
                if info.language.lower().split("-")[0] == wanted:
                    return info
        return self.infos[0] if self.infos else None


@dataclass
class CapDocument:
    """What a file or URL held: alerts embedded in it, and links to alerts (feeds that link)."""

    alerts: list[CapMessage] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    kind: str = "alert"  # alert | atom | rss
    rejected: list[str] = field(default_factory=list)  # entries that could not be read, and why


@dataclass
class CapBatch:
    """The alerts read from a file or URL, and what could not be read ("feed entry 3: …"):
    one bad entry of a feed never keeps the others out."""

    alerts: list[CapMessage] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


# --- Parsing ------------------------------------------------------------------------------------


def parse_xml(data: bytes | str) -> Element:
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise InvalidCapAlert(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    if not data.strip():
        raise InvalidCapAlert("the file is empty")
    try:
        events = iterparse(
            BytesIO(data), events=("start", "end"), forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        depth = count = 0
        for event, _element in events:
            if event == "end":
                depth -= 1
                continue
            depth += 1
            count += 1
            if depth > MAX_DEPTH:
                raise InvalidCapAlert(f"refused: the XML is nested more than {MAX_DEPTH} levels deep")
            if count > MAX_ELEMENTS:
                raise InvalidCapAlert(f"refused: the XML holds more than {MAX_ELEMENTS:,} elements")
        return events.root
    except DefusedXmlException as exc:
        raise InvalidCapAlert(
            f"refused: the XML declares a DTD, entities or external references ({type(exc).__name__}); "
            "CAP alerts never need them"
        ) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise InvalidCapAlert(f"malformed XML at line {line}, column {column + 1}: {exc}") from None


def _ns(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        uri, _sep, local = tag[1:].partition("}")
        return uri, local
    return "", tag


def parse_document(data: bytes | str, *, base_url: str = "") -> CapDocument:
    """A CAP alert, or an Atom/RSS feed embedding or linking CAP alerts."""
    root = parse_xml(data)
    uri, local = _ns(root.tag)
    if local == "alert":
        return CapDocument(alerts=[parse_alert(root)], kind="alert")
    if local == "feed" and uri == ATOM:
        return _parse_feed(root, entries=root.findall(f"{{{ATOM}}}entry"), kind="atom", base_url=base_url)
    if local == "rss":
        return _parse_feed(root, entries=root.findall("channel/item"), kind="rss", base_url=base_url)
    raise InvalidCapAlert(f"not a CAP alert or a feed: the document starts with <{local}>")


def _parse_feed(root: Element, *, entries: list[Element], kind: str, base_url: str) -> CapDocument:
    doc = CapDocument(kind=kind)
    for n, entry in enumerate(entries, 1):
        embedded = [el for el in entry.iter() if _ns(el.tag)[1] == "alert" and _ns(el.tag)[0] in CAP_NAMESPACES]
        if embedded:
            for el in embedded:
                try:
                    doc.alerts.append(parse_alert(el))
                except InvalidCapAlert as exc:
                    doc.rejected.append(f"feed entry {n}: {exc}")  # the next entries are still read
            continue
        link = _entry_link(entry, kind)
        if link:
            doc.links.append(urljoin(base_url, link))
    return doc


def _entry_link(entry: Element, kind: str) -> str:
    if kind == "atom":
        links = entry.findall(f"{{{ATOM}}}link")
        for link in links:  # prefer a link typed as CAP
            if "cap" in (link.get("type") or "").lower():
                return link.get("href", "")
        for link in links:
            if link.get("rel", "alternate") in ("alternate", "related", "enclosure"):
                return link.get("href", "")
        return ""
    enclosure = entry.find("enclosure")
    if enclosure is not None and enclosure.get("url"):
        return enclosure.get("url")
    link = entry.find("link")
    return (link.text or "").strip() if link is not None else ""


def parse_alert(el: Element) -> CapMessage:
    uri, local = _ns(el.tag)
    if local != "alert" or uri not in CAP_NAMESPACES:
        raise InvalidCapAlert(f"<{local}> in namespace '{uri}' is not a CAP 1.1 or 1.2 alert")
    version = {CAP_NAMESPACES[0]: "1.2", CAP_NAMESPACES[1]: "1.1"}.get(uri, "1.0")

    def text(parent: Element, name: str) -> str:
        child = parent.find(f"{{{uri}}}{name}")
        return (child.text or "").strip() if child is not None else ""

    message = CapMessage(
        identifier=text(el, "identifier"),
        sender=text(el, "sender"),
        sent=text(el, "sent"),
        status=text(el, "status"),
        msg_type=text(el, "msgType"),
        scope=text(el, "scope"),
        version=version,
        xml=tostring(el, encoding="unicode"),
    )
    missing = [name for name in ("identifier", "sender", "sent", "status", "msgType") if not text(el, name)]
    if missing:
        raise InvalidCapAlert(
            f"alert {_shown(message.identifier) or '(no identifier)'}: missing <{'>, <'.join(missing)}>"
        )
    _check_identity(message)
    if message.status not in ("Actual", "Exercise", "System", "Test", "Draft"):
        raise InvalidCapAlert(f"alert {message.identifier}: unknown <status> {message.status!r}")
    if message.msg_type not in ("Alert", "Update", "Cancel", "Ack", "Error"):
        raise InvalidCapAlert(f"alert {message.identifier}: unknown <msgType> {message.msg_type!r}")
    for ref in text(el, "references").split():
        parts = ref.split(",")
        if len(parts) != 3:
            raise InvalidCapAlert(
                f"alert {message.identifier}: <references> entry {_shown(ref)!r} is not sender,identifier,sent"
            )
        message.references.append((parts[0], parts[1], parts[2]))
    for i, info_el in enumerate(el.findall(f"{{{uri}}}info"), 1):
        info = CapInfo(
            language=text(info_el, "language") or "en-US",
            categories=[(c.text or "").strip() for c in info_el.findall(f"{{{uri}}}category")],
            event=text(info_el, "event"),
            urgency=text(info_el, "urgency"),
            severity=text(info_el, "severity"),
            certainty=text(info_el, "certainty"),
            headline=text(info_el, "headline"),
            description=text(info_el, "description"),
            instruction=text(info_el, "instruction"),
            onset=text(info_el, "onset") or text(info_el, "effective"),
            expires=text(info_el, "expires"),
        )
        for j, area_el in enumerate(info_el.findall(f"{{{uri}}}area"), 1):
            where = f"alert {message.identifier}, info {i}, area {j}"
            info.areas.append(_parse_area(area_el, uri, where, f"area {j} of alert {message.identifier}"))
        message.infos.append(info)
    return message


def _shown(value: str, limit: int = 80) -> str:
    """A value from the file, cut short for an error message."""
    return value if len(value) <= limit else value[:limit] + "…"


def _check_identity(message: CapMessage) -> None:
    """What identifies a message (sender, identifier, sent) fits its columns and reads back the same."""
    for name, value in (("identifier", message.identifier), ("sender", message.sender)):
        if len(value) > MAX_ID_LENGTH:
            raise InvalidCapAlert(
                f"alert {_shown(message.identifier)}: <{name}> is {len(value):,} characters long "
                f"(at most {MAX_ID_LENGTH})"
            )
        if any(c.isspace() or c in ",<&" for c in value):
            raise InvalidCapAlert(
                f"alert {_shown(message.identifier)}: <{name}> {_shown(value)!r} contains a space, a comma, "
                "'<' or '&' (CAP forbids them)"
            )
    message.sent_at = parse_cap_datetime(message.sent, f"alert {_shown(message.identifier)}: <sent>")


def parse_cap_datetime(value: str, where: str) -> datetime:
    """A CAP date-time ("2026-10-24T09:00:00-06:00": with its time zone) within SENT_YEARS."""
    if len(value) > MAX_SENT_LENGTH:
        raise InvalidCapAlert(f"{where} is {len(value):,} characters long (at most {MAX_SENT_LENGTH})")
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidCapAlert(
            f"{where} {_shown(value)!r} is not a date-time with its time zone, like 2026-10-24T09:00:00-06:00"
        )
    if not (SENT_YEARS[0] <= moment.year <= SENT_YEARS[1]):
        raise InvalidCapAlert(f"{where} {_shown(value)!r} is out of range ({SENT_YEARS[0]} to {SENT_YEARS[1]})")
    return moment


def _parse_area(area_el: Element, uri: str, where: str, name: str) -> CapArea:
    area = CapArea(description=(area_el.findtext(f"{{{uri}}}areaDesc") or "").strip())
    for k, poly in enumerate(area_el.findall(f"{{{uri}}}polygon"), 1):
        ring = parse_polygon(poly.text or "", f"{where}, polygon {k}")
        problem = geo.ring_problem(ring)
        if problem:
            raise InvalidCapAlert(f"{name}: {problem}")
        area.polygons.append(ring)
    for k, circle in enumerate(area_el.findall(f"{{{uri}}}circle"), 1):
        area.circles.append(parse_circle(circle.text or "", f"{where}, circle {k}"))
    for geocode in area_el.findall(f"{{{uri}}}geocode"):
        name = (geocode.findtext(f"{{{uri}}}valueName") or "").strip()
        value = (geocode.findtext(f"{{{uri}}}value") or "").strip()
        if not value:
            continue
        area.geocodes.append((name, value))
        code = subdivision_from_geocode(name, value)
        if code and code not in area.subdivisions:
            area.subdivisions.append(code)
    return area


def _point(pair: str, where: str) -> tuple[float, float]:
    try:
        lat_text, lon_text = pair.split(",")
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise InvalidCapAlert(f"{where}: {_shown(pair)!r} is not a 'latitude,longitude' pair") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidCapAlert(f"{where}: {_shown(pair)!r} is out of range (CAP writes latitude first)")
    return lat, lon


def parse_polygon(text: str, where: str = "polygon") -> list[list[float]]:
    """CAP `lat,lon lat,lon …` (closed, ≥ 4 pairs) → a GeoJSON ring of [lon, lat]."""
    pairs = text.split()
    points = [_point(p, where) for p in pairs]
    if len(points) < 4:
        raise InvalidCapAlert(f"{where}: a polygon needs at least 4 pairs (first = last), got {len(points)}")
    if points[0] != points[-1]:
        raise InvalidCapAlert(f"{where}: the polygon is not closed (the first and last pairs differ)")
    return [[lon, lat] for lat, lon in points]


def parse_circle(text: str, where: str = "circle") -> tuple[float, float, float]:
    """CAP `lat,lon radius_km` → (lat, lon, radius_km)."""
    parts = text.split()
    if len(parts) != 2:
        raise InvalidCapAlert(f"{where}: {text.strip()!r} is not 'latitude,longitude radius'")
    lat, lon = _point(parts[0], where)
    try:
        radius = float(parts[1])
    except ValueError:
        raise InvalidCapAlert(f"{where}: radius {_shown(parts[1])!r} is not a number of kilometres") from None
    if not (0 <= radius <= 5000):
        raise InvalidCapAlert(f"{where}: radius {radius} km is out of range (0 to 5,000)")
    return lat, lon, radius


def subdivision_from_geocode(name: str, value: str) -> str:
    """An ISO 3166-2 code from a CAP geocode, when it is one (or a Mexican INEGI state code)."""
    value_up = value.strip().upper()
    name_up = name.strip().upper().replace("_", "-").replace(" ", "")
    if (
        SUBDIVISION_RE.match(value_up)
        and (name_up.startswith("ISO3166") or not name_up or name_up in {"SUBDIVISION", "ISO"})
        and places.is_subdivision_code(value_up)  # an unknown code stays a geocode, as text
    ):
        return value_up
    if name_up in {"INEGI", "CVE-ENT", "CVEENT", "INEGI-ENT"} and value_up.zfill(2) in INEGI_STATES:
        return f"MX-{INEGI_STATES[value_up.zfill(2)]}"
    return ""


# --- Fetching -----------------------------------------------------------------------------------
# A URL given by a user, or named in a feed, must not make Amparo read its own network: every
# address the host resolves to is checked before connecting (the connection then goes to the
# checked address, so a second resolution cannot swap it), on each redirect too. The refusal
# says "address not allowed" and nothing about what listens there.


class AddressNotAllowed(OSError):
    """The host resolves to an address Amparo does not fetch from."""


def _resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (tests replace this)."""
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def address_allowed(address: str) -> bool:
    """A public unicast address (not loopback, private, link-local, shared, reserved, multicast)."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _connect(address: tuple[str, int], timeout, source_address=None) -> socket.socket:
    host, port = address
    addresses = _resolve(host, port)
    if not addresses:
        raise AddressNotAllowed("address not allowed")
    if not getattr(settings, "CAP_ALLOW_PRIVATE_ADDRESSES", False) and not all(map(address_allowed, addresses)):
        raise AddressNotAllowed("address not allowed")
    error: OSError | None = None
    for ip in addresses:
        try:
            return socket.create_connection((ip, port), timeout, source_address)
        except OSError as exc:
            error = exc
    raise error or OSError("no address")


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise urllib.error.URLError("redirected to a URL that is not http or https")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    """http and https only, no proxy from the environment, every connection checked."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        _CheckedHTTPHandler(),
        _CheckedHTTPSHandler(),
        _RedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.UnknownHandler(),
    ):
        opener.add_handler(handler)
    return opener


def fetch(url: str, *, timeout: float = 20.0) -> bytes:
    """GET an http(s) URL, at most MAX_BYTES. Raises InvalidCapAlert with the reason."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidCapAlert(f"{url}: only http and https URLs are read")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, headers={"User-Agent": "Amparo CAP reader", "Accept": "application/cap+xml, application/xml, */*"}
    )
    try:
        with _opener().open(request, timeout=timeout) as response:
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise InvalidCapAlert(f"{url}: could not be read (HTTP {exc.code})") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, AddressNotAllowed):
            raise InvalidCapAlert(f"{url}: address not allowed") from None
        raise InvalidCapAlert(f"{url}: could not be read ({exc.reason})") from None
    except AddressNotAllowed:
        raise InvalidCapAlert(f"{url}: address not allowed") from None
    except (OSError, http.client.HTTPException) as exc:
        raise InvalidCapAlert(f"{url}: could not be read ({exc})") from None
    if len(data) > MAX_BYTES:
        raise InvalidCapAlert(f"{url}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    return data


def load_bytes(data: bytes, *, fetch_links: bool = True) -> CapBatch:
    """Every alert in a file: an alert, or a feed (following its links to alerts)."""
    return _collect(parse_document(data), fetch_links=fetch_links)


def load_url(url: str) -> CapBatch:
    """Every alert at a URL: an alert, or a feed that embeds or links alerts."""
    return _collect(parse_document(fetch(url), base_url=url), fetch_links=True)


def _collect(doc: CapDocument, *, fetch_links: bool) -> CapBatch:
    batch = CapBatch(alerts=list(doc.alerts), rejected=list(doc.rejected))
    if fetch_links:
        for link in doc.links[:MAX_LINKED_ALERTS]:
            try:
                linked = parse_document(fetch(link), base_url=link)
            except InvalidCapAlert as exc:
                batch.rejected.append(f"{link}: {exc}" if not str(exc).startswith(link) else str(exc))
                continue
            batch.alerts.extend(linked.alerts)
            batch.rejected.extend(f"{link}: {why}" for why in linked.rejected)
    return batch
