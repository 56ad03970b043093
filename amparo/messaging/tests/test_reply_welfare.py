"""End to end: an SMS reply to a check-in updates the person's welfare, the thank-you says what was
understood in the person's language, and the person's correction wins (issue 12)."""

import pytest

from amparo.messaging import dispatch, services
from amparo.messaging.models import InboundMessage, InboundStatus, Message, TemplatePurpose
from amparo.messaging.tests.conftest import make_template, welfare_of

pytestmark = pytest.mark.django_db

PHONE = "+525512340101"


def _reply(client, emulator, channel, body, sender=PHONE):
    url = f"/messaging/hooks/{channel.webhook_key}/inbound/"
    params, headers = emulator.twilio_inbound("http://testserver" + url, sender=sender, body=body)
    assert client.post(url, params, **headers).status_code == 200
    return InboundMessage.objects.order_by("-id").first()


def _thanks():
    return Message.objects.filter(purpose=TemplatePurpose.ACKNOWLEDGE).order_by("-id").first()


@pytest.fixture
def checkin(officer, consulate, twilio_sms, checkin_template, migrant, emulator, crisis):
    """check-in(language): one check-in sent in a crisis to a person speaking `language`."""

    def send(language="es"):
        person = migrant(phone=PHONE, subdivision="MX-GRO", given_names="Rosa", language=language)
        the_crisis = crisis()
        broadcast = services.create_broadcast(
            actor=officer, organization=consulate, title="Otis", template=checkin_template, crisis=the_crisis
        )
        services.confirm_broadcast(actor=officer, broadcast=broadcast)
        dispatch.run(budget_s=5, sleep=lambda s: None)
        return person, the_crisis

    return send


def test_a_safe_reply_is_recorded_and_the_thank_you_says_so(client, checkin, emulator, twilio_sms):
    person, crisis = checkin("es")
    item = _reply(client, emulator, twilio_sms, "estamos bien, no nos pasó nada")
    assert (item.intent, item.status, item.language) == ("safe", InboundStatus.PROCESSED, "es")
    welfare = welfare_of(crisis, person)
    assert welfare.status == "safe" and welfare.history.order_by("-id").first().source == "reply"
    thanks = _thanks()
    assert thanks.to_address == PHONE and thanks.language == "es"
    assert "Registramos: esta a salvo. Si no es asi, responda 2." in thanks.body  # an SMS: in GSM-7
    assert thanks.body.startswith("Gracias, Rosa.")


def test_on_whatsapp_the_thank_you_keeps_every_accent(client, checkin, emulator, twilio_whatsapp):
    checkin("es")
    _reply(client, emulator, twilio_whatsapp, "estamos bien, no nos pasó nada", sender=f"whatsapp:{PHONE}")
    assert "Registramos: está a salvo. Si no es así, responda 2." in _thanks().body


def test_a_help_reply_names_the_needs_understood(client, checkin, emulator, twilio_sms):
    person, crisis = checkin("es")
    _reply(client, emulator, twilio_sms, "Necesito ayuda, no tenemos agua")
    welfare = welfare_of(crisis, person)
    assert welfare.status == "needs_assistance" and list(welfare.needs) == ["food"]
    assert "Registramos: necesita ayuda (agua o comida). Si esta a salvo, responda 1." in _thanks().body


@pytest.mark.parametrize(
    ("language", "text", "understood"),
    [
        ("fr", "Ça va mal", "Nous avons noté : vous avez besoin d'aide. Si vous etes en sécurité, répondez 1."),
        ("en", "We're fine, nobody got hurt", "We recorded: you are safe. If not, reply 2."),
        ("ht", "n ap boule", "Nou note: ou an sekirite. Si se pa sa, reponn 2."),
        ("pt", "estou bem mal", "Registramos: voce precisa de ajuda. Se estiver em seguranca, responda 1."),
    ],
)
def test_the_thank_you_is_in_the_persons_language(client, checkin, emulator, twilio_sms, language, text, understood):
    checkin(language)
    _reply(client, emulator, twilio_sms, text)
    thanks = _thanks()
    assert thanks.language == language and understood in thanks.body


def test_the_persons_correction_wins_and_the_history_keeps_both(client, checkin, emulator, twilio_sms):
    person, crisis = checkin("es")
    _reply(client, emulator, twilio_sms, "Estoy bien")
    assert welfare_of(crisis, person).status == "safe"
    _reply(client, emulator, twilio_sms, "2")  # "Si no es así, responda 2"
    welfare = welfare_of(crisis, person)
    assert welfare.status == "needs_assistance"
    history = list(welfare.history.order_by("id").values_list("status", "source", "applied"))
    assert history[-2:] == [("safe", "reply", True), ("needs_assistance", "reply", True)]
    assert "Si esta a salvo, responda 1." in _thanks().body


def test_a_question_waits_for_staff_and_changes_nothing(client, checkin, emulator, twilio_sms):
    person, crisis = checkin("es")
    item = _reply(client, emulator, twilio_sms, "¿ya es seguro regresar?")
    assert (item.intent, item.status, item.reason_code) == ("question", InboundStatus.NEEDS_REVIEW, "question")
    assert welfare_of(crisis, person).status == "unknown"
    assert _thanks() is None


def test_a_reply_never_changes_deceased_and_goes_to_staff(client, checkin, emulator, twilio_sms):
    from amparo.accounts.policy import system_principal
    from amparo.crises.services import update_welfare

    person, crisis = checkin("es")
    update_welfare(actor=system_principal("test"), crisis=crisis, person=person, status="deceased", source="staff")
    item = _reply(client, emulator, twilio_sms, "Estoy bien")
    assert item.status == InboundStatus.NEEDS_REVIEW and welfare_of(crisis, person).status == "deceased"
    assert _thanks() is None


def test_an_older_thank_you_text_still_says_what_was_understood(client, checkin, emulator, twilio_sms, consulate):
    make_template(
        purpose=TemplatePurpose.ACKNOWLEDGE, organization=consulate, name="gracias", es="Gracias. - Consulado"
    )
    checkin("es")
    _reply(client, emulator, twilio_sms, "1")
    assert _thanks().body == "Gracias. - Consulado Registramos: esta a salvo. Si no es asi, responda 2."


def test_staff_see_the_reason_and_the_needs_read(client, checkin, emulator, twilio_sms, officer):
    checkin("es")
    item = _reply(client, emulator, twilio_sms, "ok pero ayuda")
    client.force_login(officer)
    page = client.get(f"/messaging/inbox/{item.pk}/").content.decode()
    assert "Dice que está a salvo y que necesita ayuda: una persona debe revisarla." in page
