"""A small HTTP client on the standard library that turns every failure into a SendError with
the right transient/uncertain flags (so each adapter does not repeat this)."""

from __future__ import annotations

import http.client
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass

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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def request(method: str, url: str, *, data: bytes | None = None, headers: dict | None = None, timeout: float = 10):
    """Perform one request. Connection refused: transient and certain (nothing was sent).
    Timeout or dropped connection once the request was written: transient and uncertain."""
    if not url.startswith(("http://", "https://")):
        raise SendError("config", f"not an http(s) address: {url!r}", transient=False)
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)  # noqa: S310
    try:
        with _opener.open(req, timeout=timeout) as resp:
            return Response(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as exc:
        return Response(exc.code, {k.lower(): v for k, v in (exc.headers or {}).items()}, exc.read() or b"")
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ConnectionRefusedError | socket.gaierror):
            raise SendError("unreachable", str(reason), transient=True) from exc
        if isinstance(reason, TimeoutError | socket.timeout):
            raise SendError("timeout", str(reason), transient=True, uncertain=True) from exc
        raise SendError("network", str(reason), transient=True, uncertain=True) from exc
    except TimeoutError as exc:
        raise SendError("timeout", "no answer in time", transient=True, uncertain=True) from exc
    except (http.client.RemoteDisconnected, ConnectionResetError, http.client.IncompleteRead, OSError) as exc:
        raise SendError("dropped", f"connection dropped: {exc}", transient=True, uncertain=True) from exc


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
