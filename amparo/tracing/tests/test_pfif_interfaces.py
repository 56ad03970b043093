"""The PFIF command line and API, and inquiries from another organization through the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from amparo.accounts.models import APIToken, AuditEvent
from amparo.registry.models import Person
from amparo.tracing.models import Inquiry

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


def test_import_and_export_commands(world, tmp_path, capsys):
    call_command("import_pfif", str(DATA / "personfinder-test.pfif-1.4.xml"), "--org", world.shelter.slug)
    assert "imported 1 people, 0 inquiries, 4 notes" in capsys.readouterr().out
    call_command("import_pfif", str(DATA / "personfinder-test.pfif-1.4.xml"), "--org", world.shelter.slug)
    assert "5 already imported" in capsys.readouterr().out
    bad = tmp_path / "bad.xml"
    bad.write_text('<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person><pfif:full_name>x</pfif:full_name>'
                   "</pfif:person></pfif:pfif>")  # fmt: skip
    with pytest.raises(CommandError, match="line 1, person .no person_record_id.: person_record_id must be"):
        call_command("import_pfif", str(bad), "--org", world.shelter.slug)
    out = tmp_path / "out.xml"
    call_command("export_pfif", "--output", str(out), "--as", world.shelter_worker.username)
    # The imported person gave no sharing consent: nobody is exported.
    assert "exported 0 records" in capsys.readouterr().out and "_test_full_name1" not in out.read_text()
    assert AuditEvent.objects.filter(action="export", summary="PFIF 1.4 export").exists()


def test_api_pfif_is_authenticated_and_scoped(world, client):
    token = APIToken.objects.issue(user=world.shelter_worker, name="t")[1]
    body = (DATA / "personfinder-test.pfif-1.4.xml").read_bytes()
    assert client.post("/api/tracing/pfif", body, content_type="application/xml").status_code == 401
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    answer = client.post("/api/tracing/pfif", body, content_type="application/xml", **auth)
    assert answer.status_code == 200 and answer.json()["people"] == 1
    assert Person.objects.get().registering_organization == world.shelter
    refused = client.post("/api/tracing/pfif", b"<x/>", content_type="application/xml", **auth)
    assert refused.status_code == 400 and "not a PFIF document" in refused.json()["errors"][0]
    outsider = APIToken.objects.issue(user=world.outsider, name="t")[1]
    exported = client.get("/api/tracing/pfif", HTTP_AUTHORIZATION=f"Bearer {outsider}")
    assert exported.status_code == 200 and b"_test_" not in exported.content
    wrong_org = client.post(f"/api/tracing/pfif?organization={world.shelter.slug}", body,
                            content_type="application/xml", HTTP_AUTHORIZATION=f"Bearer {outsider}")  # fmt: skip
    assert wrong_org.status_code == 403


def test_an_inquiry_from_another_organization_through_the_api(world, client):
    token = APIToken.objects.issue(user=world.officer, name="rfl")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    created = client.post("/api/tracing/inquiries", {
        "given_names": "Chepe", "first_surname": "Hernández", "age_min": 25, "age_max": 30,
        "route": ["Tapachula", "Juchitán"], "inquirer_name": "Rosa", "inquirer_relationship": "mother",
    }, content_type="application/json", **auth)  # fmt: skip
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["state"] == "open" and data["inquirer_status"] == "Your inquiry is being handled."
    assert Inquiry.objects.get(pk=data["id"]).source == "api"
    outsider = APIToken.objects.issue(user=world.outsider, name="t")[1]
    assert (
        client.get(f"/api/tracing/inquiries/{data['id']}", HTTP_AUTHORIZATION=f"Bearer {outsider}").status_code == 404
    )
    assert client.get(f"/api/tracing/inquiries/{data['id']}", **auth).json()["id"] == data["id"]
