"""The drills app's codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DrillStatus(models.TextChoices):
    READY = "ready", pgettext_lazy("drill status", "Ready")
    RUNNING = "running", pgettext_lazy("drill status", "Running")
    PAUSED = "paused", pgettext_lazy("drill status", "Paused")
    FINISHED = "finished", pgettext_lazy("drill status", "Finished")
    ARCHIVED = "archived", pgettext_lazy("drill status", "Archived")


class InjectKind(models.TextChoices):
    CAP_ALERT = "cap_alert", _("Alert: the hazard area is drawn")
    CAP_UPDATE = "cap_update", _("Alert update: the hazard area changes")
    REPLIES = "replies", _("A wave of replies")
    FAMILY_INQUIRY = "family_inquiry", _("A family asks about someone")
    NOTE = "note", _("Message to the players (a shelter full, a road cut, a journalist…)")


class ReplyBehaviour(models.TextChoices):
    SAFE = "safe", _("Answers that they are safe")
    HELP = "help", _("Asks for help")
    AMBIGUOUS = "ambiguous", _("Answers something a person must read")
    NEVER = "never", _("Never answers")
