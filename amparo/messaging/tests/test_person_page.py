"""A person's page shows their welfare in each crisis (status, when, source) and the messages
exchanged with them, each only as far as the viewer may see (issue 12, Records)."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from amparo.accounts.codes import OrganizationKind
from amparo.accounts.policy import system_principal
from amparo.crises.services import AreaSpec, create_crisis, update_welfare
from amparo.messaging.models import InboundMessage

SYSTEM = system_principal("test")


@pytest.fixture
def scene(make_org, make_user, make_person):
    consulate = make_org(
        "gt-consulate", kind=OrganizationKind.CONSULATE, served_nationality="GT", jurisdiction_country="MX"
    )
    person = make_person(consulate, given_names="Rosa", latitude=16.85, longitude=-99.88, country="MX")
    here = AreaSpec(kind="circle", center_latitude=16.85, center_longitude=-99.88, radius_km=20)
    quake = create_crisis(actor=SYSTEM, name="Sismo Guerrero", kind="earthquake", areas=[here])
    storm = create_crisis(actor=SYSTEM, name="Huracán Otis", kind="tropical_cyclone", areas=[here])
    officer = make_user(consulate, "consular_officer", username="lucia")
    update_welfare(
        actor=officer,
        crisis=quake,
        person=person,
        status="needs_assistance",
        needs=["shelter"],
        source="field_visit",
        at=datetime(2026, 9, 19, 20, 30, tzinfo=UTC),
    )
    InboundMessage.objects.create(
        organization=consulate, kind="sms", from_address="+5215550001", body="Estamos en el albergue", person=person
    )
    return {"consulate": consulate, "person": person, "quake": quake, "storm": storm, "officer": officer}


def test_the_person_page_shows_welfare_in_each_crisis_and_the_messages(client, scene):
    client.force_login(scene["officer"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("registry:person_detail", args=[scene["person"].pk])).content.decode()
    assert 'id="welfare"' in page
    quake = page.split(f'id="welfare-{scene["quake"].pk}"')[1].split("</li>")[0]
    assert "Sismo Guerrero" in quake and "Needs assistance" in quake and "Shelter" in quake
    assert "Field visit" in quake and "2026" in quake.split('class="welfare-when"')[1]  # when
    storm = page.split(f'id="welfare-{scene["storm"].pk}"')[1].split("</li>")[0]
    assert "Huracán Otis" in storm and "Unknown" in storm and "no news yet" in storm
    assert 'id="messages"' in page and "Estamos en el albergue" in page


def test_another_organization_sees_neither_the_page_nor_the_panels(client, scene, make_org, make_user):
    from amparo.crises.queries import person_panel
    from amparo.messaging.queries import person_panel as messages_panel

    other = make_org("hn-consulate", kind=OrganizationKind.CONSULATE, served_nationality="HN")
    outsider = make_user(other, "consular_officer")
    client.force_login(outsider)
    assert client.get(reverse("registry:person_detail", args=[scene["person"].pk])).status_code == 404
    assert person_panel(outsider, scene["person"]) is None
    assert messages_panel(outsider, scene["person"]) is None
