"""Twilio's Messages API (SMS and WhatsApp).

- Send: form-encoded POST to /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP basic
  auth (AccountSid, AuthToken): To, From, Body, StatusCallback. 201 answers the Message resource
  (`sid` "SM…", `status` "queued"); errors answer JSON with Twilio's `code` and `message`.
- WhatsApp addresses are the phone number prefixed with "whatsapp:".
- Webhooks (status callbacks and inbound messages) are signed: X-Twilio-Signature is the base64
  HMAC-SHA1, keyed with the AuthToken, of the full URL followed by every POST parameter sorted by
  name, each as name + value, without separators.
- Twilio takes no idempotency key on message creation, so a possibly-sent message is looked up
  (GET Messages.json?To=…, same body, created after the attempt) before it is sent again.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode

from amparo.messaging.channels import httpclient
from amparo.messaging.channels.base import ChannelAdapter, Inbound, Outgoing, Receipt, SendError, SendResult

DEFAULT_BASE_URL = "https://api.twilio.com"

RECEIPT_STATUS = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "undelivered": "failed",
    "failed": "failed",
}
# Twilio error codes that will not change on a retry (invalid or unreachable number, opted out).
PERMANENT_CODES = {"21211", "21214", "21408", "21610", "21612", "21614", "63003", "63024"}


def twilio_signature(token: str, url: str, params: dict[str, str]) -> str:
    payload = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def address(kind: str, number: str) -> str:
    if kind == "whatsapp" and not number.startswith("whatsapp:"):
        return f"whatsapp:{number}"
    return number


def strip_address(value: str) -> str:
    return value.removeprefix("whatsapp:")


class TwilioAdapter(ChannelAdapter):
    on_uncertain = "lookup"

    @property
    def _messages_url(self) -> str:
        base = (self.channel.base_url or DEFAULT_BASE_URL).rstrip("/")
        return f"{base}/2010-04-01/Accounts/{self.channel.account}/Messages.json"

    def _auth(self) -> dict[str, str]:
        if not self.channel.account or not self.secret:
            raise SendError(
                "config", f"channel {self.channel.name!r}: Account SID or auth token missing", transient=True
            )
        raw = f"{self.channel.account}:{self.secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}

    @functools.cached_property
    def _send_headers(self) -> dict[str, str]:
        return {**self._auth(), "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}

    def send(self, message: Outgoing) -> SendResult:
        params = {
            "To": address(message.kind, message.to),
            "From": address(message.kind, self.channel.sender),
            "Body": message.body,
        }
        if message.status_callback:
            params["StatusCallback"] = message.status_callback
        resp = httpclient.request(
            "POST",
            self._messages_url,
            data=urlencode(params).encode(),
            headers=self._send_headers,
            timeout=self.timeout,
        )
        if resp.status >= 400:
            data = resp.json()
            code = str(data.get("code") or resp.status)
            if code in PERMANENT_CODES:
                raise SendError(code, str(data.get("message", "")), transient=False)
            httpclient.raise_for_status(resp, code=code, detail=str(data.get("message", "")))
        data = resp.json()
        sid = data.get("sid")
        if not sid:
            raise SendError("bad_response", "no sid in Twilio's answer", transient=True, uncertain=True)
        return SendResult(provider_id=sid)

    def lookup(self, message: Outgoing, since: datetime) -> SendResult | None:
        query = urlencode({"To": address(message.kind, message.to), "PageSize": 50})
        resp = httpclient.request(
            "GET", f"{self._messages_url}?{query}", headers={**self._auth()}, timeout=self.timeout
        )
        payload = resp.json()
        data = payload if isinstance(payload, dict) else {}
        httpclient.raise_for_lookup(resp, code=str(data.get("code") or ""), detail=str(data.get("message") or ""))
        for item in data.get("messages", []):
            try:
                created = parsedate_to_datetime(item.get("date_created") or "")
            except (TypeError, ValueError):
                continue
            if item.get("body") == message.body and created >= since - timedelta(minutes=2):
                return SendResult(provider_id=item["sid"])
        return None

    def verify_signature(self, request) -> bool:
        given = request.header("X-Twilio-Signature")
        if not given or not self.secret:
            return False
        expected = twilio_signature(self.secret, request.url, request.form)
        return hmac.compare_digest(given, expected)

    def parse_receipt(self, request) -> Receipt | None:
        sid = request.form.get("MessageSid") or request.form.get("SmsSid")
        status = RECEIPT_STATUS.get(request.form.get("MessageStatus", ""))
        if not sid or not status:
            return None
        return Receipt(provider_id=sid, status=status, error_code=request.form.get("ErrorCode", ""))

    def parse_inbound(self, request) -> Inbound | None:
        sender = request.form.get("From")
        if not sender:
            return None
        return Inbound(
            from_address=strip_address(sender),
            to_address=strip_address(request.form.get("To", "")),
            body=request.form.get("Body", ""),
            provider_id=request.form.get("MessageSid", ""),
        )

    def webhook_response(self) -> tuple[str, str]:
        return '<?xml version="1.0" encoding="UTF-8"?><Response></Response>', "text/xml"
