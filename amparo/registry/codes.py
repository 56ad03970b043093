"""Codes of the registry that are not a model field's choices, with their labels (core/labels.py
shows them in words: `{{ loc.source|label:"registry.LocationSource" }}`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LocationSource(models.TextChoices):
    """Where a last known location came from (`Person.location_source`, `LocationHistory.source`)."""

    REGISTRATION = "registration", _("Registration")
    STAFF = "staff", _("Entered by staff")
    IMPORT = "import", _("File import")
    SELF_REGISTRATION = "self_registration", _("Self-registration on the portal")
    SELF_REPORT = "self_report", _("The person, on the portal")
    CHECKIN_LINK = "checkin_link", _("Check-in link")
    REPLY = "reply", _("Message reply")
    FIELD_VISIT = "field_visit", _("Field visit")
    PARTNER = "partner", _("Partner")
    DRILL = "drill", _("Drill (synthetic person)")
