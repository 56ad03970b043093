"""Background work of the registry: running a web import (large files take minutes) and removing
import files once they are no longer needed.

An import job always ends, as done or as failed with its reason and the rows found wrong until
then: any exception fails it. The import is one transaction (importing.engine), so a failed job
imported nothing. A worker killed mid-import cannot say so itself: the running job writes a
heartbeat next to its file (a database write would stay invisible inside the import's
transaction), and a job whose heartbeat is older than IMPORT_STALL_MINUTES is failed by
`fail_stalled_imports()`, which the import pages call before they show a job.

Uploaded files and reports hold personal data: they are created with mode 0600 and removed
IMPORT_FILES_KEEP_HOURS after their job ended (or was abandoned at the mapping step) by the
`remove_old_import_files` chain, which re-enqueues itself every hour.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task

from amparo.core.files import open_private
from amparo.registry.models import ImportJob

log = logging.getLogger(__name__)
CLEANUP_INTERVAL_SECONDS = 3600
_cleanup_checked = False


@task()
def run_import_job(job_id: int) -> dict:
    """Run an uploaded import. Idempotent: a job already running or finished is left alone; a
    re-run after a crash updates the rows already written (organization + source record id)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return {"skipped": True}
    job = ImportJob.objects.select_related("organization", "created_by").get(pk=job_id)
    with translation.override(job.language or None):
        return _run(job)


def _run(job: ImportJob) -> dict:
    from amparo.registry.importing.engine import MappingError, UnreadableFile, import_people
    from amparo.registry.importing.files import count_rows

    heartbeat = Heartbeat(job)
    try:
        job.rows_total = count_rows(job.file_path)
        job.save(update_fields=["rows_total"])
        heartbeat.beat(0, job.rows_total)
        result = import_people(
            actor=job.created_by,
            organization=job.organization,
            path=job.file_path,
            mapping={header: column or "ignore" for header, column in job.mapping.items()},
            dry_run=job.dry_run,
            report_path=f"{job.file_path}.rejected.csv",
            progress=heartbeat.beat,
        )
    except (UnreadableFile, MappingError, PermissionDenied) as exc:
        return _fail(job, str(exc), getattr(exc, "import_result", None))
    except Exception as exc:  # any error ends the job; the import's transaction rolled back
        log.exception("import job %s failed", job.pk)
        reason = _("The import stopped on an unexpected error (%(error)s).") % {"error": type(exc).__name__}
        return _fail(job, reason, getattr(exc, "import_result", None))
    finally:
        heartbeat.clear()
    job.status = ImportJob.Status.DONE
    job.rows_done = result.rows
    job.rows_total = result.rows
    job.imported, job.updated, job.rejected, job.warnings = (
        result.imported,
        result.updated,
        result.rejected,
        result.warnings,
    )
    _keep_problems(job, result)
    job.finished_at = timezone.now()
    job.save()
    return {"summary": result.summary}


def _fail(job: ImportJob, reason: str, result) -> dict:
    if not job.dry_run:
        reason = f"{reason} " + _("Nothing was imported: correct the file and import it again.")
    job.status, job.error, job.finished_at = ImportJob.Status.FAILED, reason, timezone.now()
    fields = ["status", "error", "finished_at"]
    if result is not None:
        job.rows_done, job.rejected, job.warnings = result.rows, result.rejected, result.warnings
        _keep_problems(job, result)
        fields += ["rows_done", "rejected", "warnings", "report_path", "problems"]
    job.save(update_fields=fields)
    return {"failed": reason}


def _keep_problems(job: ImportJob, result) -> None:
    job.report_path = str(result.report_path or "")
    job.problems = [
        {"row": p.row, "column": p.column, "value": p.value, "reason": p.reason, "kind": p.kind}
        for p in result.problems[:100]
    ]


def enqueue_import(job: ImportJob) -> None:
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["status"])
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))


# --- Heartbeat and progress of a running job ------------------------------------------------


class Heartbeat:
    """`<upload>.progress`: rows done and when, written by the worker after every batch."""

    def __init__(self, job: ImportJob):
        self.path = progress_path(job)

    def beat(self, done: int, total: int | None = None) -> None:
        temporary = Path(f"{self.path}.tmp")
        with open_private(temporary, "w", encoding="utf-8") as handle:
            json.dump({"rows_done": done, "at": timezone.now().isoformat()}, handle)
        os.replace(temporary, self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def progress_path(job: ImportJob) -> Path:
    return Path(f"{job.file_path}.progress")


def read_progress(job: ImportJob) -> tuple[int, datetime | None]:
    """(rows done, time of the last heartbeat) of a running job; (job.rows_done, None) when the
    worker has not written one."""
    try:
        data = json.loads(progress_path(job).read_text(encoding="utf-8"))
        return int(data["rows_done"]), datetime.fromisoformat(data["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return job.rows_done, None


def fail_stalled_imports(jobs=None) -> int:
    """Fail the running jobs whose worker stopped: no heartbeat for IMPORT_STALL_MINUTES. The
    database rolled their transaction back when the worker's connection ended: nothing of the
    file was imported, and the job says so. Returns how many jobs were failed."""
    jobs = ImportJob.objects.all() if jobs is None else jobs
    cutoff = timezone.now() - timedelta(minutes=settings.IMPORT_STALL_MINUTES)
    failed = 0
    for job in jobs.filter(status=ImportJob.Status.RUNNING).order_by():
        _done, last = read_progress(job)
        last = last or job.started_at or job.created_at
        if last >= cutoff:
            continue
        reason = _("The import stopped: its worker ended without finishing (no sign of life since %(time)s).") % {
            "time": timezone.localtime(last).strftime("%Y-%m-%d %H:%M")
        }
        if not job.dry_run:
            reason += " " + _("Nothing was imported: import the file again.")
        failed += ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
            status=ImportJob.Status.FAILED, error=reason, finished_at=timezone.now()
        )
    return failed


# --- Removing import files ------------------------------------------------------------------


def remove_old_files(now=None) -> int:
    """Delete the uploads and reports of jobs that ended (or were abandoned) more than
    IMPORT_FILES_KEEP_HOURS ago; the jobs keep their counts and problems. Returns the count."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.IMPORT_FILES_KEEP_HOURS)
    ended = Q(finished_at__lt=cutoff) | Q(
        finished_at__isnull=True, status=ImportJob.Status.MAPPING, created_at__lt=cutoff
    )
    removed = 0
    for job in ImportJob.objects.filter(ended, files_removed_at__isnull=True).exclude(file_path=""):
        folder = Path(job.file_path).parent
        media = Path(settings.MEDIA_ROOT).resolve()
        if folder.resolve().parent == media / "imports":
            shutil.rmtree(folder, ignore_errors=True)  # the job's own folder: upload, report, progress
        else:
            for path in (Path(job.file_path), Path(job.report_path) if job.report_path else None):
                if path is not None:
                    path.unlink(missing_ok=True)
        ImportJob.objects.filter(pk=job.pk).update(files_removed_at=now, report_path="")
        removed += 1
    return removed


@task()
def remove_old_import_files(reschedule_seconds: int = CLEANUP_INTERVAL_SECONDS) -> int:
    """Hourly: remove old import files (idempotent; a killed run is simply repeated)."""
    fail_stalled_imports()
    removed = remove_old_files()
    if reschedule_seconds and default_task_backend.supports_defer:
        remove_old_import_files.using(run_after=timezone.now() + timedelta(seconds=reschedule_seconds)).enqueue(
            reschedule_seconds
        )
    return removed


def ensure_cleanup_scheduled() -> None:
    """Start the hourly chain unless one is waiting (checked once per process)."""
    global _cleanup_checked
    if _cleanup_checked:
        return
    _cleanup_checked = True
    if "DatabaseBackend" not in settings.TASKS["default"]["BACKEND"]:
        return
    from django_tasks_db.models import DBTaskResult

    path = f"{remove_old_import_files.func.__module__}.{remove_old_import_files.func.__qualname__}"
    waiting = Q(status="READY") | Q(status="RUNNING", started_at__gte=timezone.now() - timedelta(minutes=10))
    if not DBTaskResult.objects.filter(waiting, task_path=path).exists():
        remove_old_import_files.enqueue()
