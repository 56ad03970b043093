"""Forms for the staff pages and the public check-in page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from amparo.core.pickers import SUBDIVISIONS_HELP, UNKNOWN_SUBDIVISIONS, PickerInput, subdivision_codes
from amparo.core.places import country_choices
from amparo.messaging.models import LANGUAGES, SmsAlphabet, TemplatePurpose

NEED_CHOICES = [
    ("shelter", _("Shelter")),
    ("medical", _("Medical care")),
    ("food", _("Food and water")),
    ("documents", _("Documents")),
    ("evacuation", _("Evacuation")),
    ("family_contact", _("Contact with my family")),
    ("repatriation", _("Return home")),
    ("other", _("Something else")),
]


def _codes(value: str) -> list[str]:
    return [part.strip().upper() for part in (value or "").replace(";", ",").split(",") if part.strip()]


class CountryChoiceField(forms.ChoiceField):
    """A country chosen by name from a list; posts its ISO code (any case, as the API takes it)."""

    def to_python(self, value):
        return super().to_python(value).strip().upper()


class BroadcastForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    template = forms.ChoiceField(label=_("Template"))
    crisis = forms.ChoiceField(label=_("Crisis"), required=False)
    welfare_status = forms.MultipleChoiceField(
        label=_("Only people whose welfare status is"), required=False, widget=forms.CheckboxSelectMultiple
    )
    no_reply = forms.BooleanField(label=_("Only people who have not replied yet"), required=False)
    q = forms.CharField(
        label=_("Registry search"), max_length=200, required=False,
        help_text=_("a name, phone or document number, as in the registry's search"),
    )  # fmt: skip
    # Places are chosen by name; the audience still records ISO codes (services and API unchanged).
    nationality = CountryChoiceField(label=_("Nationality"), required=False, choices=())
    country = CountryChoiceField(label=_("Country where they are"), required=False, choices=())
    subdivisions = forms.CharField(
        label=_("States or departments"),
        required=False,
        help_text=SUBDIVISIONS_HELP,
        widget=PickerInput("subdivisions", country_field="country"),
    )
    municipality = forms.CharField(
        label=_("Municipality"),
        max_length=120,
        required=False,
        widget=PickerInput("place", country_field="country", subdivision_field="subdivisions"),
    )
    language_fallback = forms.CharField(
        label=_("Language fallback"),
        initial="es, en",
        required=False,
        help_text=_("Languages to use, in order, when a person's own is missing; empty: nobody gets another language"),
    )
    allow_fallback = forms.BooleanField(
        label=_("Fall back to the next consented channel"), required=False, initial=True
    )
    requires_approval = forms.BooleanField(label=_("Needs a second person's approval"), required=False)
    checkin_valid_hours = forms.IntegerField(
        label=_("Check-in link valid for (hours)"), min_value=1, max_value=720, initial=72
    )

    def __init__(self, *args, templates=(), crises=(), welfare_statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(str(t.pk), f"{t.name} ({t.get_purpose_display()})") for t in templates]
        self.fields["crisis"].choices = [("", _("— none: a registry search —"))] + [(str(c.pk), str(c)) for c in crises]
        self.fields["welfare_status"].choices = list(welfare_statuses)
        countries = country_choices()
        self.fields["nationality"].choices = [("", _("Any nationality")), *countries]
        self.fields["country"].choices = [("", _("Any country")), *countries]
        if not crises:
            for name in ("crisis", "welfare_status", "no_reply"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if not data.get("crisis"):
            # Welfare filters only exist within a crisis: without one they would silently match everyone.
            if data.get("welfare_status"):
                self.add_error("welfare_status", _("Choose a crisis to filter by welfare status."))
            if data.get("no_reply"):
                self.add_error("no_reply", _("Choose a crisis to message only the people who have not replied."))
        return data

    def clean_subdivisions(self):
        codes, unknown = subdivision_codes(self.cleaned_data["subdivisions"], self.data.get("country") or "")
        if unknown:
            raise forms.ValidationError(UNKNOWN_SUBDIVISIONS % {"names": ", ".join(f"“{u}”" for u in unknown)})
        return ", ".join(codes)

    def clean_language_fallback(self):
        codes = [c.lower() for c in _codes(self.cleaned_data["language_fallback"])]
        bad = [c for c in codes if c not in LANGUAGES]
        if bad:
            raise forms.ValidationError(_("Unknown language code(s): %(codes)s") % {"codes": ", ".join(bad)})
        return codes

    def audience(self) -> dict:
        data = self.cleaned_data
        audience = {}
        if data.get("nationality"):
            audience["nationality"] = data["nationality"].upper()
        if data.get("country"):
            audience["country"] = data["country"].upper()
        if data.get("subdivisions"):
            audience["subdivisions"] = _codes(data["subdivisions"])
        search = {k: data[k].strip() for k in ("q", "municipality") if data.get(k, "").strip()}
        if search:
            audience["search"] = search
        if data.get("welfare_status"):
            audience["welfare_status"] = list(data["welfare_status"])
        if data.get("no_reply"):
            audience["no_reply"] = True
        return audience


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=TemplatePurpose.choices)
    sms_alphabet = forms.ChoiceField(
        label=_("SMS alphabet"),
        choices=SmsAlphabet.choices,
        initial=SmsAlphabet.AUTO,
        required=False,  # an editor (or an API client) that does not send it keeps the automatic choice
        help_text=_(
            "One accent missing from the SMS alphabet (GSM-7) makes every part of an SMS hold 67 characters "
            "instead of 153. Automatic writes Spanish, English, French, Haitian Creole and Portuguese SMS without "
            "those accents, unless a word would change meaning; links are never changed."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for language in LANGUAGES:
            self.fields[f"subject_{language}"] = forms.CharField(
                label=_("Subject (e-mail) · %(lang)s") % {"lang": language}, max_length=200, required=False
            )
            self.fields[f"body_{language}"] = forms.CharField(
                label=_("Text · %(lang)s") % {"lang": language},
                required=False,
                widget=forms.Textarea(attrs={"rows": 4, "data-language": language}),
            )

    def variants(self) -> dict[str, tuple[str, str]]:
        return {
            lang: (self.cleaned_data.get(f"subject_{lang}", ""), self.cleaned_data.get(f"body_{lang}", ""))
            for lang in LANGUAGES
        }


class ResolveForm(forms.Form):
    status = forms.ChoiceField(label=_("Record welfare status"), required=False)
    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=NEED_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("— no change, just close —"))] + list(statuses)


MAX_ACCURACY_M = 1_000_000


class CheckInForm(forms.Form):
    answer = forms.ChoiceField(choices=[("safe", _("I am safe")), ("help", _("I need help"))], widget=forms.RadioSelect)
    needs = forms.MultipleChoiceField(
        label=_("What do you need?"), choices=NEED_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    people_with = forms.IntegerField(
        label=_("How many people are with you?"), required=False, min_value=0, max_value=200
    )
    note = forms.CharField(
        label=_("Anything else we should know?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    accuracy = forms.FloatField(required=False, widget=forms.HiddenInput)

    def clean_accuracy(self):
        """The browser's estimate, in metres: a hint, never a reason to lose the person's answer,
        so a value no device reports (negative, or beyond 1,000 km) is dropped."""
        accuracy = self.cleaned_data["accuracy"]
        if accuracy is None or not 0 <= accuracy <= MAX_ACCURACY_M:
            return None
        return accuracy
