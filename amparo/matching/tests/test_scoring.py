"""Comparison levels, the Fellegi–Sunter score and the sentence explaining each pair."""

import numpy as np
import pytest
from django.utils import translation

from amparo.matching import batch
from amparo.matching import compare as c
from amparo.matching.features import from_data
from amparo.matching.scoring import Model, score


def rec(**fields):
    return from_data(fields)


def test_nickname_same_birth_date_and_surnames_without_accents_explained():
    a = rec(given_names="Chema", first_surname="Hernández", second_surname="López", birth_date="1988-03-12")
    b = rec(given_names="José María", first_surname="Hernandez", second_surname="Lopez", birth_date="1988-03-12")
    result = score(a, b)
    assert result.probability > 0.95
    sentence = result.explanation()
    assert "same date of birth" in sentence
    assert "'Chema' is a nickname of 'José María'" in sentence
    assert "surnames equal without accents" in sentence


def test_explanations_are_translated_to_spanish():
    a = rec(given_names="Chema", first_surname="Hernández", birth_date="1988-03-12")
    b = rec(given_names="José María", first_surname="Hernández", birth_date="1988-03-12")
    with translation.override("es"):
        sentence = score(a, b).explanation()
    assert "misma fecha de nacimiento" in sentence
    assert "'Chema' es un hipocorístico de 'José María'" in sentence


def test_abbreviation_is_named():
    result = score(
        rec(given_names="Ma. Guadalupe", first_surname="Ruiz"), rec(given_names="María Guadalupe", first_surname="Ruiz")
    )
    assert "'Ma.' is an abbreviation of 'María'" in result.explanation()


def test_compound_given_name():
    level, reason = c.compare_given(rec(given_names="José").given_part, rec(given_names="José Luis").given_part)
    assert level == c.L["given"]["compound"]
    assert reason == ("compound", {"a": "José", "b": "José Luis"})


def test_gender_pairs_are_not_typos():
    level, _ = c.compare_given(rec(given_names="Mario").given_part, rec(given_names="María").given_part)
    assert level == c.L["given"]["disagree"]


def test_a_typo_in_a_given_name_is_similar():
    level, _ = c.compare_given(rec(given_names="Alejandro").given_part, rec(given_names="Alejnadro").given_part)
    assert level == c.L["given"]["similar"]


def test_given_names_that_sound_the_same():
    level, reason = c.compare_given(rec(given_names="Yesenia").given_part, rec(given_names="Llesenia").given_part)
    assert level == c.L["given"]["equivalent"] and reason[0] == "given_sound"


def test_missing_second_surname():
    level, reason = c.compare_surnames(
        rec(first_surname="Pérez", second_surname="Gómez").surname_part, rec(first_surname="Pérez").surname_part
    )
    assert level == c.L["surnames"]["one_missing"]


def test_swapped_surnames():
    level, reason = c.compare_surnames(
        rec(first_surname="Pérez", second_surname="Gómez").surname_part,
        rec(first_surname="Gómez", second_surname="Pérez").surname_part,
    )
    assert (level, reason[0]) == (c.L["surnames"]["equivalent"], "surnames_swapped")


def test_names_entered_in_the_wrong_fields():
    a = rec(given_names="López García", first_surname="María", birth_date="1990-05-06")
    b = rec(given_names="María", first_surname="López", second_surname="García", birth_date="1990-05-06")
    result = score(a, b)
    assert result.levels["given"] == c.L["given"]["equivalent"]
    assert "the same names, entered in other fields" in result.explanation()
    assert result.probability > 0.9


def test_whole_name_in_the_given_names_field():
    a = rec(given_names="Juan Carlos Ramírez Soto", birth_date="1975-01-20")
    b = rec(given_names="Juan Carlos", first_surname="Ramírez", second_surname="Soto", birth_date="1975-01-20")
    assert score(a, b).probability > 0.9


def test_birth_dates_swapped_off_by_a_year_partial_and_one_digit():
    d = c.L["dob"]
    assert c.compare_dob((1990, 3, 7), (1990, 7, 3))[0] == d["swapped"]
    assert c.compare_dob((1990, 3, 7), (1991, 3, 7))[0] == d["year_off"]
    assert c.compare_dob((1990, 3, 7), (1990, None, None))[0] == d["partial"]
    assert c.compare_dob((1990, 3, 17), (1990, 3, 18))[0] == d["typo"]
    assert c.compare_dob((1990, 3, 7), (1960, 11, 30))[0] == d["disagree"]
    assert c.compare_dob(None, (1990, 3, 7))[0] == c.MISSING


def test_document_with_one_typo():
    a = rec(document_number="G12345678", document_type="passport")
    b = rec(document_number="G12345687", document_type="passport")
    level, reason = c.compare_documents(a.documents, b.documents)
    assert level == c.L["document"]["typo"]
    other_type = rec(document_number="99999999", document_type="national_id")
    assert c.compare_documents(a.documents, other_type.documents)[0] == c.MISSING


def test_phone_written_locally_and_internationally_agrees():
    a = rec(phone="+502 5555 1234")
    b = rec(phone="5555-1234", country="GT")
    assert c.compare_set("phone", a.phones, b.phones)[0] == c.L["phone"]["equal"]


def test_siblings_sharing_surnames_address_and_phone_are_not_a_match():
    family = dict(first_surname="Hernández", second_surname="López", phone="+52 55 1234 5678", municipality="Tapachula")
    a = rec(given_names="Ana Lucía", birth_date="2001-04-02", sex="female", **family)
    b = rec(given_names="Jorge", birth_date="1998-11-23", sex="male", **family)
    assert score(a, b).probability < 0.5


def test_a_row_with_nothing_comparable_scores_low_but_does_not_fail():
    assert score(rec(given_names="Ana"), rec(first_surname="Pérez")).probability < 0.5


def test_the_same_evidence_weighs_less_in_a_larger_registry():
    model = Model(m={}, u={}, prior=0.01, w={}, intercept=-5.0, size_slope=-0.5, reference_size=100_000)
    assert model.intercept_for(None) == -5.0
    assert model.intercept_for(2_000) == -5.0  # below the calibrated size: as calibrated, never more eager
    assert model.intercept_for(800_000) == pytest.approx(-5.0 - 0.5 * 3)  # three doublings
    assert Model.from_json(model.to_json()).intercept_for(800_000) == pytest.approx(-6.5)


def test_fit_weights_recovers_how_the_intercept_falls_with_the_registry_size():
    rng = np.random.default_rng(3)
    n = 200_000
    dob = rng.integers(0, 2, n).astype(np.int8)  # 1: same date of birth
    sizes = np.where(rng.random(n) < 0.5, 100_000, 800_000)
    # log2 odds: -4 + 6 bits for an equal date, minus 1 bit per doubling of the registry
    bits = -4 + 6 * dob - 1.0 * np.log2(sizes / 100_000)
    is_match = rng.random(n) < 1 / (1 + 2.0**-bits)
    model = batch.fit_weights({"dob": dob}, is_match, sizes=sizes, l2=0.0)
    assert model.reference_size == 100_000
    assert model.size_slope == pytest.approx(-1.0, abs=0.1)
    w = model.weights()["dob"]
    assert w[1] - w[0] == pytest.approx(6.0, abs=0.3)
