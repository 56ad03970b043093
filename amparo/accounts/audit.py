"""Writing audit events. Called by the action that did the thing (never by signals), so each
event names the real actor and what they did."""

from __future__ import annotations

from typing import Any

from django.db import models

from amparo.accounts.codes import AuditAction
from amparo.accounts.models import AuditEvent
from amparo.accounts.policy import Principal, principal_for


def record(
    actor,
    action: str | AuditAction,
    obj: models.Model | None = None,
    *,
    summary: str = "",
    request=None,
    organization=None,
    object_type: str = "",
    object_id: str | int = "",
    **extra: Any,
) -> AuditEvent:
    """Append one audit event. `actor` is a user, a Principal, or None for anonymous."""
    principal = actor if isinstance(actor, Principal) else principal_for(actor)
    user = principal.user
    label = principal.label if principal.label != "anonymous" else (extra.pop("username", "") or "anonymous")
    if organization is None and principal.seats:
        organization_id = principal.seats[0].organization_id
    else:
        organization_id = getattr(organization, "pk", organization)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    ip, agent = _client(request)
    if request is not None and "via" not in extra and str(getattr(request, "path", "")).startswith("/api/"):
        # Services called from the API pass the request, not where it came from: say it here.
        extra["via"] = "api"
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label[:150],
        organization_id=organization_id,
        action=str(action),
        object_type=object_type,
        object_id=str(object_id or ""),
        summary=summary[:300],
        extra=extra,
        ip_address=ip,
        user_agent=agent,
    )


def record_many(actor, action: str, model: type[models.Model], ids, *, summary: str = "", request=None, **extra):
    """One event for a bulk read or export (the ids go in `extra`, capped, with the count)."""
    ids = list(ids)
    return record(
        actor,
        action,
        object_type=model._meta.label_lower,
        summary=summary,
        request=request,
        count=len(ids),
        ids=[str(i) for i in ids[:1000]],
        **extra,
    )


def _client(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    ip = request.META.get("REMOTE_ADDR") or None
    return ip, request.META.get("HTTP_USER_AGENT", "")[:300]
