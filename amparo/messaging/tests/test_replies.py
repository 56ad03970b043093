"""Replies in Spanish, English, French, Haitian Creole and Portuguese read as welfare answers."""

import pytest

from amparo.messaging.replies import read_reply

SAFE = [
    # Spanish
    "1", "SI", "Sí", "sí", "SÍ", "Si, estoy bien", "ESTOY BIEN", "estoy bien gracias", "A SALVO",
    "Estamos a salvo", "todo bien",
    # English
    "SAFE", "safe", "OK", "ok!", "Yes", "I'm safe", "I am fine thanks", "we are safe",
    # French
    "Oui", "je vais bien", "Je suis en sécurité", "sain et sauf",
    # Haitian Creole
    "WI", "wi", "MWEN BYEN", "mwen byen mesi", "Nou byen", "mwen an sekirite",
    # Portuguese
    "SIM", "ESTOU BEM", "estou bem obrigado", "Tudo bem", "estou segura",
]  # fmt: skip
HELP = [
    # Spanish
    "2", "AYUDA", "ayuda!", "Necesito ayuda", "SOCORRO", "auxilio", "SOS",
    # English
    "HELP", "help me", "I need help", "we need help",
    # French
    "AIDE", "au secours", "J'ai besoin d'aide",
    # Haitian Creole
    "ÈD", "èd", "ED", "Mwen bezwen èd", "anmwe",
    # Portuguese
    "AJUDA", "preciso de ajuda", "SOCORRO",
]  # fmt: skip
UNCLEAR = [
    "", "hola", "¿Quién es?", "No estoy bien",  "not safe", "mwen pa byen", "não estou bem",
    "Estoy bien pero mi hermano está herido", "1 2", "si pero ayuda", "ça ne va pas",
    "Estoy bien, mi mamá no contesta desde ayer y no sé dónde está", "¿dónde queda el albergue más cercano?",
]  # fmt: skip


@pytest.mark.parametrize("text", SAFE)
def test_safe_replies(text):
    assert read_reply(text).intent == "safe"


@pytest.mark.parametrize("text", HELP)
def test_help_replies(text):
    assert read_reply(text).intent == "help"


@pytest.mark.parametrize("text", UNCLEAR)
def test_anything_else_is_unclear_and_goes_to_staff(text):
    assert read_reply(text).intent == "unclear"


@pytest.mark.parametrize(
    ("text", "needs"),
    [
        ("AYUDA albergue", ("shelter",)),
        ("2 medico", ("medical",)),
        ("help food and water", ("food",)),
        ("AIDE médecin", ("medical",)),
        ("èd manje", ("food",)),
        ("AJUDA documentos", ("documents",)),
        ("Necesito ayuda, estamos atrapados, hay heridos", ("medical",)),
    ],
)
def test_help_replies_carry_needs(text, needs):
    reading = read_reply(text)
    assert reading.intent == "help"
    assert set(needs) <= set(reading.needs)


def test_people_with_the_person_are_counted():
    assert read_reply("AYUDA somos 4 personas").people_with == 4


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("INFO", "info"), ("información", "info"), ("ENFO", "info"), ("informação", "info"),
        ("ALBERGUE", "shelters"), ("shelter", "shelters"), ("REFUGIO", "shelters"), ("ABRI", "shelters"),
        ("abrigo", "shelters"), ("CONSULADO", "consulate"), ("consulate", "consulate"), ("KONSILA", "consulate"),
        ("Consulat", "consulate"), ("STOP", "stop"), ("baja", "stop"), ("ARRÊT", "stop"), ("sispann", "stop"),
    ],
)  # fmt: skip
def test_keywords(text, intent):
    assert read_reply(text).intent == intent
