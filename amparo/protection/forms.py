"""Forms: the screening form is built from the indicator questions (data), grouped by profile."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from amparo.core.forms import QuickRadioSelect
from amparo.protection.codes import Answer, AnswerKind, AsylumWish, ServiceKind, Urgency
from amparo.protection.models import Indicator
from amparo.protection.sharing import DEFAULT_SHARED_FIELDS, SHAREABLE_FIELDS
from amparo.registry.models import ConsentMethod


class ScreeningForm(forms.Form):
    wishes_asylum = forms.ChoiceField(
        label=_("Does the person wish to seek asylum? (their decision; record what they say)"),
        choices=AsylumWish.choices,
        initial=AsylumWish.NOT_ASKED,
        widget=QuickRadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, person_age=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(Indicator.objects.filter(is_active=True).select_related("profile"))
        for ind in self.indicators:
            if ind.answer_kind == AnswerKind.NUMBER:
                field = forms.IntegerField(
                    label=ind.question_text, help_text=ind.why_text, required=False, min_value=0, max_value=130
                )
                if ind.code == "age" and person_age is not None:
                    field.initial = person_age
            else:
                field = forms.ChoiceField(
                    label=ind.question_text,
                    help_text=ind.why_text,
                    choices=Answer.choices,
                    initial=Answer.UNKNOWN,
                    required=False,
                    widget=QuickRadioSelect(attrs={"class": "inline-choices"}),
                )
            field.indicator = ind
            self.fields[f"q_{ind.code}"] = field

    def groups(self):
        """(group label, [bound fields]) in order: general questions first, then by profile."""
        out: dict = {}
        for ind in self.indicators:
            key = ind.profile.label if ind.profile_id else str(_("General"))
            out.setdefault(key, []).append(self[f"q_{ind.code}"])
        return list(out.items())

    def answers(self) -> dict:
        return {
            name[2:]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("q_") and value not in (None, "", Answer.UNKNOWN)
        }


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
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    radius_km = forms.FloatField(label=_("Within (km)"), required=False, min_value=1, max_value=5000)
    with_capacity = forms.BooleanField(label=_("Only with free places"), required=False)

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        return data


class CapacityForm(forms.Form):
    capacity_free = forms.IntegerField(label=_("Free places"), min_value=0)
    capacity_total = forms.IntegerField(label=_("Places"), min_value=0, required=False)
