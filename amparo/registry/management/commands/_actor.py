"""Who a registry command acts as: the system actor `cli:<command>`, or `--as USERNAME`."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from amparo.accounts import policy
from amparo.accounts.models import Organization


def actor_for(command: str, username: str | None):
    if not username:
        return policy.system_principal(f"cli:{command}")
    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No active user named {username!r}") from None


def organization(slug: str) -> Organization:
    try:
        return Organization.objects.get(slug=slug)
    except Organization.DoesNotExist:
        raise CommandError(f"No organization with slug {slug!r} (see `amparo shell` or the admin)") from None
