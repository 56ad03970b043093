"""Importing in the web UI: upload, column mapping (recognised headers pre-chosen), a background
task with progress, the summary and the downloadable rejected-rows report; scoped to the
organization's registry writers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amparo.accounts.models import AuditEvent
from amparo.registry.models import ImportJob, Person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(client, shelter_user):
    client.force_login(shelter_user)
    return client


def upload(client, shelter, path):
    with open(path, "rb") as handle:
        data = SimpleUploadedFile(path.name, handle.read(), content_type="text/csv")
    return client.post(reverse("registry:import_start"), {"file": data, "organization": shelter.pk})


def test_upload_map_run_and_download_the_report(staff, shelter, latin1_file):
    response = upload(staff, shelter, latin1_file)
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("registry:import_mapping", args=[job.pk])
    assert job.mapping["Nombres"] == "given_names" and job.mapping["Observaciones"] == ""

    page = staff.get(reverse("registry:import_mapping", args=[job.pk])).content.decode()
    assert "Apellido paterno" in page
    form = {f"col-{i}": job.mapping.get(h, "") for i, h in enumerate(job.headers)}
    response = staff.post(reverse("registry:import_mapping", args=[job.pk]), form)
    assert response["Location"] == reverse("registry:import_status", args=[job.pk])

    job.refresh_from_db()
    assert job.status == "done" and (job.imported, job.updated, job.rejected) == (5, 0, 4)
    assert Person.objects.filter(registering_organization=shelter).count() == 5
    status = staff.get(reverse("registry:import_status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "imported 5, updated 0, rejected 4" in status and "hx-trigger" not in status
    report = staff.get(reverse("registry:import_report", args=[job.pk]))
    assert b"date_of_birth" in b"".join(report.streaming_content)
    assert AuditEvent.objects.filter(action="import", actor__username="tomas").exists()


def test_mapping_requires_the_given_names_column(staff, shelter, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Nombre de pila,Ape\nRosa,Díaz\n", encoding="utf-8")
    upload(staff, shelter, path)
    job = ImportJob.objects.get()
    response = staff.post(reverse("registry:import_mapping", args=[job.pk]), {"col-0": "", "col-1": "first_surname"})
    assert response.status_code == 200 and ImportJob.objects.get().status == "mapping"
    staff.post(reverse("registry:import_mapping", args=[job.pk]), {"col-0": "given_names", "col-1": "first_surname"})
    assert Person.objects.get().first_surname == "Díaz"


def test_dry_run_from_the_web_writes_nothing(staff, shelter, latin1_file):
    upload(staff, shelter, latin1_file)
    job = ImportJob.objects.get()
    form = {f"col-{i}": job.mapping.get(h, "") for i, h in enumerate(job.headers)}
    staff.post(reverse("registry:import_mapping", args=[job.pk]), {**form, "dry_run": "1"})
    job.refresh_from_db()
    assert job.status == "done" and job.imported == 5 and not Person.objects.exists()


def test_an_unreadable_upload_is_refused_with_a_reason(staff, shelter, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    response = upload(staff, shelter, path)
    assert response.status_code == 200 and not ImportJob.objects.exists()
    assert "empty" in response.content.decode() or "vacío" in response.content.decode()


def test_other_organizations_cannot_see_or_run_a_job(client, staff, shelter, outsider, latin1_file):
    upload(staff, shelter, latin1_file)
    job = ImportJob.objects.get()
    client.force_login(outsider)
    for name in ("import_mapping", "import_status", "import_report"):
        assert client.get(reverse(f"registry:{name}", args=[job.pk])).status_code == 404, name


def test_roles_that_do_not_register_cannot_import(client, make_user, shelter):
    client.force_login(make_user(shelter, "analyst"))
    assert client.get(reverse("registry:import_start")).status_code == 403
