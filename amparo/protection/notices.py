"""E-mail notices about referrals. They carry no personal data: a reference, the service, the
urgency and a link to the inbox, where the access policy decides what the reader sees.

A notice is read outside Amparo, so its link is absolute (AMPARO_SITE_URL) and its times are the
recipient's: a user's own time zone and language (their profile), else their organization's zone
and the site's language; one e-mail per zone and language."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from amparo.accounts.codes import Role
from amparo.accounts.models import Membership, UserProfile


@dataclass(frozen=True)
class Recipient:
    email: str
    zone: str
    language: str


def _recipients(organization, roles=None) -> list[Recipient]:
    members = Membership.objects.filter(organization=organization, is_active=True, user__is_active=True)
    if roles:
        members = members.filter(role__in=roles)
    users = [m.user for m in members.exclude(user__email="").select_related("user")]
    out = [_for_user(user, organization) for user in users]
    if organization.email:
        out.append(Recipient(organization.email, organization.zone, settings.LANGUAGE_CODE))
    return out


def _for_user(user, organization) -> Recipient:
    profile = UserProfile.objects.filter(user=user).first()
    zone = (profile.time_zone if profile else "") or organization.zone
    language = (profile.language if profile else "") or settings.LANGUAGE_CODE
    return Recipient(user.email, zone, language)


def _send(template: str, referral, recipients: list[Recipient], **context) -> int:
    if not recipients or referral.from_organization.is_exercise or referral.to_organization.is_exercise:
        return 0  # a drill's referral e-mails nobody: nothing in a drill leaves Amparo
    groups: dict[tuple[str, str], set[str]] = {}
    for r in recipients:
        groups.setdefault((r.zone, r.language), set()).add(r.email)
    sent = 0
    for (zone, language), emails in sorted(groups.items()):
        sent += _send_one(template, referral, sorted(emails), zone, language, context)
    return sent


def _send_one(template, referral, emails, zone, language, context) -> int:
    try:
        tz = zoneinfo.ZoneInfo(zone) if zone else timezone.get_default_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = timezone.get_default_timezone()
    with translation.override(language), timezone.override(tz):
        due = ""
        if referral.respond_by:
            local = timezone.localtime(referral.respond_by)
            due = f"{formats.date_format(local, 'DATETIME_FORMAT')} ({local.tzname()}, {tz.key})"
        data = {**context, "referral": referral, "base_url": settings.SITE_URL.rstrip("/"), "due": due}
        subject = render_to_string(f"protection/email/{template}_subject.txt", data).strip()
        body = render_to_string(f"protection/email/{template}.txt", data)
    return send_mail(subject, body, None, emails, fail_silently=False)


def _referral(pk: int):
    from amparo.protection.models import Referral

    return Referral.objects.select_related("from_organization", "to_organization", "created_by").get(pk=pk)


def referral_sent(pk: int) -> int:
    referral = _referral(pk)
    return _send(
        "referral_sent",
        referral,
        _recipients(referral.to_organization),
        link=reverse("protection:referral_detail", args=[referral.pk]),
    )


def referral_answered(pk: int) -> int:
    referral = _referral(pk)
    author = referral.created_by
    recipients = [_for_user(author, referral.from_organization)] if author and author.email else []
    recipients = recipients or _recipients(referral.from_organization, {Role.CASE_WORKER, Role.SUPERVISOR})
    return _send(
        "referral_answered", referral, recipients, link=reverse("protection:referral_detail", args=[referral.pk])
    )


def referral_overdue(pk: int) -> int:
    referral = _referral(pk)
    recipients = _recipients(referral.to_organization) + _recipients(
        referral.from_organization, {Role.CASE_WORKER, Role.SUPERVISOR}
    )
    return _send(
        "referral_overdue", referral, recipients, link=reverse("protection:referral_detail", args=[referral.pk])
    )


def schedule_overdue_check(at) -> None:
    """Make sure an overdue check runs by `at` (see tasks.py)."""
    from amparo.protection.tasks import schedule

    schedule(at)
