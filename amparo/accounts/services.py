"""Writes for organizations, memberships, data-sharing agreements, profiles and API tokens.

Each function is one use case in one transaction, checks who may do it, and writes its own audit
event. Side effects (the welcome e-mail) run on commit, so a rolled-back write sends nothing."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction, ConsentPurpose, Role
from amparo.accounts.models import APIToken, DataSharingAgreement, Membership, Organization, UserProfile


@transaction.atomic
def create_agreement(
    *,
    actor,
    provider: Organization,
    recipient: Organization,
    purpose: str,
    nationality: str = "",
    area_country: str = "",
    area_subdivisions: list[str] | None = None,
    valid_from=None,
    valid_until=None,
    note: str = "",
    protection_purpose: str = "",
    warning_acknowledged: bool = False,
    request=None,
) -> DataSharingAgreement:
    """The provider's admin (or a consular officer of the provider) shares with the recipient.

    The firewall between protection and enforcement: when the recipient's mandate includes
    immigration enforcement (Organization.enforces_immigration), the agreement needs a stated
    protection purpose and the acting user's acknowledgement of the warning the page shows; it
    shares only people who consented to sharing with migration authorities in particular; and it
    comes into force only when another administrator of the provider approves it
    (`approve_agreement`). Such a recipient never reads exact positions (registry.access)."""
    principal = policy.principal_for(actor)
    allowed = principal.organization_ids({"org_admin", "consular_officer"})
    if not principal.is_system and provider.pk not in allowed:
        raise PermissionDenied(_("Only the sharing organization's administrators may create an agreement."))
    enforcement = recipient.enforces_immigration
    if enforcement:
        errors = {}
        if not protection_purpose.strip():
            errors["protection_purpose"] = [
                _("Say how sharing with an organization that enforces immigration law protects these people.")
            ]
        if not warning_acknowledged:
            errors["warning_acknowledged"] = [_("Confirm that you read the warning about immigration enforcement.")]
        if errors:
            raise ValidationError(errors)
    agreement = DataSharingAgreement(
        provider=provider,
        recipient=recipient,
        purpose=purpose,
        nationality=nationality.upper(),
        area_country=area_country.upper(),
        area_subdivisions=[s.upper() for s in area_subdivisions or []],
        valid_from=valid_from or timezone.now(),
        valid_until=valid_until,
        note=note,
        protection_purpose=protection_purpose.strip(),
        created_by=principal.user,
    )
    if enforcement:
        agreement.consent_purpose = ConsentPurpose.SHARING_MIGRATION_AUTHORITIES
        agreement.needs_second_approval = True
    agreement.full_clean()
    agreement.save()
    audit.record(
        principal,
        AuditAction.SHARE,
        agreement,
        request=request,
        organization=provider,
        summary=f"{provider.slug} shares with {recipient.slug} ({purpose})"
        + (" — immigration enforcement, awaiting a second approver" if enforcement else ""),
        nationality=agreement.nationality,
        area_country=agreement.area_country,
        area_subdivisions=agreement.area_subdivisions,
        enforcement=enforcement,
        protection_purpose=agreement.protection_purpose,
        consent_purpose=agreement.consent_purpose,
    )
    return agreement


@transaction.atomic
def approve_agreement(*, actor, agreement: DataSharingAgreement, request=None) -> DataSharingAgreement:
    """The second approver of an agreement with an organization that enforces immigration law:
    another administrator of the sharing organization than the one who created it."""
    principal = policy.principal_for(actor)
    if not principal.is_system and agreement.provider_id not in principal.organization_ids([Role.ORG_ADMIN]):
        raise policy.Refused(agreement, _("Only an administrator of the sharing organization approves it."))
    if not agreement.awaits_approval or agreement.revoked_at:
        raise ValidationError(_("This agreement does not await an approval."))
    if principal.user is not None and principal.user.pk == agreement.created_by_id:
        raise ValidationError(_("Another administrator must approve it: not the person who created it."))
    agreement.approved_by = principal.user
    agreement.approved_at = timezone.now()
    agreement.save(update_fields=["approved_by", "approved_at"])
    audit.record(
        principal,
        AuditAction.SHARE,
        agreement,
        request=request,
        organization=agreement.provider_id,
        summary=f"approved: {agreement}",
        approval=True,
    )
    return agreement


@transaction.atomic
def revoke_agreement(*, actor, agreement: DataSharingAgreement, request=None) -> DataSharingAgreement:
    """Either side's administrators may end an agreement; it stays visible, marked revoked."""
    principal = policy.principal_for(actor)
    admins = principal.organization_ids({"org_admin", "consular_officer"})
    if not principal.is_system and not ({agreement.provider_id, agreement.recipient_id} & admins):
        raise PermissionDenied(_("Only administrators of either organization may revoke this agreement."))
    if agreement.revoked_at:
        raise ValidationError(_("This agreement was already revoked."))
    agreement.revoked_at = timezone.now()
    agreement.revoked_by = principal.user
    agreement.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(principal, AuditAction.REVOKE, agreement, request=request, summary=str(agreement))
    return agreement


# --- Members of an organization (its administrators manage them) ---------------------------


def _require_admin(actor, organization: Organization) -> policy.Principal:
    principal = policy.principal_for(actor)
    if not policy.can_manage_organization(principal, organization):
        raise PermissionDenied(_("Only the organization's administrators may manage its members."))
    return principal


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role: %(role)s.") % {"role": role}})


def _keeps_an_admin(membership: Membership) -> bool:
    """False when `membership` is the organization's last active administrator."""
    if membership.role != Role.ORG_ADMIN or not membership.is_active:
        return True
    others = Membership.objects.filter(
        organization_id=membership.organization_id, role=Role.ORG_ADMIN, is_active=True, user__is_active=True
    ).exclude(pk=membership.pk)
    return others.exists()


@transaction.atomic
def add_member(
    *,
    actor,
    organization: Organization,
    username: str,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    language: str = "",
    password: str | None = None,
    request=None,
) -> Membership:
    """Give a new user a role in the organization. The user gets an unusable password and an
    e-mail with a link to choose one (the password-reset flow), unless `password` is given
    (commands and demo data). An existing user name is refused, except a former member of this
    organization, who is reactivated with the new role."""
    principal = _require_admin(actor, organization)
    _check_role(role)
    username = username.strip()
    email = email.strip().lower()
    if not username:
        raise ValidationError({"username": _("Enter a user name.")})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    User = get_user_model()
    user = User.objects.filter(username__iexact=username).first()
    created = user is None
    if user is not None:
        membership = Membership.objects.filter(user=user, organization=organization).first()
        if membership is None:
            raise ValidationError({"username": _("This user name is taken. Choose another one.")})
        if membership.is_active:
            raise ValidationError({"username": _("%(username)s is already a member.") % {"username": user.username}})
        membership.role = role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    else:
        user = User(username=username, email=email, first_name=first_name.strip(), last_name=last_name.strip())
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        if language:
            UserProfile.objects.create(user=user, language=language)
        membership = Membership.objects.create(user=user, organization=organization, role=role)
    audit.record(
        principal,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        membership,
        request=request,
        organization=organization,
        summary=f"{user.username} {'added' if created else 'rejoined'} as {role}",
        username_added=user.username,
        role=role,
    )
    if created and not password:
        base_url = request.build_absolute_uri("/").rstrip("/") if request is not None else settings.SITE_URL
        transaction.on_commit(lambda: send_welcome_email(user=user, organization=organization, base_url=base_url))
    return membership


def send_welcome_email(*, user, organization: Organization, base_url: str) -> None:
    """The invitation: a link (the password-reset flow's) to choose a first password, in the
    new member's language when it is known."""
    profile = UserProfile.objects.filter(user=user).first()
    language = (profile.language if profile else "") or translation.get_language() or settings.LANGUAGE_CODE
    link = base_url + reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "organization": organization,
        "link": link,
        "login_url": base_url + reverse("accounts:login"),
        "hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
    }
    with translation.override(language):
        subject = render_to_string("accounts/welcome_subject.txt", context).strip()
        body = render_to_string("accounts/welcome_email.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def resend_invitation(*, actor, membership: Membership, request=None) -> Membership:
    """E-mail an invited member a fresh link to choose their password (the old one may have
    expired). Only for members who have not chosen one yet."""
    principal = _require_admin(actor, membership.organization)
    user = membership.user
    if not membership.is_active or user.has_usable_password():
        raise ValidationError(_("%(username)s already chose a password.") % {"username": user.username})
    audit.record(
        principal,
        AuditAction.SEND,
        membership,
        request=request,
        organization=membership.organization,
        summary=f"invitation sent again to {user.username}",
    )
    base_url = request.build_absolute_uri("/").rstrip("/") if request is not None else settings.SITE_URL
    organization = membership.organization
    transaction.on_commit(lambda: send_welcome_email(user=user, organization=organization, base_url=base_url))
    return membership


@transaction.atomic
def change_member_role(*, actor, membership: Membership, role: str, request=None) -> Membership:
    """Change a member's role; an organization always keeps an active administrator."""
    principal = _require_admin(actor, membership.organization)
    _check_role(role)
    old = membership.role
    if old == role:
        return membership
    if not _keeps_an_admin(membership):
        raise ValidationError(_("The organization needs at least one active administrator."))
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        principal,
        AuditAction.UPDATE,
        membership,
        request=request,
        organization=membership.organization,
        summary=f"{membership.user.username}: {old} -> {role}",
        old_role=old,
        new_role=role,
    )
    return membership


@transaction.atomic
def set_member_active(*, actor, membership: Membership, active: bool, request=None) -> Membership:
    """Deactivate a member (they keep their account but see nothing of this organization; their
    history stays) or reactivate them. The last active administrator cannot be deactivated."""
    principal = _require_admin(actor, membership.organization)
    if membership.is_active == active:
        return membership
    if not active and not _keeps_an_admin(membership):
        raise ValidationError(_("The organization needs at least one active administrator."))
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    audit.record(
        principal,
        AuditAction.STATUS_CHANGE,
        membership,
        request=request,
        organization=membership.organization,
        summary=f"{membership.user.username} {'reactivated' if active else 'deactivated'}",
        active=active,
    )
    return membership


# --- A user's own preferences and API tokens ------------------------------------------------


def _require_self(actor, user) -> policy.Principal:
    principal = policy.principal_for(actor)
    if principal.is_system or (principal.user is not None and principal.user.pk == user.pk):
        return principal
    raise PermissionDenied(_("You may only change your own account."))


@transaction.atomic
def update_profile(*, actor, user, time_zone: str, language: str, request=None) -> UserProfile:
    """Set the display time zone (empty: the organization's) and language (empty: the browser's)."""
    principal = _require_self(actor, user)
    if time_zone and time_zone not in zoneinfo.available_timezones():
        raise ValidationError({"time_zone": _("Unknown time zone: %(zone)s.") % {"zone": time_zone}})
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language: %(code)s.") % {"code": language}})
    profile, _created = UserProfile.objects.get_or_create(user=user)
    old = {"time_zone": profile.time_zone, "language": profile.language}
    profile.time_zone = time_zone
    profile.language = language
    profile.save(update_fields=["time_zone", "language"])
    new = {"time_zone": time_zone, "language": language}
    if old != new:
        audit.record(principal, AuditAction.UPDATE, profile, request=request, summary="preferences", old=old, new=new)
    return profile


@transaction.atomic
def issue_token(*, actor, name: str, request=None) -> tuple[APIToken, str]:
    """A new API token for the actor; the raw value is returned once and only its hash is kept."""
    principal = policy.principal_for(actor)
    if principal.user is None:
        raise PermissionDenied(_("Sign in to create an API token."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Say what the token is for.")})
    token, raw = APIToken.objects.issue(user=principal.user, name=name[:100])
    audit.record(principal, AuditAction.CREATE, token, request=request, summary=f"API token {token.prefix}… ({name})")
    return token, raw


@transaction.atomic
def revoke_token(*, actor, token: APIToken, request=None) -> APIToken:
    """End a token at once. Only its owner (or the system) may."""
    principal = _require_self(actor, token.user)
    if token.revoked_at:
        raise ValidationError(_("This token was already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(principal, AuditAction.REVOKE, token, request=request, summary=f"API token {token.prefix}…")
    return token
