"""Background work: the periodic overdue-referral check.

django-tasks-db has no scheduler, so the check re-enqueues itself with `run_after` while sent
referrals still await an answer, and sending a referral makes sure a check is scheduled by its
due time. At most one check waits in the queue at a time; running it twice flags nothing twice
(the flag is claimed by a conditional update).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

CHECK_EVERY = timedelta(minutes=15)


@task()
def flag_overdue_referrals() -> int:
    from amparo.protection import services

    flagged = services.flag_overdue_referrals()
    if services.has_open_referrals_to_watch():
        schedule(timezone.now() + CHECK_EVERY)
    return len(flagged)


def _waiting() -> bool:
    """Whether a check already waits in the database queue (other backends: never)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover
        return False
    if flag_overdue_referrals.get_backend().__class__.__module__.split(".")[0] != "django_tasks_db":
        return False
    return DBTaskResult.objects.filter(status="READY", task_path=flag_overdue_referrals.module_path).exists()


def schedule(at=None) -> None:
    """Enqueue a check to run at `at` (or now), unless one is already waiting."""
    if _waiting():
        return
    backend = flag_overdue_referrals.get_backend()
    if at is not None and backend.supports_defer:
        flag_overdue_referrals.using(run_after=at).enqueue()
    elif at is None or at <= timezone.now():
        flag_overdue_referrals.enqueue()
