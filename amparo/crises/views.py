"""Crisis pages: thin views that start from the access policy and call services or queries."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from amparo.crises import queries


@login_required
def crisis_list(request):
    crises = queries.crises_for(request.user)
    return render(request, "crises/crisis_list.html", {"crises": crises})
