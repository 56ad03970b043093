"""Background work of matching: keep every person's features and keys current.

The registry does not call matching when it writes people (it does not know about it), so a
periodic task refreshes people whose `updated_at` is newer than their features. It re-enqueues
itself with `run_after` (django-tasks-db has no scheduler); `ensure_scheduled()` starts the chain
when none is waiting, and is called by the demo data, `amparo dedupe` and the review pages.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from amparo.matching import services

INTERVAL_SECONDS = 60
_checked = False


@task()
def refresh_stale_keys(reschedule_seconds: int = INTERVAL_SECONDS) -> int:
    """Refresh the stale people (idempotent: a killed run is simply repeated)."""
    refreshed = services.refresh_stale()
    if reschedule_seconds:
        refresh_stale_keys.using(run_after=timezone.now() + timedelta(seconds=reschedule_seconds)).enqueue(
            reschedule_seconds
        )
    return refreshed


def ensure_scheduled() -> None:
    """Enqueue the refresh chain unless one is already waiting (checked once per process)."""
    global _checked
    if _checked:
        return
    _checked = True
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend: nothing to look up
        return
    from django.conf import settings

    if "DatabaseBackend" not in settings.TASKS["default"]["BACKEND"]:
        return
    path = f"{refresh_stale_keys.func.__module__}.{refresh_stale_keys.func.__qualname__}"
    from django.db.models import Q

    # A RUNNING row older than ten minutes is a worker killed mid-task: it no longer counts.
    waiting = Q(status="READY") | Q(status="RUNNING", started_at__gte=timezone.now() - timedelta(minutes=10))
    if not DBTaskResult.objects.filter(waiting, task_path=path).exists():
        refresh_stale_keys.enqueue()
