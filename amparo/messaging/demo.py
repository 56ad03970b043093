"""Demo data for communication: console channels for the demo consulates, the default templates,
and — when the crises demo has opened a crisis — a check-in broadcast of the Guatemalan consulate
in Mexico City with a realistic mix of delivered, failed and replied messages and a few items
waiting in the inbox. Idempotent: run it as often as you like."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from amparo.accounts.models import Organization
from amparo.messaging import inbound, services
from amparo.messaging.channels import Inbound
from amparo.messaging.defaults import seed
from amparo.messaging.models import Broadcast, Channel, Message, MessageStatus, Template, TemplateVariant

DEMO_CONSULATE = "gt-consulate-mexico-city"
DEMO_SENDER = "consul-gt"
REPLIES = [
    "SI",
    "Estoy bien, gracias",
    "AYUDA albergue, somos 4 personas",
    "mwen byen",
    "2 medico",
    "A salvo",
    "no sé dónde está mi hermano, no contesta",  # unclear: the inbox
    "OK",
    "ALBERGUE",
]
FAILURES = [("21614", "'To' number is not a valid mobile number"), ("30003", "Unreachable destination handset")]


def _channels(organization: Organization) -> dict[str, Channel]:
    channels = {}
    for kind, name, sender in (
        ("whatsapp", "WhatsApp (demo console)", "+525550000001"),
        ("sms", "SMS (demo console)", "+525550000001"),
        ("email", "E-mail (demo console)", f"alertas@{organization.slug}.demo.amparo.local"),
    ):
        channels[kind], _ = Channel.objects.get_or_create(
            organization=organization,
            name=name,
            defaults={"kind": kind, "provider": "console", "sender": sender, "rate_per_second": 50},
        )
    return channels


def _demo_crisis():
    try:
        from amparo.crises.models import Crisis
    except ImportError:
        return None
    return Crisis.objects.filter(is_exercise=False).exclude(phase="closed").order_by("started_at", "id").first()


def load(stdout) -> dict:
    seed(Template, TemplateVariant)
    consulates = Organization.objects.filter(kind="consulate", slug__endswith="mexico-city")
    for organization in consulates:
        _channels(organization)
    result = {"channels": Channel.objects.count(), "broadcasts": 0}
    organization = Organization.objects.filter(slug=DEMO_CONSULATE).first()
    sender = get_user_model().objects.filter(username=DEMO_SENDER).first()
    crisis = _demo_crisis()
    if organization is None or sender is None or crisis is None:
        stdout.write(f"messaging: {result['channels']} channels (no demo crisis yet: no broadcast)")
        return result
    title = f"¿Está a salvo? — {crisis.name}"
    broadcast = Broadcast.objects.filter(organization=organization, title=title).first()
    if broadcast is None:
        template = Template.objects.get(organization__isnull=True, purpose="checkin")
        broadcast = services.create_broadcast(
            actor=sender, organization=organization, title=title, template=template, crisis=crisis
        )
        if broadcast.preview.get("reachable"):
            services.confirm_broadcast(actor=sender, broadcast=broadcast)
            _simulate_outcomes(broadcast)
    result["broadcasts"] = Broadcast.objects.filter(organization=organization).count()
    result["messages"] = broadcast.messages.count()
    stdout.write(
        f"messaging: {result['channels']} channels, broadcast '{title}' to {result['messages']} people, "
        f"{broadcast.organization.inbound_messages.filter(status='needs_review').count()} inbox items"
    )
    return result


def _simulate_outcomes(broadcast: Broadcast) -> None:
    """What a day of a real check-in looks like: most delivered, a few failed, some replies."""
    now = timezone.now()
    messages = list(broadcast.messages.order_by("id").select_related("channel"))
    for i, message in enumerate(messages):
        if i % 10 == 9:
            code, detail = FAILURES[i % len(FAILURES)]
            fields = {"status": MessageStatus.FAILED, "error_code": code, "error_detail": detail, "failed_at": now}
        elif i % 10 == 8:
            fields = {"status": MessageStatus.SENT, "sent_at": now, "provider_id": f"demo-{message.pk}"}
        else:
            fields = {
                "status": MessageStatus.DELIVERED,
                "sent_at": now,
                "delivered_at": now,
                "provider_id": f"demo-{message.pk}",
            }
        fields["attempts"] = 1
        Message.objects.filter(pk=message.pk).update(**fields)
        if fields["status"] == MessageStatus.DELIVERED and broadcast.crisis_id:
            from amparo.messaging import crisis_link

            crisis_link.mark_contacted(crisis=broadcast.crisis, person=message.person, at=now)
    delivered = [m for i, m in enumerate(messages) if i % 10 < 8]
    for i, message in enumerate(delivered[: len(REPLIES) * 2 : 2]):
        inbound.receive_inbound(
            channel=message.channel,
            inbound=Inbound(from_address=message.to_address, to_address=message.channel.sender, body=REPLIES[i]),
        )
    # A message from a number nobody knows: the inbox.
    if messages:
        inbound.receive_inbound(
            channel=messages[0].channel,
            inbound=Inbound(from_address="+525599990000", to_address="", body="Hola, busco a mi hija Rosa"),
        )
