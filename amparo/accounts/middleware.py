"""Show times in the user's zone: their own setting, else their organization's, else UTC."""

import zoneinfo

from django.utils import timezone

from amparo.accounts.policy import principal_for


class UserTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = _zone_for(request.user) if getattr(request, "user", None) else None
        if zone:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        return self.get_response(request)


def _zone_for(user):
    if not user.is_authenticated:
        return None
    profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
    name = profile.time_zone if profile and profile.time_zone else ""
    if not name:
        organization = principal_for(user).organization
        name = organization.zone if organization else ""
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
