"""The Members page: an organization's administrators add members, change roles, deactivate.

Every view starts with a scoped fetch: the organization or membership must be visible to the user
(404 otherwise) and the user must administer that organization (403 otherwise)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amparo.accounts import policy, services
from amparo.accounts.codes import Role
from amparo.accounts.models import Membership, Organization
from amparo.core.forms import Form


def language_choices(blank_label) -> list[tuple[str, str]]:
    """Languages by their own name, so everyone finds theirs."""
    return [("", blank_label)] + [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class AddMemberForm(Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    username = forms.CharField(
        label=gettext_lazy("User name"),
        max_length=150,
        help_text=gettext_lazy("Letters, digits and . - _ @ only; they sign in with it."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail"), help_text=gettext_lazy("We send the link to choose a password here.")
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=())
    language = forms.ChoiceField(label=gettext_lazy("Language of the e-mail"), required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Choose a role"))] + list(Role.choices)
        self.fields["language"].choices = language_choices(_("Same as this page"))


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: by field where the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _managed_organizations(user):
    ids = policy.principal_for(user).organization_ids([Role.ORG_ADMIN])
    return policy.visible(user, Organization).filter(pk__in=ids)


def _get_managed_organization(request) -> Organization:
    """The organization named by ?org=<slug>, else the user's first administered one."""
    managed = _managed_organizations(request.user)
    slug = request.GET.get("org", "")
    if slug:
        organization = policy.get_visible_or_404(request.user, Organization, slug=slug)
        if not policy.can_manage_organization(request.user, organization):
            raise PermissionDenied(_("Only the organization's administrators may manage its members."))
        return organization
    organization = managed.first()
    if organization is None:
        raise PermissionDenied(_("Only the organization's administrators may manage its members."))
    return organization


def _get_managed_membership(request, pk: int) -> Membership:
    membership = policy.get_visible_or_404(
        request.user, Membership.objects.select_related("user", "organization"), pk=pk
    )
    if not policy.can_manage_organization(request.user, membership.organization):
        raise PermissionDenied(_("Only the organization's administrators may manage its members."))
    return membership


def _members_url(organization: Organization) -> str:
    return f"{reverse('accounts:members')}?org={organization.slug}"


@login_required
def members(request):
    organization = _get_managed_organization(request)
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.add_member(
                actor=request.user,
                organization=organization,
                username=data["username"],
                email=data["email"],
                role=data["role"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                language=data["language"],
                request=request,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(username)s is a member now. An e-mail with a link to choose a password was sent to %(email)s.")
                % {"username": membership.user.username, "email": membership.user.email},
            )
            return redirect(_members_url(organization))
    rows = (
        policy.visible(request.user, Membership)
        .filter(organization=organization)
        .select_related("user")
        .order_by("-is_active", "user__username")
    )
    return render(
        request,
        "accounts/members.html",
        {
            "organization": organization,
            "managed": _managed_organizations(request.user),
            "rows": rows,
            "form": form,
            "roles": Role.choices,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def change_role(request, pk: int):
    membership = _get_managed_membership(request, pk)
    try:
        services.change_member_role(
            actor=request.user, membership=membership, role=request.POST.get("role", ""), request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(username)s is now: %(role)s.")
            % {"username": membership.user.username, "role": membership.get_role_display()},
        )
    return redirect(_members_url(membership.organization))


@login_required
@require_POST
def set_active(request, pk: int, active: bool):
    membership = _get_managed_membership(request, pk)
    try:
        services.set_member_active(actor=request.user, membership=membership, active=active, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if active:
            messages.success(request, _("%(username)s was reactivated.") % {"username": membership.user.username})
        else:
            messages.success(
                request,
                _("%(username)s was deactivated: they no longer see anything of this organization.")
                % {"username": membership.user.username},
            )
    return redirect(_members_url(membership.organization))


@login_required
@require_POST
def resend_invitation(request, pk: int):
    membership = _get_managed_membership(request, pk)
    try:
        services.resend_invitation(actor=request.user, membership=membership, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("A new link to choose a password was sent to %(email)s.") % {"email": membership.user.email},
        )
    return redirect(_members_url(membership.organization))
