"""Writing audit events. Called by the action that did the thing (never by signals), so each
event names the real actor and what they did.

The event's organization (whose administrators see it) is the one the actor acted through: the
organization named by the caller, else the one whose seat sees the record (policy.acting_seats),
else the actor's only organization. A user with seats in several organizations is never filed
under a guessed one: without a record to tell, their event names no organization and lists their
organizations in `extra["organizations"]`.

Refused accesses (a record that exists but is not the actor's to see or change) are recorded by
`denied()`, under the organization the record belongs to, so its administrators see who tried.

Events about a person name them by id, never by name (`_without_name`): the log is append-only,
and retention must be able to purge a person leaving only the tombstone.

Events are hash-chained (accounts.chain): writing one takes the chain's lock, held until the
transaction commits. Record a service's event as its last write, after any long bulk work in the
same transaction, so other requests never wait for that work to write their own events.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from amparo.accounts import policy
from amparo.accounts.clientip import client_ip
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
    if organization is not None:
        organization_id = getattr(organization, "pk", organization)
    else:
        organization_id = _acting_organization_id(principal, obj)
        if organization_id is None and len(principal.organization_ids()) > 1:
            extra.setdefault("organizations", sorted(principal.organization_ids()))
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        summary = _without_name(obj, summary)
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


def record_many(
    actor, action: str, model: type[models.Model], ids, *, summary: str = "", request=None, count=None, **extra
):
    """One event for a bulk read, a list or a search (the ids in `extra`, capped, with the count:
    `count`, when the caller passes only the first ids, else how many ids were given)."""
    ids = list(ids)
    return record(
        actor,
        action,
        object_type=model._meta.label_lower,
        summary=summary,
        request=request,
        count=len(ids) if count is None else count,
        ids=[str(i) for i in ids[:1000]],
        **extra,
    )


def denied(actor, obj: models.Model, *, request=None, reason: str = "", status: int = 404) -> list[AuditEvent]:
    """Record a refused access to a record that exists: one event for each organization it
    belongs to (its administrators see who tried), or one without organization."""
    owners = sorted(policy.owner_organization_ids(obj)) or [None]
    path = str(getattr(request, "path", ""))[:200] if request is not None else ""
    return [
        record(
            actor,
            AuditAction.ACCESS_DENIED,
            obj,
            request=request,
            organization=owner,
            summary=reason[:300] or f"refused {status}",
            status=status,
            path=path,
        )
        for owner in owners
    ]


def _acting_organization_id(principal: Principal, obj) -> int | None:
    organizations = principal.organization_ids()
    if not organizations:
        return None
    if len(organizations) == 1:
        return next(iter(organizations))
    if obj is not None and obj.pk is not None:
        owned = policy.owner_organization_ids(obj) & organizations
        if owned:
            return min(owned)
        try:
            return policy.acting_organization_id(principal, obj)
        except LookupError:  # a model without access rule (a profile, a token's own row)
            return None
    return None


def _without_name(obj, summary: str) -> str:
    """A person's name never enters the append-only log (it could not be taken out when retention
    purges the person): the event names them by id, which the tombstone keeps meaning."""
    name = getattr(obj, "full_name", "") if obj._meta.label_lower == "registry.person" else ""
    return summary.replace(name, f"#{obj.pk}") if name and summary else summary


def _client(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    return client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:300]
