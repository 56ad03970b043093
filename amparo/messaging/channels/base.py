"""The adapter interface and the plain data that crosses it.

An adapter never touches the database: the dispatcher gives it an `Outgoing` and records what
comes back; the webhook view gives it a `WebhookRequest` and acts on the `Receipt` or `Inbound`.

Errors: `SendError(transient=..., uncertain=..., retry_after=...)`. `transient` errors (429, 5xx,
timeouts, refused connections) are retried with backoff; the others are permanent. `uncertain`
means the provider may have accepted the message although we got no answer (timeout after the
request was written, connection dropped): the dispatcher then follows the adapter's
`on_uncertain` policy before any new attempt (see docs/messaging.md, "Exactly once").
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings


@dataclass(frozen=True)
class Outgoing:
    key: str  # idempotency key, stable across attempts of the same message
    kind: str  # sms, whatsapp, email
    to: str
    body: str
    subject: str = ""
    status_callback: str = ""


@dataclass(frozen=True)
class SendResult:
    provider_id: str
    status: str = "sent"


class SendError(Exception):
    def __init__(
        self,
        code: str,
        detail: str = "",
        *,
        transient: bool,
        uncertain: bool = False,
        retry_after: float | None = None,
    ):
        super().__init__(f"{code}: {detail}")
        self.code = str(code)[:40]
        self.detail = detail[:300]
        self.transient = transient
        self.uncertain = uncertain
        self.retry_after = retry_after


@dataclass(frozen=True)
class Receipt:
    provider_id: str
    status: str  # one of MessageStatus: sent, delivered, read, failed
    error_code: str = ""


@dataclass(frozen=True)
class Inbound:
    from_address: str
    to_address: str
    body: str
    provider_id: str = ""


@dataclass
class WebhookRequest:
    """A webhook as the provider signed it: the full public URL, headers (lower-case names), raw
    body and, for form posts, the decoded parameters."""

    url: str
    headers: dict[str, str]
    body: bytes
    form: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def channel_secret(channel) -> str:
    """The channel's secret from the environment (NAME or NAME_FILE) or settings.MESSAGING_SECRETS;
    empty when unset (signed webhooks are then refused and sending fails with a clear error)."""
    name = channel.secret_name
    if not name:
        return ""
    path = os.environ.get(f"{name}_FILE")
    if path:
        with open(path, encoding="utf-8") as fh:
            return fh.read().strip()
    if name in os.environ:
        return os.environ[name]
    return getattr(settings, "MESSAGING_SECRETS", {}).get(name, "")


def hmac_hex(secret: str, payload: bytes, digest=hashlib.sha256) -> str:
    return hmac.new(secret.encode(), payload, digest).hexdigest()


class ChannelAdapter:
    """Base class: subclasses implement `send`, and the webhook parsers their provider offers."""

    # What to do before retrying a message whose last attempt may have reached the provider:
    # "resend" (the provider deduplicates by our key, or a duplicate is harmless and detectable),
    # "lookup" (ask the provider whether it has the message), "give_up" (fail it for staff review).
    on_uncertain = "resend"

    def __init__(self, channel):
        self.channel = channel
        self.options = channel.options or {}
        self.secret = channel_secret(channel)

    @property
    def timeout(self) -> float:
        return float(self.options.get("timeout", 10))

    def send(self, message: Outgoing) -> SendResult:
        raise NotImplementedError

    def lookup(self, message: Outgoing, since: datetime) -> SendResult | None:
        return None

    def verify_signature(self, request: WebhookRequest) -> bool:
        return False

    def parse_receipt(self, request: WebhookRequest) -> Receipt | None:
        return None

    def parse_inbound(self, request: WebhookRequest) -> Inbound | None:
        return None

    def webhook_response(self) -> tuple[str, str]:
        """What the provider expects back from a webhook (body, content type)."""
        return "", "text/plain"

    def close(self) -> None:
        """Release connections held across a batch."""
