"""The portal's forms: few fields, plain words, errors that say what to do."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from amparo.accounts.codes import ConsentPurpose
from amparo.core.forms import Form
from amparo.core.gazetteer import REGION
from amparo.core.places import country_name
from amparo.messaging.forms import NEED_CHOICES
from amparo.portal.codes import Topic
from amparo.portal.models import LANGUAGES
from amparo.registry.phones import parse_phone

LANGUAGE_NAMES = {"es": "Español", "en": "English", "fr": "Français", "ht": "Kreyòl ayisyen", "pt": "Português"}

# The purposes a person chooses one by one when registering, each explained in plain words.
CONSENT_TEXTS = {
    ConsentPurpose.CRISIS_ALERTS: _(
        "Send me alerts and ask whether I am safe when there is an earthquake, a hurricane or another emergency "
        "where I am."
    ),
    ConsentPurpose.REFERRALS: _(
        "If I ask for help, my consulate may pass my name and contact to the organization that can help me "
        "(a shelter, a clinic, a lawyer)."
    ),
    ConsentPurpose.SHARING_HOST_AUTHORITIES: _(
        "In an emergency, my consulate may tell this country's civil protection where I am, so that they can "
        "rescue me. It is never used to check my papers."
    ),
}


def _countries(language: str, codes) -> list[tuple[str, str]]:
    return sorted(((c, country_name(c, language)) for c in codes), key=lambda pair: pair[1])


class PhoneField(forms.CharField):
    """A phone as people write it ("55 1234 5678", "+502 4455 6677"), read with the chosen
    country's prefix; cleaned to E.164."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Your phone number"))
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
        super().__init__(*args, **kwargs)


def clean_phone(raw: str, country: str) -> str:
    if not country and not raw.strip().startswith(("+", "00")):
        raise forms.ValidationError(
            _("Choose the country of the number, or write the number with + and its country code.")
        )
    parsed = parse_phone(raw, country)
    if not parsed.is_valid:
        raise forms.ValidationError(
            _("This does not look like a phone number. Write it with its country code, e.g. +52 55 1234 5678.")
        )
    return parsed.value


class PhoneForm(Form):
    country = forms.ChoiceField(label=_("Country of the number"), required=False)
    phone = PhoneField()

    def __init__(self, *args, language: str = "es", default_country: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *_countries(language, REGION)]
        if default_country:
            self.fields["country"].initial = default_country

    def clean(self):
        data = super().clean()
        if data.get("phone"):
            try:
                data["phone"] = clean_phone(data["phone"], data.get("country", ""))
            except forms.ValidationError as exc:
                self.add_error("phone", exc)
        return data


class CodeForm(Form):
    code = forms.CharField(
        label=_("The code we sent you by SMS"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}),
    )


class ReportForm(Form):
    answer = forms.ChoiceField(choices=[("safe", _("I am safe")), ("help", _("I need help"))], widget=forms.RadioSelect)
    needs = forms.MultipleChoiceField(
        label=_("What do you need?"), choices=NEED_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Anything else we should know?"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("answer") == "safe":
            data["needs"] = []
        return data


class ChoosePeopleForm(Form):
    """On a shared phone, who is the answer about?"""

    people = forms.MultipleChoiceField(label=_("Who is this answer about?"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = choices


class RegistrationForm(Form):
    given_names = forms.CharField(label=_("Your given names"), max_length=150)
    surnames = forms.CharField(label=_("Your surnames"), max_length=300, required=False)
    nationality = forms.ChoiceField(label=_("Your nationality"))
    language = forms.ChoiceField(label=_("Language for messages"))
    phone_country = forms.ChoiceField(label=_("Country of the number"), required=False)
    phone = PhoneField()

    def __init__(self, *args, language: str = "es", nationalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = [("", "—"), *_countries(language, nationalities)]
        self.fields["language"].choices = [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
        self.fields["language"].initial = language
        self.fields["phone_country"].choices = [("", "—"), *_countries(language, REGION)]
        for purpose, text in CONSENT_TEXTS.items():
            self.fields[f"consent_{purpose}"] = forms.TypedChoiceField(
                label=text,
                choices=[("yes", _("Yes")), ("no", _("No"))],
                coerce=lambda v: v == "yes",
                widget=forms.RadioSelect,
            )

    def clean(self):
        data = super().clean()
        if data.get("phone"):
            try:
                data["phone"] = clean_phone(data["phone"], data.get("phone_country", ""))
            except forms.ValidationError as exc:
                self.add_error("phone", exc)
        return data

    def consents(self) -> dict[str, bool]:
        return {purpose: self.cleaned_data[f"consent_{purpose}"] for purpose in CONSENT_TEXTS}


class EmailForm(Form):
    email = forms.EmailField(label=_("E-mail"))


class DeletionForm(Form):
    reason = forms.CharField(
        label=_("Why? (optional)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- staff ------------------------------------------------------------------------------------


class PageForm(Form):
    country = forms.ChoiceField(label=_("Country"))
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)

    def __init__(self, *args, language: str = "es", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _countries(language, REGION)


class VersionForm(Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_('Plain text. A blank line starts a paragraph; "- " starts a list item; "## " a heading.'),
    )


class DecisionForm(Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
