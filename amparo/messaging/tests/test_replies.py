"""Replies in Spanish, English, French, Haitian Creole and Portuguese read as welfare answers: the
menu answers, and each structure the reader must get right (the labelled corpus in
test_reply_corpus.py checks 300 more)."""

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
    "", "hola", "¿Quién es?", "1 2", "si pero ayuda", "ok but help", "No, todos bien", "oui et non",
    "Sí y no", "¿dónde queda el albergue más cercano?",
]  # fmt: skip


@pytest.mark.parametrize("text", SAFE)
def test_safe_replies(text):
    assert read_reply(text).intent == "safe"


@pytest.mark.parametrize("text", HELP)
def test_help_replies(text):
    assert read_reply(text).intent == "help"


@pytest.mark.parametrize("text", UNCLEAR)
def test_anything_else_goes_to_staff(text):
    assert read_reply(text).intent in ("unclear", "question")


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


# --- what the reader must get right (issue 12: each was misread before) ------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Estoy bien mal", "es"), ("estamos bien atrapados", "es"), ("Ça va mal", "fr"), ("estou bem mal", "pt"),
        ("está bien feo aquí", "es"), ("estamos muy mal", "es"), ("toy bn mal", "es"), ("ça va très mal ici", "fr"),
    ],
)  # fmt: skip
def test_an_intensifier_before_a_bad_word_is_never_safe(text, language):
    assert read_reply(text, language=language).intent == "help"


@pytest.mark.parametrize(
    "text", ["Is it safe?", "is it safe", "¿ya es seguro?", "ya es seguro salir", "c'est sûr ?", "é seguro?",
             "èske li an sekirite?", "estamos bien, ¿ya podemos regresar?"],
)  # fmt: skip
def test_a_question_is_not_an_answer(text):
    reading = read_reply(text)
    assert reading.intent == "question" and reading.reason == "question"


@pytest.mark.parametrize(
    "text",
    ["estamos bien, no nos pasó nada", "Bien, gracias, estamos en casa de mi prima", "Estamos bien, nadie salió herido",
     "Nothing happened to us, we are fine", "Il ne nous est rien arrivé, on va bien", "Não aconteceu nada com a gente",
     "Pa gen anyen ki rive nou, nou byen", "Estoy bien, no necesito nada"],
)  # fmt: skip
def test_nothing_happened_is_safe(text):
    assert read_reply(text).intent == "safe"


@pytest.mark.parametrize(
    ("text", "needs"),
    [
        ("Necesito ayuda, no tenemos agua", ("food",)), ("ayuda, no tenemos agua", ("food",)),
        ("no estoy bien", ()), ("I'm not ok", ()), ("mwen pa byen", ()), ("não estou bem", ()), ("ça va pas", ()),
        ("nou pa gen dlo", ("food",)), ("on n'a pas d'eau", ("food",)), ("we have no water", ("food",)),
        ("sin comida ni agua", ("food",)), ("perdí mis papeles", ("documents",)),
    ],
)  # fmt: skip
def test_negation_reaches_what_follows_it(text, needs):
    reading = read_reply(text)
    assert (reading.intent, reading.needs) == ("help", needs)


@pytest.mark.parametrize(
    ("text", "needs"),
    [
        ("Estoy bien pero mi hermano está herido", ("medical",)), ("I'm safe but my brother is injured", ("medical",)),
        ("Je vais bien mais mon frère est blessé", ("medical",)), ("mwen byen men frè m blese", ("medical",)),
        ("Estou bem mas meu irmão está ferido", ("medical",)),
        ("estoy bien pero no sé nada de mi esposo", ("family_contact",)),
        ("estamos bien pero se cayó la casa", ("shelter",)),
    ],
)  # fmt: skip
def test_a_contrast_clause_that_carries_a_need_is_never_plain_safe(text, needs):
    reading = read_reply(text)
    assert (reading.intent, reading.needs) == ("help", needs)


@pytest.mark.parametrize(
    "text", ["todos bien menos yo", "all fine except my brother", "tout va bien sauf que la voiture est abîmée",
             "Estamos bien. La casa quedó destruida", "estamos bien pero nos robaron todo"],
)  # fmt: skip
def test_safe_with_more_that_is_not_understood_goes_to_staff(text):
    assert read_reply(text).intent == "unclear"


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("herido", "medical"), ("herida", "medical"), ("heridos", "medical"), ("heridas", "medical"),
        ("blessé", "medical"), ("blessée", "medical"), ("blessés", "medical"), ("blessées", "medical"),
        ("ferido", "medical"), ("feridas", "medical"), ("atrapado", "evacuation"), ("atrapadas", "evacuation"),
        ("injured", "medical"), ("bloqués", "evacuation"), ("presos", "evacuation"), ("blese", "medical"),
    ],
)  # fmt: skip
def test_need_words_in_every_gender_and_number(text, need):
    reading = read_reply(f"mi familia: {text}")
    assert reading.intent == "help" and need in reading.needs


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("toy bn", "safe"), ("stamos bien q bueno", "safe"), ("tamos bien x aca", "safe"), ("m byen", "safe"),
        ("n ap boule", "safe"), ("tô bem", "safe"), ("jsuis en sécurité", "safe"), ("we r ok", "safe"),
        ("nesesito ayuda xq no hay agua", "help"), ("ayudaaaa", "help"), ("m pa ok", "help"), ("pls help", "help"),
    ],
)  # fmt: skip
def test_texting_spellings(text, intent):
    assert read_reply(text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [("✅", "safe"), ("👍🏽", "safe"), ("bien 🙏", "safe"), ("🆘", "help"), ("estamos mal 😢", "help"),
     ("😢", "unclear"), ("Estamos bien 😭", "unclear"), ("🙏", "unclear")],
)  # fmt: skip
def test_emojis(text, intent):
    assert read_reply(text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent", "needs"),
    [("Estoy ok pero no water", "help", ("food",)), ("I'm fine pero mi hijo está herido", "help", ("medical",)),
     ("mwen byen merci", "safe", ()), ("estamos bem gracias", "safe", ())],
)  # fmt: skip
def test_mixed_languages(text, intent, needs):
    reading = read_reply(text)
    assert (reading.intent, reading.needs) == (intent, needs)


def test_the_persons_language_breaks_ties():
    assert read_reply("ok", language="ht").language == "ht"
    assert read_reply("ok", language="pt").language == "pt"
    assert read_reply("Estamos bien gracias", language="fr").language == "es"


def test_a_reply_names_why_a_person_must_look():
    assert read_reply("no").reason == "answer_no"
    assert read_reply("no sé").reason == "unsure"
    assert read_reply("ok pero ayuda").reason == "safe_and_help"
    assert read_reply("xyzzy").reason == "not_understood"
