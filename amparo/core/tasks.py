"""Housekeeping the workers do without being asked: the daily retention purge. django-tasks-db
has no scheduler, so the task re-enqueues itself with `run_after`; `schedule_housekeeping()`
starts the chains (this one and the registry's removal of old import files) when a worker starts
(`amparo db_worker`) and none is waiting."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone
from django_tasks import default_task_backend, task

log = logging.getLogger(__name__)
PURGE_INTERVAL_SECONDS = 24 * 3600


@task()
def purge_expired(reschedule_seconds: int = PURGE_INTERVAL_SECONDS) -> dict:
    """Apply every retention rule (amparo/core/retention.py); idempotent, so a killed run is
    simply repeated."""
    from amparo.accounts.policy import system_principal
    from amparo.core import retention

    outcomes = retention.run(dry_run=False, principal=system_principal("task:purge"))
    if reschedule_seconds and default_task_backend.supports_defer:
        purge_expired.using(run_after=timezone.now() + timedelta(seconds=reschedule_seconds)).enqueue(
            reschedule_seconds
        )
    return {o.rule.name: o.count for o in outcomes}


def _waiting(task_function) -> bool:
    from django_tasks_db.models import DBTaskResult

    path = f"{task_function.func.__module__}.{task_function.func.__qualname__}"
    # A RUNNING row older than an hour is a worker killed mid-task: it no longer counts.
    alive = Q(status="READY") | Q(status="RUNNING", started_at__gte=timezone.now() - timedelta(hours=1))
    return DBTaskResult.objects.filter(alive, task_path=path).exists()


def schedule_housekeeping() -> None:
    """Enqueue the periodic chains that are not waiting already (called when a worker starts)."""
    if "DatabaseBackend" not in settings.TASKS["default"]["BACKEND"]:
        return
    from amparo.registry.tasks import remove_old_import_files

    try:
        for chain in (purge_expired, remove_old_import_files):
            if not _waiting(chain):
                chain.enqueue()
    except DatabaseError as exc:  # a database not migrated yet: the next worker start tries again
        log.warning("housekeeping not scheduled: %s", exc)
