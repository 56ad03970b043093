"""Data-sharing agreements (both sides see them), the audit log and the organization card."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from amparo.accounts import policy, services
from amparo.accounts.codes import AuditAction
from amparo.accounts.models import AuditEvent, DataSharingAgreement, Organization, SharingPurpose
from amparo.core.forms import Form


class AgreementForm(Form):
    recipient = forms.ModelChoiceField(
        queryset=Organization.objects.filter(is_active=True),
        label=gettext_lazy("Share with"),
        empty_label=gettext_lazy("Choose an organization"),
    )
    purpose = forms.ChoiceField(choices=SharingPurpose.choices, label=gettext_lazy("Purpose"))
    nationality = forms.CharField(max_length=2, required=False, label=gettext_lazy("Nationality (ISO code, optional)"))
    area_country = forms.CharField(max_length=2, required=False, label=gettext_lazy("Country (ISO code, optional)"))
    area_subdivisions = forms.CharField(
        required=False, label=gettext_lazy("Subdivisions (ISO 3166-2 codes, comma-separated)")
    )
    valid_until = forms.DateTimeField(
        required=False, label=gettext_lazy("Valid until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Note"))


@login_required
def agreements(request):
    principal = policy.principal_for(request.user)
    rows = policy.visible(request.user, DataSharingAgreement).select_related("provider", "recipient")
    my_orgs = principal.organization_ids({"org_admin", "consular_officer"})
    form = None
    if my_orgs:
        form = AgreementForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            provider = Organization.objects.get(pk=sorted(my_orgs)[0])
            data = form.cleaned_data
            try:
                services.create_agreement(
                    actor=request.user,
                    provider=provider,
                    recipient=data["recipient"],
                    purpose=data["purpose"],
                    nationality=data["nationality"],
                    area_country=data["area_country"],
                    area_subdivisions=[s.strip() for s in data["area_subdivisions"].split(",") if s.strip()],
                    valid_until=data["valid_until"],
                    note=data["note"],
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The agreement is in force."))
                return redirect("accounts:agreements")
    return render(request, "accounts/agreements.html", {"agreements": rows, "form": form, "admin_org_ids": my_orgs})


@login_required
@require_POST
def revoke_agreement(request, pk: int):
    agreement = policy.get_visible_or_404(request.user, DataSharingAgreement, pk=pk)
    try:
        services.revoke_agreement(actor=request.user, agreement=agreement, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The agreement was revoked."))
    return redirect("accounts:agreements")


@login_required
def audit_log(request):
    principal = policy.principal_for(request.user)
    if not principal.has_role("org_admin", "supervisor"):
        raise PermissionDenied
    events = policy.visible(request.user, AuditEvent).select_related("organization")
    action = request.GET.get("action", "")
    actor = request.GET.get("actor", "").strip()
    object_type = request.GET.get("object_type", "").strip()
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if object_type:
        events = events.filter(object_type=object_type)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/audit_log.html",
        {
            "page": page,
            "actions": AuditAction.choices,
            "action": action,
            "actor": actor,
            "object_type": object_type,
        },
    )


def organization_detail(request, slug: str):
    """Public-in-Amparo directory card of an organization (members only)."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    organization = get_object_or_404(policy.visible(request.user, Organization), slug=slug)
    return render(request, "accounts/organization.html", {"organization": organization})
