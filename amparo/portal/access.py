"""Who sees what of the portal (plugged into accounts.policy).

Information pages are their organization's to edit (the public reads only published versions,
through queries.published_pages, never through the policy). Self-registrations and data requests
reach the staff of the organization that holds the record and who see people by name; analysts
never see them.
"""

from django.db.models import Q

from amparo.accounts import policy
from amparo.accounts.codes import Role
from amparo.portal.models import DataRequest, InfoPage, SelfRegistration

# Who writes and reviews the portal's information pages: anyone who speaks for the organization.
EDITOR_ROLES = frozenset(set(Role) - {Role.ANALYST})


def _editors(p: policy.Principal) -> Q:
    return Q(organization_id__in=p.organization_ids(EDITOR_ROLES))


def _registry_staff(p: policy.Principal) -> Q:
    return Q(organization_id__in=p.organization_ids(policy.REGISTRY_WRITERS))


policy.register(InfoPage, names=_editors)
policy.register(SelfRegistration, names=_registry_staff)
policy.register(DataRequest, names=_registry_staff)
