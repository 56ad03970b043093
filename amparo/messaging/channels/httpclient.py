"""A small HTTP client on the standard library (one kept-alive connection per thread and host)
that turns every failure into a SendError with the right transient/uncertain flags, so each
adapter does not repeat this. Redirects are not followed."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from amparo.messaging.channels.base import SendError


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        try:
            return json.loads(self.body or b"{}")
        except ValueError:
            return {}


_pool = threading.local()


def _connection(scheme: str, netloc: str, timeout: float) -> tuple[http.client.HTTPConnection, bool]:
    """A kept-alive connection for this thread (and whether it is fresh)."""
    conns = getattr(_pool, "conns", None)
    if conns is None:
        conns = _pool.conns = {}
    conn = conns.get((scheme, netloc))
    if conn is not None and conn.sock is not None:
        conn.sock.settimeout(timeout)
        return conn, False
    cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    conn = cls(netloc, timeout=timeout)
    conns[(scheme, netloc)] = conn
    return conn, True


def _drop(scheme: str, netloc: str) -> None:
    conn = getattr(_pool, "conns", {}).pop((scheme, netloc), None)
    if conn is not None:
        conn.close()


def request(method: str, url: str, *, data: bytes | None = None, headers: dict | None = None, timeout: float = 10):
    """Perform one request on a kept-alive connection. Connection refused: transient and certain
    (nothing was sent). Timeout or dropped connection once the request was written: transient and
    uncertain (the provider may have accepted it)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SendError("config", f"not an http(s) address: {url!r}", transient=False)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    conn, fresh = _connection(parts.scheme, parts.netloc, timeout)
    if fresh:
        try:
            conn.connect()
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (ConnectionRefusedError, socket.gaierror) as exc:
            _drop(parts.scheme, parts.netloc)
            raise SendError("unreachable", str(exc), transient=True) from exc
        except (TimeoutError, OSError) as exc:
            _drop(parts.scheme, parts.netloc)
            raise SendError("unreachable", f"cannot connect: {exc}", transient=True) from exc
    try:
        conn.request(method, path, body=data, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
    except TimeoutError as exc:
        _drop(parts.scheme, parts.netloc)
        raise SendError("timeout", "no answer in time", transient=True, uncertain=True) from exc
    except (http.client.HTTPException, OSError) as exc:
        _drop(parts.scheme, parts.netloc)
        raise SendError("dropped", f"connection dropped: {exc!r}", transient=True, uncertain=True) from exc
    response = Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body)
    if resp.will_close:
        _drop(parts.scheme, parts.netloc)
    return response


def retry_after(resp: Response) -> float | None:
    value = resp.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def raise_for_status(resp: Response, code: str = "", detail: str = "") -> None:
    """429 and 5xx are transient (with Retry-After when given); other 4xx are permanent, except
    401/403, which usually mean a rotated credential: retried until staff fix the channel."""
    if resp.status < 400:
        return
    code = code or str(resp.status)
    detail = detail or resp.body[:200].decode("utf-8", "replace")
    if resp.status == 429:
        raise SendError(code, detail or "rate limited", transient=True, retry_after=retry_after(resp))
    if resp.status >= 500:
        raise SendError(code, detail, transient=True, retry_after=retry_after(resp))
    if resp.status in (401, 403):
        raise SendError(code or "auth", f"the provider refused our credentials: {detail}", transient=True)
    raise SendError(code, detail, transient=False)


def raise_for_lookup(resp: Response, code: str = "", detail: str = "") -> None:
    """For a lookup ("did you accept this message?"): a provider that refuses to answer (403: no
    permission to list, 404/405, 501: not implemented, other 4xx) will not answer on a retry
    either, so that is permanent; 401 (a rotated credential), 408, 429 and other 5xx are retried."""
    if resp.status < 400:
        return
    if resp.status == 501 or (400 <= resp.status < 500 and resp.status not in (401, 408, 429)):
        code = code or str(resp.status)
        detail = detail or resp.body[:200].decode("utf-8", "replace")
        raise SendError(code, detail, transient=False)
    raise_for_status(resp, code=code, detail=detail)
