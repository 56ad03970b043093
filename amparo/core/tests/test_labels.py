"""Codes read as words (core/labels.py and `{% load amparo %}`)."""

import pytest
from django.template import Context, Template
from django.utils import translation

from amparo.core import labels


def render(text: str, **context) -> str:
    return Template("{% load amparo %}" + text).render(Context(context))


def test_a_list_of_needs_reads_as_their_labels():
    with translation.override("en"):
        assert render('{{ needs|labels:"crises.Need" }}', needs=["food", "family_contact"]) == "Food, Family contact"
    with translation.override("es"):
        assert render('{{ need|label:"crises.Need" }}', need="medical") == "Atención médica"


def test_an_unknown_code_is_shown_as_given_rather_than_hidden():
    assert labels.label("crises.Need", "teleport") == "teleport"


def test_a_code_written_with_spaces_by_older_rows_still_finds_its_label():
    with translation.override("en"):
        assert labels.label("registry.LocationSource", "check-in link") == "Check-in link"


def test_system_actors_read_as_words_and_user_names_stay():
    with translation.override("es"):
        assert render("{{ a|actor }}", a="cli:demo-data") == "Datos de demostración"
        assert render("{{ a|actor }}", a="caseworker") == "caseworker"
        assert "cli:" not in render("{{ a|actor }}", a="cli:something-new")


@pytest.mark.parametrize(
    ("language", "expected"), [("es", "Haití"), ("fr", "Haïti"), ("ht", "Haïti"), ("pt", "Haiti"), ("en", "Haiti")]
)
def test_country_names_come_from_cldr_and_haitian_creole_falls_back_to_french(language, expected):
    with translation.override(language):
        assert render("{{ c|country_name }}", c="HT") == expected


def test_spanish_country_choices_are_spanish_names_sorted_ignoring_accents():
    with translation.override("es"):
        names = [name for _code, name in labels.country_choices()]
    assert "Alemania" in names and "Germany" not in names
    assert names.index("Egipto") < names.index("El Salvador") < names.index("Emiratos Árabes Unidos")
    assert len(names) > 240


def test_language_and_subdivision_names():
    with translation.override("es"):
        assert render("{{ l|language_list }}", l=["es", "ht"]) == "español, criollo haitiano"
        assert render("{{ s|subdivision_name }}", s="MX-GRO") == "Guerrero"


def test_a_place_reads_as_town_state_and_country():
    class Person:
        municipality, subdivision, country = "Acapulco de Juárez", "MX-GRO", "MX"

    with translation.override("fr"):
        assert render("{{ p|place }}", p=Person()) == "Acapulco de Juárez, Guerrero, Mexique"
        assert render("{{ p|place:False }}", p=Person()) == "Acapulco de Juárez, Guerrero"


def test_a_crisis_severity_agrees_with_its_noun_in_spanish():
    from amparo.crises.codes import Severity

    with translation.override("es"):
        assert str(Severity.UNKNOWN.label) == "Desconocida"


def test_the_audit_log_reads_record_types_and_summaries_as_words():
    with translation.override("es"):
        assert render("{{ t|record_type }}", t="registry.person") == "Persona"
        assert render("{{ t|record_type }}", t="crises.welfarestatus") == "Situación"
        assert labels.summary("welfare contacted → needs_assistance (field_visit)") == (
            "Situación: Contactado → Necesita asistencia (Visita de campo)"
        )
        assert labels.summary("step assessment → case_plan") == "Etapa del caso: Evaluación → Plan de caso"
        assert labels.summary("closed: person_left") == "Caso cerrado: La persona se fue"
        assert labels.summary("sent for review") == "sent for review"  # no code in it: as recorded
    with translation.override("pt"):
        assert labels.summary("consent referrals: yes").startswith("Consentimento: ")
