"""Case-management pages: caseload, overdue list, open a case, the case itself. Thin views over
services; every read of a case is audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.cases import access, queries, services
from amparo.cases.forms import ActionForm, CloseForm, FollowUpForm, NoteForm, OpenCaseForm, StepForm, TransferForm
from amparo.cases.models import STEP_ORDER, Case, FollowUp, PlanAction, Step
from amparo.protection.models import Screening
from amparo.registry.models import Person
from amparo.registry.queries import match_q


def _require_case_role(request):
    p = policy.principal_for(request.user)
    if not (p.is_system or access.case_orgs(p)):
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
    _require_case_role(request)
    person = policy.get_visible_or_404(request.user, Person, pk=person_pk)
    p = policy.principal_for(request.user)
    screening = Screening.objects.visible_to(request.user).filter(person=person).first()
    form = OpenCaseForm(
        request.POST or None,
        organization_ids=access.case_orgs(p),
        initial={"case_worker": request.user.pk, "priority": screening.priority if screening else 2},
    )
    if request.method == "GET":
        audit.record(request.user, AuditAction.VIEW, person, request=request, summary=f"case form: {person.full_name}")
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(
                actor=request.user,
                person=person,
                case_worker=form.cleaned_data["case_worker"],
                supervisor=form.cleaned_data["supervisor"],
                priority=form.cleaned_data["priority"] or None,
                screening=screening,
                summary=form.cleaned_data["summary"],
                request=request,
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/case_open.html", {"person": person, "form": form, "screening": screening})


@login_required
def case_detail(request, pk: int):
    case = policy.get_visible_or_404(request.user, queries.cases(request.user), pk=pk)
    audit.record(request.user, AuditAction.VIEW_SENSITIVE, case, request=request, summary=case.reference)
    later = STEP_ORDER[STEP_ORDER.index(case.step) + 1 :] if case.is_open else []
    step_form = StepForm(initial={"step": later[0] if later else ""})
    step_form.fields["step"].choices = [c for c in Step.choices if c[0] in later and c[0] != Step.CLOSURE]
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "steps": Step.choices,
            "step_index": STEP_ORDER.index(case.step),
            "actions": case.actions.select_related("owner", "referral"),
            "follow_ups": case.follow_ups.all(),
            "notes": queries.notes_of(request.user, case),
            "events": case.events.all(),
            "step_form": step_form,
            "close_form": CloseForm(),
            "action_form": ActionForm(organization_id=case.organization_id),
            "note_form": NoteForm(),
            "follow_up_form": FollowUpForm(),
            "transfer_form": TransferForm(initial={"to_organization": case.organization_id}),
            "person_visible": Person.objects.visible_to(request.user).filter(pk=case.person_id).exists(),
        },
    )


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
    )


@login_required
@require_POST
def case_close(request, pk: int):
    case = _case_for_post(request, pk)
    return _run(
        request,
        case.pk,
        services.close_case,
        case=case,
        reason=request.POST.get("reason", ""),
        note=request.POST.get("note", ""),
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
