"""Staff pages: broadcasts (preview, confirm, approve, follow), templates, the inbox, channels.
Each view starts from the access policy; each write goes through a service."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.core import labels as words
from amparo.messaging import crisis_link, inbound, services
from amparo.messaging.forms import BroadcastForm, ResolveForm, TemplateForm
from amparo.messaging.models import (
    LANGUAGES,
    Broadcast,
    BroadcastStatus,
    Channel,
    ChannelKind,
    InboundMessage,
    InboundStatus,
    Message,
    MessageStatus,
    SmsAlphabet,
    Template,
)
from amparo.messaging.rendering import PLACEHOLDERS, check_variants


def _principal(request):
    principal = policy.principal_for(request.user)
    if not principal.sees_names:
        raise PermissionDenied
    return principal


def _sender_org(principal):
    """The organization the user sends for (their first seat with a sending role)."""
    for seat in principal.seats:
        if seat.role in services.SENDER_ROLES:
            from amparo.accounts.models import Organization

            return Organization.objects.get(pk=seat.organization_id)
    raise PermissionDenied


@login_required
def broadcast_list(request):
    _principal(request)
    broadcasts = (
        policy.visible(request.user, Broadcast)
        .select_related("template", "organization")
        .annotate(
            delivered=Count("messages", filter=Q(messages__status__in=[MessageStatus.DELIVERED, MessageStatus.READ])),
            failed=Count("messages", filter=Q(messages__status=MessageStatus.FAILED)),
            replied=Count("messages", filter=Q(messages__replied_at__isnull=False)),
        )
        .order_by("-created_at", "-id")
    )
    page = Paginator(broadcasts, 25).get_page(request.GET.get("page"))
    inbox_count = policy.visible(request.user, InboundMessage).filter(status=InboundStatus.NEEDS_REVIEW).count()
    return render(request, "messaging/broadcast_list.html", {"page": page, "inbox_count": inbox_count})


@login_required
def broadcast_new(request):
    principal = _principal(request)
    organization = _sender_org(principal)
    templates = list(services.templates_for(request.user, organization.pk))
    crises = crisis_link.visible_crises(request.user)
    kwargs = {"templates": templates, "crises": crises, "welfare_statuses": crisis_link.welfare_statuses()}
    form = BroadcastForm(request.POST or None, initial=_initial(request, templates), **kwargs)
    if request.method == "POST" and form.is_valid():
        template = next(t for t in templates if str(t.pk) == form.cleaned_data["template"])
        crisis = None
        if form.cleaned_data.get("crisis"):
            crisis = crisis_link.get_crisis(request.user, form.cleaned_data["crisis"])
        try:
            broadcast = services.create_broadcast(
                actor=request.user,
                organization=organization,
                title=form.cleaned_data["title"],
                template=template,
                audience=form.audience(),
                crisis=crisis,
                language_fallback=form.cleaned_data["language_fallback"],
                allow_fallback=form.cleaned_data["allow_fallback"],
                requires_approval=form.cleaned_data["requires_approval"],
                checkin_valid_hours=form.cleaned_data["checkin_valid_hours"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("messaging:broadcast_detail", broadcast.pk)
    return render(request, "messaging/broadcast_new.html", {"form": form, "organization": organization})


def _initial(request, templates) -> dict:
    initial = {"checkin_valid_hours": 72, "allow_fallback": True, "language_fallback": "es, en"}
    if request.GET.get("crisis"):
        initial["crisis"] = request.GET["crisis"]
    checkin = next((t for t in templates if t.purpose == "checkin"), None)
    if checkin:
        initial["template"] = str(checkin.pk)
    return initial


@login_required
def broadcast_detail(request, pk: int):
    _principal(request)
    broadcast = policy.get_visible_or_404(
        request.user,
        Broadcast.objects.select_related("template", "organization", "crisis", "confirmed_by", "approved_by"),
        pk=pk,
    )
    services.settle_broadcast(broadcast)
    by_status = dict(broadcast.messages.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    by_channel = dict(broadcast.messages.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    replied = broadcast.messages.filter(replied_at__isnull=False).count()
    failures = broadcast.messages.filter(status=MessageStatus.FAILED).select_related("person")[:50]
    uncertain = list(broadcast.messages.filter(status=MessageStatus.UNCERTAIN).select_related("person")[:50])
    preview = broadcast.preview or {}
    context = {
        "broadcast": broadcast,
        "preview": preview,
        "audience": audience_summary(broadcast),
        "preview_channels": _channel_counts(preview.get("by_channel", {})),
        "preview_languages": [
            (code, LANGUAGE_NAMES.get(code, code), n)
            for code, n in sorted(preview.get("by_language", {}).items(), key=lambda kv: -kv[1])
        ],
        "texts": _texts(broadcast, preview),
        "matrix": _matrix(preview),
        "sms_cost": _sms_cost(preview),
        "by_status": [(MessageStatus(s).label, n) for s, n in by_status.items()],
        "by_channel": _channel_counts(by_channel),
        "replied": replied,
        "failures": failures,
        "uncertain": uncertain,
        "nobody_reason": services.nobody_reason(preview) if not preview.get("reachable") else "",
        "can_send": services.can_send(request.user, broadcast.organization_id),
        "can_approve": services.can_approve(request.user, broadcast.organization_id)
        and request.user.pk != broadcast.confirmed_by_id,
    }
    if failures or uncertain:
        audit.record_many(
            request.user, AuditAction.VIEW, Message, [m.pk for m in [*failures, *uncertain]], request=request,
            summary=f"failed and uncertain messages of broadcast {broadcast.pk}",
        )  # fmt: skip
    return render(request, "messaging/broadcast_detail.html", context)


LANGUAGE_NAMES = {code: name for code, name in settings.LANGUAGES}


def _channel_counts(counts: dict) -> list[tuple[str, int]]:
    labels = dict(ChannelKind.choices)
    return [(str(labels.get(kind, kind)), n) for kind, n in sorted(counts.items(), key=lambda kv: -kv[1])]


def _matrix(preview: dict) -> dict | None:
    """Who gets what where: languages (most recipients first) × channels, for the preview."""
    cells = preview.get("by_channel_language")
    if not cells:
        return None
    labels = dict(ChannelKind.choices)
    kinds = [kind for kind, _n in sorted(preview.get("by_channel", {}).items(), key=lambda kv: -kv[1])]
    languages = [code for code, _n in sorted(preview.get("by_language", {}).items(), key=lambda kv: -kv[1])]
    return {
        "channels": [str(labels.get(kind, kind)) for kind in kinds],
        "rows": [
            (LANGUAGE_NAMES.get(code, code), [cells.get(kind, {}).get(code, 0) for kind in kinds]) for code in languages
        ],
    }


def _sms_cost(preview: dict) -> dict | None:
    """The SMS parts per language before confirmation (most people first), and the total."""
    sms = preview.get("sms") or {}
    if not sms.get("people"):
        return None
    rows = []
    for code, entry in sorted(sms["by_language"].items(), key=lambda kv: -kv[1]["people"]):
        per_person = entry["parts"] / entry["people"]
        rows.append({"code": code, "name": LANGUAGE_NAMES.get(code, code), "per_person": f"{per_person:.1f}", **entry})
    return {
        "rows": rows,
        "people": sms["people"],
        "parts": sms["parts"],
        "saved": sms["parts_with_accents"] - sms["parts"],
    }


def _texts(broadcast, preview: dict) -> list[dict]:
    """The text each language group will read (most recipients first; every variant when nobody
    is reachable yet), with its SMS length and, when SMS are written in GSM-7, the SMS spelling."""
    variants = {v.language: v for v in broadcast.template.variants.all()}
    used = sorted(preview.get("by_language", {}).items(), key=lambda kv: -kv[1])
    languages = [code for code, _n in used if code in variants] or sorted(variants)
    checks = {
        c.language: c
        for c in check_variants(
            {code: variants[code].body for code in languages}, sms_alphabet=broadcast.template.sms_alphabet
        )
    }
    return [
        {"language": code, "name": LANGUAGE_NAMES.get(code, code), "variant": variants[code], "check": checks[code]}
        for code in languages
    ]


def audience_summary(broadcast) -> list[str]:
    """Who the broadcast is for, in words, for the preview (the sender checks it before sending)."""
    audience = broadcast.audience or {}
    parts = []
    if broadcast.crisis_id:
        parts.append(_("people affected by %(crisis)s") % {"crisis": broadcast.crisis})
        statuses = dict(crisis_link.welfare_statuses())
        if audience.get("welfare_status"):
            names = ", ".join(str(statuses.get(code, code)) for code in audience["welfare_status"])
            parts.append(_("welfare status: %(names)s") % {"names": names})
        if audience.get("no_reply"):
            parts.append(_("who have not replied yet"))
    if audience.get("nationality"):
        parts.append(_("nationality %(code)s") % {"code": words.country_name(audience["nationality"])})
    if audience.get("country"):
        parts.append(_("in country %(code)s") % {"code": words.country_name(audience["country"])})
    if audience.get("subdivisions"):
        names = ", ".join(words.subdivision_name(code) for code in audience["subdivisions"])
        parts.append(_("in %(codes)s") % {"codes": names})
    if audience.get("language"):
        parts.append(_("speaking %(code)s") % {"code": words.language_name(audience["language"])})
    search = audience.get("search") or {}
    if search.get("q"):
        parts.append(_("registry search “%(q)s”") % {"q": search["q"]})
    if search.get("municipality"):
        parts.append(_("municipality %(name)s") % {"name": search["municipality"]})
    if audience.get("person_ids"):
        parts.append(_("%(n)s chosen people") % {"n": len(audience["person_ids"])})
    if not parts:
        parts.append(_("everyone your organization can see in the registry (no filter)"))
    return parts


def _transition(request, pk: int, action):
    broadcast = policy.get_visible_or_404(request.user, Broadcast, pk=pk)
    try:
        action(actor=request.user, broadcast=broadcast, request=request)
    except services.BroadcastRefused as exc:
        flash.error(request, str(exc))
    except PermissionDenied as exc:
        if not str(exc):
            raise
        flash.error(request, str(exc))
    return redirect("messaging:broadcast_detail", broadcast.pk)


@login_required
@require_POST
def broadcast_confirm(request, pk: int):
    response = _transition(request, pk, services.confirm_broadcast)
    broadcast = Broadcast.objects.get(pk=pk)
    if broadcast.status == BroadcastStatus.SENDING:
        flash.success(
            request,
            ngettext("Sending to %(n)s person.", "Sending to %(n)s people.", broadcast.recipients)
            % {"n": broadcast.recipients},
        )
    elif broadcast.status == BroadcastStatus.AWAITING_APPROVAL:
        flash.info(request, _("Waiting for a second person's approval."))
    return response


@login_required
@require_POST
def broadcast_approve(request, pk: int):
    response = _transition(request, pk, services.approve_broadcast)
    broadcast = Broadcast.objects.get(pk=pk)
    if broadcast.status == BroadcastStatus.SENDING and broadcast.approved_by_id == request.user.pk:
        flash.success(
            request,
            ngettext("Approved: sending to %(n)s person.", "Approved: sending to %(n)s people.", broadcast.recipients)
            % {"n": broadcast.recipients},
        )
    return response


@login_required
@require_POST
def broadcast_cancel(request, pk: int):
    return _transition(request, pk, services.cancel_broadcast)


DECIDED = {
    "resend": gettext_lazy("The message will be sent again."),
    "delivered": gettext_lazy("Recorded as delivered."),
    "not_delivered": gettext_lazy("Recorded as not delivered."),
}


@login_required
@require_POST
def message_decide(request, pk: int):
    """Staff settle a message whose fate is unknown (see services.decide_uncertain)."""
    _principal(request)
    message = policy.get_visible_or_404(request.user, Message, pk=pk)
    decision = request.POST.get("decision", "")
    try:
        services.decide_uncertain(actor=request.user, message=message, decision=decision, request=request)
    except services.DecisionRefused as exc:
        flash.error(request, str(exc))
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
    else:
        flash.success(request, str(DECIDED[decision]))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = (
            reverse("messaging:broadcast_detail", args=[message.broadcast_id])
            if message.broadcast_id
            else reverse("registry:person_detail", args=[message.person_id])
        )
    return redirect(back)


# --- templates ----------------------------------------------------------------------------------


@login_required
def template_list(request):
    principal = _principal(request)
    templates = policy.visible(request.user, Template).prefetch_related("variants").select_related("organization")
    rows = [(t, check_variants({v.language: v.body for v in t.variants.all()}, purpose=t.purpose)) for t in templates]
    return render(
        request,
        "messaging/template_list.html",
        {"rows": rows, "languages": LANGUAGES, "can_edit": bool(principal.organization_ids(services.SENDER_ROLES))},
    )


@login_required
def template_edit(request, pk: int | None = None):
    principal = _principal(request)
    organization = _sender_org(principal)
    template = policy.get_visible_or_404(request.user, Template, pk=pk) if pk else None
    initial = {}
    if template is not None:
        initial = {"name": template.name, "purpose": template.purpose, "sms_alphabet": template.sms_alphabet}
        for v in template.variants.all():
            initial[f"subject_{v.language}"], initial[f"body_{v.language}"] = v.subject, v.body
    elif request.GET.get("purpose"):
        initial["purpose"] = request.GET["purpose"]
    form = TemplateForm(request.POST or None, initial=initial)
    editable = template is None or template.organization_id == organization.pk
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_template(
                actor=request.user,
                organization=organization,
                name=form.cleaned_data["name"],
                purpose=form.cleaned_data["purpose"],
                variants=form.variants(),
                sms_alphabet=form.cleaned_data["sms_alphabet"] or SmsAlphabet.AUTO,
                template=template if editable else None,  # a shared default is copied, never changed
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):  # {language or field: errors}: shown next to the language's text
                for key, errors in exc.error_dict.items():
                    form.add_error(f"body_{key}" if key in LANGUAGES else key if key in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            flash.success(request, _("Template saved."))
            return redirect("messaging:template_edit", saved.pk)
    variants = {lang: (form["body_" + lang].value() or "") for lang in LANGUAGES}
    checks = check_variants(
        {k: v for k, v in variants.items() if v.strip()},
        purpose=form["purpose"].value() or "",
        sms_alphabet=form["sms_alphabet"].value() or "auto",
    )
    return render(
        request,
        "messaging/template_edit.html",
        {
            "form": form,
            "template": template,
            "editable": editable,
            "checks": checks,
            "languages_without_text": _without_text(checks),
            "placeholders": PLACEHOLDERS,
            "languages": LANGUAGES,
        },
    )


@login_required
@require_POST
def template_check(request):
    """HTMX: the editor's live checks (segments, encoding, missing placeholders)."""
    _principal(request)
    variants = {lang: request.POST.get(f"body_{lang}", "") for lang in LANGUAGES}
    checks = check_variants(
        {k: v for k, v in variants.items() if v.strip()},
        purpose=request.POST.get("purpose", ""),
        sms_alphabet=request.POST.get("sms_alphabet", "auto"),
    )
    return render(
        request, "messaging/_checks.html", {"checks": checks, "languages_without_text": _without_text(checks)}
    )


def _without_text(checks) -> list[str]:
    written = {c.language for c in checks}
    return [code for code in LANGUAGES if code not in written]


# --- inbox ------------------------------------------------------------------------------------


@login_required
def inbox(request):
    _principal(request)
    show = request.GET.get("show", "open")
    items = policy.visible(request.user, InboundMessage).select_related("person", "channel")
    if show == "open":
        items = items.filter(status=InboundStatus.NEEDS_REVIEW)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    audit.record_many(
        request.user, AuditAction.VIEW, InboundMessage, [i.pk for i in page], request=request, summary="inbox"
    )
    return render(request, "messaging/inbox.html", {"page": page, "show": show})


@login_required
def inbox_item(request, pk: int):
    _principal(request)
    item = policy.get_visible_or_404(
        request.user, InboundMessage.objects.select_related("person", "in_reply_to", "channel"), pk=pk
    )
    form = ResolveForm(request.POST or None, initial={"needs": item.needs}, statuses=crisis_link.welfare_statuses())
    if request.method == "POST" and form.is_valid():
        try:
            inbound.resolve_inbox_item(
                actor=request.user,
                item=item,
                status=form.cleaned_data["status"],
                needs=form.cleaned_data["needs"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except crisis_link.refused_exception() as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, _("Handled."))
            return redirect("messaging:inbox")
    audit.record(request.user, AuditAction.VIEW, item, request=request, summary="inbox item")
    earlier = []
    if item.person_id:
        earlier = list(
            policy.visible(request.user, Message).filter(person_id=item.person_id).order_by("-created_at")[:5]
        )
    labels = dict(form.fields["needs"].choices)
    needs_read = [str(labels.get(code, code)) for code in item.needs]
    context = {"item": item, "form": form, "earlier": earlier, "needs_read": needs_read}
    return render(request, "messaging/inbox_item.html", context)


@login_required
def channel_list(request):
    principal = _principal(request)
    channels = policy.visible(request.user, Channel).select_related("organization")
    return render(
        request,
        "messaging/channel_list.html",
        {"channels": channels, "is_admin": bool(principal.organization_ids(services.CHANNEL_ADMIN_ROLES))},
    )
