"""The portal's codes: information topics, one-time code purposes, self-registration and
data-request states."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Topic(models.TextChoices):
    """What an information page is about; the order is the order on the country's page."""

    EMERGENCY = "emergency", _("In an emergency")
    EARTHQUAKE = "earthquake", _("Earthquake: what to do")
    HURRICANE = "hurricane", _("Hurricane and storm: what to do")
    FLOOD = "flood", _("Flood: what to do")
    RIGHTS = "rights", _("Your rights")
    ASYLUM = "asylum", _("Asking for asylum")
    REGULARIZATION = "regularization", _("Papers and regularization")
    ROUTE_RISKS = "route_risks", _("Risks on the route")
    HEALTH = "health", _("Health care")
    CONSULATE = "consulate", _("Your consulate")
    OTHER = "other", _("Other information")


# The topic to show first when a crisis of this kind is under way (crises.codes.CrisisKind).
TOPIC_FOR_CRISIS_KIND = {
    "earthquake": Topic.EARTHQUAKE,
    "tropical_cyclone": Topic.HURRICANE,
    "flood": Topic.FLOOD,
    "landslide": Topic.FLOOD,
}


class CodePurpose(models.TextChoices):
    SELF_REPORT = "self_report", _("Say how you are in a crisis")
    REGISTER = "register", _("Register with your consulate")
    MY_DATA = "my_data", _("See your data")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("portal page version", "Draft")
    IN_REVIEW = "in_review", _("Waiting for review")
    PUBLISHED = "published", pgettext_lazy("portal page version", "Published")
    SUPERSEDED = "superseded", _("Replaced by a newer version")


class RegistrationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Self-registered, not verified")
    VERIFIED = "verified", _("Verified by staff")
    REJECTED = "rejected", pgettext_lazy("portal self-registration", "Rejected")


class RequestKind(models.TextChoices):
    CONTACT_CHANGED = "contact_changed", _("Changed their contact details")
    LOCATION_CHANGED = "location_changed", _("Changed where they are")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Withdrew a consent")
    DELETION = "deletion", _("Asked for their data to be deleted")


class RequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("portal data request", "Open")
    DONE = "done", pgettext_lazy("portal data request", "Handled")
    REFUSED = "refused", pgettext_lazy("portal data request", "Not possible")
