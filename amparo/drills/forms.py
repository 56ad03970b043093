"""Forms of the drills pages."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from amparo.accounts.codes import Role
from amparo.core.forms import Form

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
SPEEDS = [("1", "×1"), ("10", "×10"), ("30", "×30"), ("60", "×60"), ("120", "×120"), ("600", "×600")]


def ready_scenarios() -> list[tuple[str, str]]:
    """(file name, scenario name) of the scenarios that come with Amparo."""
    import yaml

    out = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        out.append((path.name, yaml.safe_load(path.read_text(encoding="utf-8")).get("name", path.stem)))
    return out


class DrillForm(Form):
    host = forms.ChoiceField(label=_("Organization running the drill"))
    scenario = forms.ChoiceField(label=_("Scenario"), required=False)
    script = forms.CharField(
        label=_("Or your own scenario (YAML)"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("See docs/drills.md for the format; the ready scenarios are examples."),
    )  # fmt: skip
    name = forms.CharField(label=_("Name of the drill"), max_length=200, required=False)
    population_size = forms.IntegerField(label=_("Synthetic people"), min_value=1, max_value=200_000, required=False,
                                         help_text=_("Empty: as the scenario says."))  # fmt: skip
    speed = forms.TypedChoiceField(label=_("Speed"), choices=SPEEDS, coerce=float, initial="60")

    def __init__(self, *args, hosts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].choices = [(str(o.pk), o.name) for o in hosts]
        self.fields["scenario"].choices = [("", "—"), *ready_scenarios()]

    def clean(self):
        data = super().clean()
        if not data.get("script") and not data.get("scenario"):
            raise forms.ValidationError(_("Choose a scenario or write your own."))
        if not data.get("script"):
            path = SCENARIOS / data["scenario"]
            data["script"] = path.read_text(encoding="utf-8")
        return data


class ParticipantForm(Form):
    username = forms.CharField(label=_("User"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role in the drill"), choices=[(r, label) for r, label in Role.choices if r != "analyst"]
    )


class SpeedForm(Form):
    speed = forms.TypedChoiceField(label=_("Speed"), choices=SPEEDS, coerce=float)
