"""Reads of the crises app, shared by pages, the API, exports and other apps (messaging).

Every read starts from the access policy: named lists from `policy.visible` /
`Person.objects.visible_to(user)`, aggregates from `policy.countable` (analysts, civil protection,
people shared without consent: counted, never named).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from amparo.accounts import policy
from amparo.accounts.models import Organization
from amparo.crises.codes import ACCOUNTED_FOR, WelfareCode
from amparo.crises.models import ConsularAlertLevel, Crisis, WelfareHistory, WelfareStatus
from amparo.registry.access import exact_position_q
from amparo.registry.models import Person


def crises_for(user) -> QuerySet[Crisis]:
    return policy.visible(user, Crisis)


def affected_people(user, crisis: Crisis) -> QuerySet[Person]:
    """The affected people of `crisis` that `user` may see by name (currently inside an area)."""
    rows = WelfareStatus.objects.filter(crisis=crisis, in_area=True, person=OuterRef("pk"))
    return Person.objects.visible_to(user).active().filter(Exists(rows))


def welfare_rows(user, crisis: Crisis, *, include_outside: bool = False) -> QuerySet[WelfareStatus]:
    """Named welfare rows (one per affected person the user may see), with the person."""
    qs = policy.visible(user, WelfareStatus).filter(crisis=crisis).exclude(person__record_status="merged")
    if not include_outside:
        qs = qs.filter(in_area=True)
    return qs.select_related("person", "person__registering_organization")


def person_panel(user, person: Person) -> dict | None:
    """The person's welfare in each crisis `user` may see it in (status, needs, when, source), for
    the registry's person page, newest crisis first. None when there is none."""
    rows = list(
        policy.visible(user, WelfareStatus)
        .filter(person=person, crisis__in=policy.visible(user, Crisis).values("pk"))
        .select_related("crisis")
        .order_by("-crisis__started_at", "-crisis_id")[:50]
    )
    return {"welfare": rows} if rows else None


def welfare_for(user, crisis: Crisis, person: Person) -> WelfareStatus | None:
    return welfare_rows(user, crisis, include_outside=True).filter(person=person).first()


def filter_welfare(qs: QuerySet[WelfareStatus], params) -> QuerySet[WelfareStatus]:
    """The list's filters: status, need, nationality, subdivision, source, no reply yet, outside."""
    if status := params.get("status"):
        if status == "accounted_for":
            qs = qs.filter(status__in=ACCOUNTED_FOR)
        elif status == "not_accounted_for":
            qs = qs.exclude(status__in=ACCOUNTED_FOR)
        else:
            qs = qs.filter(status=status)
    if need := params.get("need"):
        qs = (
            qs.filter(needs__contains=[need]) if _json_contains_supported() else qs.filter(needs__icontains=f'"{need}"')
        )
    if nationality := params.get("nationality"):
        qs = qs.filter(person__nationality=nationality.upper())
    if subdivision := params.get("subdivision"):
        qs = qs.filter(person__subdivision=subdivision.upper())
    if params.get("no_reply"):
        qs = qs.filter(replied_at__isnull=True)
    if q := (params.get("q") or "").strip():
        for word in q.split()[:4]:
            qs = qs.filter(
                Q(person__given_names__icontains=word)
                | Q(person__first_surname__icontains=word)
                | Q(person__second_surname__icontains=word)
            )
    return qs


def _json_contains_supported() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def count_affected(user, person_ids) -> int:
    """How many of `person_ids` (people inside a crisis's areas) `user` may count as affected. The
    drawn-area preview counts with it before the crisis exists, and the page that saves the
    crisis reports the same figure after (the dashboard's "affected" follows the same rule)."""
    from amparo.crises.access import countable_affected

    ids = [int(i) for i in person_ids]
    people = countable_affected(user).exclude(record_status="merged")
    return sum(people.filter(pk__in=ids[i : i + 5000]).count() for i in range(0, len(ids), 5000))


def countable_rows(user, crisis: Crisis) -> QuerySet[WelfareStatus]:
    """Rows `user` may count (never to be listed by name)."""
    return (
        policy.countable(user, WelfareStatus)
        .filter(crisis=crisis, in_area=True)
        .exclude(person__record_status="merged")
    )


def funnel(user, crisis: Crisis) -> dict[str, int]:
    """affected → contacted → replied → accounted for (plus the count per status)."""
    qs = countable_rows(user, crisis)
    totals = qs.aggregate(
        affected=Count("pk"),
        contacted=Count("pk", filter=Q(contacted_at__isnull=False) | ~Q(status=WelfareCode.UNKNOWN)),
        replied=Count("pk", filter=Q(replied_at__isnull=False)),
        accounted_for=Count("pk", filter=Q(status__in=ACCOUNTED_FOR)),
        needs_assistance=Count("pk", filter=Q(status=WelfareCode.NEEDS_ASSISTANCE)),
        missing=Count("pk", filter=Q(status=WelfareCode.MISSING)),
    )
    by_status = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    totals["by_status"] = {code: by_status.get(code, 0) for code in WelfareCode.values}
    totals["outside_now"] = (
        policy.countable(user, WelfareStatus)
        .filter(crisis=crisis, in_area=False)
        .exclude(person__record_status="merged")
        .count()
    )
    return totals


def counts_by_nationality(user, crisis: Crisis) -> list[dict]:
    """Per nationality: affected, contacted, replied, accounted for, needs assistance, missing."""
    rows = (
        countable_rows(user, crisis)
        .values("person__nationality")
        .annotate(
            affected=Count("pk"),
            contacted=Count("pk", filter=Q(contacted_at__isnull=False) | ~Q(status=WelfareCode.UNKNOWN)),
            replied=Count("pk", filter=Q(replied_at__isnull=False)),
            accounted_for=Count("pk", filter=Q(status__in=ACCOUNTED_FOR)),
            needs_assistance=Count("pk", filter=Q(status=WelfareCode.NEEDS_ASSISTANCE)),
            missing=Count("pk", filter=Q(status=WelfareCode.MISSING)),
        )
        .order_by("-affected", "person__nationality")
    )
    return [{"nationality": r.pop("person__nationality") or "", **r} for r in rows]


def counts_by_consulate(user, crisis: Crisis) -> list[dict]:
    """Per consulate: the affected people of the nationality it serves inside its jurisdiction
    (country, and subdivisions when it lists some)."""
    by_place = {
        (r["person__nationality"], r["person__country"], r["person__subdivision"]): r
        for r in countable_rows(user, crisis)
        .values("person__nationality", "person__country", "person__subdivision")
        .annotate(affected=Count("pk"), accounted_for=Count("pk", filter=Q(status__in=ACCOUNTED_FOR)))
        .order_by()
    }
    out = []
    for consulate in Organization.objects.filter(kind="consulate", is_active=True).order_by("name"):
        subs = set(consulate.jurisdiction_subdivisions or ())
        affected = accounted = 0
        for (nat, country, sub), r in by_place.items():
            if (
                nat == consulate.served_nationality
                and country == consulate.jurisdiction_country
                and (not subs or sub in subs)
            ):
                affected += r["affected"]
                accounted += r["accounted_for"]
        if affected:
            out.append({"organization": consulate, "affected": affected, "accounted_for": accounted})
    return out


def counts_by_vulnerability(user, crisis: Crisis, *, today: date | None = None) -> dict[str, int]:
    """Children, older people and people with special needs among the affected (from the
    registry's own fields; protection profiles live in a higher app)."""
    today = today or timezone.localdate()
    child_born_after = today.replace(year=today.year - 18)
    older_born_before = today.replace(year=today.year - 60)
    qs = countable_rows(user, crisis)
    return qs.aggregate(
        children=Count("pk", filter=Q(person__birth_date__gt=child_born_after)),
        older_people=Count("pk", filter=Q(person__birth_date__lte=older_born_before)),
        special_needs=Count("pk", filter=~Q(person__special_needs="")),
        with_others=Sum("people_with"),
    )


def accounted_over_time(user, crisis: Crisis, *, buckets: int = 24) -> list[tuple]:
    """(time, accounted-for count) points from the start of the crisis's welfare history to now:
    a running sum of each change's accounted_delta, for the rows the user may count."""
    rows = countable_rows(user, crisis).values("pk")
    changes = WelfareHistory.objects.filter(crisis=crisis, welfare__in=rows, applied=True).exclude(accounted_delta=0)
    first = changes.order_by("at").values_list("at", flat=True).first()
    now = timezone.now()
    if first is None:
        return []
    start = min(first, crisis.started_at)
    step = max((now - start) / buckets, timedelta(minutes=1))
    points, total, t = [], 0, start
    deltas = list(changes.order_by("at").values_list("at", "accounted_delta"))
    i = 0
    while t < now + step:
        while i < len(deltas) and deltas[i][0] <= t:
            total += deltas[i][1]
            i += 1
        points.append((t, total))
        t += step
    return points


def current_alert_levels(crisis: Crisis) -> list[ConsularAlertLevel]:
    """The latest alert level of each consulate that set one for this crisis."""
    latest = {}
    for entry in crisis.alert_levels.select_related("organization").order_by("organization_id", "-set_at", "-id"):
        latest.setdefault(entry.organization_id, entry)
    return sorted(latest.values(), key=lambda e: e.organization.name)


def map_points(user, crisis: Crisis) -> list[list]:
    """[lat, lon, status index, person id] for every named affected person: the compact payload the
    dashboard map clusters client-side (100,000 points ≈ 3 MB of JSON)."""
    codes = {code: i for i, code in enumerate(WelfareCode.values)}
    rows = (
        welfare_rows(user, crisis)
        .filter(person__latitude__isnull=False)
        # Only the people whose exact position the user may read (never through an enforcement seat).
        .filter(person__in=Person.objects.filter(exact_position_q(user)).values("pk"))
        .values_list("person__latitude", "person__longitude", "status", "person_id")
    )
    return [
        [round(lat, 5), round(lon, 5), codes[status], pid] for lat, lon, status, pid in rows.iterator(chunk_size=5000)
    ]


def counts_by_place(user, crisis: Crisis) -> list[dict]:
    """Per nationality and subdivision (for the HXL counts export): affected, reached (contacted),
    accounted for, in need (needs assistance), missing."""
    rows = (
        countable_rows(user, crisis)
        .values("person__nationality", "person__country", "person__subdivision")
        .annotate(
            affected=Count("pk"),
            reached=Count("pk", filter=Q(contacted_at__isnull=False) | ~Q(status=WelfareCode.UNKNOWN)),
            accounted_for=Count("pk", filter=Q(status__in=ACCOUNTED_FOR)),
            in_need=Count("pk", filter=Q(status=WelfareCode.NEEDS_ASSISTANCE)),
            missing=Count("pk", filter=Q(status=WelfareCode.MISSING)),
        )
        .order_by("person__country", "person__subdivision", "person__nationality")
    )
    return [
        {
            "nationality": r["person__nationality"],
            "country": r["person__country"],
            "subdivision": r["person__subdivision"],
            **{k: r[k] for k in ("affected", "reached", "accounted_for", "in_need", "missing")},
        }
        for r in rows
    ]
