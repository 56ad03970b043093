"""Every date input holds an ISO value, in every language (issue 12: editing a person in Spanish
erased the date of birth: the input got 14/02/2001, which <input type="date"> discards, and the
form posted it empty)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from amparo.registry.forms import DocumentForm, PersonForm
from amparo.registry.models import Person

LANGUAGES = ["en", "es", "fr", "ht", "pt"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_date_inputs_render_iso_in_every_language(language):
    with translation.override(language):
        person = str(PersonForm(initial={"birth_date": date(2001, 2, 14)})["birth_date"])
        document = str(DocumentForm(initial={"expiry_date": date(2031, 12, 1)})["expiry_date"])
    assert 'type="date"' in person and 'value="2001-02-14"' in person
    assert 'type="date"' in document and 'value="2031-12-01"' in document


@pytest.mark.parametrize("language", LANGUAGES)
def test_saving_the_edit_form_as_rendered_keeps_the_date_of_birth(client, shelter, shelter_user, make_person, language):
    person = make_person(shelter, birth_date=date(2001, 2, 14))
    client.force_login(shelter_user)
    client.cookies["django_language"] = language
    url = reverse("registry:person_edit", args=[person.pk])
    form = client.get(url, HTTP_ACCEPT_LANGUAGE=language).context["form"]
    posted = {name: form[name].value() or "" for name in form.fields}
    posted["birth_date"] = form["birth_date"].as_widget().split('value="')[1].split('"')[0]
    assert client.post(url, posted, HTTP_ACCEPT_LANGUAGE=language).status_code == 302
    assert Person.objects.get(pk=person.pk).birth_date == date(2001, 2, 14)
