"""Forms of the registry pages. They validate and report errors field by field, in the user's
language; the services do the writing."""

from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from amparo.accounts.codes import ConsentPurpose, RecordStatus
from amparo.core.forms import DateInput
from amparo.core.pickers import PLACE_HELP, SUBDIVISION_HELP, PickerInput, subdivision_code
from amparo.core.places import country_choices, is_country_code, is_subdivision_code
from amparo.registry.columns import ALL_COLUMNS, IGNORE
from amparo.registry.importing import vocabulary
from amparo.registry.models import (
    Channel,
    ConsentMethod,
    ContactKind,
    DatePrecision,
    DocumentType,
    HouseholdRole,
    MigratoryStatus,
    Person,
    Sex,
)


def _countries(blank_label):
    return [("", blank_label), *country_choices()]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, phone or document"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "placeholder": _("e.g. María López")}),
    )
    nationality = forms.ChoiceField(label=_("Nationality"), required=False, choices=())
    country = forms.ChoiceField(label=_("Country"), required=False, choices=())
    subdivision = forms.CharField(
        label=_("State or department"),
        required=False,
        widget=PickerInput("subdivision", country_field="country", fill={"country": "id_country"}),
    )
    municipality = forms.CharField(
        label=_("Municipality"),
        required=False,
        widget=PickerInput("place", country_field="country", subdivision_field="subdivision"),
    )
    status = forms.ChoiceField(
        label=_("Record status"),
        required=False,
        choices=[("", _("Any (not merged)")), *[(c, label) for c, label in RecordStatus.choices if c != "merged"]],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = _countries(_("Any nationality"))
        self.fields["country"].choices = _countries(_("Any country"))

    def clean_subdivision(self):
        value = self.cleaned_data["subdivision"].strip()
        if not value:
            return ""
        code = vocabulary.subdivision_code(value, self.data.get("country") or "MX")
        if code is None:
            raise forms.ValidationError(_("Unknown state or department."))
        return code


class PersonForm(forms.Form):
    given_names = forms.CharField(label=_("Given names"), max_length=150)
    first_surname = forms.CharField(label=_("First surname"), max_length=150, required=False)
    second_surname = forms.CharField(label=_("Second surname"), max_length=150, required=False)
    other_names = forms.CharField(
        label=_("Other names"),
        required=False,
        help_text=_("Aliases, nicknames, names in other documents; one per line."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    birth_date_precision = forms.ChoiceField(label=_("Precision"), choices=DatePrecision.choices, initial="day")
    age = forms.IntegerField(
        label=_("Stated or apparent age"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("When the date of birth is unknown: the date is estimated from the age today."),
    )
    place_of_birth = forms.CharField(label=_("Place of birth"), max_length=200, required=False)
    nationalities = forms.CharField(
        label=_("Nationalities"),
        required=False,
        help_text=_("Codes or names, main one first, e.g. “GT” or “hondureña, salvadoreña”."),
    )
    languages = forms.CharField(
        label=_("Languages"), required=False, help_text=_("Preferred first, e.g. “es, quc” or “kreyòl, français”.")
    )
    preferred_channel = forms.ChoiceField(
        label=_("Preferred channel"), choices=[("", "—"), *Channel.choices], required=False
    )
    source_record_id = forms.CharField(
        label=_("Source record id"), max_length=100, required=False, help_text=_("Your file or case number.")
    )
    record_status = forms.ChoiceField(
        label=_("Record status"), choices=[(c, label) for c, label in RecordStatus.choices if c != "merged"]
    )
    # Sensitive: removed for roles that may not see them (see __init__).
    migratory_status = forms.ChoiceField(label=_("Migratory status"), choices=MigratoryStatus.choices)
    special_needs = forms.CharField(label=_("Special needs"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    gender_identity = forms.CharField(label=_("Gender identity"), max_length=80, required=False)

    def __init__(self, *args, sensitive: bool = False, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not sensitive:
            for name in Person.SENSITIVE_FIELDS:
                del self.fields[name]
        if creating:
            del self.fields["record_status"]

    def clean_nationalities(self):
        return _codes(
            self.cleaned_data["nationalities"], vocabulary.country_code, _("Unknown nationality “%(value)s”.")
        )

    def clean_languages(self):
        return _codes(self.cleaned_data["languages"], vocabulary.language_tag, _("Unknown language “%(value)s”."))

    def clean_other_names(self):
        return [line.strip() for line in self.cleaned_data["other_names"].splitlines() if line.strip()]

    def clean(self):
        data = super().clean()
        if data.get("birth_date") and data["birth_date"].year < 1900:
            self.add_error("birth_date", _("The date of birth is before 1900."))
        if data.get("birth_date") and data["birth_date"] > date.today():
            self.add_error("birth_date", _("The date of birth is in the future."))
        age = data.pop("age", None)
        if age is not None and not data.get("birth_date"):
            today = date.today()
            data["birth_date"] = (
                today.replace(year=today.year - age)
                if (today.month, today.day) != (2, 29)
                else date(today.year - age, 2, 28)
            )
            data["birth_date_precision"] = DatePrecision.ESTIMATED
        return data

    @classmethod
    def initial_for(cls, person: Person) -> dict:
        initial = {name: getattr(person, name) for name in cls.base_fields if hasattr(person, name)}
        initial["other_names"] = "\n".join(person.other_names or [])
        codes = list(person.nationalities.values_list("country", flat=True))
        main = [person.nationality] if person.nationality else []
        initial["nationalities"] = ", ".join(main + [c for c in codes if c not in main])
        initial["languages"] = ", ".join(person.languages or [])
        return initial


def _codes(text: str, resolve, message) -> list[str]:
    codes = []
    for part in vocabulary_split(text):
        code = resolve(part)
        if code is None:
            raise forms.ValidationError(message, params={"value": part})
        codes.append(code)
    return list(dict.fromkeys(codes))


def vocabulary_split(text: str) -> list[str]:
    import re

    return [p.strip() for p in re.split(r"[;,/|]", text or "") if p.strip()]


class RegistrationExtrasForm(forms.Form):
    """What a new registration also carries: a phone, an e-mail, a document, a place, consents."""

    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    whatsapp = forms.BooleanField(label=_("Uses WhatsApp on this phone"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    document_type = forms.ChoiceField(label=_("Document"), choices=[("", "—"), *DocumentType.choices], required=False)
    document_number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    country = forms.ChoiceField(label=_("Country where the person is"), required=False, choices=())
    subdivision = forms.CharField(
        label=_("State or department"),
        required=False,
        help_text=SUBDIVISION_HELP,
        widget=PickerInput("subdivision", country_field="country", fill={"country": "id_country"}),
    )
    municipality = forms.CharField(
        label=_("Municipality"),
        max_length=120,
        required=False,
        help_text=PLACE_HELP,
        widget=PickerInput(
            "place",
            country_field="country",
            subdivision_field="subdivision",
            fill={"country": "id_country", "subdivision": "id_subdivision"},
        ),
    )
    consent_method = forms.ChoiceField(
        label=_("How consent was given"),
        choices=[(c, label) for c, label in ConsentMethod.choices if c != "imported"],
        initial="verbal",
    )
    consent_crisis_alerts = forms.BooleanField(label=ConsentPurpose.CRISIS_ALERTS.label, required=False)
    consent_referrals = forms.BooleanField(label=ConsentPurpose.REFERRALS.label, required=False)
    consent_sharing_host_authorities = forms.BooleanField(
        label=ConsentPurpose.SHARING_HOST_AUTHORITIES.label, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _countries("—")

    def clean(self):
        data = super().clean()
        if data.get("document_number") and not data.get("document_type"):
            self.add_error("document_type", _("Say which document this number belongs to."))
        sub = (data.get("subdivision") or "").strip()
        if sub:
            code = vocabulary.subdivision_code(sub, data.get("country") or "") or subdivision_code(sub)
            if code is None:
                self.add_error("subdivision", _("Unknown state or department."))
            else:
                data["subdivision"] = code
                data["country"] = data.get("country") or code.split("-")[0]
        return data


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    given = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("yes", _("Yes, consents")), ("no", _("No, refuses"))],
        coerce=lambda v: v == "yes",
    )
    method = forms.ChoiceField(
        label=_("How"), choices=[(c, label) for c, label in ConsentMethod.choices if c != "imported"]
    )


class LocationForm(forms.Form):
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    precision_m = forms.IntegerField(
        label=_("Precision (metres)"), required=False, min_value=0, help_text=_("e.g. 10 for GPS, 5000 for a town")
    )
    country = forms.ChoiceField(label=_("Country"), required=False, choices=())
    subdivision = forms.CharField(
        label=_("State or department"),
        required=False,
        widget=PickerInput("subdivision", country_field="country", fill={"country": "id_country"}),
    )
    municipality = forms.CharField(
        label=_("Municipality"),
        max_length=120,
        required=False,
        help_text=PLACE_HELP,
        widget=PickerInput(
            "place",
            country_field="country",
            subdivision_field="subdivision",
            fill={
                "country": "id_country",
                "subdivision": "id_subdivision",
                "lat": "id_latitude",
                "lon": "id_longitude",
                "precision": "id_precision_m",
            },
        ),
    )
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[("staff", _("Staff")), ("field_visit", _("Field visit")), ("phone_call", _("Phone call"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _countries("—")

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give latitude and longitude together."))
        sub = (data.get("subdivision") or "").strip()
        if sub:
            code = vocabulary.subdivision_code(sub, data.get("country") or "") or subdivision_code(sub)
            if code is None or not is_subdivision_code(code):
                self.add_error("subdivision", _("Unknown state or department."))
            else:
                data["subdivision"] = code
                data["country"] = data.get("country") or code.split("-")[0]
        if data.get("country") and not is_country_code(data["country"]):
            self.add_error("country", _("Unknown country."))
        if not any(data.get(k) not in (None, "") for k in ("latitude", "country", "subdivision", "municipality")):
            raise forms.ValidationError(_("Give a position or a place."))
        return data


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    value = forms.CharField(label=_("Phone or e-mail"), max_length=254)
    whatsapp = forms.BooleanField(label=_("WhatsApp"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") == ContactKind.EMAIL and data.get("value"):
            try:
                forms.EmailField().clean(data["value"])
            except forms.ValidationError:
                self.add_error("value", _("Enter a valid e-mail address."))
        return data


class DocumentForm(forms.Form):
    document_type = forms.ChoiceField(label=_("Document"), choices=DocumentType.choices)
    number = forms.CharField(label=_("Number"), max_length=60)
    issuing_country = forms.ChoiceField(label=_("Issuing country"), required=False, choices=())
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuing_country"].choices = _countries("—")


class HouseholdForm(forms.Form):
    household = forms.ChoiceField(label=_("Household or travelling group"), required=False, choices=())
    new_household = forms.CharField(label=_("…or a new one named"), max_length=200, required=False)
    is_travelling_group = forms.BooleanField(label=_("It is a travelling group"), required=False)
    role = forms.ChoiceField(label=_("Relationship"), choices=[("", "—"), *HouseholdRole.choices], required=False)

    def __init__(self, *args, households=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = [("", _("None")), *[(str(h.pk), str(h)) for h in households]]


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
    organization = forms.ChoiceField(label=_("Register for"), choices=())

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(str(o.pk), o.name) for o in organizations]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        limit = settings.IMPORT_MAX_UPLOAD_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB: split it into smaller files.") % {"limit": limit}
            )
        return upload


def mapping_choices():
    return [("", _("— ignore —")), *[(c, c) for c in ALL_COLUMNS]]


__all__ = ["IGNORE"]
