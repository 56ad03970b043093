"""Data-sharing agreements (both sides see them), the audit log and the organization card."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from amparo.accounts import policy, services
from amparo.accounts.codes import AuditAction, OrganizationKind
from amparo.accounts.models import AuditEvent, DataSharingAgreement, Organization, SharingPurpose
from amparo.core.forms import DateTimeInput, Form


class RecipientField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.enforces_immigration:
            return _("%(name)s — immigration enforcement") % {"name": obj.name}
        return obj.name


class AgreementForm(Form):
    provider = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=gettext_lazy("Shared by"), empty_label=None
    )
    recipient = RecipientField(
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
    valid_until = forms.DateTimeField(required=False, label=gettext_lazy("Valid until"), widget=DateTimeInput())
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Note"))
    protection_purpose = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Protection purpose"),
        help_text=gettext_lazy(
            "Required when the recipient enforces immigration law: how sharing protects these people."
        ),
    )
    warning_acknowledged = forms.BooleanField(
        required=False,
        label=gettext_lazy(
            "I understand that this organization's mandate includes immigration enforcement: it will receive only "
            "people who consented to sharing with migration authorities, never their exact position, and only "
            "after another administrator approves."
        ),
    )

    def __init__(self, *args, providers=(), **kwargs):
        """`providers`: the organizations the user shares for; a choice only when several (an
        agreement is never filed under a guessed organization)."""
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Organization.objects.filter(pk__in=[o.pk for o in providers])
        self.only_provider = providers[0] if len(providers) == 1 else None
        if self.only_provider is not None:
            del self.fields["provider"]

    def clean(self):
        data = super().clean()
        if self.only_provider is not None:
            data["provider"] = self.only_provider
        if data.get("provider") and data.get("recipient") and data["provider"] == data["recipient"]:
            self.add_error("recipient", _("An organization does not share with itself."))
        return data


@login_required
def agreements(request):
    principal = policy.principal_for(request.user)
    rows = policy.visible(request.user, DataSharingAgreement).select_related("provider", "recipient", "created_by")
    my_orgs = principal.organization_ids({"org_admin", "consular_officer"})
    form = None
    if my_orgs:
        providers = list(Organization.objects.filter(pk__in=my_orgs).order_by("name"))
        form = AgreementForm(request.POST or None, providers=providers)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                agreement = services.create_agreement(
                    actor=request.user,
                    provider=data["provider"],
                    recipient=data["recipient"],
                    purpose=data["purpose"],
                    nationality=data["nationality"],
                    area_country=data["area_country"],
                    area_subdivisions=[s.strip() for s in data["area_subdivisions"].split(",") if s.strip()],
                    valid_until=data["valid_until"],
                    note=data["note"],
                    protection_purpose=data["protection_purpose"],
                    warning_acknowledged=data["warning_acknowledged"],
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if agreement.awaits_approval:
                    messages.warning(
                        request,
                        _("The agreement awaits the approval of another administrator of %(org)s.")
                        % {"org": agreement.provider.name},
                    )
                else:
                    messages.success(request, _("The agreement is in force."))
                return redirect("accounts:agreements")
    context = {
        "agreements": rows,
        "form": form,
        "admin_org_ids": my_orgs,
        "approver_org_ids": principal.organization_ids({"org_admin"}),
        "enforcement_names": list(
            Organization.objects.filter(is_active=True)
            .filter(Q(kind=OrganizationKind.MIGRATION_AUTHORITY) | Q(enforcement_mandate=True))
            .values_list("name", flat=True)
        ),
    }
    return render(request, "accounts/agreements.html", context)


@login_required
@require_POST
def approve_agreement(request, pk: int):
    agreement = policy.get_visible_or_404(request.user, DataSharingAgreement, pk=pk)
    try:
        services.approve_agreement(actor=request.user, agreement=agreement, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The agreement is in force."))
    return redirect("accounts:agreements")


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
            "record_types": _record_types(),
        },
    )


def _record_types() -> list[tuple[str, str]]:
    """The kinds of record the audit log names, as words (the filter posts "registry.person")."""
    from amparo.core.labels import record_types, sort_key

    return sorted(record_types().items(), key=lambda pair: sort_key(pair[1]))


def organization_detail(request, slug: str):
    """Public-in-Amparo directory card of an organization (members only)."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    organization = get_object_or_404(policy.visible(request.user, Organization), slug=slug)
    return render(request, "accounts/organization.html", {"organization": organization})
