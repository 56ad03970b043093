"""The bridge to the crises app: who is affected, and writing welfare updates.

Kept in one place so the rest of messaging does not care whether the crises app is there yet:
`available()` says whether welfare tracking exists; without it, replies still land (and wait in
the staff inbox with the reason).
"""

from __future__ import annotations

from django.db.models import QuerySet


class WelfareUnavailable(Exception):
    pass


def available() -> bool:
    try:
        from amparo.crises.services import update_welfare  # noqa: F401
    except ImportError:
        return False
    return True


def affected(user, broadcast, people: QuerySet) -> QuerySet:
    """Narrow `people` to the broadcast crisis's affected people, with the audience's welfare
    filters: `welfare_status` (a list of codes) and `no_reply` (nobody has replied yet)."""
    from amparo.crises.queries import affected_people, welfare_rows

    audience = broadcast.audience or {}
    people = people.filter(pk__in=affected_people(user, broadcast.crisis).values("pk"))
    if audience.get("welfare_status") or audience.get("no_reply"):
        rows = welfare_rows(user, broadcast.crisis)
        if audience.get("welfare_status"):
            rows = rows.filter(status__in=audience["welfare_status"])
        if audience.get("no_reply"):
            rows = rows.filter(replied_at__isnull=True)
        people = people.filter(pk__in=rows.values("person_id"))
    return people


def update_welfare(*, actor, crisis, person, status, source, needs=(), note="", people_with=None, at=None):
    try:
        from amparo.crises.services import update_welfare as crises_update
    except ImportError as exc:
        raise WelfareUnavailable("welfare tracking (crises app) is not installed yet") from exc
    # Messaging records only what a person sent (a reply, a check-in answer): from_answer.
    return crises_update(
        actor=actor, crisis=crisis, person=person, status=status, source=source, needs=tuple(needs), note=note,
        people_with=people_with, at=at, from_answer=True,
    )  # fmt: skip


def refused_exception() -> type[Exception]:
    try:
        from amparo.crises.services import WelfareUpdateRefused
    except ImportError:
        return WelfareUnavailable
    return WelfareUpdateRefused


def mark_contacted(*, crisis, person, at=None) -> None:
    try:
        from amparo.crises.services import mark_contacted as crises_mark
    except ImportError:
        return
    crises_mark(crisis=crisis, person=person, at=at)


WELFARE_STATUSES = [
    ("unknown", "unknown"),
    ("contacted", "contacted"),
    ("safe", "safe"),
    ("needs_assistance", "needs_assistance"),
    ("missing", "missing"),
    ("evacuated_relocated", "evacuated_relocated"),
    ("repatriated", "repatriated"),
]


def welfare_statuses() -> list[tuple[str, str]]:
    try:
        from amparo.crises.codes import WelfareCode
    except ImportError:
        return WELFARE_STATUSES
    return [(c, label) for c, label in WelfareCode.choices if c != "deceased"]


def visible_crises(user):
    try:
        from amparo.crises.models import Crisis
    except ImportError:
        return []
    from amparo.accounts import policy

    return list(policy.visible(user, Crisis).exclude(phase="closed")[:200])


def get_crisis(user, pk):
    from amparo.accounts import policy
    from amparo.crises.models import Crisis

    return policy.get_visible_or_404(user, Crisis, pk=pk)
