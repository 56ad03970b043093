"""Every write about templates, channels and broadcasts: keyword-only, one transaction, audited.
(Receipts, replies, check-in answers and the staff inbox are in `inbound.py`.)"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction, Role
from amparo.accounts.models import Organization
from amparo.messaging.audience import outbox_rows, plan_broadcast, sms_estimate, sms_parts, write_outbox
from amparo.messaging.models import (
    LANGUAGES,
    Broadcast,
    BroadcastStatus,
    Channel,
    Message,
    MessageStatus,
    SmsAlphabet,
    Template,
    TemplatePurpose,
    TemplateVariant,
)
from amparo.messaging.rendering import PLACEHOLDERS, check_variants

SENDER_ROLES = frozenset(policy.NAMING_ROLES)
APPROVER_ROLES = frozenset({Role.ORG_ADMIN, Role.SUPERVISOR, Role.CONSULAR_OFFICER, Role.CIVIL_PROTECTION_COORDINATOR})
CHANNEL_ADMIN_ROLES = frozenset({Role.ORG_ADMIN})


class BroadcastRefused(Exception):
    """A broadcast cannot move on (wrong state, nobody reachable…); the message says why."""


class DecisionRefused(Exception):
    """A decision about an uncertain message that no longer applies; the message says why."""


def can_send(user, organization_id: int) -> bool:
    p = policy.principal_for(user)
    return p.is_system or organization_id in p.organization_ids(SENDER_ROLES)


def can_approve(user, organization_id: int) -> bool:
    p = policy.principal_for(user)
    return p.is_system or organization_id in p.organization_ids(APPROVER_ROLES)


def can_manage_channels(user, organization_id: int) -> bool:
    p = policy.principal_for(user)
    return p.is_system or organization_id in p.organization_ids(CHANNEL_ADMIN_ROLES)


# --- templates ----------------------------------------------------------------------------------


@transaction.atomic
def save_template(
    *,
    actor,
    organization: Organization | None,
    name: str,
    purpose: str,
    variants: dict[str, tuple[str, str]],
    template: Template | None = None,
    sms_alphabet: str = SmsAlphabet.AUTO,
) -> Template:
    """Create or update a template with its language variants ({language: (subject, body)}); an
    empty body removes that language. Shared defaults (organization None) only by the system."""
    principal = policy.principal_for(actor)
    if organization is None:
        policy.require(principal.is_system, _("Only the system maintains the shared default templates."))
    else:
        policy.require(can_send(principal, organization.pk), _("You may not edit this organization's templates."))
    if template is not None and template.organization_id != (organization.pk if organization else None):
        raise PermissionDenied(_("This template belongs to another organization."))
    if purpose not in TemplatePurpose.values:
        raise ValidationError({"purpose": _("Unknown purpose: %(p)s") % {"p": purpose}})
    if sms_alphabet not in SmsAlphabet.values:
        raise ValidationError({"sms_alphabet": _("Unknown SMS alphabet: %(a)s") % {"a": sms_alphabet}})
    variants = {lang.strip().lower(): v for lang, v in variants.items() if lang.strip()}
    bodies = {lang: body for lang, (subject, body) in variants.items() if body.strip()}
    if not bodies:
        raise ValidationError(_("A template needs its text in at least one language."))
    known = ", ".join(f"{{{n}}}" for n in PLACEHOLDERS)
    unknown = {
        check.language: _("Unknown placeholder(s) in %(language)s: %(names)s. Known: %(known)s")
        % {"language": check.language, "names": ", ".join(f"{{{n}}}" for n in check.unknown), "known": known}
        for check in check_variants(bodies)
        if check.unknown
    }
    if unknown:  # keyed by language, so the editor shows each next to its text
        raise ValidationError(unknown)
    created = template is None
    if created:
        template = Template.objects.create(
            organization=organization, name=name.strip(), purpose=purpose, sms_alphabet=sms_alphabet
        )
    else:
        template.name, template.purpose, template.sms_alphabet = name.strip(), purpose, sms_alphabet
        template.save(update_fields=["name", "purpose", "sms_alphabet", "updated_at"])
    template.variants.exclude(language__in=list(bodies)).delete()
    for language, (subject, body) in variants.items():
        if body.strip():
            TemplateVariant.objects.update_or_create(
                template=template, language=language, defaults={"subject": subject.strip(), "body": body.strip()}
            )
    audit.record(
        principal,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        template,
        organization=organization,
        summary=f"template {template.name}",
        languages=sorted(bodies),
        sms_alphabet=sms_alphabet,
    )
    return template


def templates_for(user, organization_id: int, purpose: str | None = None):
    """Templates an organization may use: its own, then the shared defaults whose purpose it has
    not overridden by name."""
    qs = Template.objects.filter(organization_id=organization_id) | Template.objects.filter(organization__isnull=True)
    if purpose:
        qs = qs.filter(purpose=purpose)
    return qs.prefetch_related("variants").order_by("organization_id", "purpose", "name")


# --- channels ---------------------------------------------------------------------------------


@transaction.atomic
def save_channel(*, actor, organization: Organization, channel: Channel | None = None, **fields) -> Channel:
    principal = policy.principal_for(actor)
    policy.require(can_manage_channels(principal, organization.pk), _("Only an administrator configures channels."))
    if fields.get("secret_name", "").strip() and any(c in fields["secret_name"] for c in " /:"):
        raise ValidationError({"secret_name": _("Give the NAME of an environment variable, not the secret.")})
    created = channel is None
    channel = channel or Channel(organization=organization)
    if channel.organization_id != organization.pk:
        raise PermissionDenied
    for name, value in fields.items():
        setattr(channel, name, value)
    channel.full_clean(exclude=["organization", "webhook_key", "next_slot"])
    channel.save()
    audit.record(
        principal, AuditAction.CREATE if created else AuditAction.UPDATE, channel, organization=organization,
        summary=f"channel {channel.name}",
    )  # fmt: skip
    return channel


# --- broadcasts ---------------------------------------------------------------------------------


@transaction.atomic
def create_broadcast(
    *,
    actor,
    organization: Organization,
    title: str,
    template: Template,
    audience: dict | None = None,
    crisis=None,
    language_fallback: list[str] | tuple[str, ...] = ("es", "en"),
    allow_fallback: bool = True,
    requires_approval: bool = False,
    checkin_valid_hours: int = 72,
    request=None,
) -> Broadcast:
    principal = policy.principal_for(actor)
    policy.require(can_send(principal, organization.pk), _("You may not send messages for this organization."))
    if template.organization_id not in (None, organization.pk):
        raise PermissionDenied(_("This template belongs to another organization."))
    if not template.variants.exists():
        raise ValidationError(_("The template has no text in any language."))
    if crisis is None and {"welfare_status", "no_reply"} & set(audience or {}):
        # Welfare exists only within a crisis: without one these filters would match everyone.
        raise ValidationError(_("Welfare filters (welfare status, no reply yet) need a crisis."))
    broadcast = Broadcast(
        organization=organization,
        title=title.strip() or template.name,
        template=template,
        audience=audience or {},
        language_fallback=[lang for lang in language_fallback if lang in LANGUAGES or lang],
        allow_fallback=allow_fallback,
        requires_approval=requires_approval,
        checkin_valid_hours=checkin_valid_hours,
        created_by=principal.user,
        crisis=crisis,
    )
    broadcast.save()
    broadcast.preview = _preview(principal, broadcast)
    broadcast.save(update_fields=["preview"])
    audit.record(
        principal, AuditAction.CREATE, broadcast, request=request, organization=organization,
        summary=f"broadcast draft {broadcast.title}", reachable=broadcast.preview["reachable"],
    )  # fmt: skip
    return broadcast


def _preview(actor, broadcast: Broadcast) -> dict:
    """Who gets what where, and what the SMS will cost (per language, with each person's values)."""
    plan = plan_broadcast(actor, broadcast)
    return {**plan.summary(), "sms": sms_estimate(broadcast, plan)}


def refresh_preview(*, actor, broadcast: Broadcast) -> dict:
    broadcast.preview = _preview(actor, broadcast)
    Broadcast.objects.filter(pk=broadcast.pk).update(preview=broadcast.preview)
    return broadcast.preview


@transaction.atomic
def confirm_broadcast(*, actor, broadcast: Broadcast, request=None) -> Broadcast:
    """The sender confirms: the outbox is filled now, or the broadcast waits for a second person."""
    principal = policy.principal_for(actor)
    policy.require(can_send(principal, broadcast.organization_id), _("You may not send for this organization."))
    now = timezone.now()
    target = BroadcastStatus.AWAITING_APPROVAL if broadcast.requires_approval else BroadcastStatus.SENDING
    moved = Broadcast.objects.filter(pk=broadcast.pk, status=BroadcastStatus.DRAFT).update(
        status=target, confirmed_by=principal.user, confirmed_at=now
    )
    if not moved:
        raise BroadcastRefused(_("This broadcast was already confirmed or cancelled."))
    broadcast.refresh_from_db()
    if target == BroadcastStatus.SENDING:
        _queue(principal, broadcast, request=request)
    # The audit event last: the audit chain's lock is held from it to the commit (accounts.audit).
    audit.record(
        principal, AuditAction.UPDATE, broadcast, request=request, organization=broadcast.organization,
        summary=f"broadcast confirmed {broadcast.title}", status=target,
    )  # fmt: skip
    return broadcast


@transaction.atomic
def approve_broadcast(*, actor, broadcast: Broadcast, request=None) -> Broadcast:
    """Four eyes: someone other than the person who confirmed approves, and the outbox is filled."""
    principal = policy.principal_for(actor)
    policy.require(can_approve(principal, broadcast.organization_id), _("You may not approve broadcasts here."))
    if principal.user is not None and principal.user.pk == broadcast.confirmed_by_id:
        raise PermissionDenied(_("A second person must approve: you confirmed this broadcast yourself."))
    moved = Broadcast.objects.filter(pk=broadcast.pk, status=BroadcastStatus.AWAITING_APPROVAL).update(
        status=BroadcastStatus.SENDING, approved_by=principal.user, approved_at=timezone.now()
    )
    if not moved:
        raise BroadcastRefused(_("This broadcast is not waiting for approval."))
    broadcast.refresh_from_db()
    # The audience is the one the confirming person saw.
    sender = broadcast.confirmed_by or principal
    _queue(policy.principal_for(sender), broadcast, request=request)
    audit.record(
        principal, AuditAction.UPDATE, broadcast, request=request, organization=broadcast.organization,
        summary=f"broadcast approved {broadcast.title}",
    )  # fmt: skip
    return broadcast


def nobody_reason(preview: dict) -> str:
    """Why a broadcast would reach nobody, in words (the refusal and the preview say it)."""
    unreachable = preview.get("unreachable") or {}
    counts = [
        (reason, unreachable.get(reason, 0)) for reason in ("no_consent", "no_contact", "no_channel", "no_language")
    ]
    parts = [_unreachable_phrase(reason, n) for reason, n in counts if n]
    if not parts:
        return _("Nobody can be reached: nobody you may see matches this audience.")
    return _("Nobody can be reached: %(reasons)s.") % {"reasons": "; ".join(parts)}


def _unreachable_phrase(reason: str, n: int) -> str:
    phrases = {
        "no_consent": ngettext(
            "%(n)s person has not consented to crisis alerts",
            "%(n)s people have not consented to crisis alerts",
            n,
        ),
        "no_contact": ngettext("%(n)s person has no phone or e-mail", "%(n)s people have no phone or e-mail", n),
        "no_channel": ngettext(
            "%(n)s person has contacts that no configured channel serves",
            "%(n)s people have contacts that no configured channel serves",
            n,
        ),
        "no_language": ngettext(
            "%(n)s person has no text of the template in a language they read",
            "%(n)s people have no text of the template in a language they read",
            n,
        ),
    }
    return phrases[reason] % {"n": n}


def _queue(principal, broadcast: Broadcast, *, request=None) -> int:
    """Fill the outbox: plan again (consent may have changed since the preview), then one
    bulk insert. Dispatch starts when the transaction commits. A broadcast that would reach
    nobody is refused (the caller's transaction rolls back): it is never marked sent."""
    plan = plan_broadcast(principal, broadcast)
    if not plan.rows:
        raise BroadcastRefused(nobody_reason(plan.summary()))
    rows = outbox_rows(broadcast, plan)
    count = write_outbox(rows)
    broadcast.preview = {**plan.summary(), "sms": broadcast.preview.get("sms", {}), "sms_parts_queued": sms_parts(rows)}
    broadcast.recipients = count
    broadcast.sent_at = timezone.now()
    broadcast.save(update_fields=["preview", "recipients", "sent_at"])
    audit.record(
        principal, AuditAction.SEND, broadcast, request=request, organization=broadcast.organization,
        summary=f"broadcast queued {broadcast.title}", recipients=count,
        by_channel=dict(plan.by_channel), unreachable=dict(plan.unreachable),
    )  # fmt: skip
    from amparo.messaging.tasks import dispatch_after_commit

    dispatch_after_commit()
    return count


@transaction.atomic
def cancel_broadcast(*, actor, broadcast: Broadcast, request=None) -> int:
    """Stop what has not left yet (rows already on the wire finish)."""
    principal = policy.principal_for(actor)
    policy.require(can_send(principal, broadcast.organization_id), _("You may not cancel this broadcast."))
    cancelled = broadcast.messages.filter(status__in=(MessageStatus.QUEUED, MessageStatus.CLAIMED)).update(
        status=MessageStatus.CANCELLED, error_code="cancelled", error_detail="broadcast cancelled"
    )
    Broadcast.objects.filter(pk=broadcast.pk).exclude(status=BroadcastStatus.SENT).update(
        status=BroadcastStatus.CANCELLED
    )
    audit.record(
        principal, AuditAction.UPDATE, broadcast, request=request, organization=broadcast.organization,
        summary=f"broadcast cancelled {broadcast.title}", cancelled=cancelled,
    )  # fmt: skip
    return cancelled


def settle_broadcast(broadcast: Broadcast) -> None:
    """Mark a sending broadcast sent once no row is open any more."""
    if broadcast.status == BroadcastStatus.SENDING and not broadcast.messages.open().exists():
        Broadcast.objects.filter(pk=broadcast.pk, status=BroadcastStatus.SENDING).update(status=BroadcastStatus.SENT)
        broadcast.status = BroadcastStatus.SENT


# --- messages whose fate is unknown -------------------------------------------------------------

UNCERTAIN_DECISIONS = ("resend", "delivered", "not_delivered")


@transaction.atomic
def decide_uncertain(*, actor, message: Message, decision: str, request=None) -> Message:
    """Staff settle a message that may have been delivered (a crash or timeout mid-request, and
    the provider cannot be asked): `resend` (the person may get it twice; staff accept that),
    `delivered` (e.g. confirmed in the provider's console, or by the person) or `not_delivered`.
    Only an uncertain message can be decided, once."""
    from amparo.messaging.dispatch import HISTORY_LIMIT

    principal = policy.principal_for(actor)
    policy.require(can_send(principal, message.organization_id), _("You may not decide about these messages."))
    if decision not in UNCERTAIN_DECISIONS:
        raise ValidationError(_("Unknown decision: %(d)s") % {"d": decision})
    now = timezone.now()
    entry = {"at": now.isoformat(), "kind": message.kind, "code": f"staff_{decision}", "detail": principal.label}
    fields = {"history": (list(message.history or []) + [entry])[-HISTORY_LIMIT:], "uncertain": False}
    if decision == "resend":
        fields.update(
            status=MessageStatus.QUEUED, attempts=0, next_attempt_at=now, claimed_by="", error_code="",
            error_detail="", failed_at=None,
        )  # fmt: skip
    elif decision == "delivered":
        fields.update(status=MessageStatus.DELIVERED, delivered_at=now, sent_at=message.last_attempt_at or now)
    else:
        fields.update(status=MessageStatus.FAILED, failed_at=now, error_code="not_delivered", error_detail="")
    if not Message.objects.filter(pk=message.pk, status=MessageStatus.UNCERTAIN).update(**fields):
        raise DecisionRefused(_("This message is no longer uncertain: it was decided or reported meanwhile."))
    previous = message.error_code
    message.refresh_from_db()
    audit.record(
        principal, AuditAction.UPDATE, message, request=request, organization=message.organization_id,
        summary=f"uncertain message decided: {decision}", decision=decision, previous_error=previous,
    )  # fmt: skip
    if decision == "delivered" and message.crisis_id:
        from amparo.messaging import crisis_link

        crisis_link.mark_contacted(crisis=message.crisis, person=message.person, at=now)
    if decision == "resend":
        from amparo.messaging.tasks import schedule_dispatch

        transaction.on_commit(lambda: schedule_dispatch(parallel=1))
    return message
