"""The landing page (to the login or the role-aware home) and operational endpoints."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from amparo.accounts.policy import principal_for
from amparo.core import ui


def index(request):
    return redirect("core:home" if request.user.is_authenticated else "accounts:login")


@login_required
def home(request):
    principal = principal_for(request.user)
    return render(
        request,
        "core/home.html",
        {
            "cards": ui.home_cards_for(principal),
            "seats": principal.seats,
            "memberships": request.user.memberships.filter(is_active=True).select_related("organization"),
        },
    )


def health(request):
    """For load balancers and `make run`: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# --- Picker endpoints (core/pickers.py): login required; users only of the asker's organizations.


@login_required
def picker_subdivisions(request):
    from amparo.core import pickers

    results = pickers.subdivision_results(request.GET.get("q", ""), request.GET.get("country", ""))
    return JsonResponse({"results": results})


@login_required
def picker_places(request):
    from amparo.core import pickers

    results = pickers.place_results(
        request.GET.get("q", ""), country=request.GET.get("country", ""), subdivision=request.GET.get("subdivision", "")
    )
    return JsonResponse({"results": results})


@login_required
def picker_users(request):
    from amparo.core import pickers

    results = pickers.user_results(request.user, request.GET.get("q", ""), request.GET.get("organization"))
    return JsonResponse({"results": results})
