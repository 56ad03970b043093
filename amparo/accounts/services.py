"""Writes for organizations, memberships and data-sharing agreements; each audits itself."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.accounts.models import DataSharingAgreement, Membership, Organization


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
    request=None,
) -> DataSharingAgreement:
    """The provider's admin (or a consular officer of the provider) shares with the recipient."""
    principal = policy.principal_for(actor)
    allowed = principal.organization_ids({"org_admin", "consular_officer"})
    if not principal.is_system and provider.pk not in allowed:
        raise PermissionDenied(_("Only the sharing organization's administrators may create an agreement."))
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
        created_by=principal.user,
    )
    agreement.full_clean()
    agreement.save()
    audit.record(
        principal,
        AuditAction.SHARE,
        agreement,
        request=request,
        organization=provider,
        summary=f"{provider.slug} shares with {recipient.slug} ({purpose})",
        nationality=agreement.nationality,
        area_country=agreement.area_country,
        area_subdivisions=agreement.area_subdivisions,
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


@transaction.atomic
def add_member(*, actor, organization: Organization, username: str, email: str, role: str, password: str | None = None):
    """Create (or reuse) a user and give them a role in the organization."""
    if not policy.can_manage_organization(actor, organization):
        raise PermissionDenied(_("Only the organization's administrators may add members."))
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    membership, _created = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role, "is_active": True}
    )
    audit.record(actor, AuditAction.CREATE, membership, organization=organization, summary=f"{username} as {role}")
    return membership
