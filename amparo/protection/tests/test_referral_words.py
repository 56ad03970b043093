"""A referral's status reads as a state and the buttons that move it read as actions, in every
language ("Enviada" and "Aceptar", never the audit log's "Envió" nor a button saying "Aceptada")."""

import re

import pytest
from django.urls import reverse

from amparo.accounts.codes import Role
from amparo.protection import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(caseworker, person, shelter, shelter_service):
    referral = services.create_referral(
        actor=caseworker,
        person=person,
        to_organization=shelter,
        service=shelter_service,
        service_kind="shelter",
        reason="Needs a bed tonight",
        shared_fields=["full_name"],
    )
    return services.send_referral(actor=caseworker, referral=referral, consent_method="verbal")


def _page(client, user, referral, language):
    client.force_login(user)
    response = client.get(reverse("protection:referral_detail", args=[referral.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    status = re.search(r'id="referral-status">([^<]+)<', html).group(1)
    buttons = re.findall(r'<button type="submit" name="to" value="\w+"[^>]*>([^<]+)</button>', html)
    return status, buttons


@pytest.mark.parametrize(
    "language, status, receiver_buttons, sender_buttons",
    [
        ("es", "Enviada", ["Aceptar", "Rechazar"], ["Cerrar"]),
        ("fr", "Envoyée", ["Accepter", "Refuser"], ["Clôturer"]),
        ("ht", "Voye", ["Aksepte", "Refize"], ["Fèmen"]),
        ("pt", "Enviado", ["Aceitar", "Recusar"], ["Encerrar"]),
        ("en", "Sent", ["Accept", "Decline"], ["Close"]),
    ],
)
def test_status_is_a_state_and_buttons_are_verbs(
    client, caseworker, shelter_staff, sent, language, status, receiver_buttons, sender_buttons
):
    assert _page(client, shelter_staff, sent, language) == (status, receiver_buttons)
    assert _page(client, caseworker, sent, language) == (status, sender_buttons)


def test_after_accepting_the_provider_is_offered_to_start_the_service(client, shelter_staff, sent):
    client.force_login(shelter_staff)
    client.post(reverse("protection:referral_transition", args=[sent.pk]), {"to": "accepted"})
    assert _page(client, shelter_staff, sent, "es") == ("Aceptada", ["Iniciar la atención"])


def test_an_outsider_sees_neither_the_status_nor_the_buttons(client, make_org, make_user, sent):
    client.force_login(make_user(make_org("elsewhere"), Role.CASE_WORKER))
    assert client.get(reverse("protection:referral_detail", args=[sent.pk])).status_code == 404
