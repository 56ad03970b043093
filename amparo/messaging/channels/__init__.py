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
    from amparo.messaging.channels.simulated import SimulatedAdapter
    from amparo.messaging.channels.smtp import SmtpAdapter
    from amparo.messaging.channels.twilio import TwilioAdapter

    classes = {
        "twilio": TwilioAdapter,
        "http_gateway": HttpGatewayAdapter,
        "smtp": SmtpAdapter,
        "console": ConsoleAdapter,
        "simulated": SimulatedAdapter,
    }
    try:
        cls = classes[channel.provider]
    except KeyError:
        raise ValueError(f"channel {channel.pk} ({channel.name}): unknown provider {channel.provider!r}") from None
    # A drill never reaches a real provider, and a real organization never sends into a simulation:
    # an exercise organization's channels are simulated, and only theirs are.
    if (channel.provider == "simulated") != bool(channel.organization.is_exercise):
        raise ValueError(
            f"channel {channel.pk} ({channel.name}): a simulated channel is for an exercise organization only, "
            "and an exercise organization has simulated channels only"
        )
    return cls(channel)
