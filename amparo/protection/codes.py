"""Codes of the protection app: one list each, the same in models, pages, the API and exports."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ServiceKind(models.TextChoices):
    """What a service is for: a pathway step's purpose is one of these, and provider choice filters
    services by it (an indexed column), so a prosecutor is never taken for an asylum desk."""

    SHELTER = "shelter", _("Shelter")
    HEALTH = "health", _("Health care")
    MHPSS = "mhpss", _("Mental health and psychosocial support")
    LEGAL_AID = "legal_aid", _("Legal aid")
    ASYLUM_PROCEDURE = "asylum_procedure", _("Asylum procedure")
    CHILD_PROTECTION = "child_protection", _("Child protection authority")
    ANTI_TRAFFICKING = "anti_trafficking", _("Anti-trafficking unit")
    CONSULAR_ASSISTANCE = "consular_assistance", _("Consular assistance")
    FOOD = "food", _("Food")
    DOCUMENTS = "documents", _("Identity documents")
    RETURN_REINTEGRATION = "return_reintegration", _("Return and reintegration")
    FAMILY_TRACING = "family_tracing", _("Family tracing")
    PROSECUTOR = "prosecutor", _("Public prosecutor")
    SGBV = "sgbv", _("Care for survivors of sexual or gender-based violence")
    SOCIAL_PROTECTION = "social_protection", _("Social protection")
    OMBUDSMAN = "ombudsman", _("Human rights ombudsman")
    INTERPRETATION = "interpretation", _("Interpretation")


class FactorLevel(models.TextChoices):
    """The four levels of the IOM determinants-of-vulnerability model."""

    INDIVIDUAL = "individual", _("Individual")
    HOUSEHOLD = "household", _("Household and family")
    COMMUNITY = "community", _("Community")
    STRUCTURAL = "structural", _("Structural")


class FactorKind(models.TextChoices):
    RISK = "risk", _("Risk factor")
    PROTECTIVE = "protective", _("Protective factor")


class AnswerKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes or no")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("One of a list")
    MULTI = "multi", _("Several of a list")


class Section(models.TextChoices):
    """Where a question sits on the form. Titles are neutral: the person may see the screen, so
    they never name a profile ("possible victim of trafficking")."""

    ABOUT_YOU = "about_you", _("About you")
    LANGUAGE = "language", _("Language")
    FAMILY = "family", _("Family and people with you")
    HEALTH = "health", _("Health")
    JOURNEY = "journey", _("The journey")
    BEFORE_LEAVING = "before_leaving", _("Before you left")
    WORK = "work", _("Work and money")
    DOCUMENTS = "documents", _("Documents")
    SUPPORT = "support", _("Support")
    OBSERVATIONS = "observations", _("Staff observations (never asked aloud)")


class Answer(models.TextChoices):
    """Answers to a yes/no indicator. Every question may be left unanswered or declined."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not asked or does not know")
    PREFERS_NOT = "prefers_not", _("Prefers not to say")


class UrgentFlag(models.TextChoices):
    IMMEDIATE_DANGER = "immediate_danger", _("Immediate danger")
    MEDICAL_EMERGENCY = "medical_emergency", _("Medical emergency")
    UNACCOMPANIED_CHILD = "unaccompanied_child", _("Unaccompanied or separated child")
    CONTROLLER_PRESENT = "controller_present", _("Suspected trafficker or controller present")
    PEP_WINDOW = "pep_window", _("Sexual violence within 72 hours: prophylaxis and emergency contraception")
    CONTRACEPTION_WINDOW = "contraception_window", _("Sexual violence within 120 hours: emergency contraception")
    LATE_PREGNANCY = "late_pregnancy", _("Late pregnancy")
    CHRONIC_WITHOUT_MEDICINE = "chronic_without_medicine", _("Chronic illness without medicine")
    FAMILY_WITHOUT_SHELTER = (
        "family_without_shelter",
        _("Lone carer with children or dependants, no safe place tonight"),
    )


# Hours after a sexual assault within which post-exposure prophylaxis (HIV) and the usual emergency
# contraception work (WHO), and the longest window of emergency contraception (ulipristal, IUD).
PEP_HOURS = 72
CONTRACEPTION_HOURS = 120
# What each window is for, as a deadline reads on a referral or a case.
CARE_WINDOWS = {
    "pep": _("Post-exposure prophylaxis (HIV) and emergency contraception: before"),
    "contraception": _("Emergency contraception (some methods): before"),
}


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class AsylumWish(models.TextChoices):
    """What the person says about seeking asylum: recorded, never decided by the screener."""

    NOT_ASKED = "not_asked", _("Not asked")
    YES = "yes", _("Wishes to seek asylum")
    NO = "no", _("Does not wish to seek asylum")
    UNDECIDED = "undecided", _("Undecided, wants information")
    PREFERS_NOT = "prefers_not", _("Prefers not to say")


class Decision(models.TextChoices):
    PENDING = "pending", _("To review")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class SuggestionSource(models.TextChoices):
    RULE = "rule", _("Screening rule")
    STAFF = "staff", _("Added by staff")


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate (24 hours)")
    URGENT = "urgent", _("Urgent (72 hours)")
    STANDARD = "standard", _("Standard (7 days)")


# Default time a receiving provider has to answer, per urgency (a pathway may set its own).
RESPONSE_HOURS = {Urgency.IMMEDIATE: 24, Urgency.URGENT: 72, Urgency.STANDARD: 168}


class ReferralStatus(models.TextChoices):
    """States read as states ("Enviada", "Aceptada"); the buttons that move a referral there read
    as verbs (ACTION_LABELS). Contexts keep them apart from the same English words elsewhere."""

    DRAFT = "draft", pgettext_lazy("referral status", "Draft")
    SENT = "sent", pgettext_lazy("referral status", "Sent")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "Accepted")
    DECLINED = "declined", pgettext_lazy("referral status", "Declined")
    IN_PROGRESS = "in_progress", pgettext_lazy("referral status", "In progress")
    COMPLETED = "completed", pgettext_lazy("referral status", "Completed")
    CLOSED = "closed", pgettext_lazy("referral status", "Closed")


# The button that moves a referral to each status: an action, never the status's own label
# (sending a draft has its own form, "Send referral").
ACTION_LABELS = {
    ReferralStatus.ACCEPTED: pgettext_lazy("referral action", "Accept"),
    ReferralStatus.DECLINED: pgettext_lazy("referral action", "Decline"),
    ReferralStatus.IN_PROGRESS: pgettext_lazy("referral action", "Start the service"),
    ReferralStatus.COMPLETED: pgettext_lazy("referral action", "Mark as completed"),
    ReferralStatus.CLOSED: pgettext_lazy("referral action", "Close"),
}


S = ReferralStatus
# Who may move a referral where: "sender" is the referring organization, "receiver" the provider.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.SENT): "sender",
    (S.DRAFT, S.CLOSED): "sender",
    (S.SENT, S.ACCEPTED): "receiver",
    (S.SENT, S.DECLINED): "receiver",
    (S.SENT, S.CLOSED): "sender",
    (S.ACCEPTED, S.IN_PROGRESS): "receiver",
    (S.ACCEPTED, S.CLOSED): "sender",
    (S.IN_PROGRESS, S.COMPLETED): "receiver",
    (S.IN_PROGRESS, S.CLOSED): "sender",
}
OPEN_STATUSES = (S.DRAFT, S.SENT, S.ACCEPTED, S.IN_PROGRESS)
FINAL_STATUSES = (S.DECLINED, S.COMPLETED, S.CLOSED)
