from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from amparo.accounts import policy
from amparo.accounts.models import Organization
from amparo.cases.access import CASE_WORKER_ROLES
from amparo.cases.models import (
    CareArrangement,
    ChildMeasure,
    ClosureReason,
    ConsentGiver,
    ConsentMethod,
    FollowUpKind,
    NeedDomain,
    NeedLevel,
    Sensitivity,
    Step,
)
from amparo.core.forms import DateInput
from amparo.core.pickers import USER_HELP, PickerInput
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
    consent = forms.TypedChoiceField(
        label=_("Does the person agree to case management?"),
        choices=[("yes", _("Yes, they agree")), ("no", _("No, they decline"))],
        widget=forms.RadioSelect,
        help_text=_(
            "Explain what case management is, what is written down, who sees it, and that they may stop at any time."
        ),
    )
    consent_given_by = forms.ChoiceField(label=_("Who answered"), choices=ConsentGiver.choices)
    consent_given_by_name = forms.CharField(
        label=_("Name of the guardian or representative"), required=False, max_length=150
    )
    consent_method = forms.ChoiceField(label=_("How"), choices=ConsentMethod.choices)
    refusal_reason = forms.CharField(label=_("Reason for declining"), required=False, max_length=300)
    case_worker = forms.ModelChoiceField(label=_("Case worker"), queryset=None, required=False)
    supervisor = forms.ModelChoiceField(label=_("Supervisor"), queryset=None, required=False)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int, required=False)
    summary = forms.CharField(label=_("Situation and goals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organization_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_worker"].queryset = members(organization_ids, CASE_WORKER_ROLES)
        self.fields["supervisor"].queryset = members(organization_ids, {"supervisor"})


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("Next step"), choices=[c for c in Step.choices if c[0] != Step.CLOSURE])
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    skip_reason = forms.CharField(label=_("Reason for skipping a step"), required=False, max_length=300)


class CloseForm(forms.Form):
    """Closure: the reason, one reason per item still open, the follow-up after closure."""

    reason = forms.ChoiceField(label=_("Closure reason"), choices=ClosureReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    follow_up_date = forms.DateField(label=_("Follow-up after closure on"), required=False, widget=DateInput())
    follow_up_kind = forms.ChoiceField(label=_("Follow-up by"), choices=FollowUpKind.choices, required=False)
    no_follow_up_reason = forms.CharField(label=_("Or: why no follow-up"), required=False, max_length=300)
    skip_reason = forms.CharField(label=_("Reason for skipping steps"), required=False, max_length=300)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"open_{item.kind}_{item.pk}"] = forms.CharField(
                label=_("Why it stays open: %(item)s") % {"item": item.label}, required=False, max_length=300
            )

    def item_reasons(self) -> dict[str, str]:
        return {item.key: self.cleaned_data.get(f"open_{item.kind}_{item.pk}", "") for item in self.items}

    def item_fields(self):
        return [self[f"open_{item.kind}_{item.pk}"] for item in self.items]


class AssessmentForm(forms.Form):
    """Needs per domain (level and note), risks, strengths; the best-interests fields for a child."""

    risks = forms.CharField(label=_("Risks"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    strengths = forms.CharField(
        label=_("Strengths (what protects the person)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Best-interests assessment (children).
    child_heard = forms.BooleanField(label=_("The child was heard"), required=False)
    child_views = forms.CharField(
        label=_("The child's views and wishes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    not_heard_reason = forms.CharField(label=_("Why the child was not heard"), required=False, max_length=300)
    care_arrangement = forms.ChoiceField(
        label=_("Current care arrangement"), choices=[("", "—"), *CareArrangement.choices], required=False
    )
    family_situation = forms.CharField(
        label=_("Family situation and whereabouts of the parents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    safety = forms.CharField(label=_("Safety and risks to the child"), required=False)
    health_and_development = forms.CharField(label=_("Health and development"), required=False)
    education = forms.CharField(label=_("Education"), required=False)
    authority_informed = forms.BooleanField(label=_("Child protection authority informed"), required=False)
    recommended_measure = forms.ChoiceField(
        label=_("Recommended measure"), choices=[("", "—"), *ChildMeasure.choices], required=False
    )
    recommendation = forms.CharField(
        label=_("Recommendation and reasons"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    BIA_FIELDS = (
        "child_heard",
        "child_views",
        "not_heard_reason",
        "care_arrangement",
        "family_situation",
        "safety",
        "health_and_development",
        "education",
        "authority_informed",
        "recommended_measure",
        "recommendation",
    )

    def __init__(self, *args, child: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child
        for code, label in NeedDomain.choices:
            self.fields[f"need_{code}"] = forms.ChoiceField(
                label=label, choices=[("", _("not assessed")), *NeedLevel.choices], required=False
            )
            self.fields[f"need_{code}_note"] = forms.CharField(
                label=_("Note on %(domain)s") % {"domain": label}, required=False, max_length=300
            )
        if not child:
            for name in self.BIA_FIELDS:
                del self.fields[name]

    def need_rows(self):
        return [(self[f"need_{code}"], self[f"need_{code}_note"]) for code in NeedDomain.values]

    def bia_fields(self):
        return [self[name] for name in self.BIA_FIELDS] if self.child else []

    def needs(self) -> dict:
        return {
            code: {"level": self.cleaned_data[f"need_{code}"], "note": self.cleaned_data[f"need_{code}_note"]}
            for code in NeedDomain.values
            if self.cleaned_data.get(f"need_{code}")
        }

    def bia(self) -> dict | None:
        return {name: self.cleaned_data.get(name) for name in self.BIA_FIELDS} if self.child else None


class ReferFromActionForm(forms.Form):
    service = forms.TypedChoiceField(label=_("Refer to"), coerce=int, choices=())
    reason = forms.CharField(label=_("Reason for referral"), required=False, max_length=300)

    def __init__(self, *args, options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(o.service.pk, o.label) for o in options]


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
    # Chosen by name among the user's own organization's staff (core/pickers.py); the form still
    # posts the user name, so a user name given by a receiving organization can also be typed.
    to_worker = forms.CharField(
        label=_("New case worker"),
        max_length=150,
        help_text=USER_HELP,
        widget=PickerInput("user", organization_field="to_organization"),
    )
    note = forms.CharField(label=_("Reason"), required=False, max_length=300)
