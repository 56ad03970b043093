"""Access rules for the accounts app's own records (plugged into accounts.policy)."""

from django.db.models import Q

from amparo.accounts import policy
from amparo.accounts.codes import Role
from amparo.accounts.models import APIToken, AuditEvent, DataSharingAgreement, Membership, Organization


def _organizations(p: policy.Principal) -> Q:
    # The directory of organizations is not secret: every member sees every active one.
    return Q(is_active=True)


def _memberships(p: policy.Principal) -> Q:
    # Colleagues see each other; only org admins manage them (see policy.can_manage_organization).
    return Q(organization_id__in=p.organization_ids())


def _agreements(p: policy.Principal) -> Q:
    # Both sides see an agreement; analysts too (they must know what widens the aggregates).
    orgs = p.organization_ids()
    return Q(provider_id__in=orgs) | Q(recipient_id__in=orgs)


def _audit(p: policy.Principal) -> Q:
    # An organization's admins and supervisors review what happened in their organization.
    return Q(organization_id__in=p.organization_ids([Role.ORG_ADMIN, Role.SUPERVISOR]))


def _api_tokens(p: policy.Principal) -> Q:
    # A token acts as its user: only that user sees it (not even their organization's admins).
    return Q(user_id=p.user.pk) if p.user is not None else policy.NOTHING


policy.register(Organization, names=_organizations)
policy.register(Membership, names=_memberships)
policy.register(DataSharingAgreement, names=_agreements)
policy.register(AuditEvent, names=_audit)
policy.register(APIToken, names=_api_tokens)
