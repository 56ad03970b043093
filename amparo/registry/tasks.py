"""Background work of the registry: running a web import (large files take minutes)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from amparo.registry.models import ImportJob


@task()
def run_import_job(job_id: int) -> dict:
    """Run an uploaded import. Idempotent: a job already running or finished is left alone; a
    re-run after a crash updates the rows already written (organization + source record id)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING
    )
    if not claimed:
        return {"skipped": True}
    job = ImportJob.objects.select_related("organization", "created_by").get(pk=job_id)
    with translation.override(job.language or None):
        return _run(job)


def _run(job: ImportJob) -> dict:
    from amparo.registry.importing.engine import MappingError, UnreadableFile, import_people
    from amparo.registry.importing.files import count_rows

    job.rows_total = count_rows(job.file_path)
    job.save(update_fields=["rows_total"])

    def progress(done, total):
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done)

    try:
        result = import_people(
            actor=job.created_by,
            organization=job.organization,
            path=job.file_path,
            mapping={header: column or "ignore" for header, column in job.mapping.items()},
            dry_run=job.dry_run,
            report_path=f"{job.file_path}.rejected.csv",
            progress=progress,
        )
    except (UnreadableFile, MappingError, PermissionDenied) as exc:
        job.status, job.error, job.finished_at = ImportJob.Status.FAILED, str(exc), timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return {"failed": str(exc)}
    job.status = ImportJob.Status.DONE
    job.rows_done = result.rows
    job.rows_total = result.rows
    job.imported, job.updated, job.rejected, job.warnings = (
        result.imported,
        result.updated,
        result.rejected,
        result.warnings,
    )
    job.report_path = str(result.report_path or "")
    job.problems = [
        {"row": p.row, "column": p.column, "value": p.value, "reason": p.reason, "kind": p.kind}
        for p in result.problems[:100]
    ]
    job.finished_at = timezone.now()
    job.save()
    return {"summary": result.summary}


def enqueue_import(job: ImportJob) -> None:
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["status"])
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
