"""The address a request came from, read the only safe way behind a proxy.

Behind the TLS proxy of docs/operators.md every request reaches Amparo from the proxy's address;
the client's is in X-Forwarded-For, which anyone can also write. So the header is believed only
when the request comes from a proxy the operator named (settings.TRUSTED_PROXIES, addresses or
networks), and only its entries added by trusted proxies: reading it from the right, the first
address that is not a trusted proxy is the client. Without trusted proxies, REMOTE_ADDR is it.

Used by the sign-in lock-out (django-axes: AXES_CLIENT_IP_CALLABLE), the audit log and rate limits,
so the lock-out counts failures per user name *and* client address: an attacker cannot lock a user
out for everyone behind the same proxy.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return any(address.version == n.version and address in n for n in networks)


def client_ip(request) -> str | None:
    remote = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        return None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(remote, networks):
        return str(remote)
    forwarded = [_parse(part) for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed(forwarded):
        if address is None:
            break  # a malformed entry: nothing left of it can be believed
        if not _trusted(address, networks):
            return str(address)
    return str(remote)
