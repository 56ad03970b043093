"""Sending a one-time code by SMS through the organizations' own channels.

The code goes out at once from the request (the person is waiting for it, and a queued task would
have to store the digits), through the channel adapter with its usual timeout. The channel is the
one of the organization the person is dealing with (their consulate when registering), else the
portal's operator (setting PORTAL_SMS_ORGANIZATION, a slug), else the first active SMS channel.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from amparo.messaging.channels import Outgoing, SendError, adapter_for
from amparo.messaging.models import Channel, ChannelKind

logger = logging.getLogger("amparo.portal.sms")


@dataclass(frozen=True)
class Sent:
    ok: bool
    # On a development console channel with DEBUG on, the page shows the code so that a person
    # trying Amparo with `make run` can go on; never in production.
    demo_code: str = ""


def code_channel(organization=None) -> Channel | None:
    channels = Channel.objects.filter(is_active=True, kind=ChannelKind.SMS).order_by("priority", "pk")
    for scope in (
        {"organization": organization} if organization is not None else None,
        {"organization__slug": getattr(settings, "PORTAL_SMS_ORGANIZATION", "")}
        if getattr(settings, "PORTAL_SMS_ORGANIZATION", "")
        else None,
        {},
    ):
        if scope is None:
            continue
        channel = channels.filter(**scope).first()
        if channel is not None:
            return channel
    return None


def send_code(*, phone: str, code: str, language: str, organization=None) -> Sent:
    channel = code_channel(organization)
    if channel is None:
        logger.error("no active SMS channel: a portal code could not be sent")
        return Sent(False)
    with translation.override(language):
        body = _("Amparo: your code is %(code)s. It expires in 10 minutes. Do not share it with anyone.") % {
            "code": code
        }
    try:
        adapter_for(channel).send(
            Outgoing(key=f"portal-{secrets.token_hex(8)}", kind=ChannelKind.SMS, to=phone, body=body)
        )
    except SendError as exc:
        logger.warning("portal code not sent through channel %s: %s", channel.pk, exc.code)
        return Sent(False)
    demo = code if settings.DEBUG and channel.provider == "console" else ""
    return Sent(True, demo)
