"""In Chromium, in each of the five languages: open a person's edit form, save it without touching
anything, and every field reads back unchanged (issue 12: in Spanish the date input got 14/02/2001,
posted empty, and saving erased the date of birth)."""

from datetime import date

import pytest

from amparo.registry.forms import PersonForm
from amparo.registry.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["en", "es", "fr", "ht", "pt"]


def _fields(person: Person) -> dict:
    person = Person.objects.get(pk=person.pk)
    values = PersonForm.initial_for(person)
    values["nationality"] = person.nationality
    values["preferred_language"] = person.preferred_language
    return values


def test_saving_a_person_unchanged_in_each_language_changes_nothing(
    page, live_server, shelter, make_user, make_person, output_dir
):
    make_user(shelter, "case_worker", username="ana")
    person = make_person(
        shelter,
        given_names="María José",
        first_surname="López",
        second_surname="Hernández",
        other_names=["Majo"],
        sex="female",
        birth_date=date(2001, 2, 14),
        birth_date_precision="day",
        place_of_birth="Quetzaltenango",
        languages=["es", "quc"],
        preferred_channel="whatsapp",
        source_record_id="EXP-2026-001",
        special_needs="Diabetes: insulina",
        gender_identity="mujer",
    )
    before = _fields(person)
    assert before["birth_date"] == date(2001, 2, 14)
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#id_username")
    page.fill("#id_username", "ana")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_selector("#language-select")
    for language in LANGUAGES:
        page.goto(f"{live_server.url}/registry/people/{person.pk}/edit/")
        if page.locator("html").get_attribute("lang") != language:
            with page.expect_navigation():
                page.select_option("#language-select", language)
        assert page.locator("html").get_attribute("lang") == language
        page.wait_for_selector("#id_birth_date")
        assert page.input_value("#id_birth_date") == "2001-02-14", language
        page.screenshot(path=str(output_dir / f"edit-{language}.png"), full_page=True)
        with page.expect_navigation():
            page.click("form.stacked button[type=submit]")
        assert page.url.rstrip("/").endswith(f"/registry/people/{person.pk}"), (language, page.url)
        assert _fields(person) == before, language
