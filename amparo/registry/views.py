"""Registry pages. Every page starts from the access policy; reading a record is audited."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.registry.access import can_change, can_see_sensitive
from amparo.registry.models import Person


@login_required
def person_list(request):
    principal = policy.principal_for(request.user)
    if not principal.sees_names:
        raise PermissionDenied
    people = Person.objects.visible_to(request.user).active().select_related("registering_organization")
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(request, "registry/person_list.html", {"page": page})


@login_required
def person_detail(request, pk: int):
    person = policy.get_visible_or_404(request.user, Person.objects.select_related("registering_organization"), pk=pk)
    sensitive = can_see_sensitive(request.user, person)
    audit.record(
        request.user,
        AuditAction.VIEW_SENSITIVE if sensitive else AuditAction.VIEW,
        person,
        request=request,
        summary=person.full_name,
    )
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "sensitive": sensitive,
            "can_change": can_change(request.user, person),
            "contacts": person.contacts.all(),
            "documents": person.documents.all(),
            "consents": person.consents.all(),
            "nationalities": person.nationalities.all(),
        },
    )
