"""Dates and numbers in the page's language; Haitian Creole follows French conventions with its
own month names, never Spanish (amparo/formats/ht, core/calendar_words.py)."""

from datetime import date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import formats, timezone, translation


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", "2 de diciembre de 2026"),
        ("fr", "2 décembre 2026"),
        ("ht", "2 desanm 2026"),
        ("pt", "2 de dezembro de 2026"),
    ],
)
def test_a_long_date_reads_in_the_page_language(language, expected):
    with translation.override(language):
        assert formats.date_format(date(2026, 12, 2), "DATE_FORMAT") == expected


def test_haitian_creole_short_dates_and_numbers_follow_french_conventions():
    with translation.override("ht"):
        assert formats.date_format(date(2026, 12, 2), "SHORT_DATE_FORMAT") == "02/12/2026"
        assert formats.number_format(1234.5, 1, use_l10n=True, force_grouping=True) == "1\xa0234,5"


def test_haitian_creole_time_since_is_not_spanish():
    now = timezone.now()
    with translation.override("ht"):
        text = Template("{{ when|timesince }}").render(Context({"when": now - timedelta(hours=3, minutes=5)}))
    assert text.replace("\xa0", " ") == "3 èdtan, 5 minit"


def test_haitian_creole_form_errors_are_not_spanish():
    from django import forms

    class Form(forms.Form):
        when = forms.DateField()

    with translation.override("ht"):
        errors = [str(error) for error in Form({"when": "pa yon dat"}).errors["when"]]
    assert errors == ["Mete yon dat ki kòrèk."]


def test_every_language_formats_a_datetime_with_its_month_name():
    moment = datetime(2026, 3, 5, 14, 36)
    with translation.override("ht"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "5 mas 2026 14:36"
