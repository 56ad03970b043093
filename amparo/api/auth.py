"""Token authentication for system-to-system use (`Authorization: Bearer <token>`), plus the
browser session for pages that call the API with HTMX."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from amparo.accounts.models import APIToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        api_token = APIToken.objects.authenticate(token)
        if api_token is None:
            return None
        APIToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


AUTH = [TokenAuth(), django_auth]
