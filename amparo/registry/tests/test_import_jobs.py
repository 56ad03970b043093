"""Web import jobs always end: any error fails the job with its reason (nothing imported), a job
whose worker died is failed instead of "running" forever, uploads and reports are private (0600)
and removed after IMPORT_FILES_KEEP_HOURS."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from amparo.registry import tasks
from amparo.registry.importing import engine
from amparo.registry.models import ImportJob, Person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(client, shelter_user):
    client.force_login(shelter_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def upload(client, shelter, name: str, content: str):
    data = SimpleUploadedFile(name, content.encode(), content_type="text/csv")
    return client.post(reverse("registry:import_start"), {"file": data, "organization": shelter.pk})


def start(client, job):
    form = {f"col-{i}": job.mapping.get(h, "") for i, h in enumerate(job.headers)}
    return client.post(reverse("registry:import_mapping", args=[job.pk]), form)


def test_uploads_and_reports_are_readable_by_their_owner_only(staff, shelter):
    upload(staff, shelter, "people.csv", "given_names,date_of_birth\nRosa,1990-01-01\nAna,not a date\n")
    job = ImportJob.objects.get()
    path = Path(job.file_path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    start(staff, job)
    job.refresh_from_db()
    assert job.status == "done" and job.rejected == 1
    assert Path(job.report_path).stat().st_mode & 0o777 == 0o600


def test_an_unexpected_error_fails_the_job_with_a_reason_and_imports_nothing(staff, shelter, monkeypatch):
    upload(staff, shelter, "people.csv", "given_names,date_of_birth\nRosa,1990-01-01\nAna,not a date\nLuis,\n")
    job = ImportJob.objects.get()

    def broken(self, rows, now):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(engine._Writer, "_create", broken)
    start(staff, job)
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at is not None
    assert "RuntimeError" in job.error and "Nothing was imported" in job.error
    assert job.rejected == 1 and job.problems[0]["column"] == "date_of_birth"
    assert not Person.objects.exists()
    page = staff.get(reverse("registry:import_status", args=[job.pk])).content.decode()
    assert "Nothing was imported" in page and "date_of_birth" in page


def test_a_job_whose_worker_died_is_failed_instead_of_running_forever(staff, shelter, settings):
    upload(staff, shelter, "people.csv", "given_names\nRosa\n")
    job = ImportJob.objects.get()
    long_ago = timezone.now() - timedelta(minutes=settings.IMPORT_STALL_MINUTES + 5)
    ImportJob.objects.filter(pk=job.pk).update(status="running", started_at=long_ago)
    page = staff.get(reverse("registry:import_status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    job.refresh_from_db()
    assert job.status == "failed" and "worker ended without finishing" in job.error
    assert "hx-trigger" not in page and "worker ended" in page


def test_a_running_job_shows_its_heartbeat_progress_and_is_not_failed(staff, shelter):
    upload(staff, shelter, "people.csv", "given_names\nRosa\n")
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        status="running", started_at=timezone.now() - timedelta(hours=2), rows_total=5000
    )
    job.refresh_from_db()
    tasks.Heartbeat(job).beat(3000, 5000)
    page = staff.get(reverse("registry:import_status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    job.refresh_from_db()
    assert job.status == "running"
    assert "3000 of 5000 rows" in page and "hx-trigger" in page


def test_old_uploads_and_reports_are_removed(staff, shelter, settings):
    upload(staff, shelter, "people.csv", "given_names,date_of_birth\nRosa,1990-01-01\nAna,not a date\n")
    job = ImportJob.objects.get()
    start(staff, job)
    job.refresh_from_db()
    folder = Path(job.file_path).parent
    assert os.listdir(folder)
    assert tasks.remove_old_files() == 0  # too recent
    later = timezone.now() + timedelta(hours=settings.IMPORT_FILES_KEEP_HOURS + 1)
    assert tasks.remove_old_files(now=later) == 1
    assert not folder.exists()
    job.refresh_from_db()
    assert job.files_removed_at is not None and job.report_path == "" and job.rejected == 1
    assert staff.get(reverse("registry:import_report", args=[job.pk])).status_code == 404
    assert "were deleted" in staff.get(reverse("registry:import_status", args=[job.pk])).content.decode()


def test_duplicate_headers_are_refused_at_upload(staff, shelter):
    response = upload(staff, shelter, "dup.csv", "Nombre,Apellido,Apellido\nRosa,Díaz,Ruiz\n")
    assert response.status_code == 200 and not ImportJob.objects.exists()
    assert "“Apellido”" in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(staff, shelter, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 0
    response = upload(staff, shelter, "people.csv", "given_names\nRosa\n")
    assert response.status_code == 200 and not ImportJob.objects.exists()
    assert "larger than 0 MB" in response.content.decode()
