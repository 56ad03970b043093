"""JSON API for messaging (mounted at /api/messaging/), scoped by the access policy."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count
from ninja import Router, Schema

from amparo.accounts import policy
from amparo.messaging.models import Broadcast, InboundMessage, InboundStatus

router = Router(tags=["messaging"])


class BroadcastOut(Schema):
    id: int
    title: str
    status: str
    recipients: int
    created_at: datetime
    preview: dict
    by_status: dict[str, int] = {}


class InboxItemOut(Schema):
    id: int
    kind: str
    from_address: str
    body: str
    intent: str
    needs: list[str]
    language: str
    reason_code: str
    review_reason: str
    received_at: datetime
    person_id: int | None


def _out(b: Broadcast) -> BroadcastOut:
    counts = dict(b.messages.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return BroadcastOut(
        id=b.pk, title=b.title, status=b.status, recipients=b.recipients, created_at=b.created_at,
        preview=b.preview or {}, by_status=counts,
    )  # fmt: skip


@router.get("/broadcasts", response=list[BroadcastOut])
def list_broadcasts(request):
    return [_out(b) for b in policy.visible(request.auth, Broadcast)[:100]]


@router.get("/broadcasts/{broadcast_id}", response=BroadcastOut)
def get_broadcast(request, broadcast_id: int):
    return _out(policy.get_visible_or_404(request.auth, Broadcast, pk=broadcast_id))


@router.get("/inbox", response=list[InboxItemOut])
def list_inbox(request):
    items = policy.visible(request.auth, InboundMessage).filter(status=InboundStatus.NEEDS_REVIEW)[:200]
    from amparo.accounts import audit
    from amparo.accounts.codes import AuditAction

    items = list(items)
    audit.record_many(request.auth, AuditAction.VIEW, InboundMessage, [i.pk for i in items], summary="api inbox")
    return items
