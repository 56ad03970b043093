"""Moving welfare rows when the matching app merges two person records, and putting them back.

- A crisis where only the merged record has a welfare row: the row moves to the survivor.
- A crisis where both have one: the survivor's row stays; if the merged record's status is more
  recent (and known), the survivor's row takes it, with a history entry; the merged record's row is
  left in place (merged records are never listed or counted) so nothing is lost.
The returned record says exactly what moved, so `unmerge_person` restores it.
"""

from __future__ import annotations

from django.db import transaction

from amparo.accounts import policy
from amparo.crises.codes import WelfareCode
from amparo.crises.models import WelfareHistory, WelfareStatus

_COPIED = (
    "status",
    "needs",
    "note",
    "people_with",
    "source",
    "updated_at",
    "updated_by_label",
    "staff_entry_at",
    "contacted_at",
    "replied_at",
    "accounted_at",
)


def _dt(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def merge_person(*, survivor, merged, actor) -> dict:
    principal = policy.principal_for(actor)
    survivor_rows = {w.crisis_id: w for w in WelfareStatus.objects.filter(person=survivor)}
    moved, adopted = [], []
    for row in WelfareStatus.objects.filter(person=merged).select_related("crisis"):
        mine = survivor_rows.get(row.crisis_id)
        if mine is None:
            moved.append(row.pk)
            continue
        newer = row.status != WelfareCode.UNKNOWN and (
            mine.updated_at is None or (row.updated_at and row.updated_at > mine.updated_at)
        )
        if not newer:
            continue
        previous = {name: _dt(getattr(mine, name)) for name in _COPIED}
        for name in _COPIED:
            setattr(mine, name, getattr(row, name))
        mine.save()
        entry = WelfareHistory.objects.create(
            welfare=mine,
            crisis_id=mine.crisis_id,
            previous_status=previous["status"],
            status=row.status,
            needs=row.needs,
            note=f"merged from record {merged.pk}",
            source=row.source or "staff",
            actor=principal.user,
            actor_label=principal.label[:150],
            at=row.updated_at or mine.updated_at,
        )
        adopted.append({"welfare": mine.pk, "history": entry.pk, "previous": previous})
    WelfareStatus.objects.filter(pk__in=moved).update(person=survivor)
    return {"moved": moved, "adopted": adopted}


@transaction.atomic
def unmerge_person(*, survivor, merged, moved: dict, actor) -> None:
    from django.utils.dateparse import parse_datetime

    WelfareStatus.objects.filter(pk__in=moved.get("moved", []), person=survivor).update(person=merged)
    for item in moved.get("adopted", []):
        row = WelfareStatus.objects.filter(pk=item["welfare"]).first()
        if row is None:
            continue
        for name, value in item["previous"].items():
            if name.endswith("_at") and isinstance(value, str):
                value = parse_datetime(value)
            setattr(row, name, value)
        row.save()
        WelfareHistory.objects.filter(pk=item["history"]).delete()
