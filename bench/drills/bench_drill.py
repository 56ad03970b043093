"""Drill at scale: 50,000 synthetic people at ×60, the way a facilitator runs it.

1. prepare the drill (population generated and written);
2. start, fire the alert, send a check-in to everyone affected and drain the outbox;
3. run the heartbeat in real time (every 2 s) until DRILL_HOURS of drill time have passed, and
   record after each beat how many replies were due but not yet processed (the backlog): the drill
   keeps up at ×60 when the backlog stays near zero;
4. finish and time the after-action report.
Reference in the same run: real time itself (the drill keeps up when drill time advances 60× as
fast as the clock on the wall while every due reply is processed), and the one-minute budget for
the report.

    DATABASE_URL=… python bench/drills/bench_drill.py [--people 50000] [--hours 6] [--speed 60]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")

import django  # noqa: E402

django.setup()

from amparo.accounts.codes import OrganizationKind  # noqa: E402
from amparo.accounts.models import Membership, Organization  # noqa: E402
from amparo.accounts.policy import principal_for  # noqa: E402
from amparo.drills import services  # noqa: E402
from amparo.drills.forms import SCENARIOS  # noqa: E402
from amparo.messaging import dispatch  # noqa: E402
from amparo.messaging import services as messaging  # noqa: E402
from amparo.messaging.models import InboundMessage, Message, Template  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--hours", type=float, default=6.0)
    parser.add_argument("--speed", type=float, default=60.0)
    args = parser.parse_args()
    from django.contrib.auth import get_user_model

    host, _ = Organization.objects.get_or_create(
        slug="bench-gt-consulate",
        defaults={
            "name": "Bench consulate",
            "kind": OrganizationKind.CONSULATE,
            "country": "MX",
            "served_nationality": "GT",
            "jurisdiction_country": "MX",
        },
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-facilitator")
    Membership.objects.get_or_create(user=user, organization=host, defaults={"role": "consular_officer"})
    script = (SCENARIOS / "guerrero_earthquake.yaml").read_text(encoding="utf-8")
    script = script.replace("radius_km: 160}", "radius_km: 90}")  # most people inside the first area

    t = time.perf_counter()
    drill = services.create_drill(
        actor=user, host=host, scenario_text=script, population_size=args.people, speed=args.speed, seed=11
    )
    prepare_s = time.perf_counter() - t
    print(f"prepare: {args.people} people in {prepare_s:.1f} s ({args.people / prepare_s:,.0f} people/s)")

    services.start(actor=user, drill=drill)
    t = time.perf_counter()
    services.tick(drill)
    drill.refresh_from_db()
    affected = drill.crisis.welfare.filter(in_area=True).count()
    print(f"alert: {affected} affected in {time.perf_counter() - t:.1f} s")

    inside_user = get_user_model().objects.get(pk=user.pk)
    inside_user._amparo_exercise = drill.exercise_organization_id
    officer = principal_for(inside_user)
    template = Template.objects.filter(organization__isnull=True, purpose="checkin").first()
    t = time.perf_counter()
    broadcast = messaging.create_broadcast(
        actor=officer, organization=drill.exercise_organization, title="bench", template=template, crisis=drill.crisis
    )
    messaging.confirm_broadcast(actor=officer, broadcast=broadcast)
    queued_s = time.perf_counter() - t
    t = time.perf_counter()
    while dispatch.run(budget_s=60).claimed:
        pass
    sent = Message.objects.filter(broadcast=broadcast).count()
    dispatch_s = time.perf_counter() - t
    print(
        f"check-in: {sent} messages queued in {queued_s:.1f} s, sent in {dispatch_s:.1f} s ({sent / dispatch_s:,.0f}/s)"
    )

    start_real = time.monotonic()
    drill.refresh_from_db()
    start_sim = drill.sim_now()
    beats, worst_backlog, processed, busy = 0, 0, 0, 0.0
    while True:
        drill.refresh_from_db()
        if drill.sim_now() >= args.hours * 3600:
            break
        t = time.perf_counter()
        done = services.tick(drill)["replies"]
        took = time.perf_counter() - t
        busy += took
        processed += done
        beats += 1
        backlog = done if done >= services.REPLIES_PER_TICK else 0
        worst_backlog = max(worst_backlog, backlog)
        if beats % 15 == 0 or took > 5:
            print(
                f"  drill {drill.sim_now() / 3600:4.2f} h · beat {beats}: {done} replies in {took:.2f} s "
                f"(total {processed})"
            )
        if done < services.REPLIES_PER_TICK:
            time.sleep(max(0.0, 2.0 - took))
    real_s = time.monotonic() - start_real
    drill.refresh_from_db()
    ratio = (drill.sim_now() - start_sim) / real_s
    print(f"reply processing: {processed / max(busy, 1e-9):,.0f} replies/s while busy ({busy:.0f} s of {real_s:.0f} s)")
    print(
        f"ran {drill.sim_now() / 3600:.2f} h of drill time in {real_s:.0f} s real: ×{ratio:.1f} "
        f"(REFERENCE ×{args.speed:g}); {processed} replies processed; beats that hit the per-beat cap: "
        f"{'yes' if worst_backlog else 'none'}"
    )
    print(f"replies stored: {InboundMessage.objects.filter(organization=drill.exercise_organization).count()}")

    t = time.perf_counter()
    services.finish(actor=user, drill=drill)
    report_s = time.perf_counter() - t
    figures = drill.figures
    print(
        f"report ready {report_s:.1f} s after the end (REFERENCE budget 60 s); accounted at 1 h "
        f"{figures['accounted']['1h']} %, at 6 h {figures['accounted']['6h']} %, help requests "
        f"{figures['help_requests']}, inbox waiting {figures['inbox_waiting']}"
    )
    t = time.perf_counter()
    services.archive(actor=user, drill=drill)
    print(f"archive (synthetic world deleted) in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
