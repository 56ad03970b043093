"""One-time codes sent by SMS: issue, check, rate-limit; nothing here reveals whether a number is
known to the registry.

- A code is 6 digits, valid for PORTAL_CODE_MINUTES (10), tried at most PORTAL_CODE_ATTEMPTS (5)
  times, used once. Only keyed hashes of the phone and the code are stored.
- Limits per phone and per address (PORTAL_CODES_PER_PHONE per hour, PORTAL_CODES_PER_ADDRESS per
  hour) are counted from the PhoneCode rows themselves, so they hold across processes and restarts.
- The page that asks for a number always says the same thing ("if this number can receive SMS,
  we sent a code"); whether an SMS really goes out (my-data codes only go to known numbers, so
  nobody can spend the organization's SMS budget on random numbers) is decided here, silently.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from amparo.portal.models import PhoneCode

logger = logging.getLogger("amparo.portal.codes")


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _keyed_hash(*parts: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, "|".join(parts).encode(), hashlib.sha256).hexdigest()


def phone_hash(phone: str) -> str:
    return _keyed_hash("phone", phone)


def address_hash(address: str) -> str:
    return _keyed_hash("address", address or "")


def _code_hash(code_id: int, purpose: str, phone: str, code: str) -> str:
    return _keyed_hash("code", str(code_id), purpose, phone, code)


@dataclass(frozen=True)
class Issued:
    code: PhoneCode | None  # None when a limit was reached (the page says the same either way)
    secret: str  # the digits, to send; never stored


def limited(*, phone: str, address: str) -> bool:
    """Whether another code may not be sent now to this phone or from this address."""
    hour_ago = timezone.now() - timedelta(hours=1)
    by_phone = PhoneCode.objects.filter(phone_hash=phone_hash(phone), created_at__gte=hour_ago).count()
    by_address = PhoneCode.objects.filter(address_hash=address_hash(address), created_at__gte=hour_ago).count()
    return by_phone >= _setting("PORTAL_CODES_PER_PHONE", 3) or by_address >= _setting("PORTAL_CODES_PER_ADDRESS", 10)


@transaction.atomic
def issue(*, purpose: str, phone: str, address: str) -> Issued:
    """A new code for `phone` (E.164), or none when a rate limit says no. Earlier unused codes of
    the same phone and purpose stop working: only the newest SMS counts."""
    if limited(phone=phone, address=address):
        logger.info("portal code refused by rate limit (%s)", purpose)
        return Issued(None, "")
    now = timezone.now()
    digest = phone_hash(phone)
    PhoneCode.objects.filter(phone_hash=digest, purpose=purpose, used_at__isnull=True).update(used_at=now)
    secret = f"{secrets.randbelow(10**6):06d}"
    row = PhoneCode.objects.create(
        purpose=purpose,
        phone_hash=digest,
        code_hash="-",
        created_at=now,
        expires_at=now + timedelta(minutes=_setting("PORTAL_CODE_MINUTES", 10)),
        address_hash=address_hash(address),
    )
    row.code_hash = _code_hash(row.pk, purpose, phone, secret)
    row.save(update_fields=["code_hash"])
    return Issued(row, secret)


class CodeRejected(Exception):  # noqa: N818 (a refusal shown to the person)
    pass


def verify(*, purpose: str, phone: str, code: str) -> PhoneCode:
    """Accept the newest live code for this phone and purpose, or raise CodeRejected. Every wrong
    try counts; after the last allowed try the code is dead even if the next guess is right."""
    row, reason = _check(purpose, phone, code)
    if reason:
        raise CodeRejected(reason)  # raised after the transaction, so the counted try is kept
    return row


@transaction.atomic
def _check(purpose: str, phone: str, code: str) -> tuple[PhoneCode | None, str]:
    now = timezone.now()
    row = (
        PhoneCode.objects.select_for_update()
        .filter(phone_hash=phone_hash(phone), purpose=purpose, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None:
        return None, "expired"
    allowed = _setting("PORTAL_CODE_ATTEMPTS", 5)
    row.attempts += 1
    right = hmac.compare_digest(
        row.code_hash, _code_hash(row.pk, purpose, phone, "".join(filter(str.isdigit, code or "")))
    )
    if right or row.attempts >= allowed:
        row.used_at = now
    row.save(update_fields=["attempts", "used_at"])
    return row, "" if right else "wrong"
