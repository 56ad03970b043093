"""Case-management pages: caseload, overdue list, open a case, the case itself. Thin views over
services; every read of a case is audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.cases import access, queries, services
from amparo.cases.forms import (
    ActionForm,
    AssessmentForm,
    CloseForm,
    FollowUpForm,
    NoteForm,
    OpenCaseForm,
    ReferFromActionForm,
    StepForm,
    TransferForm,
)
from amparo.cases.models import STEP_ORDER, Case, CaseConsent, FollowUp, PlanAction, Step
from amparo.protection.models import Screening, Service
from amparo.registry.models import Person
from amparo.registry.queries import match_q


def _require_case_role(request):
    if not access.may_use_cases(policy.principal_for(request.user)):
        raise PermissionDenied


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def caseload(request):
    _require_case_role(request)
    p = policy.principal_for(request.user)
    worker = request.user
    username = request.GET.get("worker")
    if username and username != request.user.get_username():
        worker = get_object_or_404(get_user_model(), username=username)
        if not access.supervisor_orgs(p) and not p.is_system:
            raise PermissionDenied
    rows = queries.caseload(request.user, worker)
    audit.record_many(request.user, AuditAction.VIEW, Case, [c.pk for c in rows], request=request, summary="caseload")
    return render(
        request,
        "cases/caseload.html",
        {"cases": rows, "worker": worker, "is_supervisor": bool(access.supervisor_orgs(p))},
    )


@login_required
def case_search(request):
    """Find a person (among those the user may see) to open a case for."""
    _require_case_role(request)
    q = request.GET.get("q", "").strip()
    people = []
    if q:
        people = Person.objects.visible_to(request.user).active().filter(match_q(q))[:25]
    return render(request, "cases/case_search.html", {"q": q, "people": people})


@login_required
def overdue(request):
    p = policy.principal_for(request.user)
    if not (p.is_system or access.supervisor_orgs(p)):
        raise PermissionDenied
    rows = queries.overdue(request.user)
    audit.record_many(request.user, AuditAction.VIEW, Case, [c.pk for c in rows], request=request, summary="overdue")
    return render(request, "cases/overdue.html", {"cases": rows})


@login_required
def case_open(request, person_pk: int):
    """Open a case, after asking the person's consent to case management; a refusal is recorded
    (with its reason) and opens nothing."""
    _require_case_role(request)
    person = policy.get_visible_or_404(request.user, Person, pk=person_pk)
    p = policy.principal_for(request.user)
    screening = Screening.objects.visible_to(request.user).filter(person=person).first()
    form = OpenCaseForm(
        request.POST or None,
        organization_ids=access.opening_orgs(p, person),
        initial={"case_worker": request.user.pk, "priority": screening.priority if screening else 2},
    )
    if request.method == "GET":
        audit.record(request.user, AuditAction.VIEW, person, request=request, summary=f"case form: {person.full_name}")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["consent"] == "no":
                services.record_refusal(
                    actor=request.user,
                    person=person,
                    method=data["consent_method"],
                    given_by=data["consent_given_by"],
                    given_by_name=data["consent_given_by_name"],
                    reason=data["refusal_reason"],
                    request=request,
                )
                messages.info(request, _("The refusal is recorded; no case was opened."))
                return redirect("registry:person_detail", pk=person.pk)
            case = services.open_case(
                actor=request.user,
                person=person,
                consent_method=data["consent_method"],
                consent_given_by=data["consent_given_by"],
                consent_given_by_name=data["consent_given_by_name"],
                case_worker=data["case_worker"],
                supervisor=data["supervisor"],
                priority=data["priority"] or None,
                screening=screening,
                summary=data["summary"],
                request=request,
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            return redirect("cases:case_detail", pk=case.pk)
    refusals = policy.visible(request.user, CaseConsent).filter(person=person, given=False)[:5]
    return render(
        request,
        "cases/case_open.html",
        {"person": person, "form": form, "screening": screening, "refusals": refusals},
    )


@login_required
def case_detail(request, pk: int):
    case = policy.get_visible_or_404(request.user, queries.cases(request.user), pk=pk)
    audit.record(request.user, AuditAction.VIEW_SENSITIVE, case, request=request, summary=case.reference)
    later = STEP_ORDER[STEP_ORDER.index(case.step) + 1 :] if case.is_open else []
    step_form = StepForm(initial={"step": later[0] if later else ""})
    step_form.fields["step"].choices = [c for c in Step.choices if c[0] in later and c[0] != Step.CLOSURE]
    items = queries.open_items(case) if case.is_open else []
    actions = list(case.actions.select_related("owner", "referral__to_organization"))
    referrals = list(queries.referrals_of(request.user, case))
    assessment = case.assessments.prefetch_related("needs").select_related("bia").first()
    options = queries.referral_options(case) if case.is_open and any(a.status == "open" for a in actions) else []
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "stages": queries.stages(case),
            "consent": CaseConsent.objects.filter(case=case).first(),
            "assessment": assessment,
            "is_child": services.is_child(case),
            "actions": actions,
            "referrals": referrals,
            "follow_ups": case.follow_ups.all(),
            "notes": queries.notes_of(request.user, case),
            "events": case.events.all(),
            "step_form": step_form,
            "close_form": CloseForm(items=items, prefix="close"),
            "action_form": ActionForm(organization_id=case.organization_id),
            "refer_form": ReferFromActionForm(options=options) if options else None,
            "note_form": NoteForm(),
            "follow_up_form": FollowUpForm(),
            "transfer_form": TransferForm(initial={"to_organization": case.organization_id}),
            "person_visible": Person.objects.visible_to(request.user).filter(pk=case.person_id).exists(),
        },
    )


@login_required
def case_assess(request, pk: int):
    """The structured assessment: needs by domain, risks, strengths, and for a child the
    best-interests assessment."""
    case = policy.get_visible_or_404(request.user, queries.cases(request.user), pk=pk)
    if not access.can_manage(request.user, case):
        raise PermissionDenied
    child = services.is_child(case)
    form = AssessmentForm(request.POST or None, child=child)
    if request.method == "GET":
        audit.record(request.user, AuditAction.VIEW_SENSITIVE, case, request=request, summary="assessment form")
    if request.method == "POST" and form.is_valid():
        try:
            services.record_assessment(
                actor=request.user,
                case=case,
                needs=form.needs(),
                risks=form.cleaned_data["risks"],
                strengths=form.cleaned_data["strengths"],
                bia=form.bia(),
                request=request,
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            return redirect(reverse("cases:case_detail", args=[case.pk]) + "#assessment")
    factors = None
    if case.screening_id:
        from amparo.protection.services import factor_summary

        factors = factor_summary(case.screening)
    return render(request, "cases/case_assess.html", {"case": case, "form": form, "child": child, "factors": factors})


@login_required
def follow_ups_due(request):
    """Follow-ups due within a week or overdue, of open and closed cases: the worker's own, or for
    a supervisor (`?all=1`) the organization's."""
    _require_case_role(request)
    p = policy.principal_for(request.user)
    everyone = bool(request.GET.get("all")) and (p.is_system or bool(access.supervisor_orgs(p)))
    rows = list(queries.follow_ups_due(request.user, worker=None if everyone else request.user)[:500])
    audit.record_many(
        request.user,
        AuditAction.VIEW,
        Case,
        sorted({f.case_id for f in rows}),
        request=request,
        summary="follow-ups due",
    )
    return render(request, "cases/follow_ups_due.html", {"rows": rows, "everyone": everyone})


def _case_for_post(request, pk):
    return policy.get_visible_or_404(request.user, Case.objects.select_related("organization", "person"), pk=pk)


def _run(request, case_pk: int, fn, **kwargs):
    try:
        fn(actor=request.user, request=request, **kwargs)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("cases:case_detail", pk=case_pk)


@login_required
@require_POST
def case_step(request, pk: int):
    case = _case_for_post(request, pk)
    return _run(
        request,
        case.pk,
        services.advance_step,
        case=case,
        to_step=request.POST.get("step", ""),
        note=request.POST.get("note", ""),
        skip_reason=request.POST.get("skip_reason", ""),
    )


@login_required
@require_POST
def case_close(request, pk: int):
    case = _case_for_post(request, pk)
    form = CloseForm(request.POST, items=queries.open_items(case) if case.is_open else [], prefix="close")
    if not form.is_valid():
        _errors(request, ValidationError([f"{k}: {e}" for k, errs in form.errors.items() for e in errs]))
        return redirect("cases:case_detail", pk=pk)
    return _run(
        request,
        case.pk,
        services.close_case,
        case=case,
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"],
        open_item_reasons=form.item_reasons(),
        follow_up_date=form.cleaned_data["follow_up_date"],
        follow_up_kind=form.cleaned_data["follow_up_kind"] or "call",
        no_follow_up_reason=form.cleaned_data["no_follow_up_reason"],
        skip_reason=form.cleaned_data["skip_reason"],
    )


@login_required
@require_POST
def case_reopen(request, pk: int):
    case = _case_for_post(request, pk)
    return _run(request, case.pk, services.reopen_case, case=case, note=request.POST.get("note", ""))


@login_required
@require_POST
def case_review(request, pk: int):
    case = _case_for_post(request, pk)
    return _run(request, case.pk, services.review_plan, case=case, note=request.POST.get("note", ""))


@login_required
@require_POST
def action_add(request, pk: int):
    case = _case_for_post(request, pk)
    form = ActionForm(request.POST, organization_id=case.organization_id)
    if not form.is_valid():
        _errors(request, ValidationError([f"{k}: {e}" for k, errs in form.errors.items() for e in errs]))
        return redirect("cases:case_detail", pk=pk)
    return _run(request, case.pk, services.add_action, case=case, **form.cleaned_data)


@login_required
@require_POST
def action_finish(request, pk: int):
    action = get_object_or_404(policy.visible(request.user, PlanAction).select_related("case"), pk=pk)
    return _run(
        request, action.case_id, services.finish_action, action=action, status=request.POST.get("status", "done")
    )


@login_required
@require_POST
def action_refer(request, pk: int):
    """Refer from a plan action: the protection app makes the draft; its page sends it (consent)."""
    action = get_object_or_404(policy.visible(request.user, PlanAction).select_related("case__person"), pk=pk)
    case = action.case
    form = ReferFromActionForm(request.POST, options=queries.referral_options(case))
    if not form.is_valid():
        _errors(request, ValidationError([e for errs in form.errors.values() for e in errs]))
        return redirect("cases:case_detail", pk=case.pk)
    service = get_object_or_404(Service.objects.active().select_related("provider"), pk=form.cleaned_data["service"])
    try:
        referral = services.refer_from_action(
            actor=request.user, action=action, service=service, reason=form.cleaned_data["reason"], request=request
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("cases:case_detail", pk=case.pk)
    messages.success(
        request, _("Referral %(ref)s prepared: check what is shared and send it.") % {"ref": referral.reference}
    )
    return redirect("protection:referral_detail", pk=referral.pk)


@login_required
@require_POST
def case_profiles_reviewed(request, pk: int):
    case = _case_for_post(request, pk)
    return _run(request, case.pk, services.review_profile_change, case=case, note=request.POST.get("note", ""))


@login_required
@require_POST
def note_add(request, pk: int):
    case = _case_for_post(request, pk)
    return _run(
        request,
        case.pk,
        services.add_note,
        case=case,
        text=request.POST.get("text", ""),
        sensitivity=request.POST.get("sensitivity", "normal"),
    )


@login_required
@require_POST
def follow_up_add(request, pk: int):
    case = _case_for_post(request, pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        _errors(request, ValidationError([f"{k}: {e}" for k, errs in form.errors.items() for e in errs]))
        return redirect("cases:case_detail", pk=pk)
    return _run(request, case.pk, services.add_follow_up, case=case, **form.cleaned_data)


@login_required
@require_POST
def follow_up_done(request, pk: int):
    follow_up = get_object_or_404(policy.visible(request.user, FollowUp).select_related("case"), pk=pk)
    return _run(
        request,
        follow_up.case_id,
        services.record_follow_up,
        follow_up=follow_up,
        outcome=request.POST.get("outcome", ""),
    )


@login_required
@require_POST
def case_transfer(request, pk: int):
    case = _case_for_post(request, pk)
    form = TransferForm(request.POST)
    worker = get_user_model().objects.filter(username=request.POST.get("to_worker", "")).first()
    if not form.is_valid() or worker is None:
        messages.error(request, _("Choose an organization and an existing user name."))
        return redirect("cases:case_detail", pk=pk)
    response = _run(
        request,
        case.pk,
        services.transfer_case,
        case=case,
        to_worker=worker,
        to_organization=form.cleaned_data["to_organization"],
        note=form.cleaned_data["note"],
    )
    case.refresh_from_db()
    if not access.can_manage(request.user, case):
        messages.success(request, _("Case %(ref)s transferred.") % {"ref": case.reference})
        return redirect("cases:caseload")
    return response
