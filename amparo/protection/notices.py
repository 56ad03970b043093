"""E-mail notices about referrals. They carry no personal data: a reference, the service, the
urgency and a link to the inbox, where the access policy decides what the reader sees."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from amparo.accounts.codes import Role
from amparo.accounts.models import Membership


def _emails(organization, roles=None) -> list[str]:
    members = Membership.objects.filter(organization=organization, is_active=True, user__is_active=True)
    if roles:
        members = members.filter(role__in=roles)
    emails = set(members.exclude(user__email="").values_list("user__email", flat=True))
    if organization.email:
        emails.add(organization.email)
    return sorted(emails)


def _send(template: str, referral, recipients: list[str], **context) -> int:
    if not recipients or referral.from_organization.is_exercise or referral.to_organization.is_exercise:
        return 0  # a drill's referral e-mails nobody: nothing in a drill leaves Amparo
    base = getattr(settings, "AMPARO_BASE_URL", "")
    with translation.override(settings.LANGUAGE_CODE):
        context.update(referral=referral, base_url=base)
        subject = render_to_string(f"protection/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"protection/email/{template}.txt", context)
    return send_mail(subject, body, None, recipients, fail_silently=False)


def _referral(pk: int):
    from amparo.protection.models import Referral

    return Referral.objects.select_related("from_organization", "to_organization", "created_by").get(pk=pk)


def referral_sent(pk: int) -> int:
    referral = _referral(pk)
    return _send(
        "referral_sent",
        referral,
        _emails(referral.to_organization),
        link=reverse("protection:referral_detail", args=[referral.pk]),
    )


def referral_answered(pk: int) -> int:
    referral = _referral(pk)
    recipients = [referral.created_by.email] if referral.created_by and referral.created_by.email else []
    recipients = recipients or _emails(referral.from_organization, {Role.CASE_WORKER, Role.SUPERVISOR})
    return _send(
        "referral_answered", referral, recipients, link=reverse("protection:referral_detail", args=[referral.pk])
    )


def referral_overdue(pk: int) -> int:
    referral = _referral(pk)
    recipients = sorted(
        set(_emails(referral.to_organization))
        | set(_emails(referral.from_organization, {Role.CASE_WORKER, Role.SUPERVISOR}))
    )
    return _send(
        "referral_overdue", referral, recipients, link=reverse("protection:referral_detail", args=[referral.pk])
    )


def schedule_overdue_check(at) -> None:
    """Make sure an overdue check runs by `at` (see tasks.py)."""
    from amparo.protection.tasks import schedule

    schedule(at)
