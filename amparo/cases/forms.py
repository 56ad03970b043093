from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from amparo.accounts import policy
from amparo.accounts.models import Organization
from amparo.cases.models import ClosureReason, FollowUpKind, Sensitivity, Step
from amparo.core.forms import DateInput
from amparo.protection.codes import Priority


def members(organization_ids, roles=policy.SENSITIVE_ROLES):
    return (
        get_user_model()
        .objects.filter(
            memberships__organization_id__in=organization_ids, memberships__is_active=True, memberships__role__in=roles
        )
        .distinct()
        .order_by("username")
    )


class OpenCaseForm(forms.Form):
    case_worker = forms.ModelChoiceField(label=_("Case worker"), queryset=None)
    supervisor = forms.ModelChoiceField(label=_("Supervisor"), queryset=None, required=False)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int, required=False)
    summary = forms.CharField(label=_("Situation and goals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organization_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_worker"].queryset = members(organization_ids)
        self.fields["supervisor"].queryset = members(organization_ids, {"supervisor"})


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("Next step"), choices=[c for c in Step.choices if c[0] != Step.CLOSURE])
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Closure reason"), choices=ClosureReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    due_date = forms.DateField(label=_("Due"), required=False, widget=DateInput())

    def __init__(self, *args, organization_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members([organization_id], set(policy.NAMING_ROLES))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    sensitivity = forms.ChoiceField(label=_("Sensitivity"), choices=Sensitivity.choices)


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FollowUpKind.choices)
    due_date = forms.DateField(label=_("Due"), widget=DateInput())


class TransferForm(forms.Form):
    to_organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.filter(is_active=True)
    )
    to_worker = forms.CharField(label=_("New case worker (user name)"), max_length=150)
    note = forms.CharField(label=_("Reason"), required=False, max_length=300)
