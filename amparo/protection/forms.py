"""Forms: the screening form is built from the indicator questions (data), in neutral sections."""

from __future__ import annotations

import json

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from amparo.core.forms import QuickRadioSelect
from amparo.core.pickers import PLACE_POSITION_HELP, UNKNOWN_PLACE, PickerInput, resolve_place
from amparo.protection.codes import Answer, AnswerKind, AsylumWish, Section, ServiceKind, Urgency
from amparo.protection.models import Indicator
from amparo.protection.rules import asked_questions
from amparo.protection.sharing import DEFAULT_SHARED_FIELDS, SHAREABLE_FIELDS
from amparo.registry.models import ConsentMethod


class ScreeningForm(forms.Form):
    """The screening: one field per active question, in neutral sections. Every field is drawn,
    and those the skip logic rules out (`ask_when`, given the person's age and sex and the
    answers so far) start hidden; screening.js keeps that up to date as staff answer, and the
    service drops answers to questions that do not apply when saving. With `read_language`, each
    question also carries its text in the person's language, to read aloud."""

    wishes_asylum = forms.ChoiceField(
        label=_("Does the person wish to seek asylum? (their decision; record what they say)"),
        choices=AsylumWish.choices,
        initial=AsylumWish.NOT_ASKED,
        widget=QuickRadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, person_age=None, facts=None, read_language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.facts = {k: v for k, v in (facts or {}).items() if v not in (None, "")}
        self.read_language = read_language
        self.indicators = list(Indicator.objects.filter(is_active=True))
        self.read_answers = ""
        if read_language:
            with translation.override(read_language):
                self.read_answers = " / ".join(str(label) for _value, label in Answer.choices)
        for ind in self.indicators:
            field = self._field(ind)
            if ind.code == "age" and person_age is not None:
                field.initial = person_age
            field.indicator = ind
            field.ask_when_json = json.dumps(ind.ask_when or [])
            if read_language and not ind.observation:
                field.read_text = ind.question_in(read_language)
                field.read_why = ind.why_in(read_language)
                if ind.answer_kind in (AnswerKind.CHOICE, AnswerKind.MULTI):
                    field.read_options = " / ".join(label for _v, label in ind.option_choices(read_language))
            self.fields[f"q_{ind.code}"] = field

    @staticmethod
    def _field(ind: Indicator) -> forms.Field:
        common = {"label": ind.question_text, "help_text": ind.why_text, "required": False}
        if ind.answer_kind == AnswerKind.NUMBER:
            return forms.IntegerField(min_value=0, max_value=ind.number_limit, **common)
        if ind.answer_kind == AnswerKind.CHOICE:
            return forms.ChoiceField(
                choices=[("", _("Not asked or does not know"))] + ind.option_choices(),
                widget=QuickRadioSelect(attrs={"class": "inline-choices"}),
                **common,
            )
        if ind.answer_kind == AnswerKind.MULTI:
            return forms.MultipleChoiceField(
                choices=ind.option_choices(),
                widget=forms.CheckboxSelectMultiple(attrs={"class": "inline-choices"}),
                **common,
            )
        return forms.ChoiceField(
            choices=Answer.choices,
            initial=Answer.UNKNOWN,
            widget=QuickRadioSelect(attrs={"class": "inline-choices"}),
            **common,
        )

    def _current(self) -> dict:
        """The answers as the page stands (posted, else initial), for the first drawing."""
        out = dict(self.facts)
        for ind in self.indicators:
            name = f"q_{ind.code}"
            if self.is_bound:
                value = self.data.getlist(name) if ind.answer_kind == AnswerKind.MULTI else self.data.get(name)
            else:
                value = self.initial.get(name, self.fields[name].initial)
            if value not in (None, "", []):
                out[ind.code] = value
        return out

    def sections(self):
        """[(section code, title, [bound fields])] in the sections' order; each bound field knows
        whether it starts hidden (`skipped`)."""
        asked = asked_questions({i.code: i.ask_when for i in self.indicators}, self._current())
        by_section: dict = {}
        for ind in self.indicators:
            bound = self[f"q_{ind.code}"]
            bound.skipped = ind.code not in asked
            by_section.setdefault(ind.section, []).append(bound)
        titles = dict(Section.choices)
        order = {code: i for i, code in enumerate(titles)}
        return [
            (code, titles.get(code, code), fields)
            for code, fields in sorted(by_section.items(), key=lambda kv: order.get(kv[0], len(order)))
        ]

    def answers(self) -> dict:
        out = {}
        for name, value in self.cleaned_data.items():
            if not name.startswith("q_") or value in (None, "", Answer.UNKNOWN, []):
                continue
            out[name[2:]] = list(value) if isinstance(value, list | tuple) else value
        return out


class ReferralForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for referral (shared with the provider)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    shared_fields = forms.MultipleChoiceField(
        label=_("Fields to share (only what the provider needs)"),
        choices=[(k, v) for k, v in SHAREABLE_FIELDS.items()],
        initial=list(DEFAULT_SHARED_FIELDS),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    consent_method = forms.ChoiceField(
        label=_("The person consents to this referral"),
        choices=[("", _("— consent not yet given —"))]
        + [(c, label) for c, label in ConsentMethod.choices if c in ("verbal", "written")],
        required=False,
    )


class DirectorySearchForm(forms.Form):
    kind = forms.ChoiceField(label=_("Need"), choices=[("", _("Any service"))] + ServiceKind.choices, required=False)
    # A town chosen by name gives the position (its gazetteer id is posted); "Near me" fills the
    # hidden lat/lon from the browser's position. The search itself still takes lat/lon.
    place = forms.CharField(
        label=_("Near"),
        max_length=80,
        required=False,
        help_text=PLACE_POSITION_HELP,
        widget=PickerInput("place", posts="id", fill={"lat": "id_lat", "lon": "id_lon"}, fill_always=True),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    radius_km = forms.FloatField(label=_("Within (km)"), required=False, min_value=1, max_value=5000)
    with_capacity = forms.BooleanField(label=_("Only with free places"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("place"):
            place = resolve_place(data["place"])
            if place is None:
                self.add_error("place", UNKNOWN_PLACE % {"name": data["place"]})
            else:
                data["lat"], data["lon"] = place.lat, place.lon
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        return data


class CapacityForm(forms.Form):
    capacity_free = forms.IntegerField(label=_("Free places"), min_value=0)
    capacity_total = forms.IntegerField(label=_("Places"), min_value=0, required=False)
