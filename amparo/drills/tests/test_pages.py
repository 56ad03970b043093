"""The drill pages: who sees and runs a drill, joining and leaving it, the banner, the report."""

import pytest
from django.urls import reverse

from amparo.drills import services
from amparo.drills.models import Drill
from amparo.drills.tests.conftest import SCRIPT


@pytest.mark.django_db
def test_a_facilitator_prepares_a_drill_from_a_ready_scenario(client, world):
    client.force_login(world["facilitator"])
    response = client.post(reverse("drills:drill_list"), {
        "host": world["consulate"].pk, "scenario": "", "script": SCRIPT, "name": "Prueba", "speed": "60",
    })  # fmt: skip
    drill = Drill.objects.get(name="Prueba")
    assert response.status_code == 302 and response.url == reverse("drills:drill_detail", args=[drill.pk])
    assert drill.population_size == 60 and drill.speed == 60


@pytest.mark.django_db
def test_a_broken_script_is_shown_with_its_error(client, world):
    client.force_login(world["facilitator"])
    html = client.post(reverse("drills:drill_list"), {
        "host": world["consulate"].pk, "script": SCRIPT.replace("kind: note", "kind: party"), "speed": "60",
    }).content.decode()  # fmt: skip
    assert "injects[1].kind" in html and not Drill.objects.exists()


@pytest.mark.django_db
def test_others_do_not_see_or_run_the_drill(client, world, drill):
    client.force_login(world["outsider"])
    assert client.get(reverse("drills:drill_detail", args=[drill.pk])).status_code == 404
    assert client.post(reverse("drills:drill_action", args=[drill.pk]), {"action": "start"}).status_code == 404
    assert client.post(reverse("drills:join", args=[drill.pk])).status_code == 404
    client.force_login(world["analyst"])
    assert client.get(reverse("drills:drill_detail", args=[drill.pk])).status_code == 404
    drill.refresh_from_db()
    assert drill.status == "ready"


@pytest.mark.django_db
def test_joining_shows_only_the_drill_and_leaving_brings_the_real_work_back(client, world, drill):
    services.add_participant(actor=world["facilitator"], drill=drill, user=world["colleague"], role="consular_officer")
    client.force_login(world["colleague"])
    assert "Real Persona" in client.get(reverse("registry:person_list")).content.decode()
    client.post(reverse("drills:join", args=[drill.pk]))
    html = client.get(reverse("registry:person_list")).content.decode()
    assert "drill-banner" in html and "Real Persona" not in html
    assert client.get(reverse("registry:person_detail", args=[world["real"].pk])).status_code == 404
    client.post(reverse("drills:leave"))
    html = client.get(reverse("registry:person_list")).content.decode()
    assert "drill-banner" not in html and "Real Persona" in html


@pytest.mark.django_db
def test_a_non_participant_cannot_join(client, world, drill):
    client.force_login(world["colleague"])  # a facilitator of the host, but not a participant
    assert client.post(reverse("drills:join", args=[drill.pk])).status_code == 403


@pytest.mark.django_db
def test_the_report_page_and_its_download(client, world, drill):
    services.start(actor=world["facilitator"], drill=drill)
    services.tick(drill)
    client.force_login(world["facilitator"])
    assert client.get(reverse("drills:drill_report", args=[drill.pk])).status_code == 200
    services.finish(actor=world["facilitator"], drill=drill)
    response = client.get(reverse("drills:drill_report", args=[drill.pk]), {"download": "1"})
    assert response["Content-Disposition"].startswith("attachment")
    assert b"<table" in response.content and b"<link" not in response.content and b"<script" not in response.content
