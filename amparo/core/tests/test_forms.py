"""QuickRadioSelect writes exactly what Django's RadioSelect templates write."""

from django import forms

from amparo.core.forms import QuickRadioSelect

CHOICES = [("yes", "Sí"), ("no", "No <b>"), ('un"known', "Don't know & can't say"), (3, "Three")]
GROUPED = [("Group <1>", [("a", "A"), ("b", "B")]), ("c", "C")]


def both(choices, name, value, attrs):
    expected = forms.RadioSelect(choices=choices).render(name, value, attrs)
    got = QuickRadioSelect(choices=choices).render(name, value, attrs)
    return got, expected


def test_quick_radios_render_like_django_radios():
    cases = [
        (CHOICES, "q_x", None, {"id": "id_q_x", "class": "inline-choices"}),
        (CHOICES, "q_x", "no", {"id": "id_q_x", "class": "inline-choices", "aria-invalid": "true"}),
        (CHOICES, "q_x", 'un"known', {"id": "id_q_x", "required": True, "disabled": False}),
        (CHOICES, "q<x>", 3, {}),
        (GROUPED, "g", "b", {"id": "id_g"}),
        ([], "empty", None, {"id": "id_empty"}),
    ]
    for choices, name, value, attrs in cases:
        got, expected = both(choices, name, value, attrs)
        assert got == expected


def test_a_bound_form_field_renders_the_same_with_either_widget():
    class Slow(forms.Form):
        answer = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect(attrs={"class": "inline-choices"}))

    class Quick(forms.Form):
        answer = forms.ChoiceField(choices=CHOICES, widget=QuickRadioSelect(attrs={"class": "inline-choices"}))

    for data in ({"answer": "yes"}, {"answer": "nonsense"}, None):
        slow, quick = Slow(data), Quick(data)
        if data:
            slow.is_valid(), quick.is_valid()
        assert str(quick["answer"]) == str(slow["answer"])
