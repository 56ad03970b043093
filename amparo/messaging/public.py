"""Pages and endpoints without login: the personal check-in page and the providers' webhooks.

Webhooks are only believed when signed (Twilio's X-Twilio-Signature, the gateway's HMAC-SHA256
header); anything unsigned or wrongly signed gets 403 and changes nothing. The check-in page is
reached only through an unguessable, expiring link; requests are rate-limited per link and per
address, and every answer is audited.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from amparo.messaging import conf, inbound
from amparo.messaging.channels import WebhookRequest, adapter_for
from amparo.messaging.forms import CheckInForm
from amparo.messaging.keywords import consulate_for
from amparo.messaging.models import Channel

logger = logging.getLogger("amparo.messaging.webhooks")


def _webhook_request(request) -> WebhookRequest:
    url = settings.SITE_URL.rstrip("/") + request.get_full_path()
    headers = {k.lower(): v for k, v in request.headers.items()}
    if request.content_type == "multipart/form-data":
        return WebhookRequest(url=url, headers=headers, body=b"", form=request.POST.dict())
    body = request.body
    form = request.POST.dict() if request.content_type == "application/x-www-form-urlencoded" else {}
    return WebhookRequest(url=url, headers=headers, body=body, form=form)


def _verified(request, key: str):
    channel = get_object_or_404(Channel.objects.select_related("organization"), webhook_key=key, is_active=True)
    adapter = adapter_for(channel)
    hook = _webhook_request(request)
    if not adapter.verify_signature(hook):
        logger.warning("webhook for channel %s refused: missing or invalid signature", channel.pk)
        return channel, adapter, None
    return channel, adapter, hook


@csrf_exempt
@require_POST
def hook_status(request, key: str):
    channel, adapter, hook = _verified(request, key)
    if hook is None:
        return HttpResponseForbidden("invalid or missing signature")
    receipt = adapter.parse_receipt(hook)
    if receipt is None:
        return HttpResponse("ignored", content_type="text/plain")
    inbound.record_receipt(channel=channel, receipt=receipt, message_key=request.GET.get("m", "")[:64])
    body, content_type = adapter.webhook_response()
    return HttpResponse(body, content_type=content_type)


@csrf_exempt
@require_POST
def hook_inbound(request, key: str):
    channel, adapter, hook = _verified(request, key)
    if hook is None:
        return HttpResponseForbidden("invalid or missing signature")
    message = adapter.parse_inbound(hook)
    if message is None:
        return HttpResponse("ignored", content_type="text/plain", status=400)
    inbound.receive_inbound(channel=channel, inbound=message)
    body, content_type = adapter.webhook_response()
    return HttpResponse(body, content_type=content_type)


# --- check-in page ------------------------------------------------------------------------------


def _rate_limited(request, token: str) -> bool:
    limit = conf.get("MESSAGING_CHECKIN_RATE")
    ip = request.META.get("REMOTE_ADDR", "")
    limited = False
    for key, allowed in ((f"checkin:t:{token[:64]}", limit), (f"checkin:ip:{ip}", limit * 4)):
        cache.add(key, 0, timeout=600)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=600)
            count = 1
        limited = limited or count > allowed
    return limited


@never_cache
def checkin(request, token: str):
    if _rate_limited(request, token):
        return render(request, "messaging/checkin_closed.html", {"reason": "rate"}, status=429)
    message = inbound.find_checkin(token)
    if message is None:
        return render(request, "messaging/checkin_closed.html", {"reason": "unknown"}, status=404)
    language = message.language or "es"
    with translation.override(language):
        consulate = consulate_for(message.person, message.organization)
        context = {"message": message, "person": message.person, "consulate": consulate, "language": language}
        if message.checkin_expires_at is None or message.checkin_expires_at <= timezone.now():
            return render(request, "messaging/checkin_closed.html", {**context, "reason": "expired"}, status=410)
        form = CheckInForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                inbound.answer_checkin(
                    message=message,
                    answer=data["answer"],
                    needs=data["needs"],
                    people_with=data["people_with"],
                    note=data["note"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    accuracy_m=data["accuracy"],
                    ip=request.META.get("REMOTE_ADDR") or None,
                )
            except inbound.CheckInClosed:
                return render(request, "messaging/checkin_closed.html", {**context, "reason": "expired"}, status=410)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return render(request, "messaging/checkin_thanks.html", {**context, "answer": data["answer"]})
        return render(request, "messaging/checkin.html", {**context, "form": form})
