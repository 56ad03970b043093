"""Tracing's codes (../shared/design/DOMAIN.md: one list, the same in every page, API and export)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TracingState(models.TextChoices):
    OPEN = "open", pgettext_lazy("tracing state", "Open")
    MATCH_PROPOSED = "match_proposed", _("Possible match found")
    AWAITING_CONSENT = "awaiting_consent", _("Waiting for the sought person's answer")
    CONTACT_RESTORED = "contact_restored", _("Contact restored")
    REUNITED = "reunited", _("Reunited")
    CLOSED_DECEASED = "closed_deceased", _("Closed: found deceased")
    CLOSED_REFUSED = "closed_refused", _("Closed: the sought person declined")
    CLOSED_NO_RESULT = "closed_no_result", _("Closed without result")


OPEN_STATES = (TracingState.OPEN, TracingState.MATCH_PROPOSED, TracingState.AWAITING_CONSENT)
CLOSED_STATES = tuple(s for s in TracingState if s not in OPEN_STATES)
REUNIFIED_STATES = (TracingState.CONTACT_RESTORED, TracingState.REUNITED)
# What staff may choose when closing (deceased needs a supervisor's approval; refused comes only
# from the sought person's answer).
CLOSURE_KINDS = (
    TracingState.REUNITED,
    TracingState.CONTACT_RESTORED,
    TracingState.CLOSED_DECEASED,
    TracingState.CLOSED_NO_RESULT,
)


class InquirySource(models.TextChoices):
    STAFF = "staff", _("Recorded by staff")
    API = "api", _("Another organization, through the API")
    PFIF = "pfif", _("PFIF import")


class NoteKind(models.TextChoices):
    FOUND = "found", _("Found")
    LOOKING_FOR_FAMILY = "looking_for_family", _("Looking for family")
    MISSING = "missing", _("Reported missing")
    DECEASED = "deceased", _("Reported deceased (to be confirmed)")
    COMMENT = "comment", _("Comment")


class Wish(models.TextChoices):
    """What the person says about who may be told where they are."""

    ASK_ME = "ask_me", _("Ask me before telling anyone")
    FAMILY = "family", _("My family may be told where I am")
    NOBODY = "nobody", _("Nobody may be told")


class CandidateState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class ConsentStatus(models.TextChoices):
    ASKED = "asked", _("Asked, waiting for the answer")
    GIVEN = "given", _("Agreed")
    REFUSED = "refused", _("Declined")


class AnswerSource(models.TextChoices):
    REPLY = "reply", _("The person's reply to the message")
    STAFF = "staff", _("Told to staff in person or by phone")
    NOTE_WISH = "note_wish", _("The wish the person gave when found")
    AUTHORITY = "authority", _("Decision of the child-protection authority")


class DisclosureKind(models.TextChoices):
    WHEREABOUTS = "whereabouts", _("Whereabouts")
    MESSAGE = "message", _("A message")
    CONTACT = "contact", _("Contact details")
