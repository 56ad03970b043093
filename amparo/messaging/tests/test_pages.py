"""Every staff page and API endpoint is scoped: another organization gets 404 (or 403), an analyst
gets 403, and the pages work for the organization's own staff."""

import pytest

from amparo.accounts.models import AuditEvent
from amparo.messaging import dispatch, services
from amparo.messaging.models import Broadcast, InboundMessage, InboundStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(officer, consulate, twilio_sms, checkin_template, migrant, make_org, make_user):
    migrant(phone="+525512340001")
    broadcast = services.create_broadcast(
        actor=officer, organization=consulate, title="Otis", template=checkin_template
    )
    item = InboundMessage.objects.create(
        organization=consulate, kind="sms", from_address="+525599999999", body="¿quién es?",
        status=InboundStatus.NEEDS_REVIEW, review_reason="unknown sender",
    )  # fmt: skip
    other = make_org("hn-consulate", kind="consulate", served_nationality="HN")
    return {
        "broadcast": broadcast,
        "item": item,
        "outsider": make_user(other, "consular_officer", username="marcela"),
        "analyst": make_user(consulate, "analyst", username="luis"),
    }


PAGES = [
    "/messaging/",
    "/messaging/broadcasts/new/",
    "/messaging/templates/",
    "/messaging/templates/new/",
    "/messaging/inbox/",
    "/messaging/channels/",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_work_for_the_organizations_staff(client, officer, world, url):
    client.force_login(officer)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_analysts_cannot_open_named_pages(client, world, url):
    client.force_login(world["analyst"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_users_are_sent_to_login(client, world, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_broadcast_detail_is_404_for_another_organization(client, officer, world):
    url = f"/messaging/broadcasts/{world['broadcast'].pk}/"
    client.force_login(world["outsider"])
    assert client.get(url).status_code == 404
    assert client.post(url + "confirm/").status_code == 404
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200 and "Otis" in response.content.decode()


def test_outsiders_see_none_of_our_broadcasts_or_inbox(client, world):
    client.force_login(world["outsider"])
    assert "Otis" not in client.get("/messaging/").content.decode()
    assert "quién es" not in client.get("/messaging/inbox/").content.decode()
    assert client.get(f"/messaging/inbox/{world['item'].pk}/").status_code == 404


def test_confirm_from_the_page_sends(client, officer, world, emulator):
    client.force_login(officer)
    response = client.post(f"/messaging/broadcasts/{world['broadcast'].pk}/confirm/")
    assert response.status_code == 302
    assert Broadcast.objects.get().status == "sending"
    dispatch.run(budget_s=5, sleep=lambda s: None)
    page = client.get(f"/messaging/broadcasts/{world['broadcast'].pk}/").content.decode()
    assert "Progress" in page or "Progreso" in page


def test_new_broadcast_form_creates_a_draft_with_preview(client, officer, world, checkin_template):
    client.force_login(officer)
    response = client.post(
        "/messaging/broadcasts/new/",
        {"title": "Sismo", "template": checkin_template.pk, "nationality": "gt", "language_fallback": "es, en",
         "allow_fallback": "on", "checkin_valid_hours": "48"},
    )  # fmt: skip
    assert response.status_code == 302
    broadcast = Broadcast.objects.get(title="Sismo")
    assert broadcast.audience == {"nationality": "GT"} and broadcast.checkin_valid_hours == 48
    assert broadcast.preview["reachable"] == 1


def test_reading_the_inbox_is_audited(client, officer, world):
    client.force_login(officer)
    client.get(f"/messaging/inbox/{world['item'].pk}/")
    assert AuditEvent.objects.filter(actor=officer, object_type="messaging.inboundmessage", action="view").exists()


def test_api_is_scoped(client, officer, world):
    client.force_login(world["outsider"])
    assert client.get("/api/messaging/broadcasts").json() == []
    assert client.get(f"/api/messaging/broadcasts/{world['broadcast'].pk}").status_code == 404
    assert client.get("/api/messaging/inbox").json() == []
    client.force_login(officer)
    assert [b["title"] for b in client.get("/api/messaging/broadcasts").json()] == ["Otis"]
    assert [i["body"] for i in client.get("/api/messaging/inbox").json()] == ["¿quién es?"]


def test_template_editor_warns_about_a_missing_placeholder(client, officer, world):
    client.force_login(officer)
    response = client.post(
        "/messaging/templates/check/",
        {"purpose": "checkin", "body_es": "{given_name}: ¿está bien? {checkin_link}", "body_en": "Are you safe?",
         "sms_alphabet": "unicode"},
    )  # fmt: skip
    html = response.content.decode()
    assert 'data-language="en"' in html and "{checkin_link}" in html and "{given_name}" in html
    assert "UCS-2" in html and "GSM-7" in html


def test_saving_a_template_with_an_unknown_placeholder_is_refused(client, officer, world):
    client.force_login(officer)
    response = client.post("/messaging/templates/new/", {"name": "Mía", "purpose": "alert", "body_es": "Hola {nombre}"})
    assert response.status_code == 200 and "{nombre}" in response.content.decode()


def test_a_shared_default_is_copied_not_changed(client, officer, world, consulate):
    from amparo.messaging.models import Template

    default = Template.objects.get(organization__isnull=True, purpose="alert")
    client.force_login(officer)
    client.post(
        f"/messaging/templates/{default.pk}/",
        {"name": "Nuestra alerta", "purpose": "alert", "body_es": "Alerta {crisis}"},
    )
    assert Template.objects.filter(organization=consulate, name="Nuestra alerta").exists()
    default.refresh_from_db()
    assert default.name == "Alerta" and default.variants.count() == 5


def test_the_preview_shows_audience_channels_languages_and_the_text_they_will_read(
    client, officer, consulate, twilio_sms, checkin_template, migrant
):
    migrant(phone="+525512340011", language="fr", given_names="Jean")
    migrant(phone="+525512340012", language="es")
    migrant(phone="+525512340013", language="es", consent=False)
    migrant(phone="", language="es")
    broadcast = services.create_broadcast(
        actor=officer, organization=consulate, title="Sismo", template=checkin_template, audience={"nationality": "GT"}
    )
    client.force_login(officer)
    html = client.get(f"/messaging/broadcasts/{broadcast.pk}/").content.decode()
    assert "nationality Guatemala" in html or "nacionalidad Guatemala" in html  # the country's name, not GT
    assert '<strong id="reachable">2</strong>' in html
    assert '<dd id="preview-channels">SMS: 2</dd>' in html
    assert 'id="no-consent">1<' in html and 'id="no-contact">1<' in html
    matrix = html[html.index('id="preview-matrix"') :]
    assert '<th scope="row">' in matrix and "<th>SMS</th>" in matrix
    # each language group's own text, not just one of the template's variants
    assert 'data-language="es"' in html and 'data-language="fr"' in html and 'data-language="en"' not in html
    assert "êtes-vous en sécurité" in html


def test_without_a_filter_the_preview_says_it_is_everyone(client, officer, world):
    client.force_login(officer)
    html = client.get(f"/messaging/broadcasts/{world['broadcast'].pk}/").content.decode()
    assert "(no filter)" in html or "(sin filtro)" in html


def test_welfare_filters_need_a_crisis(client, officer, world, checkin_template, crisis):
    crisis()
    client.force_login(officer)
    response = client.post(
        "/messaging/broadcasts/new/",
        {"title": "Solo quienes no respondieron", "template": checkin_template.pk, "crisis": "", "no_reply": "on",
         "welfare_status": ["unknown"], "language_fallback": "es", "checkin_valid_hours": "72"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Broadcast.objects.filter(title="Solo quienes no respondieron").exists()
    errors = response.context["form"].errors
    assert set(errors) == {"welfare_status", "no_reply"}


def test_an_unknown_placeholder_is_reported_once_next_to_its_language(client, officer, world):
    client.force_login(officer)
    response = client.post(
        "/messaging/templates/new/",
        {"name": "Mía", "purpose": "alert", "body_es": "Hola {given_name}", "body_en": "Hello {nombre}"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["body_en"] and "{nombre}" in errors["body_en"][0]
    assert response.content.decode().count("{nombre}.") == 1


def test_a_second_person_approves_from_the_page(client, officer, world, consulate, make_user):
    supervisor = make_user(consulate, "org_admin", username="rodrigo")
    broadcast = world["broadcast"]
    broadcast.requires_approval = True
    broadcast.save()
    client.force_login(officer)
    client.post(f"/messaging/broadcasts/{broadcast.pk}/confirm/")
    page = client.get(f"/messaging/broadcasts/{broadcast.pk}/").content.decode()
    assert 'id="approve"' not in page  # the person who confirmed cannot approve
    client.force_login(supervisor)
    assert 'id="approve"' in client.get(f"/messaging/broadcasts/{broadcast.pk}/").content.decode()
    response = client.post(f"/messaging/broadcasts/{broadcast.pk}/approve/", follow=True)
    broadcast.refresh_from_db()
    assert broadcast.status == "sending" and broadcast.approved_by == supervisor
    html = response.content.decode()
    assert "rodrigo" in html and "lucia" in html  # who confirmed and who approved
