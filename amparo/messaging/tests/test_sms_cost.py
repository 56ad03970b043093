"""What SMS cost (issue 12): check-ins written in GSM-7 where the language reads fine without the
accents GSM-7 lacks (per template or channel), the check-in link intact, and the parts per language
estimated before confirmation with each person's own values, equal to what is queued."""

import pytest

from amparo.messaging import services
from amparo.messaging.audience import body_to_send
from amparo.messaging.models import SmsAlphabet, TemplatePurpose
from amparo.messaging.rendering import check_variants
from amparo.messaging.sms import sms_length
from amparo.messaging.tests.conftest import make_template

pytestmark = pytest.mark.django_db

CHECKIN_ES = "{given_name}, ¿está a salvo tras {crisis}? Responda 1 si está bien o 2 si necesita ayuda, o abra {checkin_link} - {organization}"  # noqa: E501
CHECKIN_FR = "{given_name}, êtes-vous en sécurité après {crisis} ? Répondez 1 si tout va bien ou 2 si vous avez besoin d'aide, ou ouvrez {checkin_link} - {organization}"  # noqa: E501


@pytest.fixture
def template(consulate):
    return make_template(organization=consulate, name="check-in", es=CHECKIN_ES, fr=CHECKIN_FR)


def _broadcast(officer, consulate, template):
    return services.create_broadcast(actor=officer, organization=consulate, title="Otis", template=template)


def test_a_spanish_check_in_goes_out_in_gsm7_with_its_link_intact(
    officer, consulate, twilio_sms, template, migrant, settings
):
    settings.SITE_URL = "https://alertas.cancillería.example"  # a link GSM-7 cannot write: never touched
    migrant(phone="+525512340001", given_names="María José")
    broadcast = _broadcast(officer, consulate, template)
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    body = body_to_send(broadcast.messages.get())  # the link is written in when sending
    assert body.startswith("Maria José, ¿esta a salvo tras ")  # é is GSM-7, í is not
    link = next(word for word in body.split() if word.startswith("https://"))
    assert link.startswith("https://alertas.cancillería.example/messaging/c/") and len(link.split("/c/")[1]) == 25
    assert sms_length(body.replace(link, "x" * len(link))).encoding == "GSM-7"


def test_the_template_or_the_channel_can_keep_every_accent(officer, consulate, twilio_sms, template, migrant):
    migrant(phone="+525512340001")
    template.sms_alphabet = SmsAlphabet.UNICODE
    template.save()
    broadcast = _broadcast(officer, consulate, template)
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    assert "¿está a salvo" in broadcast.messages.get().body

    template.sms_alphabet = SmsAlphabet.AUTO
    template.save()
    twilio_sms.sms_alphabet = SmsAlphabet.UNICODE
    twilio_sms.save()
    again = _broadcast(officer, consulate, template)
    services.confirm_broadcast(actor=officer, broadcast=again)
    assert "¿está a salvo" in again.messages.get().body


def test_a_template_choice_wins_over_the_channel(officer, consulate, twilio_sms, template, migrant):
    migrant(phone="+525512340001")
    twilio_sms.sms_alphabet = SmsAlphabet.UNICODE
    twilio_sms.save()
    template.sms_alphabet = SmsAlphabet.GSM7
    template.save()
    broadcast = _broadcast(officer, consulate, template)
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    assert "¿esta a salvo" in broadcast.messages.get().body


def test_email_and_whatsapp_keep_every_accent(officer, consulate, twilio_whatsapp, smtp_email, template, migrant):
    migrant(phone="+525512340001", whatsapp=True)
    migrant(phone="", email="ana@example.org")
    broadcast = _broadcast(officer, consulate, template)
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    assert all("¿está a salvo" in m.body for m in broadcast.messages.all())
    assert broadcast.preview["sms"] == {"by_language": {}, "people": 0, "parts": 0, "parts_with_accents": 0}


def test_the_preview_estimates_parts_per_language_with_each_persons_values(officer, consulate, twilio_sms, migrant):
    short = make_template(
        organization=consulate, name="short", es="{given_name}: ¿está a salvo? Responda 1 o 2, o abra {checkin_link}",
        fr="{given_name} : êtes-vous en sécurité ? Répondez 1 ou 2, ou ouvrez {checkin_link}",
    )  # fmt: skip
    migrant(phone="+525512340001", given_names="Ana")
    migrant(phone="+525512340002", given_names="Guadalupe Esperanza del Carmen María de los Ángeles Concepción Dolores")
    migrant(phone="+525512340003", given_names="Jean", language="fr")
    broadcast = _broadcast(officer, consulate, short)
    sms = broadcast.preview["sms"]
    assert sms["people"] == 3
    es, fr = sms["by_language"]["es"], sms["by_language"]["fr"]
    assert (es["people"], es["ucs2"], es["gsm7_writing"]) == (2, 0, True)
    assert (es["parts"], es["max_parts"]) == (1 + 2, 2)  # the long name alone needs a second part
    assert es["parts_with_accents"] == 2 + 3  # in UCS-2 with every accent kept
    assert (fr["people"], fr["parts"], fr["parts_with_accents"]) == (1, 1, 2)
    assert (sms["parts"], sms["parts_with_accents"]) == (4, 7)
    # The estimate is what is queued: the same texts, the real links (of the same length).
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    broadcast.refresh_from_db()
    queued = {}
    for message in broadcast.messages.all():
        queued[message.language] = queued.get(message.language, 0) + sms_length(body_to_send(message)).segments
    assert queued == {"es": es["parts"], "fr": fr["parts"]} == broadcast.preview["sms_parts_queued"]


def test_a_name_in_another_script_is_counted_as_ucs2(officer, consulate, twilio_sms, template, migrant):
    migrant(phone="+525512340001", given_names="أحمد")
    sms = _broadcast(officer, consulate, template).preview["sms"]["by_language"]["es"]
    assert sms["ucs2"] == 1 and sms["parts"] == 3


def test_the_preview_page_shows_the_parts_per_language_before_confirmation(
    client, officer, consulate, twilio_sms, template, migrant
):
    migrant(phone="+525512340001", given_names="Ana")
    migrant(phone="+525512340003", given_names="Jean", language="fr")
    broadcast = _broadcast(officer, consulate, template)
    client.force_login(officer)
    page = client.get(f"/messaging/broadcasts/{broadcast.pk}/").content.decode()
    assert 'id="sms-cost"' in page and 'id="sms-parts-total">4<' in page
    assert 'data-language="es"' in page and 'data-language="fr"' in page
    assert "¿esta a salvo tras {crisis}?" in page  # the text as written by SMS, shown to the sender


def test_the_editor_shows_parts_with_and_without_accents():
    [check] = check_variants({"es": CHECKIN_ES}, purpose=TemplatePurpose.CHECKIN)
    assert (check.encoding, check.segments, check.segments_with_accents) == ("GSM-7", 2, 3)
    assert check.sms_text.startswith("{given_name}, ¿esta a salvo tras {crisis}?")
    [kept] = check_variants({"es": CHECKIN_ES}, sms_alphabet=SmsAlphabet.UNICODE)
    assert (kept.encoding, kept.segments, kept.sms_text) == ("UCS-2", 3, "")
    [french] = check_variants({"fr": "C'est sûr : {checkin_link}"})
    assert french.kept_for == "sûr" and french.encoding == "UCS-2"


def test_the_editor_saves_the_alphabet(client, officer, consulate):
    client.force_login(officer)
    data = {"name": "Aviso", "purpose": "alert", "sms_alphabet": "unicode", "body_es": "Atención: {crisis}"}
    response = client.post("/messaging/templates/new/", data)
    assert response.status_code == 302
    template = consulate.message_templates.get(name="Aviso")
    assert template.sms_alphabet == "unicode"
    checks = client.post("/messaging/templates/check/", {**data, "sms_alphabet": "auto"}).content.decode()
    assert "Atencion: {crisis}" in checks
