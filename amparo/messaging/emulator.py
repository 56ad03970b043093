"""A provider emulator for tests, benchmarks and offline demos: a small threaded HTTP server on
127.0.0.1 that speaks Twilio's Messages API and the generic HTTP gateway's JSON API, keeps its own
log of every message it accepted, and misbehaves on demand (429 with Retry-After, 5xx, slow
answers, dropped connections), once, in sequence, or at random ("storm").

    with ProviderEmulator() as emu:            # random free port
        channel.base_url = emu.url
        emu.fail_next("429", retry_after=1)     # the next request answers 429
        emu.storm(0.3, seed=1)                  # 30% of requests fail with 5xx or 429
        emu.accepted()                          # the log: what a provider would have sent
        emu.duplicates()                        # messages accepted more than once (must be [])
        emu.refuse_lookups = 501                # GET Messages.json answers 501 (or 403: no permission)

It also builds the signed webhooks a provider would send back (`status_callbacks`, `inbound`),
so tests post them to Amparo with the Django test client. Nothing here talks to the internet.
"""

from __future__ import annotations

import base64
import json
import random
import re
import secrets
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from amparo.messaging.channels import http_gateway
from amparo.messaging.channels.twilio import twilio_signature

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
TWILIO_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC[0-9a-f]{32})/Messages\.json$")


@dataclass
class Fault:
    kind: str  # "429", "500", "502", "503", "slow", "drop" (accept, then drop), "reset" (drop, not accepted)
    retry_after: float | None = None
    delay: float = 0.0


@dataclass
class Accepted:
    api: str
    id: str
    to: str
    sender: str
    body: str
    key: str
    status_callback: str
    at: float
    account: str = ""
    status: str = "queued"
    extra: dict = field(default_factory=dict)


class ProviderEmulator:
    def __init__(
        self,
        *,
        account_sid: str | None = None,
        auth_token: str | None = None,
        gateway_token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        self.account_sid = account_sid or "AC" + secrets.token_hex(16)
        self.auth_token = auth_token or secrets.token_hex(16)
        self.gateway_token = gateway_token or secrets.token_hex(16)
        self._lock = threading.Lock()
        self._log: list[Accepted] = []
        self._by_key: dict[str, Accepted] = {}
        self._faults: deque[Fault] = deque()
        self._storm: tuple[float, random.Random, tuple[str, ...]] | None = None
        self.permanent_failures: dict[str, int] = {}  # number -> Twilio error code
        # Answer every message lookup (GET Messages.json) with this status: 403 as for an API key
        # without list permission, 501 as a provider that does not implement listing.
        self.refuse_lookups: int | None = None
        self.requests = Counter()  # answers given, by status code or fault
        self._server = _Server((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # --- life cycle -----------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ProviderEmulator:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="provider-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ProviderEmulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- misbehaviour on demand ---------------------------------------------------------------
    def fail_next(self, kind: str, times: int = 1, *, retry_after: float | None = None, delay: float = 0.0) -> None:
        with self._lock:
            for _ in range(times):
                self._faults.append(Fault(kind, retry_after, delay))

    def storm(self, rate: float, *, seed: int = 0, kinds: tuple[str, ...] = ("500", "503", "429")) -> None:
        """From now on, `rate` of the requests fail with one of `kinds` (None to stop)."""
        with self._lock:
            self._storm = (rate, random.Random(seed), kinds) if rate else None

    def _next_fault(self) -> Fault | None:
        with self._lock:
            if self._faults:
                return self._faults.popleft()
            if self._storm:
                rate, rng, kinds = self._storm
                if rng.random() < rate:
                    kind = rng.choice(kinds)
                    return Fault(kind, retry_after=0.2 if kind == "429" else None)
        return None

    # --- the log --------------------------------------------------------------------------
    def accepted(self) -> list[Accepted]:
        with self._lock:
            return list(self._log)

    def duplicates(self) -> list[tuple[str, str]]:
        """(to, body) pairs the provider accepted more than once: messages a person got twice."""
        counts = Counter((m.to, m.body) for m in self.accepted())
        return [pair for pair, n in counts.items() if n > 1]

    def clear(self) -> None:
        with self._lock:
            self._log.clear()
            self._by_key.clear()
            self._faults.clear()
            self._storm = None
            self.requests.clear()

    def _accept(self, item: Accepted) -> Accepted:
        with self._lock:
            if item.key and item.key in self._by_key:
                return self._by_key[item.key]
            self._log.append(item)
            if item.key:
                self._by_key[item.key] = item
            return item

    # --- webhooks a provider would send back --------------------------------------------------
    def status_callbacks(self, *, status: str = "delivered", only=None) -> list[tuple[str, dict, dict]]:
        """Signed status callbacks for every accepted message that asked for one: a list of
        (url, form params or JSON dict, headers)."""
        out = []
        for item in self.accepted():
            if not item.status_callback or (only is not None and item.to not in only):
                continue
            if item.api == "twilio":
                params = {
                    "AccountSid": item.account,
                    "From": item.sender,
                    "MessageSid": item.id,
                    "SmsSid": item.id,
                    "MessageStatus": status,
                    "SmsStatus": status,
                    "To": item.to,
                    "ApiVersion": "2010-04-01",
                }
                if status in ("undelivered", "failed"):
                    params["ErrorCode"] = "30003"
                out.append((item.status_callback, params, self.twilio_headers(item.status_callback, params)))
            else:
                payload = {"id": item.id, "status": status, "reference": item.key}
                out.append((item.status_callback, payload, self.gateway_headers(payload)))
        return out

    def twilio_inbound(self, url: str, *, sender: str, body: str, to: str = "+15005550006") -> tuple[dict, dict]:
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": "2010-04-01",
            "Body": body,
            "From": sender,
            "MessageSid": "SM" + secrets.token_hex(16),
            "NumMedia": "0",
            "NumSegments": "1",
            "SmsStatus": "received",
            "To": to,
        }
        return params, self.twilio_headers(url, params)

    def gateway_inbound(self, *, sender: str, body: str, to: str = "") -> tuple[dict, dict]:
        payload = {"id": "gw-in-" + secrets.token_hex(8), "from": sender, "to": to, "text": body}
        return payload, self.gateway_headers(payload)

    def twilio_headers(self, url: str, params: dict) -> dict:
        return {"HTTP_X_TWILIO_SIGNATURE": twilio_signature(self.auth_token, url, params)}

    def gateway_headers(self, payload: dict) -> dict:
        return {"HTTP_X_SIGNATURE": http_gateway.sign(self.gateway_token, json.dumps(payload).encode())}

    # --- the HTTP side ----------------------------------------------------------------------
    def _handler(self):
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body leave at once, as a real server's do

            def log_message(self, *args):  # quiet
                pass

            def _reply(self, status: int, payload, headers: dict | None = None):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
                emulator.requests[status] += 1

            def _read(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _fault(self) -> Fault | None:
                fault = emulator._next_fault()
                if fault is None:
                    return None
                if fault.kind == "slow":
                    time.sleep(fault.delay or 2.0)
                    emulator.requests["slow"] += 1
                    return None
                return fault

            def _apply_error_fault(self, fault: Fault, twilio: bool) -> bool:
                """Answer an error fault; True when the request is finished."""
                if fault.kind == "reset":
                    emulator.requests["reset"] += 1
                    self.close_connection = True
                    return True
                if fault.kind in ("429", "500", "502", "503"):
                    status = int(fault.kind)
                    headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
                    if twilio:
                        code = 20429 if status == 429 else 20500
                        message = "Too Many Requests" if status == 429 else "Internal Server Error"
                        self._reply(status, _twilio_error(code, message, status), headers)
                    else:
                        self._reply(status, {"error": f"emulated {status}"}, headers)
                    return True
                return False

            def do_GET(self):
                parts = urlsplit(self.path)
                match = TWILIO_PATH.match(parts.path)
                if not match:
                    return self._reply(404, {"error": "not found"})
                if not self._twilio_auth(match.group("sid")):
                    return None
                if emulator.refuse_lookups is not None:
                    status = emulator.refuse_lookups
                    code = 20403 if status == 403 else 20000 + status
                    return self._reply(status, _twilio_error(code, "Listing messages is not allowed", status))
                to = parse_qs(parts.query).get("To", [""])[0]
                items = [m for m in emulator.accepted() if m.api == "twilio" and (not to or m.to == to)]
                items.reverse()
                size = int(parse_qs(parts.query).get("PageSize", ["50"])[0])
                page = [_twilio_resource(m) for m in items[:size]]
                uri = parts.path + ("?" + parts.query if parts.query else "")
                return self._reply(
                    200,
                    {
                        "messages": page,
                        "page": 0,
                        "page_size": size,
                        "start": 0,
                        "end": max(0, len(page) - 1),
                        "uri": uri,
                        "first_page_uri": uri,
                        "next_page_uri": None,
                        "previous_page_uri": None,
                    },
                )

            def do_POST(self):
                body = self._read()
                path = urlsplit(self.path).path
                match = TWILIO_PATH.match(path)
                if match:
                    return self._twilio_create(match.group("sid"), body)
                if path == "/gateway/messages":
                    return self._gateway_create(body)
                return self._reply(404, {"error": "not found"})

            def _twilio_auth(self, sid: str) -> bool:
                expected = (
                    "Basic " + base64.b64encode(f"{emulator.account_sid}:{emulator.auth_token}".encode()).decode()
                )
                if self.headers.get("Authorization") != expected or sid != emulator.account_sid:
                    self._reply(
                        401, _twilio_error(20003, "Authenticate", 401), {"WWW-Authenticate": 'Basic realm="Twilio API"'}
                    )
                    return False
                return True

            def _twilio_create(self, sid: str, raw: bytes):
                fault = self._fault()
                if fault and self._apply_error_fault(fault, twilio=True):
                    return None
                if not self._twilio_auth(sid):
                    return None
                form = {k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
                to, sender, text = form.get("To", ""), form.get("From", ""), form.get("Body", "")
                if not to:
                    return self._reply(400, _twilio_error(21604, "A 'To' phone number is required.", 400))
                if not sender:
                    return self._reply(400, _twilio_error(21603, "A 'From' phone number is required.", 400))
                if not text:
                    return self._reply(400, _twilio_error(21602, "Message body is required.", 400))
                number = to.removeprefix("whatsapp:")
                if not E164.match(number):
                    return self._reply(
                        400, _twilio_error(21211, f"The 'To' number {to} is not a valid phone number.", 400)
                    )
                if number in emulator.permanent_failures:
                    code = emulator.permanent_failures[number]
                    return self._reply(400, _twilio_error(code, f"Emulated permanent failure for {to}", 400))
                item = emulator._accept(
                    Accepted(
                        api="twilio",
                        id="SM" + secrets.token_hex(16),
                        to=to,
                        sender=sender,
                        body=text,
                        key="",
                        status_callback=form.get("StatusCallback", ""),
                        at=time.time(),
                        account=sid,
                    )
                )
                if fault and fault.kind == "drop":
                    emulator.requests["drop"] += 1
                    self.close_connection = True
                    return None
                return self._reply(201, _twilio_resource(item))

            def _gateway_create(self, raw: bytes):
                fault = self._fault()
                if fault and self._apply_error_fault(fault, twilio=False):
                    return None
                if self.headers.get("Authorization") != f"Bearer {emulator.gateway_token}":
                    return self._reply(401, {"error": "bad token"})
                try:
                    data = json.loads(raw or b"{}")
                except ValueError:
                    return self._reply(400, {"error": "body is not JSON"})
                to, text = str(data.get("to", "")), str(data.get("text", ""))
                if not to or not text:
                    return self._reply(400, {"error": "to and text are required", "code": "missing_field"})
                if to in emulator.permanent_failures:
                    return self._reply(400, {"error": "number not reachable", "code": "unreachable_number"})
                key = self.headers.get("Idempotency-Key", "")
                item = emulator._accept(
                    Accepted(
                        api="gateway",
                        id="gw-" + secrets.token_hex(10),
                        to=to,
                        sender=str(data.get("from", "")),
                        body=text,
                        key=key,
                        status_callback=str(data.get("callback_url", "")),
                        at=time.time(),
                    )
                )
                if fault and fault.kind == "drop":
                    emulator.requests["drop"] += 1
                    self.close_connection = True
                    return None
                return self._reply(201, {"id": item.id, "status": "accepted"})

        return Handler


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A client that vanishes (a killed worker) is part of the game: no traceback."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _twilio_error(code: int, message: str, status: int) -> dict:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _twilio_resource(item: Accepted) -> dict:
    created = formatdate(item.at, usegmt=True)
    uri = f"/2010-04-01/Accounts/{item.account}/Messages/{item.id}.json"
    return {
        "account_sid": item.account,
        "api_version": "2010-04-01",
        "body": item.body,
        "date_created": created,
        "date_sent": None,
        "date_updated": created,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": item.sender,
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": item.id,
        "status": item.status,
        "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
        "to": item.to,
        "uri": uri,
    }
