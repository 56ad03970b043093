"""Development channel: writes each message to the log and reports it delivered at once."""

from __future__ import annotations

import logging

from amparo.messaging.channels.base import ChannelAdapter, Outgoing, SendResult

logger = logging.getLogger("amparo.messaging.console")


class ConsoleAdapter(ChannelAdapter):
    def send(self, message: Outgoing) -> SendResult:
        logger.info("[%s → %s] %s", message.kind, message.to, message.body)
        return SendResult(provider_id=f"console-{message.key}", status="delivered")
