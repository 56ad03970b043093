"""Forms of the tracing pages: they validate field by field in the user's language; the services
write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from amparo.core.places import country_choices
from amparo.registry.models import Sex
from amparo.tracing.codes import CLOSURE_KINDS, DisclosureKind, NoteKind, TracingState, Wish


def _lines(value: str) -> list[str]:
    return [" ".join(line.split()) for line in (value or "").replace(";", "\n").splitlines() if line.strip()]


class InquiryForm(forms.Form):
    given_names = forms.CharField(label=_("Given names"), max_length=150)
    first_surname = forms.CharField(label=_("First surname"), max_length=150, required=False)
    second_surname = forms.CharField(label=_("Second surname"), max_length=150, required=False)
    nicknames = forms.CharField(
        label=_("Nicknames and other names"), required=False, help_text=_("One per line."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    age_min = forms.IntegerField(label=_("Age from"), required=False, min_value=0, max_value=120)
    age_max = forms.IntegerField(label=_("Age to"), required=False, min_value=0, max_value=120)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False, choices=())
    last_seen_place = forms.CharField(label=_("Where last seen"), max_length=200, required=False)
    last_seen_country = forms.ChoiceField(label=_("Country last seen"), required=False, choices=())
    last_seen_on = forms.DateField(
        label=_("When last seen"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    route = forms.CharField(
        label=_("Places along the route"), required=False, help_text=_("Towns or cities, one per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    distinguishing_features = forms.CharField(
        label=_("Distinguishing features"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    crisis = forms.ChoiceField(label=_("Crisis"), required=False, choices=())
    inquirer_name = forms.CharField(label=_("Inquirer's name"), max_length=200)
    inquirer_relationship = forms.CharField(label=_("Relationship to the sought person"), max_length=80)
    inquirer_phone = forms.CharField(label=_("Inquirer's phone"), max_length=40, required=False)
    inquirer_email = forms.EmailField(label=_("Inquirer's e-mail"), required=False)
    inquirer_language = forms.CharField(label=_("Inquirer's language"), max_length=16, required=False)
    inquirer_consents_contact = forms.BooleanField(label=_("The inquirer agrees to be contacted"), required=False)
    inquirer_consents_share = forms.BooleanField(
        label=_("The inquirer agrees that their name and contact may be given to the sought person"), required=False
    )

    def __init__(self, *args, crises=(), **kwargs):
        super().__init__(*args, **kwargs)
        countries = [("", "—"), *country_choices()]
        self.fields["nationality"].choices = countries
        self.fields["last_seen_country"].choices = countries
        self.fields["crisis"].choices = [("", _("None")), *[(str(c.pk), c.name) for c in crises]]

    def clean(self):
        data = super().clean()
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("The upper age is below the lower one."))
        return data

    def to_data(self):
        from amparo.tracing.services import InquiryData

        d = self.cleaned_data
        return InquiryData(
            given_names=d["given_names"], first_surname=d["first_surname"], second_surname=d["second_surname"],
            nicknames=_lines(d["nicknames"]), sex=d["sex"], birth_date=d["birth_date"], age_min=d["age_min"],
            age_max=d["age_max"], nationality=d["nationality"], last_seen_place=d["last_seen_place"],
            last_seen_country=d["last_seen_country"], last_seen_on=d["last_seen_on"], route=_lines(d["route"]),
            distinguishing_features=d["distinguishing_features"], inquirer_name=d["inquirer_name"],
            inquirer_relationship=d["inquirer_relationship"], inquirer_phone=d["inquirer_phone"],
            inquirer_email=d["inquirer_email"], inquirer_language=d["inquirer_language"],
            inquirer_consents_contact=d["inquirer_consents_contact"],
            inquirer_consents_share=d["inquirer_consents_share"],
            crisis_id=int(d["crisis"]) if d.get("crisis") else None,
        )  # fmt: skip


class FoundNoteForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Note"), choices=[(NoteKind.FOUND, NoteKind.FOUND.label), (NoteKind.LOOKING_FOR_FAMILY,
                                                                          NoteKind.LOOKING_FOR_FAMILY.label)]
    )  # fmt: skip
    wish = forms.ChoiceField(label=_("Who may be told (the person's own wish)"), choices=Wish.choices)
    place = forms.CharField(label=_("Where"), max_length=200, required=False)
    text = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConsentAnswerForm(forms.Form):
    given = forms.TypedChoiceField(
        label=_("The answer"), coerce=lambda v: v == "yes",
        choices=[("yes", _("Agrees")), ("no", _("Declines"))], widget=forms.RadioSelect,
    )  # fmt: skip
    allows = forms.MultipleChoiceField(
        label=_("What may be passed on"), choices=DisclosureKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple, initial=[DisclosureKind.WHEREABOUTS, DisclosureKind.MESSAGE],
    )  # fmt: skip
    authority_name = forms.CharField(label=_("Child-protection authority"), max_length=200, required=False)
    authority_reference = forms.CharField(label=_("Decision reference"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DisclosureForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is passed on"), choices=DisclosureKind.choices)
    content = forms.CharField(label=_("Text passed to the inquirer"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Closure"), choices=[(k, TracingState(k).label) for k in CLOSURE_KINDS])
    note = forms.CharField(label=_("Closure note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    informed_by = forms.CharField(label=_("Who informed the family"), max_length=200, required=False)
    informed_how = forms.CharField(label=_("How the family was informed"), max_length=300, required=False)
