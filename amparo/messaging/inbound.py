"""What comes back: delivery receipts, replies, keyword requests, check-in answers, the staff inbox.

- A receipt moves a message forward only (callbacks arrive out of order); "delivered" marks the
  person contacted in the message's crisis (unknown → contacted, nothing else).
- A reply is matched to the person by the address we last wrote to from that organization
  (several people behind one number: the inbox decides), read in five languages
  (`replies.read_reply`, in the person's language first) and turned into a welfare update with
  source "reply". Questions, unclear text, unknown senders and replies about someone recorded as
  deceased wait in the staff inbox with the original text and the reason.
- The thank-you says what was understood, in the person's language ("Registramos: está a salvo.
  Si no es así, responda 2"), so a misread is corrected by the person: their next reply is
  another welfare update from source "reply", and the latest one wins (the history keeps both).
- Keywords get automatic replies, only to people with active `crisis_alerts` consent.
- STOP withdraws that consent and cancels what is still queued for the person.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction, ConsentPurpose
from amparo.messaging import conf, crisis_link, keywords
from amparo.messaging.audience import common_values, token_hash
from amparo.messaging.channels import Inbound, Receipt
from amparo.messaging.models import (
    STATUS_RANK,
    CheckInAnswer,
    InboundMessage,
    InboundStatus,
    Message,
    MessageStatus,
    Template,
    TemplatePurpose,
)
from amparo.messaging.rendering import choose_language, language_chain, message_text, uses_gsm7
from amparo.registry.models import Consent, ContactPoint, Person
from amparo.registry.phones import parse_phone
from amparo.registry.services import record_location, withdraw_consent

logger = logging.getLogger("amparo.messaging.inbound")
WELFARE_NEEDS = ("shelter", "medical", "documents", "food", "evacuation", "repatriation", "family_contact", "other")
KEYWORD_PURPOSE = {
    "info": TemplatePurpose.INFO,
    "shelters": TemplatePurpose.SHELTERS,
    "consulate": TemplatePurpose.CONSULATE,
}


class CheckInClosed(Exception):
    """The link expired or is unknown."""


def _actor(label: str):
    return policy.system_principal(label)


def _crisis_of(message: Message | None):
    return message.crisis if message is not None and message.crisis_id else None


# --- receipts ---------------------------------------------------------------------------------


@transaction.atomic
def record_receipt(*, channel, receipt: Receipt, message_key: str = "", at: datetime | None = None) -> Message | None:
    at = at or timezone.now()
    rows = Message.objects.select_for_update().filter(organization_id=channel.organization_id)
    message = None
    if message_key:
        message = rows.filter(idempotency_key=message_key).first()
    if message is None and receipt.provider_id:
        message = rows.filter(provider_id=receipt.provider_id).first()
    if message is None:
        logger.info("receipt for unknown message %s (%s)", receipt.provider_id, message_key)
        return None
    if message.provider_id and receipt.provider_id and message.provider_id != receipt.provider_id:
        return message  # a receipt for an earlier channel of a message that has since fallen back
    new = receipt.status
    if STATUS_RANK.get(new, 0) <= STATUS_RANK.get(message.status, 0) and not (
        new == MessageStatus.FAILED and message.status == MessageStatus.SENT
    ):
        return message
    fields = {"status": new}
    if receipt.provider_id and not message.provider_id:
        fields["provider_id"] = receipt.provider_id
    if new in (MessageStatus.DELIVERED, MessageStatus.READ):
        fields["delivered_at"] = message.delivered_at or at
        fields["sent_at"] = message.sent_at or at
    elif new == MessageStatus.FAILED:
        from amparo.messaging.dispatch import fallback_fields

        fields.update(error_code=receipt.error_code[:40] or "undelivered", error_detail="reported by the provider")
        moved = fallback_fields(message, now=at)
        if moved is not None:
            fields.update(moved)
        else:
            fields["failed_at"] = at
    Message.objects.filter(pk=message.pk).update(**fields)
    for name, value in fields.items():
        setattr(message, name, value)
    if new in (MessageStatus.DELIVERED, MessageStatus.READ):
        crisis = _crisis_of(message)
        if crisis is not None:
            crisis_link.mark_contacted(crisis=crisis, person=message.person, at=at)
    if fields.get("status") == MessageStatus.QUEUED:
        from amparo.messaging.tasks import dispatch_after_commit

        dispatch_after_commit(parallel=1)
    return message


# --- replies ----------------------------------------------------------------------------------


def normalize_address(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind == "email" or "@" in value:
        return value.lower()
    parsed = parse_phone(value)
    return parsed.value if parsed.is_valid else value


def match_sender(organization_id: int, address: str, *, at: datetime) -> tuple[Person | None, Message | None, str]:
    """The person behind an address, and the message they most likely answer: the latest we sent
    there (a check-in still open first). Several people behind one address: nobody (staff decide)."""
    window = at - timedelta(days=conf.get("MESSAGING_REPLY_WINDOW_DAYS"))
    recent = list(
        Message.objects.filter(organization_id=organization_id, to_address=address, created_at__gte=window)
        .exclude(status=MessageStatus.CANCELLED)
        .select_related("person", "crisis")
        .order_by("-created_at", "-id")[:20]
    )
    people = {m.person_id for m in recent}
    if len(people) > 1:
        return None, None, _("several people were messaged at this address")
    if recent:
        open_checkins = [m for m in recent if m.checkin_expires_at and m.checkin_expires_at > at]
        message = (open_checkins or recent)[0]
        return message.person, message, ""
    candidates = list(
        ContactPoint.objects.filter(value=address, person__registering_organization_id=organization_id)
        .values_list("person_id", flat=True)
        .distinct()
    )
    if len(candidates) == 1:
        return Person.objects.get(pk=candidates[0]), None, ""
    if candidates:
        return None, None, _("several people share this address")
    return None, None, _("unknown sender")


def has_alert_consent(person: Person) -> bool:
    return Consent.objects.active(ConsentPurpose.CRISIS_ALERTS).filter(person=person).exists()


@transaction.atomic
def receive_inbound(*, channel, inbound: Inbound, at: datetime | None = None) -> InboundMessage:
    at = at or timezone.now()
    if inbound.provider_id:
        existing = InboundMessage.objects.filter(channel=channel, provider_id=inbound.provider_id).first()
        if existing is not None:
            return existing  # the provider retried its webhook
    from amparo.messaging.replies import read_reply

    address = normalize_address(channel.kind, inbound.from_address)
    person, message, why = match_sender(channel.organization_id, address, at=at)
    hint = (message.language if message is not None else "") or (person.preferred_language if person else "")
    reading = read_reply(inbound.body, language=hint)
    item = InboundMessage(
        organization_id=channel.organization_id,
        channel=channel,
        kind=channel.kind,
        from_address=address,
        to_address=inbound.to_address,
        body=inbound.body,
        provider_id=inbound.provider_id[:80],
        received_at=at,
        person=person,
        in_reply_to=message,
        intent=reading.intent,
        keyword=reading.intent if reading.intent in KEYWORD_PURPOSE or reading.intent == "stop" else "",
        needs=list(reading.needs),
        language=reading.language,
    )
    crisis = _crisis_of(message)
    item.crisis = crisis
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        return InboundMessage.objects.get(channel=channel, provider_id=inbound.provider_id)
    if message is not None:
        Message.objects.filter(pk=message.pk, replied_at__isnull=True).update(replied_at=at)
    if person is None:
        return _to_inbox(item, why)
    if message is not None and _taken_by_another_app(item, person, message):
        pass  # a reply to another app's question (tracing's consent request): that app handled it
    elif reading.intent in ("safe", "help"):
        _apply_welfare_reply(item, person, crisis, reading, at)
        if item.status == InboundStatus.PROCESSED and has_alert_consent(person):
            _auto_reply(item, person, TemplatePurpose.ACKNOWLEDGE, reading=reading)
    elif reading.intent in KEYWORD_PURPOSE:
        if has_alert_consent(person):
            _auto_reply(item, person, KEYWORD_PURPOSE[reading.intent])
        else:
            _to_inbox(item, _("asked for %(k)s but has no crisis-alerts consent") % {"k": reading.intent})
    elif reading.intent == "stop":
        withdraw_consent(actor=_actor("messaging:stop"), person=person, purpose=ConsentPurpose.CRISIS_ALERTS)
        Message.objects.filter(person=person, status__in=(MessageStatus.QUEUED, MessageStatus.CLAIMED)).update(
            status=MessageStatus.CANCELLED, error_code="no_consent", error_detail="the person replied STOP"
        )
    else:
        _to_inbox(item, "", code=reading.reason or "not_understood")
    audit.record(
        _actor("messaging:inbound"), AuditAction.CREATE, item, organization=channel.organization_id,
        summary=f"reply {reading.intent}", person_id=person.pk,
    )  # fmt: skip
    return item


@transaction.atomic
def record_portal_report(
    *, organization, crisis, phone: str, person: Person | None, intent: str, needs: list[str], body: str
) -> InboundMessage:
    """A self-report from the migrant portal that no record could take (an unknown phone, a
    record outside the crisis, an update refused): it waits in the inbox for staff, like a reply
    nobody could match. The phone was verified with a one-time code."""
    item = InboundMessage.objects.create(
        organization=organization, channel=None, kind="portal", from_address=phone, body=body[:2000],
        person=person, crisis=crisis, intent=intent, needs=needs,
    )  # fmt: skip
    audit.record(_actor("portal:self-service"), AuditAction.CREATE, item, organization=organization.pk,
                 summary=f"portal self-report {intent}")  # fmt: skip
    # A reason code, not a sentence: the migrant's language is active here, the staff read theirs.
    return _to_inbox(item, "", code="portal_no_record" if person is None else "portal_confirm")


def _taken_by_another_app(item: InboundMessage, person: Person, message: Message) -> bool:
    """Higher apps that send their own questions (tracing asks a found person whether they may
    be put in touch) read the answers: each AppConfig may define `inbound_reply(*, item, person,
    message) -> bool`, True when it took the reply (and set the item's status)."""
    from django.apps import apps

    for config in apps.get_app_configs():
        hook = getattr(config, "inbound_reply", None)
        if callable(hook) and hook(item=item, person=person, message=message):
            return True
    return False


def _to_inbox(item: InboundMessage, reason: str, *, code: str = "") -> InboundMessage:
    """The item waits for staff: with a reader's reason code (labelled on the page) or a text."""
    item.status = InboundStatus.NEEDS_REVIEW
    item.review_reason = str(reason)[:200]
    item.reason_code = code
    item.save(update_fields=["status", "review_reason", "reason_code"])
    return item


def _apply_welfare_reply(item: InboundMessage, person: Person, crisis, reading, at) -> None:
    if crisis is None:
        return  # an alert outside any crisis: the reply is kept, there is no welfare to update
    status = "safe" if reading.intent == "safe" else "needs_assistance"
    try:
        crisis_link.update_welfare(
            actor=_actor("messaging:reply"), crisis=crisis, person=person, status=status, source="reply",
            needs=reading.needs, note=item.body[:500], people_with=reading.people_with, at=at,
        )  # fmt: skip
    except crisis_link.refused_exception() as exc:
        _to_inbox(item, str(exc) or _("welfare update refused"))


def _templates(organization_id: int, purposes: list[str]) -> dict[str, Template]:
    """For each purpose, the template that speaks for the organization: its own most recently
    edited, else the shared default (first by name). One query for all purposes, variants included:
    a thank-you needs two (its own and the info text), once per reply in a flood of replies."""
    own: dict[str, Template] = {}
    shared: dict[str, Template] = {}
    candidates = Template.objects.filter(purpose__in=purposes).filter(
        Q(organization_id=organization_id) | Q(organization__isnull=True)
    )
    for template in sorted(candidates.prefetch_related("variants"), key=lambda t: (t.name, t.pk)):
        if template.organization_id is None:
            shared.setdefault(template.purpose, template)
        elif template.purpose not in own or (template.updated_at, template.pk) > (
            own[template.purpose].updated_at,
            own[template.purpose].pk,
        ):
            own[template.purpose] = template
    return {**shared, **own}


def _template_text(template: Template | None, person: Person, also: str = "") -> tuple[str, str, str] | None:
    """(language, text, SMS alphabet) of a template in the person's language, if it has one."""
    if template is None:
        return None
    variants = {v.language: v for v in template.variants.all()}
    spoken = [*(person.languages or []), *([also] if also else [])]
    language = choose_language(variants, language_chain(person.preferred_language, spoken))
    if language is None:
        return None
    return language, variants[language].body, template.sms_alphabet


def understood_text(reading, language: str) -> str:
    """What Amparo understood from a reply, in the person's language, with how to correct it."""
    with translation.override(language):
        if reading.intent == "safe":
            return _("We recorded: you are safe. If not, reply 2.")
        if reading.needs:
            needs = ", ".join(str(NEED_WORDS[code]) for code in reading.needs if code in NEED_WORDS)
            return _("We recorded: you need help (%(needs)s). If you are safe, reply 1.") % {"needs": needs}
        return _("We recorded: you need help. If you are safe, reply 1.")


# Needs as the thank-you names them to the person (short, plain words).
NEED_WORDS = {
    "shelter": pgettext_lazy("need, in a message to the person", "a shelter"),
    "medical": pgettext_lazy("need, in a message to the person", "medical care"),
    "documents": pgettext_lazy("need, in a message to the person", "documents"),
    "food": pgettext_lazy("need, in a message to the person", "food or water"),
    "evacuation": pgettext_lazy("need, in a message to the person", "getting out of where you are"),
    "repatriation": pgettext_lazy("need, in a message to the person", "returning to your country"),
    "family_contact": pgettext_lazy("need, in a message to the person", "news of your family"),
    "other": pgettext_lazy("need, in a message to the person", "something else"),
}


def _auto_reply(item: InboundMessage, person: Person, purpose: str, *, reading=None) -> Message | None:
    templates = _templates(item.organization_id, [purpose, TemplatePurpose.INFO])
    found = _template_text(templates.get(purpose), person, also=item.language)
    if found is None:
        if purpose != TemplatePurpose.ACKNOWLEDGE:
            _to_inbox(item, _("no %(p)s text to answer with") % {"p": purpose})
        return None
    language, body, alphabet = found
    organization = item.organization
    consulate = keywords.consulate_for(person, organization)
    values = {
        **common_values(organization, item.crisis.name if item.crisis_id else ""),
        "given_name": person.given_names,
        "full_name": person.full_name,
        "consulate_name": consulate.name,
        "consulate_phone": consulate.phone or "",
        "consulate_address": consulate.address or "",
    }
    if purpose == TemplatePurpose.SHELTERS:
        values["shelters"] = keywords.shelters_text(person) or _("No shelter with a known location yet.")
    info = _template_text(templates.get(TemplatePurpose.INFO), person)
    values["info"] = info[1] if info else ""
    if reading is not None:
        values["understood"] = understood_text(reading, language)
        if "{understood}" not in body:
            body = f"{body.rstrip()} {{understood}}"  # an older text: what was understood is always said
    reply = Message.objects.create(
        organization_id=item.organization_id,
        person=person,
        channel=item.channel,
        kind=item.kind,
        to_address=item.from_address,
        language=language,
        body=message_text(
            body,
            values,
            kind=item.kind,
            language=language,
            gsm7=uses_gsm7(
                language=language,
                template_alphabet=alphabet,
                channel_alphabet=item.channel.sms_alphabet if item.channel_id else "auto",
            ),
        ),  # fmt: skip
        purpose=purpose,
        idempotency_key=f"in{item.pk}-{purpose}",
        crisis_id=item.crisis_id,
    )
    from amparo.messaging.tasks import dispatch_after_commit

    dispatch_after_commit(parallel=1)
    return reply


# --- check-in links ---------------------------------------------------------------------------


def find_checkin(token: str) -> Message | None:
    if not token or len(token) > 64:
        return None
    return (
        Message.objects.select_related("person", "organization", "broadcast")
        .filter(checkin_hash=token_hash(token))
        .first()
    )


@transaction.atomic
def answer_checkin(
    *,
    message: Message,
    answer: str,
    needs: list[str] | tuple[str, ...] = (),
    people_with: int | None = None,
    note: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    accuracy_m: float | None = None,
    ip: str | None = None,
    at: datetime | None = None,
) -> CheckInAnswer:
    at = at or timezone.now()
    if message.checkin_expires_at is None or message.checkin_expires_at <= at:
        raise CheckInClosed(_("This check-in link has expired."))
    if answer not in ("safe", "help"):
        raise ValidationError({"answer": _("Choose “I am safe” or “I need help”.")})
    needs = [n for n in dict.fromkeys(needs) if n in WELFARE_NEEDS] if answer == "help" else []
    if people_with is not None and not 0 <= people_with <= 200:
        raise ValidationError({"people_with": _("Give a number of people between 0 and 200.")})
    if (latitude is None) != (longitude is None):
        raise ValidationError({"location": _("The location needs both latitude and longitude.")})
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError({"location": _("The location is out of range.")})
    person = message.person
    actor = _actor("checkin-link")
    record = CheckInAnswer.objects.create(
        message=message, person=person, answer=answer, needs=needs, people_with=people_with, note=note[:500],
        latitude=latitude, longitude=longitude,
        accuracy_m=int(accuracy_m) if accuracy_m is not None else None, answered_at=at, ip_address=ip,
    )  # fmt: skip
    Message.objects.filter(pk=message.pk).update(checkin_answered_at=at, replied_at=message.replied_at or at)
    if latitude is not None:
        record_location(
            actor=actor, person=person, latitude=latitude, longitude=longitude,
            precision_m=int(accuracy_m) if accuracy_m is not None else None, observed_at=at, source="checkin_link",
            audit_event=False,
        )  # fmt: skip
    crisis = _crisis_of(message)
    if crisis is not None:
        try:
            crisis_link.update_welfare(
                actor=actor, crisis=crisis, person=person, source="checkin_link",
                status="safe" if answer == "safe" else "needs_assistance", needs=needs, note=note[:500],
                people_with=people_with, at=at,
            )  # fmt: skip
            record.welfare_applied = True
        except crisis_link.refused_exception() as exc:
            record.review_reason = str(exc)[:200] or "refused"
            InboundMessage.objects.create(
                organization_id=message.organization_id, kind=message.kind, from_address=message.to_address,
                body=f"[check-in link] {answer} {', '.join(needs)} {note}".strip(), person=person,
                in_reply_to=message, crisis=crisis, intent=answer, needs=needs, received_at=at,
                status=InboundStatus.NEEDS_REVIEW, review_reason=record.review_reason,
            )  # fmt: skip
        record.save(update_fields=["welfare_applied", "review_reason"])
    audit.record(
        actor, AuditAction.UPDATE, person, organization=message.organization_id, summary=f"check-in answer {answer}",
        message_id=message.pk, needs=needs, location=latitude is not None, ip=ip or "",
    )  # fmt: skip
    return record


# --- staff inbox ------------------------------------------------------------------------------


@transaction.atomic
def resolve_inbox_item(
    *,
    actor,
    item: InboundMessage,
    status: str = "",
    needs: list[str] | tuple[str, ...] = (),
    note: str = "",
    request=None,
) -> InboundMessage:
    """Staff read the original text and decide: record a welfare status from it (source
    "reply"), or just close it with a note."""
    from amparo.messaging.services import can_send

    principal = policy.principal_for(actor)
    policy.require(can_send(principal, item.organization_id), _("You may not handle this organization's inbox."))
    if status:
        crisis = item.crisis or _crisis_of(item.in_reply_to)
        if item.person is None or crisis is None:
            raise ValidationError(_("A welfare status needs a known person and a crisis."))
        crisis_link.update_welfare(
            actor=principal, crisis=crisis, person=item.person, status=status, source="reply",
            needs=[n for n in needs if n in WELFARE_NEEDS], note=f"{item.body[:300]} — {note}".strip(" —"),
        )  # fmt: skip
    item.status = InboundStatus.RESOLVED
    item.resolved_by = principal.user
    item.resolved_at = timezone.now()
    item.resolution_note = note
    item.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_note"])
    audit.record(
        principal, AuditAction.UPDATE, item, request=request, organization=item.organization_id,
        summary="inbox item resolved", welfare=status or "",
    )  # fmt: skip
    return item
