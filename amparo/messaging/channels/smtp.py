"""E-mail over SMTP. Options: host, port, starttls (bool), ssl (bool), timeout; user in
`account`, password from the secret. The Message-ID is derived from the message's idempotency
key, so a message re-sent after a crash carries the same Message-ID and mail clients show it
once. Replies by e-mail arrive through an inbound webhook signed like the HTTP gateway's (most
inbound-mail services post JSON); SMTP acceptance counts as "sent", not "delivered"."""

from __future__ import annotations

import contextlib
import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from amparo.messaging.channels import http_gateway
from amparo.messaging.channels.base import ChannelAdapter, Outgoing, SendError, SendResult


class SmtpAdapter(ChannelAdapter):
    on_uncertain = "resend"

    def __init__(self, channel):
        super().__init__(channel)
        self._conn: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._conn is not None:
            return self._conn
        host = self.options.get("host", "127.0.0.1")
        port = int(self.options.get("port", 25))
        try:
            if self.options.get("ssl"):
                conn = smtplib.SMTP_SSL(host, port, timeout=self.timeout)
            else:
                conn = smtplib.SMTP(host, port, timeout=self.timeout)
                if self.options.get("starttls"):
                    conn.starttls()
            if self.channel.account:
                conn.login(self.channel.account, self.secret)
        except smtplib.SMTPAuthenticationError as exc:
            raise SendError("auth", str(exc), transient=True) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError("unreachable", f"{host}:{port}: {exc}", transient=True) from exc
        self._conn = conn
        return conn

    def send(self, message: Outgoing) -> SendResult:
        email = EmailMessage()
        email["From"] = self.channel.sender
        email["To"] = message.to
        email["Subject"] = message.subject or message.body.split("\n", 1)[0][:78]
        email["Date"] = formatdate(localtime=False)
        domain = self.channel.sender.rsplit("@", 1)[-1] if "@" in self.channel.sender else "amparo.local"
        message_id = f"<{message.key}@{domain}>"
        email["Message-ID"] = message_id
        email.set_content(message.body)
        conn = self._connect()
        try:
            refused = conn.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise SendError(str(code), text.decode("utf-8", "replace"), transient=400 <= code < 500) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise SendError(str(exc.smtp_code), str(exc.smtp_error), transient=exc.smtp_code < 500) from exc
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
            self.close()
            raise SendError("dropped", str(exc), transient=True, uncertain=True) from exc
        if refused:
            code, text = next(iter(refused.values()))
            raise SendError(str(code), text.decode("utf-8", "replace"), transient=False)
        return SendResult(provider_id=message_id)

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._conn.quit()
            self._conn = None

    # Inbound e-mail and bounces come through a JSON webhook signed like the HTTP gateway's.
    def verify_signature(self, request) -> bool:
        return http_gateway.verify(self.secret_for_webhooks, request.header("X-Signature"), request.body)

    @property
    def secret_for_webhooks(self) -> str:
        from amparo.messaging.channels.base import channel_secret

        name = self.options.get("webhook_secret_name")
        if not name:
            return ""
        return channel_secret(type("C", (), {"secret_name": name})())

    def parse_receipt(self, request):
        return http_gateway.HttpGatewayAdapter.parse_receipt(self, request)

    def parse_inbound(self, request):
        return http_gateway.HttpGatewayAdapter.parse_inbound(self, request)

    _json = http_gateway.HttpGatewayAdapter._json
