"""What the portal keeps between steps, in the server-side session (never in a URL): the step
waiting for its one-time code, and the phone the person proved they hold, for a short time."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

PENDING = "portal_pending"
VERIFIED = "portal_verified"


def _minutes() -> int:
    return int(getattr(settings, "PORTAL_SESSION_MINUTES", 15))


def start(request, *, purpose: str, phone: str, payload: dict | None = None) -> None:
    request.session[PENDING] = {
        "purpose": purpose, "phone": phone, "payload": payload or {}, "at": timezone.now().isoformat()
    }  # fmt: skip


def pending(request, purpose: str) -> dict | None:
    data = request.session.get(PENDING)
    if not data or data.get("purpose") != purpose or _expired(data.get("at")):
        return None
    return data


def verified(request, *, purpose: str, phone: str) -> None:
    """The person entered the right code: the phone is theirs for the next few minutes."""
    request.session.cycle_key()  # a new session id once the person proved something
    request.session.pop(PENDING, None)
    request.session[VERIFIED] = {"purpose": purpose, "phone": phone, "at": timezone.now().isoformat()}


def verified_phone(request, *purposes: str) -> str | None:
    data = request.session.get(VERIFIED)
    if not data or (purposes and data.get("purpose") not in purposes) or _expired(data.get("at")):
        return None
    return data["phone"]


def end(request) -> None:
    request.session.pop(PENDING, None)
    request.session.pop(VERIFIED, None)


def _expired(at: str | None) -> bool:
    moment = parse_datetime(at or "")
    return moment is None or timezone.now() - moment > timedelta(minutes=_minutes())
