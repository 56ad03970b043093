"""Background work: the dispatch loop as a django-tasks task run by `amparo db_worker`.

django-tasks-db has no lease of its own: a task whose worker is killed with -9 stays RUNNING
forever. So each dispatch run first queues its own successor (to run after its time budget plus
a lease), then works; if it is killed, the successor picks the outbox up once the dead worker's
leases expire. When a run ends, it moves its successor to the time the next row becomes due, or
leaves it to find the outbox empty and stop. Several chains (MESSAGING_DISPATCH_PARALLELISM) run
side by side when a broadcast starts; row claims keep them from sending anything twice.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import default_task_backend, task

from amparo.messaging import conf, dispatch


def _defer_supported() -> bool:
    return bool(getattr(default_task_backend, "supports_defer", False))


def _reschedule(result_id, run_after) -> None:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend
        return
    DBTaskResult.objects.filter(id=result_id, status="READY").update(run_after=run_after)


@task()
def dispatch_outbox(budget_s: float | None = None) -> dict:
    budget = conf.get("MESSAGING_DISPATCH_BUDGET_S") if budget_s is None else budget_s
    successor = None
    if _defer_supported() and dispatch.next_due() is not None:
        safety = timezone.now() + timedelta(seconds=budget + conf.get("MESSAGING_LEASE_S"))
        successor = dispatch_outbox.using(run_after=safety).enqueue(budget_s=budget_s)
    stats = dispatch.run(budget_s=budget)
    if successor is not None:
        due = dispatch.next_due()
        if due is not None:
            _reschedule(successor.id, max(due, timezone.now()))
    return stats.counts()


def schedule_dispatch(*, parallel: int | None = None) -> None:
    """Start dispatch chains, unless enough are already waiting to run (prefer
    `dispatch_after_commit` inside a transaction)."""
    parallel = parallel or conf.get("MESSAGING_DISPATCH_PARALLELISM")
    if not _defer_supported():
        dispatch_outbox.enqueue()
        return
    try:
        from django_tasks_db.models import DBTaskResult, get_date_max

        # A task queued to run now has no date: django-tasks-db stores the far future for it.
        soon = Q(run_after=get_date_max()) | Q(run_after__lte=timezone.now() + timedelta(seconds=5))
        waiting = DBTaskResult.objects.filter(soon, task_path=dispatch_outbox.module_path, status="READY").count()
    except ImportError:
        waiting = 0
    for _ in range(max(0, parallel - waiting)):
        dispatch_outbox.enqueue()


def dispatch_after_commit(*, parallel: int | None = None) -> None:
    """Start dispatch once the current transaction commits. Many calls in one transaction (a batch
    of replies, each answered with a thank-you) start it once, not once per message."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in connection.run_on_commit:
            if getattr(callback, "amparo_dispatch_parallel", False) == parallel:
                return

    def start() -> None:
        schedule_dispatch(parallel=parallel)

    start.amparo_dispatch_parallel = parallel
    transaction.on_commit(start)
