"""The after-action report, computed from what the staff actually did during the drill (messages,
welfare changes, inbox, screenings, referrals and the audit log of the exercise organization),
in drill time. Kept on the drill when it finishes (`Drill.figures`), so it survives archiving.

Figures:
- time from the alert (the first hazard-area inject) to the first check-in sent;
- share of the affected accounted for at 1 h, 6 h, 24 h and 72 h of drill time;
- time to triage a help request: from a person asking for help (a reply, a check-in link) to the
  first staff action on them (a welfare entry, a resolved inbox item, a screening, a referral);
- urgent cases (a screening with an urgent flag) referred within URGENT_HOURS;
- inbox items still waiting at the end;
- errors: messages in a language other than the person's, people sent more than one check-in;
- each participant's actions, from the audit log.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict

from django.apps import apps
from django.utils import timezone

from amparo.drills.codes import InjectKind
from amparo.drills.models import Drill

MILESTONES_H = (1, 6, 24, 72)
URGENT_HOURS = 24
AUTOMATIC = ("reply", "checkin_link", "self_report")


def _model(label: str, name: str):
    return apps.get_model(label, name) if apps.is_installed(f"amparo.{label}") else None


def compute(drill: Drill) -> dict:
    from amparo.accounts.models import AuditEvent
    from amparo.crises.models import WelfareHistory, WelfareStatus
    from amparo.messaging.models import InboundMessage, Message

    org = drill.exercise_organization
    sim = drill.sim_reader()
    end = drill.sim_now() if drill.finished_at is None else drill.sim_elapsed
    alert = drill.injects.filter(kind=InjectKind.CAP_ALERT, fired_at__isnull=False).order_by("fired_at").first()
    alert_at = sim(alert.fired_at) if alert else None

    messages = Message.objects.filter(organization=org)
    first_checkin = (
        messages.filter(purpose="checkin").order_by("created_at").values_list("created_at", flat=True).first()
    )
    figures: dict = {
        "computed_at": timezone.now().isoformat(),
        "sim_end": round(end, 1),
        "alert_at": alert_at,
        "first_checkin_after": round(sim(first_checkin) - alert_at, 1)
        if first_checkin and alert_at is not None
        else None,
        "messages": messages.count(),
        "replies": InboundMessage.objects.filter(organization=org).count(),
    }

    # Accounted for, over drill time.
    affected = WelfareStatus.objects.filter(crisis_id=drill.crisis_id, in_area=True) if drill.crisis_id else None
    figures["affected"] = affected.count() if affected is not None else 0
    accounted_times = sorted(
        t for t in (sim(a) for a in (affected.filter(accounted_at__isnull=False).values_list("accounted_at", flat=True)
                                     if affected is not None else []))
        if t is not None
    )  # fmt: skip
    base = alert_at or 0.0
    figures["accounted"] = {
        f"{h}h": (round(100 * sum(1 for t in accounted_times if t <= base + h * 3600) / figures["affected"], 1)
                  if figures["affected"] and base + h * 3600 <= end + 1 else None)
        for h in MILESTONES_H
    }  # fmt: skip
    figures["accounted_end"] = (
        round(100 * len(accounted_times) / figures["affected"], 1) if figures["affected"] else 0.0
    )
    figures["curve"] = _curve(accounted_times, base, end)

    # Help requests and their triage.
    staff_touch: dict[int, list[float]] = defaultdict(list)
    if drill.crisis_id:
        history = WelfareHistory.objects.filter(crisis_id=drill.crisis_id).values_list(
            "welfare__person_id", "status", "source", "at"
        )
        asked: dict[int, float] = {}
        for person_id, status, source, at in history.order_by("at"):
            t = sim(at)
            if status == "needs_assistance" and source in AUTOMATIC:
                asked.setdefault(person_id, t)
            elif source not in AUTOMATIC:
                staff_touch[person_id].append(t)
    else:
        asked = {}
    for person_id, resolved_at in InboundMessage.objects.filter(
        organization=org, resolved_at__isnull=False
    ).values_list("person_id", "resolved_at"):
        if person_id:
            staff_touch[person_id].append(sim(resolved_at))
    Screening, Referral = _model("protection", "Screening"), _model("protection", "Referral")
    screenings = Screening.objects.filter(person__registering_organization=org) if Screening else []
    referrals = Referral.objects.filter(person__registering_organization=org) if Referral else []
    for person_id, at in screenings.values_list("person_id", "screened_at") if Screening else []:
        staff_touch[person_id].append(sim(at))
    for person_id, at in referrals.values_list("person_id", "created_at") if Referral else []:
        staff_touch[person_id].append(sim(at))
    waits = []
    for person_id, t in asked.items():
        later = [s for s in staff_touch.get(person_id, []) if s is not None and s >= t]
        if later:
            waits.append(min(later) - t)
    figures["help_requests"] = len(asked)
    figures["triaged"] = len(waits)
    figures["untriaged"] = len(asked) - len(waits)
    figures["triage_median_s"] = round(statistics.median(waits), 1) if waits else None
    figures["triage_p90_s"] = round(sorted(waits)[int(0.9 * (len(waits) - 1))], 1) if waits else None

    # Urgent cases referred in time.
    urgent, in_time = 0, 0
    if Screening:
        sent = defaultdict(list)
        for person_id, at in referrals.filter(sent_at__isnull=False).values_list("person_id", "sent_at"):
            sent[person_id].append(sim(at))
        for person_id, at, flags in screenings.values_list("person_id", "screened_at", "urgent_flags"):
            if flags:
                urgent += 1
                t = sim(at)
                if any(s is not None and t <= s <= t + URGENT_HOURS * 3600 for s in sent.get(person_id, [])):
                    in_time += 1
    figures["urgent_cases"], figures["urgent_referred_in_time"] = urgent, in_time

    figures["inbox_waiting"] = InboundMessage.objects.filter(organization=org, status="needs_review").count()
    wrong = 0
    for language, preferred in messages.values_list("language", "person__preferred_language"):
        if language and preferred and language.split("-")[0] != preferred.split("-")[0]:
            wrong += 1
    figures["wrong_language"] = wrong
    per_person = Counter(messages.filter(purpose="checkin").values_list("person_id", flat=True))
    figures["messaged_twice"] = sum(1 for n in per_person.values() if n > 1)

    actions: dict[str, Counter] = defaultdict(Counter)
    # People only: the scenario, the simulated people and other system actors are not players.
    for label, action in AuditEvent.objects.filter(organization=org, actor__isnull=False).values_list(
        "actor_label", "action"
    ):
        actions[label][action] += 1
    figures["participants"] = [
        {"actor": label, "actions": sum(c.values()), "by_action": dict(c)}
        for label, c in sorted(actions.items(), key=lambda item: -sum(item[1].values()))
    ]
    return figures


def _curve(times: list[float], base: float, end: float, points: int = 48) -> list[list[float]]:
    """Accounted-for counts at evenly spaced drill times from the alert to the end."""
    if end <= base:
        return []
    step = (end - base) / points
    out, i = [], 0
    for k in range(points + 1):
        t = base + k * step
        while i < len(times) and times[i] <= t:
            i += 1
        out.append([round(t - base, 1), i])
    return out


def chart(figures: dict) -> dict | None:
    """Coordinates for an SVG line of the accounted-for share over drill hours."""
    curve, affected = figures.get("curve") or [], figures.get("affected") or 0
    if not curve or not affected:
        return None
    width, height, pad = 560, 160, 28
    span = max(curve[-1][0], 1.0)
    coords = " ".join(
        f"{pad + (width - 2 * pad) * t / span:.1f},{height - pad - (height - 2 * pad) * n / affected:.1f}"
        for t, n in curve
    )
    return {"width": width, "height": height, "pad": pad, "bottom": height - pad, "right": width - pad,
            "polyline": coords, "hours": round(span / 3600, 1)}  # fmt: skip
