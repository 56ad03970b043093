"""Information pages: written by staff, published only after another person reviews them, shown
to the public in the page's language, never with HTML from the author."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from amparo.portal import services
from amparo.portal.models import InfoPageVersion


@pytest.fixture
def page(world):
    return services.create_page(
        actor=world["officer"], organization=world["consulate"], country="MX", topic="earthquake"
    )


def _publish(
    page, world, language="es", title="Sismo: qué hacer", body="Agáchese, cúbrase y sujétese.\n\n- Aléjese de ventanas"
):
    draft = services.save_draft(actor=world["officer"], page=page, language=language, title=title, body=body)
    services.submit_for_review(actor=world["officer"], version=draft)
    return services.publish(actor=world["officer2"], version=draft)


@pytest.mark.django_db
def test_the_author_cannot_publish_their_own_text(page, world):
    draft = services.save_draft(actor=world["officer"], page=page, language="es", title="T", body="B")
    services.submit_for_review(actor=world["officer"], version=draft)
    with pytest.raises(PermissionDenied):
        services.publish(actor=world["officer"], version=draft)
    assert services.publish(actor=world["officer2"], version=draft).status == "published"


@pytest.mark.django_db
def test_a_new_version_replaces_the_published_one_only_when_published(page, world, client):
    first = _publish(page, world)
    second = services.save_draft(actor=world["officer2"], page=page, language="es", title="Sismo (v2)", body="Nuevo")
    url = reverse("portal:country", args=["es", "mx"])
    assert "Sismo: qué hacer" in client.get(url).content.decode()  # the draft is not public
    services.submit_for_review(actor=world["officer2"], version=second)
    services.publish(actor=world["officer"], version=second)
    first.refresh_from_db()
    assert first.status == "superseded" and second.number == 2
    html = client.get(url).content.decode()
    assert "Sismo (v2)" in html and "Sismo: qué hacer" not in html


@pytest.mark.django_db
def test_pages_show_in_their_own_language_only(page, world, client):
    es = _publish(page, world)
    fr = _publish(page, world, language="fr", title="Séisme : que faire", body="Baissez-vous.")
    assert client.get(reverse("portal:info", args=["fr", "mx", fr.pk])).status_code == 200
    assert client.get(reverse("portal:info", args=["fr", "mx", es.pk])).status_code == 404
    assert "Séisme" not in client.get(reverse("portal:country", args=["ht", "mx"])).content.decode()


@pytest.mark.django_db
def test_staff_text_is_shown_as_text_never_as_html(page, world, client):
    version = _publish(page, world, body="<script>alert(1)</script>\n\n## Qué hacer\n- <img src=x onerror=alert(1)>")
    html = client.get(reverse("portal:info", args=["es", "mx", version.pk])).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "<h2>Qué hacer</h2>" in html and "<li>&lt;img" in html


@pytest.mark.django_db
def test_only_staff_of_the_organization_edit_its_pages(page, world, client):
    with pytest.raises(PermissionDenied):
        services.save_draft(actor=world["outsider"], page=page, language="es", title="x", body="y")
    with pytest.raises(PermissionDenied):
        services.save_draft(actor=world["analyst"], page=page, language="es", title="x", body="y")
    client.force_login(world["outsider"])
    assert client.get(reverse("portal:staff_page", args=[page.pk, "es"])).status_code == 404
    draft = services.save_draft(actor=world["officer"], page=page, language="es", title="x", body="y")
    response = client.post(reverse("portal:staff_version_action", args=[draft.pk]), {"action": "submit"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.django_db
def test_a_page_needs_a_title_and_a_text(page, world):
    with pytest.raises(ValidationError):
        services.save_draft(actor=world["officer"], page=page, language="es", title="  ", body="y")
    with pytest.raises(ValidationError):
        services.save_draft(actor=world["officer"], page=page, language="xx", title="t", body="y")


@pytest.mark.django_db
def test_the_staff_flow_through_the_pages(page, world, client):
    client.force_login(world["officer"])
    url = reverse("portal:staff_page", args=[page.pk, "ht"])
    client.post(url, {"title": "Tranblemanntè", "body": "Bese, kouvri, kenbe."})
    draft = InfoPageVersion.objects.get(page=page, language="ht")
    client.post(reverse("portal:staff_version_action", args=[draft.pk]), {"action": "submit"})
    client.post(reverse("portal:staff_version_action", args=[draft.pk]), {"action": "publish"})
    draft.refresh_from_db()
    assert draft.status == "in_review"  # the author could not publish it
    client.force_login(world["officer2"])
    client.post(reverse("portal:staff_version_action", args=[draft.pk]), {"action": "publish"})
    draft.refresh_from_db()
    assert draft.status == "published" and draft.reviewed_by == world["officer2"]
    assert "Tranblemanntè" in client.get(reverse("portal:country", args=["ht", "mx"])).content.decode()
