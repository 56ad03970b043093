"""Reads for other apps' pages, through the access policy."""

from __future__ import annotations

from amparo.accounts import policy
from amparo.messaging import services
from amparo.messaging.models import InboundMessage, Message

PANEL_LIMIT = 20


def person_panel(user, person) -> dict | None:
    """The messages exchanged with a person that `user` may see, newest first, for the registry's
    person page: what was sent (status, channel, broadcast; not the text, which carries the
    person's private check-in link) and what they wrote back. A message whose fate is unknown
    carries the staff decision when the user may take it. None when there is nothing to show."""
    sent = list(
        policy.visible(user, Message)
        .filter(person=person)
        .select_related("broadcast")
        .order_by("-created_at", "-id")[:PANEL_LIMIT]
    )
    received = list(
        policy.visible(user, InboundMessage).filter(person=person).order_by("-received_at", "-id")[:PANEL_LIMIT]
    )
    if not sent and not received:
        return None
    deciders = {org for org in {m.organization_id for m in sent} if services.can_send(user, org)}
    timeline = [{"at": m.created_at, "out": True, "m": m, "may_decide": m.organization_id in deciders} for m in sent]
    timeline += [{"at": i.received_at, "out": False, "item": i} for i in received]
    timeline.sort(key=lambda entry: entry["at"], reverse=True)
    return {"timeline": timeline[:PANEL_LIMIT]}
