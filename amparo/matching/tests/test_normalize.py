"""Each normalisation rule for names, dates, phones and documents of the region."""

import pytest

from amparo.matching import normalize as n


def test_case_accents_and_spacing_fold_away():
    assert n.fold("  JOSÉ   Ángel  Muñoz-Güemes ") == "jose angel munoz guemes"


def test_particles_de_del_de_la_de_los_are_dropped():
    assert n.name_tokens("de la Cruz")[0] == ("cruz",)
    assert n.name_tokens("Del Valle")[0] == ("valle",)
    assert n.name_tokens("María de los Ángeles")[0] == ("maria", "angeles")


@pytest.mark.parametrize(
    ("written", "tokens"),
    [("Ma. José", ("maria", "jose")), ("Mª Luisa", ("maria", "luisa")), ("Fco. Javier", ("francisco", "javier"))],
)
def test_abbreviations_are_expanded(written, tokens):
    assert n.name_tokens(written)[0] == tokens


def test_surname_abbreviations_are_expanded():
    assert n.name_tokens("Hdez.")[0] == ("hernandez",)
    assert n.name_tokens("Glez")[0] == ("gonzalez",)


@pytest.mark.parametrize(
    ("nickname", "full"),
    [
        ("pepe", ("jose",)),
        ("chepe", ("jose",)),
        ("pancho", ("francisco",)),
        ("paco", ("francisco",)),
        ("lupe", ("guadalupe",)),
        ("lupita", ("guadalupe",)),
        ("chuy", ("jesus",)),
        ("chema", ("jose", "maria")),
        ("nacho", ("ignacio",)),
        ("memo", ("guillermo",)),
    ],
)
def test_nicknames_map_to_full_names(nickname, full):
    assert full in n.canonical_given((nickname,))


def test_an_ambiguous_nickname_keeps_every_reading():
    readings = n.canonical_given(("beto",))
    assert ("alberto",) in readings and ("roberto",) in readings


def test_diminutives_lead_back_to_the_known_name():
    assert n.canonical_given(("juanita",)) == (("juana",),)
    assert n.canonical_given(("pedrito",)) == (("pedro",),)
    assert n.canonical_given(("benito",)) == (("benito",),)  # not a diminutive of an unknown "ben"


def test_nicknames_can_be_extended_with_a_file(tmp_path, monkeypatch):
    extra = tmp_path / "nicknames.csv"
    extra.write_text("# local names\nmincho,fermin\n", encoding="utf-8")
    monkeypatch.setenv("AMPARO_MATCHING_NICKNAMES", str(extra))
    n.nicknames.cache_clear()
    n.canonical_token.cache_clear()
    n.canonical_given.cache_clear()
    try:
        assert n.canonical_given(("mincho",)) == (("fermin",),)
    finally:
        monkeypatch.delenv("AMPARO_MATCHING_NICKNAMES")
        n.nicknames.cache_clear()
        n.canonical_token.cache_clear()
        n.canonical_given.cache_clear()


@pytest.mark.parametrize(
    ("a", "b", "rule"),
    [
        ("Villalobos", "Bi-yalobos", "b/v and ll/y"),
        ("Vásquez", "Basques", "b/v, s/z, qu"),
        ("González", "Gonsales", "s/z"),
        ("Cecilia", "Sesilia", "c before e/i"),
        ("Hernández", "Ernandes", "silent h"),
        ("Yolanda", "Llolanda", "ll/y"),
        ("Gerardo", "Jerardo", "g before e/i = j"),
        ("Ximena", "Jimena", "x = j"),
        ("Quiroz", "Kiros", "qu = k"),
        ("Guillermo", "Guiyermo", "gu before e/i, ll/y"),
    ],
)
def test_spanish_phonetic_key_equates_spellings_that_sound_alike(a, b, rule):
    assert n.phonetic(a) == n.phonetic(b), rule


def test_phonetic_key_keeps_different_names_apart():
    assert n.phonetic("Mario") != n.phonetic("Marta")
    assert n.phonetic("Castro") != n.phonetic("Cascos")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1988-03-12", n.PartialDate(1988, 3, 12)),
        ("12/03/1988", n.PartialDate(1988, 3, 12)),
        ("12.03.1988", n.PartialDate(1988, 3, 12)),
        ("03/1988", n.PartialDate(1988, 3)),
        ("1988", n.PartialDate(1988)),
        ("12/31/1990", n.PartialDate(1990, 12, 31)),  # month first: the day cannot be a month
        ("31/02/1990", n.PartialDate(1990)),  # impossible date: only the year is trusted
        ("ayer", None),
        ("", None),
    ],
)
def test_partial_and_messy_dates_keep_what_is_usable(text, expected):
    assert n.parse_partial_date(text) == expected


def test_date_precision_of_the_registry_is_respected():
    from datetime import date

    assert n.parse_partial_date(date(1990, 1, 1), "year") == n.PartialDate(1990)
    assert n.parse_partial_date(date(1990, 6, 1), "month") == n.PartialDate(1990, 6)


def test_date_key_is_the_same_when_day_and_month_are_swapped():
    assert n.date_key(n.PartialDate(1990, 3, 7)) == n.date_key(n.PartialDate(1990, 7, 3))
    assert n.date_key(n.PartialDate(1990)) == ""


def test_phones_compare_on_their_national_number():
    international = n.phone_key("+52 55 1234 5678")
    assert international == n.phone_key("55-1234-5678", "MX")
    assert international == n.phone_key("0052 55 1234 5678")
    assert n.phone_key("1234 5678") == "12345678"  # a local number without its prefix still meets it
    assert n.phone_key("123") == ""


def test_document_numbers_lose_separators_and_case():
    assert n.document_number("a-123 456") == "A123456"


def test_sex_words_and_codes():
    assert n.sex_code("Femenino") == n.sex_code("female") == n.sex_code("F") == "f"
    assert n.sex_code("hombre") == n.sex_code("male") == "m"
    assert n.sex_code("") == ""


def test_gu_before_e_or_i_is_a_hard_g():
    assert n.phonetic("Guevara").startswith("G")
    assert n.phonetic("Gerardo").startswith("J")


def test_phone_with_an_extension_is_parsed_by_phonenumbers():
    assert n.phone_key("+52 55 1234 5678 ext. 12") == "12345678"
