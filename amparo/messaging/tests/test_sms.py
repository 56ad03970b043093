"""SMS length as networks bill it (GSM-7 or UCS-2, single or concatenated parts, the extension
table), and the GSM-7 spelling of a text that must say the same thing."""

import pytest

from amparo.messaging.sms import sms_length, to_gsm7


@pytest.mark.parametrize(
    ("text", "encoding", "segments", "units"),
    [
        ("", "GSM-7", 0, 0),
        ("a" * 160, "GSM-7", 1, 160),
        ("a" * 161, "GSM-7", 2, 161),
        ("a" * 306, "GSM-7", 2, 306),
        ("a" * 307, "GSM-7", 3, 307),
        ("€" * 80, "GSM-7", 1, 160),  # extension characters cost two septets
        ("€" * 81, "GSM-7", 2, 162),
        ("a" * 152 + "€", "GSM-7", 1, 154),
        ("Está usted a salvo?", "UCS-2", 1, 19),  # á is not in GSM-7
        ("é ñ ü à ò", "GSM-7", 1, 9),  # these are
        ("á" * 70, "UCS-2", 1, 70),
        ("á" * 71, "UCS-2", 2, 71),
        ("🙂" * 35, "UCS-2", 1, 70),  # surrogate pairs count two units
        ("🙂" * 36, "UCS-2", 2, 72),
    ],
)
def test_segments(text, encoding, segments, units):
    length = sms_length(text)
    assert (length.encoding, length.segments, length.units) == (encoding, segments, units)


def test_an_escape_pair_is_never_split_across_segments():
    # 152 plain + "€" (2 septets) would straddle the 153-septet boundary: it moves to segment 2.
    assert sms_length("a" * 152 + "€" + "a" * 10).segments == 2
    assert sms_length("a" * 152 + "€" + "a" * 152).segments == 3


def test_the_characters_forcing_ucs2_are_named():
    assert sms_length("Mañana: ¿está bien?").non_gsm == ("á",)


@pytest.mark.parametrize("ch", list("[]{}€^~|\\"))
def test_extension_characters_count_double(ch):
    assert sms_length(ch).units == 2 and sms_length(ch).encoding == "GSM-7"
    assert sms_length(ch * 80).segments == 1 and sms_length(ch * 81).segments == 2
    assert sms_length("a" * 150 + ch * 5).segments == 1  # 150 + 5 × 2 = 160 septets: one message
    assert sms_length("a" * 151 + ch * 5).segments == 2


@pytest.mark.parametrize(
    ("text", "encoding"),
    [("Hola, ¿está a salvo?", "UCS-2"), ("Hola, ¿esta a salvo?", "GSM-7"), ("Mañana", "GSM-7"),
     ("Êtes-vous", "UCS-2"), ("èske", "GSM-7"), ("Èske", "UCS-2"), ("você", "UCS-2"), ("€ [ok]", "GSM-7"),
     ("ok 🙏", "UCS-2"), ("“ok”", "UCS-2")],
)  # fmt: skip
def test_gsm7_detection(text, encoding):
    assert sms_length(text).encoding == encoding


@pytest.mark.parametrize(("length", "segments"), [(153, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)])
def test_gsm7_parts_hold_153_septets_when_concatenated(length, segments):
    assert sms_length("x" * length).segments == segments


@pytest.mark.parametrize(("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)])
def test_ucs2_parts_hold_67_units_when_concatenated(length, segments):
    assert sms_length("á" * length).segments == segments


# --- GSM-7 spelling ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "written"),
    [
        ("es", "¿Está a salvo? Responda 1 si está bien", "¿Esta a salvo? Responda 1 si esta bien"),
        ("es", "Mañana, señora Núñez", "Mañana, señora Nuñez"),  # ñ is GSM-7, ú is not
        ("fr", "Êtes-vous en sécurité ? ça va ?", "Etes-vous en sécurité ? ca va ?"),  # é (and Ç) are GSM-7
        ("ht", "Èske ou an sekirite? Mèsi", "èske ou an sekirite? Mèsi"),  # È → è: the same word
        ("pt", "Você está em segurança? Não", "Voce esta em seguranca? Nao"),
        ("en", "We’re “safe” – thanks…", 'We\'re "safe" - thanks...'),
    ],
)
def test_transliteration_writes_the_same_words_in_gsm7(language, text, written):
    result = to_gsm7(text, language=language)
    assert result.text == written and result.changed
    assert sms_length(result.text).encoding == "GSM-7"


def test_a_link_is_never_changed():
    link = "https://amparo.cancillería.gob.gt/messaging/c/Ab-_9x/"
    result = to_gsm7(f"Responda aquí: {link} gracias", language="es")
    assert result.text == f"Responda aqui: {link} gracias"


@pytest.mark.parametrize(
    ("language", "text", "word"),
    [("fr", "C'est sûr maintenant ?", "sûr"), ("pt", "Seu avô está bem?", "avô"), ("fr", "Côte d'Ivoire", "Côte")],
)
def test_a_word_that_changes_meaning_keeps_every_accent(language, text, word):
    result = to_gsm7(text, language=language)
    assert (result.text, result.changed, result.kept_for) == (text, False, word)


def test_what_has_no_gsm7_spelling_stays():
    assert to_gsm7("Estamos bien 🙏 ¿cuándo?", language="es").text == "Estamos bien 🙏 ¿cuando?"
    assert to_gsm7("Ahmed أحمد", language="en").text == "Ahmed أحمد"  # a name in Arabic script: UCS-2
