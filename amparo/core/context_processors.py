"""Template context shared by every page: the navigation for the user's roles."""

from django.conf import settings

from amparo.accounts.policy import principal_for
from amparo.core import ui


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"map_tile_url": settings.MAP_TILE_URL}
    principal = principal_for(user)
    return {
        "principal": principal,
        "nav_items": ui.nav_for(principal),
        "page_banners": ui.banners_for(request),
        "current_organization": principal.organization,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
