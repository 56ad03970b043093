"""The drills' channel: nothing leaves Amparo. Every message is "delivered" at once; the drills app
plays the simulated people who read it and answer (after a delay, in their language, or never)
through the same inbound path real replies take."""

from __future__ import annotations

from amparo.messaging.channels.base import ChannelAdapter, Outgoing, SendResult


class SimulatedAdapter(ChannelAdapter):
    on_uncertain = "resend"  # nothing can be lost or duplicated outside Amparo

    def send(self, message: Outgoing) -> SendResult:
        return SendResult(provider_id=f"sim-{message.key}", status="delivered")
