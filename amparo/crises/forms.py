"""Forms of the crises pages: a crisis's facts, its areas (drawn, GeoJSON, subdivisions), CAP
upload/URL, welfare updates and consular alert levels. Errors say what and where."""

from __future__ import annotations

import json
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amparo.core.forms import DateTimeInput
from amparo.core.labels import country_name, subdivision_name
from amparo.core.pickers import (
    COUNTRIES_HELP,
    SUBDIVISIONS_HELP,
    UNKNOWN_COUNTRIES,
    UNKNOWN_SUBDIVISIONS,
    PickerInput,
    country_codes,
    subdivision_codes,
)
from amparo.crises import geo
from amparo.crises.codes import AlertLevel, AreaKind, AreaSource, Need, WelfareCode, WelfareSource
from amparo.crises.models import Crisis
from amparo.crises.services import AreaSpec

MAX_GEOJSON_BYTES = 5 * 1024 * 1024


class CrisisForm(forms.ModelForm):
    countries_text = forms.CharField(
        label=gettext_lazy("Countries"),
        required=False,
        help_text=COUNTRIES_HELP,
    )

    class Meta:
        model = Crisis
        fields = ["name", "kind", "severity", "phase", "started_at", "ended_at", "description", "is_exercise"]
        widgets = {
            "started_at": DateTimeInput(),
            "ended_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organizations=(), **kwargs):
        """`organizations`: those the user opens crises for; a choice only when several, so a
        crisis is never filed under a guessed one."""
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["countries_text"].initial = ", ".join(country_name(c) for c in self.instance.countries)
        self.organizations = list(organizations)
        if len(self.organizations) > 1:
            self.fields["organization"] = forms.TypedChoiceField(
                label=gettext_lazy("Opened by"), coerce=int, choices=[(o.pk, o.name) for o in self.organizations]
            )

    def chosen_organization(self):
        if len(self.organizations) == 1:
            return self.organizations[0]
        chosen = self.cleaned_data.get("organization")
        return next((o for o in self.organizations if o.pk == chosen), None)

    def clean_countries_text(self) -> list[str]:
        codes, unknown = country_codes(self.cleaned_data["countries_text"])
        if unknown:
            raise forms.ValidationError(UNKNOWN_COUNTRIES % {"names": ", ".join(f"“{u}”" for u in unknown)})
        return codes


class AreasForm(forms.Form):
    """Areas from the map (JSON the drawing control writes), a GeoJSON file, or subdivision codes."""

    areas_json = forms.CharField(widget=forms.HiddenInput, required=False)
    geojson_file = forms.FileField(
        label=gettext_lazy("GeoJSON file"),
        required=False,
        help_text=gettext_lazy(
            "Polygons or multipolygons, [longitude, latitude]; a Point with a radius_km property is a circle."
        ),
    )
    subdivisions = forms.CharField(
        label=gettext_lazy("Administrative areas"),
        required=False,
        help_text=SUBDIVISIONS_HELP,
        widget=PickerInput("subdivisions"),
    )

    def clean(self):
        data = super().clean()
        specs: list[AreaSpec] = []
        try:
            specs += specs_from_drawn(data.get("areas_json") or "")
        except geo.InvalidArea as exc:
            self.add_error(None, _("Drawn area: %(error)s") % {"error": exc})
        upload = data.get("geojson_file")
        if upload:
            if upload.size > MAX_GEOJSON_BYTES:
                self.add_error("geojson_file", _("The file is larger than 5 MB."))
            else:
                try:
                    specs += specs_from_geojson(upload.read())
                except geo.InvalidArea as exc:
                    self.add_error("geojson_file", str(exc))
        # Names or ISO 3166-2 codes (the picker posts codes): the area is stored as codes.
        codes, unknown = subdivision_codes(data.get("subdivisions") or "")
        if unknown:
            self.add_error("subdivisions", _unknown_subdivisions(unknown))
        elif codes:
            spec = AreaSpec(
                kind=AreaKind.ADMINISTRATIVE,
                subdivisions=codes,
                source=AreaSource.FORM,
                label=", ".join(subdivision_name(c) for c in codes),
            )
            try:
                spec.validate()
                specs.append(spec)
            except geo.InvalidArea as exc:
                self.add_error("subdivisions", str(exc))
        data["specs"] = specs
        return data


def specs_from_drawn(text: str) -> list[AreaSpec]:
    if not text.strip():
        return []
    try:
        items = json.loads(text)
    except ValueError:
        raise geo.InvalidArea(_("the map sent unreadable data")) from None
    if not isinstance(items, list):
        raise geo.InvalidArea(_("the map sent unreadable data"))
    specs = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise geo.InvalidArea(_("area %(n)s is unreadable") % {"n": n})
        kind = item.get("kind")
        if kind == AreaKind.POLYGON:
            spec = AreaSpec(
                kind=kind,
                source=AreaSource.DRAWN,
                label=str(item.get("label", ""))[:200],
                geometry=item.get("geometry"),
            )
        elif kind == AreaKind.CIRCLE:
            spec = AreaSpec(
                kind=kind,
                source=AreaSource.DRAWN,
                label=str(item.get("label", ""))[:200],
                center_latitude=_number(item.get("center_latitude")),
                center_longitude=_number(item.get("center_longitude")),
                radius_km=_number(item.get("radius_km")),
            )
        else:
            raise geo.InvalidArea(_("area %(n)s: unknown kind") % {"n": n})
        try:
            spec.validate()
        except geo.InvalidArea as exc:
            raise geo.InvalidArea(_("area %(n)s: %(error)s") % {"n": n, "error": exc}) from None
        specs.append(spec)
    return specs


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def specs_from_geojson(data: bytes | str) -> list[AreaSpec]:
    """Areas from a GeoJSON FeatureCollection, Feature or bare geometry."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise geo.InvalidArea(_("not a JSON file: %(error)s") % {"error": exc}) from None
    if not isinstance(doc, dict):
        raise geo.InvalidArea(_("not a GeoJSON object"))
    if doc.get("type") == "FeatureCollection":
        features = doc.get("features") or []
    elif doc.get("type") == "Feature":
        features = [doc]
    else:
        features = [{"type": "Feature", "geometry": doc, "properties": {}}]
    specs = []
    for n, feature in enumerate(features, 1):
        geometry = (feature or {}).get("geometry") if isinstance(feature, dict) else None
        props = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
        label = str(props.get("name") or props.get("label") or "")[:200]
        where = _("feature %(n)s") % {"n": n}
        if isinstance(geometry, dict) and geometry.get("type") == "Point":
            coords = geometry.get("coordinates") or []
            radius = _number(props.get("radius_km"))
            if radius is None or len(coords) < 2:
                raise geo.InvalidArea(
                    _("%(where)s: a Point needs a radius_km property to be a circle") % {"where": where}
                )
            spec = AreaSpec(
                kind=AreaKind.CIRCLE,
                source=AreaSource.GEOJSON,
                label=label,
                center_latitude=_number(coords[1]),
                center_longitude=_number(coords[0]),
                radius_km=radius,
            )
        else:
            spec = AreaSpec(kind=AreaKind.POLYGON, source=AreaSource.GEOJSON, label=label, geometry=geometry)
        try:
            spec.validate()
        except geo.InvalidArea as exc:
            raise geo.InvalidArea(f"{where}: {exc}") from None
        specs.append(spec)
    if not specs:
        raise geo.InvalidArea(_("the file holds no area"))
    return specs


class CapImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CAP file or feed"), required=False)
    url = forms.URLField(label=gettext_lazy("or its URL"), required=False, assume_scheme="https")
    poll = forms.BooleanField(label=gettext_lazy("Keep polling this URL as a feed"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("url"):
            raise forms.ValidationError(_("Choose a file or give a URL."))
        return data


HUMAN_SOURCES = [(s.value, s.label) for s in (WelfareSource.STAFF, WelfareSource.FIELD_VISIT, WelfareSource.PARTNER)]


class WelfareForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Welfare status"), choices=WelfareCode.choices)
    needs = forms.MultipleChoiceField(
        label=gettext_lazy("Needs"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    people_with = forms.IntegerField(label=gettext_lazy("People with them"), required=False, min_value=0, max_value=500)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=HUMAN_SOURCES, initial=WelfareSource.STAFF)


class AlertLevelForm(forms.Form):
    organization = forms.TypedChoiceField(
        label=gettext_lazy("Consulate"), coerce=int, choices=(), required=False, empty_value=None
    )
    level = forms.TypedChoiceField(label=gettext_lazy("Consular alert level"), choices=AlertLevel.choices, coerce=int)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)

    def __init__(self, *args, consulates=(), **kwargs):
        """`consulates`: the organizations the user sets levels for; a choice only when several
        (the level is always said to be set by one consulate, never a guessed one)."""
        super().__init__(*args, **kwargs)
        self.consulates = list(consulates)
        self.fields["organization"].choices = [(o.pk, o.name) for o in self.consulates]
        if len(self.consulates) == 1:
            self.fields["organization"].initial = self.consulates[0].pk
            self.fields["organization"].widget = forms.HiddenInput()

    def clean_organization(self):
        chosen = self.cleaned_data["organization"]
        if chosen is None and len(self.consulates) == 1:
            return self.consulates[0].pk
        if chosen is None:
            raise forms.ValidationError(gettext_lazy("Choose the consulate that sets this level."))
        return chosen


CODE_SHAPED = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$")


def _unknown_subdivisions(unknown: list[str]) -> str:
    """What the area's validation says of a code-shaped part ("GT-GU is not a subdivision code;
    did you mean GT-01 (Guatemala)?"), else that no state or department has that name."""
    messages, names = [], []
    for part in unknown:
        if not CODE_SHAPED.match(part.strip()):
            names.append(part)  # "Narnia": a name, not a mistyped code
            continue
        try:
            AreaSpec(kind=AreaKind.ADMINISTRATIVE, subdivisions=[part]).validate()
            names.append(part)
        except geo.InvalidArea as exc:
            messages.append(str(exc))
    if names:
        messages.append(str(UNKNOWN_SUBDIVISIONS % {"names": ", ".join(f"“{u}”" for u in names)}))
    return " ".join(messages)
