"""The template editor counts SMS segments the way networks bill them."""

import pytest

from amparo.messaging.sms import sms_length


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
