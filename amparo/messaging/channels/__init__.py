"""Channel adapters: one interface (send, look up, verify a webhook's signature, parse a delivery
receipt, parse an inbound message) for every provider. `adapter_for(channel)` picks the class."""

from amparo.messaging.channels.base import (
    ChannelAdapter,
    Inbound,
    Outgoing,
    Receipt,
    SendError,
    SendResult,
    WebhookRequest,
    channel_secret,
)

__all__ = [
    "ChannelAdapter",
    "Inbound",
    "Outgoing",
    "Receipt",
    "SendError",
    "SendResult",
    "WebhookRequest",
    "adapter_for",
    "channel_secret",
]


def adapter_for(channel) -> ChannelAdapter:
    from amparo.messaging.channels.console import ConsoleAdapter
    from amparo.messaging.channels.http_gateway import HttpGatewayAdapter
    from amparo.messaging.channels.smtp import SmtpAdapter
    from amparo.messaging.channels.twilio import TwilioAdapter

    classes = {
        "twilio": TwilioAdapter,
        "http_gateway": HttpGatewayAdapter,
        "smtp": SmtpAdapter,
        "console": ConsoleAdapter,
    }
    try:
        cls = classes[channel.provider]
    except KeyError:
        raise ValueError(f"channel {channel.pk} ({channel.name}): unknown provider {channel.provider!r}") from None
    return cls(channel)
