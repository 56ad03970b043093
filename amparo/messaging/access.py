"""Who sees what in messaging (plugged into accounts.policy).

An organization's outbox, broadcasts, inbox and channels are its own: members who see people by
name see them (analysts get counts only through reports). Shared default templates are visible
to every member; an organization's own templates only to its members.
"""

from django.db.models import Q

from amparo.accounts import policy
from amparo.messaging.models import Broadcast, Channel, CheckInAnswer, InboundMessage, Message, Template


def _own(p: policy.Principal) -> Q:
    return Q(organization_id__in=p.organization_ids(policy.NAMING_ROLES))


def _templates(p: policy.Principal) -> Q:
    return Q(organization__isnull=True) | Q(organization_id__in=p.organization_ids())


def _channels(p: policy.Principal) -> Q:
    return Q(organization_id__in=p.organization_ids())


def _answers(p: policy.Principal) -> Q:
    return Q(message__organization_id__in=p.organization_ids(policy.NAMING_ROLES))


policy.register(Channel, names=_channels)
policy.register(Template, names=_templates)
policy.register(Broadcast, names=_own, counts=lambda p: Q(organization_id__in=p.organization_ids()))
policy.register(Message, names=_own, counts=lambda p: Q(organization_id__in=p.organization_ids()))
policy.register(InboundMessage, names=_own)
policy.register(CheckInAnswer, names=_answers)
