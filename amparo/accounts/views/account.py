"""My account: display time zone and language, and my API tokens (only ever my own)."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from functools import lru_cache

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from amparo.accounts import policy, services
from amparo.accounts.models import APIToken, UserProfile
from amparo.accounts.views.auth import remember_language
from amparo.accounts.views.members import add_errors, language_choices
from amparo.core.forms import Form


@lru_cache(maxsize=1)
def _zones_by_region() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every tz database zone, grouped by region, the Americas first."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in sorted(zoneinfo.available_timezones()):
        region, _sep, place = name.partition("/")
        if not place or region in {"Etc", "SystemV", "US", "Canada", "Brazil", "Mexico", "Chile"}:
            continue
        groups[region].append((name, place.replace("_", " ")))
    order = ["America"] + sorted(r for r in groups if r != "America")
    return [(region, groups[region]) for region in order]


class ProfileForm(Form):
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), required=False, choices=())
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False, choices=())

    def __init__(self, *args, organization_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        blank = (
            _("My organization's time zone (%(zone)s)") % {"zone": organization_zone}
            if organization_zone
            else _("Coordinated Universal Time (UTC)")
        )
        self.fields["time_zone"].choices = [("", blank)] + [("UTC", "UTC")] + _zones_by_region()
        self.fields["language"].choices = language_choices(_("My browser's language"))


@login_required
def profile(request):
    principal = policy.principal_for(request.user)
    organization = principal.organization
    current = UserProfile.objects.filter(user=request.user).first()
    form = ProfileForm(
        request.POST or None,
        initial={"time_zone": current.time_zone if current else "", "language": current.language if current else ""},
        organization_zone=organization.zone if organization else "",
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_profile(
                actor=request.user,
                user=request.user,
                time_zone=data["time_zone"],
                language=data["language"],
                request=request,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if data["language"]:
                translation.activate(data["language"])
            messages.success(request, _("Your preferences were saved."))
            return remember_language(redirect("accounts:profile"), data["language"])
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "now": timezone.localtime(),
            "zone": timezone.get_current_timezone_name(),
            "memberships": request.user.memberships.select_related("organization").order_by("-is_active"),
            "token_count": policy.visible(request.user, APIToken).filter(revoked_at__isnull=True).count(),
        },
        status=400 if form.errors else 200,
    )


class TokenForm(Form):
    name = forms.CharField(
        label=gettext_lazy("What is it for?"),
        max_length=100,
        help_text=gettext_lazy("For example: the shelter's spreadsheet import."),
    )


@never_cache
@login_required
def tokens(request):
    """List my tokens; a new token's value is shown once, in the response to its creation."""
    form = TokenForm(request.POST or None)
    new_token = raw = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, raw = services.issue_token(actor=request.user, name=form.cleaned_data["name"], request=request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            form = TokenForm()
    rows = policy.visible(request.user, APIToken).order_by("revoked_at", "-created_at")
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "rows": rows, "new_token": new_token, "raw": raw},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def revoke_token(request, pk: int):
    token = policy.get_visible_or_404(request.user, APIToken.objects.select_related("user"), pk=pk)
    try:
        services.revoke_token(actor=request.user, token=token, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The token %(name)s was revoked: it no longer opens the API.") % {"name": token.name}
        )
    return redirect("accounts:tokens")
