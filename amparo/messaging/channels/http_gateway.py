"""A configurable HTTP gateway for local SMS/WhatsApp providers (JSON over HTTPS).

Outbound: POST {base_url}{path} (path: options["path"], default "/messages") with
`{"reference", "channel", "to", "from", "text", "callback_url"}`, `Authorization: Bearer <secret>`
and `Idempotency-Key: <message key>`; a 200/201/202 answer carries the provider's `id`. The
gateway must deduplicate on the key (options["idempotent"], default true): a message that may
have been sent is then simply sent again with the same key.

Webhooks (delivery receipts `{"id", "status", "error"}` and inbound messages `{"id", "from",
"to", "text"}`) are signed: header X-Signature (options["signature_header"]) is
`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the secret>`; older than five
minutes is refused (replay).
"""

from __future__ import annotations

import hmac
import json
import time

from amparo.messaging.channels import httpclient
from amparo.messaging.channels.base import ChannelAdapter, Inbound, Outgoing, Receipt, SendError, SendResult, hmac_hex

SIGNATURE_TOLERANCE_S = 300
RECEIPT_STATUS = {"sent": "sent", "delivered": "delivered", "read": "read", "failed": "failed", "undelivered": "failed"}


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={hmac_hex(secret, str(timestamp).encode() + b'.' + body)}"


def verify(secret: str, header: str, body: bytes, *, now: float | None = None) -> bool:
    if not secret or not header:
        return False
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs((now or time.time()) - timestamp) > SIGNATURE_TOLERANCE_S:
        return False
    expected = hmac_hex(secret, str(timestamp).encode() + b"." + body)
    return hmac.compare_digest(parts.get("v1", ""), expected)


class HttpGatewayAdapter(ChannelAdapter):
    @property
    def on_uncertain(self) -> str:  # type: ignore[override]
        return "resend" if self.options.get("idempotent", True) else "give_up"

    @property
    def signature_header(self) -> str:
        return self.options.get("signature_header", "X-Signature")

    def send(self, message: Outgoing) -> SendResult:
        if not self.channel.base_url:
            raise SendError("config", f"channel {self.channel.name!r}: no gateway address", transient=True)
        payload = {
            "reference": message.key,
            "channel": message.kind,
            "to": message.to,
            "from": self.channel.sender,
            "text": message.body,
        }
        if message.status_callback:
            payload["callback_url"] = message.status_callback
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": message.key,
        }
        if self.secret:
            headers["Authorization"] = f"Bearer {self.secret}"
        url = self.channel.base_url.rstrip("/") + self.options.get("path", "/messages")
        resp = httpclient.request("POST", url, data=json.dumps(payload).encode(), headers=headers, timeout=self.timeout)
        data = resp.json() if isinstance(resp.json(), dict) else {}
        httpclient.raise_for_status(resp, code=str(data.get("code", "") or ""), detail=str(data.get("error", "") or ""))
        provider_id = str(data.get("id") or "")
        if not provider_id:
            raise SendError("bad_response", "no id in the gateway's answer", transient=True, uncertain=True)
        return SendResult(provider_id=provider_id)

    def verify_signature(self, request) -> bool:
        return verify(self.secret, request.header(self.signature_header), request.body)

    def _json(self, request) -> dict:
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def parse_receipt(self, request) -> Receipt | None:
        data = self._json(request)
        status = RECEIPT_STATUS.get(str(data.get("status", "")))
        if not data.get("id") or not status:
            return None
        return Receipt(provider_id=str(data["id"]), status=status, error_code=str(data.get("error", "") or ""))

    def parse_inbound(self, request) -> Inbound | None:
        data = self._json(request)
        if not data.get("from"):
            return None
        return Inbound(
            from_address=str(data["from"]),
            to_address=str(data.get("to", "")),
            body=str(data.get("text", "")),
            provider_id=str(data.get("id", "")),
        )
