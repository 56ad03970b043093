"""Country codes read as names in the page's language (`{{ code|country_name }}`)."""

import pytest
from django.template import Context, Template
from django.utils import translation


@pytest.mark.parametrize(
    ("language", "expected"), [("es", "México"), ("en", "Mexico"), ("fr", "Mexique"), ("pt", "México")]
)
def test_a_code_reads_as_the_countrys_name_in_the_page_language(language, expected):
    with translation.override(language):
        assert Template("{% load amparo %}{{ 'mx'|country_name }}").render(Context()) == expected


def test_an_unknown_code_is_shown_as_given():
    assert Template("{% load amparo %}{{ 'XX'|country_name }}").render(Context()) == "XX"
