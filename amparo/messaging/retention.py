"""Messaging's retention rules (amparo/core/retention.py): the texts and addresses of messages,
replies and check-in answers are removed after their period; the rows stay, anonymized, so the
counts of a crisis and of a broadcast still add up."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from amparo.accounts import audit
from amparo.accounts.codes import AuditAction
from amparo.core import retention
from amparo.messaging.models import CheckInAnswer, InboundMessage, Message, MessageStatus

FINISHED = (
    MessageStatus.SENT,
    MessageStatus.DELIVERED,
    MessageStatus.READ,
    MessageStatus.FAILED,
    MessageStatus.CANCELLED,
)


def _anonymizer(model, fields: dict, summary: str):
    def apply(due, now, principal):
        ids = list(due.values_list("pk", flat=True))
        model.objects.filter(pk__in=ids).update(**fields)
        if ids:
            audit.record_many(principal, AuditAction.UPDATE, model, ids, summary=f"retention: {summary}")
        return len(ids)

    return apply


def register() -> None:
    retention.register(
        retention.Rule(
            name="message",
            description=_("texts and addresses of messages sent (or ended) longer ago than the period"),
            candidates=lambda cutoff: Message.objects.filter(created_at__lt=cutoff, status__in=FINISHED).exclude(
                body="", to_address=""
            ),
            apply=_anonymizer(
                Message, {"body": "", "subject": "", "to_address": "", "fallback": [], "history": []}, "message texts"
            ),
        )
    )
    retention.register(
        retention.Rule(
            name="inbound_message",
            description=_("texts and senders of replies received longer ago than the period"),
            candidates=lambda cutoff: InboundMessage.objects.filter(received_at__lt=cutoff).exclude(
                Q(body="") & Q(from_address="")
            ),
            apply=_anonymizer(InboundMessage, {"body": "", "from_address": ""}, "reply texts"),
        )
    )
    retention.register(
        retention.Rule(
            name="checkin_answer",
            description=_("notes, positions and addresses of check-in answers older than the period"),
            candidates=lambda cutoff: CheckInAnswer.objects.filter(answered_at__lt=cutoff).exclude(
                Q(note="") & Q(latitude__isnull=True) & Q(ip_address__isnull=True)
            ),
            apply=_anonymizer(
                CheckInAnswer,
                {"note": "", "latitude": None, "longitude": None, "accuracy_m": None, "ip_address": None},
                "check-in answers",
            ),
        )
    )
