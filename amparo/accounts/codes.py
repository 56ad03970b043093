"""Codes shared by every app (../shared/design/DOMAIN.md): one list, the same everywhere."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Organization administrator")
    CONSULAR_OFFICER = "consular_officer", _("Consular officer")
    MIGRATION_OFFICER = "migration_officer", _("Migration officer")
    CIVIL_PROTECTION_COORDINATOR = "civil_protection_coordinator", _("Civil-protection coordinator")
    CASE_WORKER = "case_worker", _("Case worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    PROVIDER_STAFF = "provider_staff", _("Service-provider staff")
    ANALYST = "analyst", _("Analyst")


class OrganizationKind(models.TextChoices):
    CONSULATE = "consulate", _("Consulate")
    MIGRATION_AUTHORITY = "migration_authority", _("Migration authority")
    ASYLUM_AUTHORITY = "asylum_authority", _("Asylum and refugee authority")
    CIVIL_PROTECTION = "civil_protection", _("Civil protection")
    CHILD_PROTECTION = "child_protection", _("Child protection authority")
    PROSECUTOR = "prosecutor", _("Public prosecutor")
    ANTI_TRAFFICKING = "anti_trafficking", _("Anti-trafficking authority")
    SHELTER = "shelter", pgettext_lazy("organization kind", "Shelter")  # a place: centre d'hébergement
    HEALTH = "health", _("Health service")
    LEGAL_AID = "legal_aid", _("Legal aid")
    NGO = "ngo", _("Non-governmental organization")
    UN_AGENCY = "un_agency", _("UN agency")


class ConsentPurpose(models.TextChoices):
    CRISIS_ALERTS = "crisis_alerts", _("Crisis alerts and check-ins")
    REFERRALS = "referrals", _("Referral to services")
    SHARING_HOST_AUTHORITIES = "sharing_host_authorities", _("Sharing with host authorities")
    # Its own consent: an authority whose mandate includes immigration enforcement receives only
    # people who agreed to that recipient in particular (accounts.services.create_agreement).
    SHARING_MIGRATION_AUTHORITIES = "sharing_migration_authorities", _("Sharing with migration authorities")
    RETENTION_AFTER_CASE = "retention_after_case", _("Keeping data after the case ends")


class RecordStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DECEASED = "deceased", pgettext_lazy("record status", "Deceased")
    LEFT_COUNTRY = "left_country", _("Left the country")
    MERGED = "merged", _("Merged")


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    VIEW = "view", _("Viewed a record")
    VIEW_SENSITIVE = "view_sensitive", _("Viewed sensitive data")
    SEARCH = "search", _("Searched")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    STATUS_CHANGE = "status_change", _("Status changed")
    MERGE = "merge", pgettext_lazy("audit action", "Merged")  # what someone did, not a record status
    UNMERGE = "unmerge", _("Merge undone")
    SHARE = "share", _("Shared")
    REVOKE = "revoke", _("Revoked")
    SEND = "send", pgettext_lazy("audit action", "Sent")  # not a referral's or a message's status
    ACCESS_DENIED = "access_denied", _("Access denied")
