"""The crises app's codes, exactly as DOMAIN.md lists them (one list for every app, page, API and
export). Messaging and reports import them from here."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CrisisKind(models.TextChoices):
    EARTHQUAKE = "earthquake", _("Earthquake")
    TROPICAL_CYCLONE = "tropical_cyclone", _("Tropical cyclone")
    FLOOD = "flood", _("Flood")
    LANDSLIDE = "landslide", _("Landslide")
    VOLCANIC_ERUPTION = "volcanic_eruption", _("Volcanic eruption")
    WILDFIRE = "wildfire", _("Wildfire")
    CONFLICT_VIOLENCE = "conflict_violence", _("Conflict or violence")
    EPIDEMIC = "epidemic", _("Epidemic")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    """The CAP severity scale."""

    EXTREME = "extreme", _("Extreme")
    SEVERE = "severe", _("Severe")
    MODERATE = "moderate", _("Moderate")
    MINOR = "minor", _("Minor")
    UNKNOWN = "unknown", pgettext_lazy("crisis severity", "Unknown")  # "la severidad": desconocida


class Phase(models.TextChoices):
    WATCH = "watch", _("Watch")
    RESPONSE = "response", _("Response")
    RECOVERY = "recovery", _("Recovery")
    CLOSED = "closed", pgettext_lazy("crisis phase", "Closed")  # "la crisis": cerrada


class WelfareCode(models.TextChoices):
    UNKNOWN = "unknown", pgettext_lazy("welfare status", "Unknown")
    CONTACTED = "contacted", _("Contacted")
    SAFE = "safe", _("Safe")
    NEEDS_ASSISTANCE = "needs_assistance", _("Needs assistance")
    MISSING = "missing", _("Missing")
    DECEASED = "deceased", pgettext_lazy("welfare status", "Deceased")
    EVACUATED_RELOCATED = "evacuated_relocated", _("Evacuated or relocated")
    REPATRIATED = "repatriated", _("Repatriated")


# "Accounted for": no longer unknown (DOMAIN.md).
ACCOUNTED_FOR = frozenset(
    {WelfareCode.SAFE, WelfareCode.EVACUATED_RELOCATED, WelfareCode.REPATRIATED, WelfareCode.DECEASED}
)


class Need(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    MEDICAL = "medical", _("Medical care")
    DOCUMENTS = "documents", _("Documents")
    FOOD = "food", _("Food")
    EVACUATION = "evacuation", _("Evacuation")
    REPATRIATION = "repatriation", _("Repatriation")
    FAMILY_CONTACT = "family_contact", _("Family contact")
    OTHER = "other", _("Other")


class WelfareSource(models.TextChoices):
    STAFF = "staff", _("Staff")
    REPLY = "reply", _("Message reply")
    CHECKIN_LINK = "checkin_link", _("Check-in link")
    SELF_REPORT = "self_report", _("Self-report (portal)")
    FIELD_VISIT = "field_visit", _("Field visit")
    PARTNER = "partner", _("Partner")
    IMPORT = "import", pgettext_lazy("welfare source", "Import")  # a noun; the button "Import" is a verb


# Sources that come from the person's own answer, without a staff member deciding: they may not set
# or leave `deceased`, and never overwrite a later entry made by a person (staff, visit, partner).
AUTOMATIC_SOURCES = frozenset({WelfareSource.REPLY, WelfareSource.CHECKIN_LINK, WelfareSource.SELF_REPORT})

# Sources that say the person answered (`self_report` is the portal's, after a phone code). Only
# the flows that received the answer record them (`update_welfare(..., from_answer=True)`: replies,
# check-in links, the portal); a staff member can never choose them, in a form or the API.
PERSON_ANSWER_SOURCES = frozenset({WelfareSource.REPLY, WelfareSource.CHECKIN_LINK, WelfareSource.SELF_REPORT})
# What a staff member may record as the source of what they enter.
STAFF_SOURCES = (WelfareSource.STAFF, WelfareSource.FIELD_VISIT, WelfareSource.PARTNER)


class AlertLevel(models.IntegerChoices):
    """Consular alert level, per consulate and crisis."""

    PRECAUTIONARY = 1, _("1 · Precautionary")
    RESTRICTION = 2, _("2 · Restriction")
    VOLUNTARY_RETURN = 3, _("3 · Voluntary return")
    MANDATORY_RETURN = 4, _("4 · Mandatory return")


class AreaKind(models.TextChoices):
    POLYGON = "polygon", _("Polygon")
    CIRCLE = "circle", _("Circle")
    ADMINISTRATIVE = "administrative", _("Administrative area")


class AreaSource(models.TextChoices):
    DRAWN = "drawn", _("Drawn on the map")
    GEOJSON = "geojson", _("GeoJSON file")
    CAP = "cap", _("CAP alert")
    FORM = "form", _("Entered in a form")
