"""The drill's heartbeat: a task that advances a running drill every few real seconds and
re-enqueues itself (django-tasks-db has no scheduler) until the drill is paused or over. A second
chain (after a resume) is harmless: `services.tick` claims each inject and reply once."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import default_task_backend, task

from amparo.drills.codes import DrillStatus
from amparo.drills.models import Drill


def interval() -> float:
    return float(getattr(settings, "DRILL_TICK_SECONDS", 2.0))


@task()
def tick_drill(drill_id: int) -> dict:
    from amparo.drills.services import tick

    drill = Drill.objects.filter(pk=drill_id).first()
    if drill is None or drill.status != DrillStatus.RUNNING:
        return {"stopped": True}
    from amparo.drills.services import REPLIES_PER_TICK

    summary = tick(drill)
    if default_task_backend.supports_defer:
        # A full beat means more replies are due: the next beat starts at once.
        wait = 0 if summary["replies"] >= REPLIES_PER_TICK else interval()
        tick_drill.using(run_after=timezone.now() + timedelta(seconds=wait)).enqueue(drill_id)
    return summary
