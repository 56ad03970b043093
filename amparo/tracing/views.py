"""Tracing pages: the inquiries list, recording an inquiry, one inquiry (candidates, the sought
person's answer, disclosures, closure), and the found-person note on the registry's person page.
Every page starts from the access policy; reading an inquiry is audited; every change goes
through a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.accounts.models import Organization
from amparo.registry.models import Person
from amparo.tracing import candidates as engine
from amparo.tracing import forms, queries, services
from amparo.tracing.access import sees_person
from amparo.tracing.codes import ConsentStatus, TracingState
from amparo.tracing.models import ConsentRequest, Inquiry, MatchCandidate


def _require_names(user) -> None:
    if not policy.principal_for(user).sees_names:
        raise PermissionDenied


def _organizations(user) -> list[Organization]:
    principal = policy.principal_for(user)
    return list(Organization.objects.filter(pk__in=principal.organization_ids(policy.NAMING_ROLES)).order_by("name"))


def _inquiry(request, pk: int) -> Inquiry:
    return policy.get_visible_or_404(request.user, Inquiry.objects.select_related("organization", "crisis"), pk=pk)


def _error(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(exc))


@login_required
def inquiry_list(request):
    _require_names(request.user)
    state = request.GET.get("state", "open")
    if state not in ("open", "", *TracingState.values):
        state = "open"
    rows = queries.inquiries(request.user, state=state, q=request.GET.get("q", ""))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    audit.record_many(request.user, AuditAction.SEARCH, Inquiry, [i.pk for i in page], request=request,
                      summary="tracing inquiries")  # fmt: skip
    return render(request, "tracing/inquiry_list.html", {
        "page": page, "state": state, "q": request.GET.get("q", ""),
        "states": [("open", _("Open")), ("", _("All")), *TracingState.choices],
        "rows": [(i, queries.state_for(request.user, i)) for i in page],
        "can_record": bool(_organizations(request.user)),
    })  # fmt: skip


@login_required
def inquiry_create(request):
    organizations = _organizations(request.user)
    if not organizations:
        raise PermissionDenied
    from amparo.crises.models import Crisis

    crises = list(policy.visible(request.user, Crisis).exclude(phase="closed").order_by("-pk")[:50])
    form = forms.InquiryForm(request.POST or None, crises=crises)
    chosen = request.POST.get("organization") or str(organizations[0].pk)
    organization = next((o for o in organizations if str(o.pk) == chosen), None)
    if request.method == "POST" and form.is_valid() and organization is not None:
        try:
            inquiry = services.record_inquiry(
                actor=request.user, organization=organization, data=form.to_data(), request=request
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Inquiry recorded. Matching runs in the background."))
            return redirect("tracing:inquiry_detail", pk=inquiry.pk)
    return render(request, "tracing/inquiry_form.html", {"form": form, "organizations": organizations})


@login_required
def inquiry_detail(request, pk: int):
    inquiry = _inquiry(request, pk)
    user = request.user
    inquiry_side = queries.is_inquiry_side(user, inquiry)
    audit.record(user, AuditAction.VIEW, inquiry, request=request, summary="tracing inquiry")
    candidate_rows = queries.candidates_for(user, inquiry)
    for row in candidate_rows:
        row["why"] = engine.explain(row["candidate"].reasons) if row["visible"] else ""
        row["may_decide"] = row["candidate"].state == "proposed" and services._may_decide(
            policy.principal_for(user), row["candidate"]
        )
    consents = []
    for consent in queries.consents_for(user, inquiry):
        person_side = sees_person(user, consent.person_id)
        consents.append({
            "consent": consent, "person_side": person_side,
            "answer_form": forms.ConsentAnswerForm(prefix=f"c{consent.pk}")
            if person_side and consent.status == ConsentStatus.ASKED else None,
            "may_answer_for_child": consent.is_child and services.can_decide_for_child(user),
            "disclose_form": forms.DisclosureForm(prefix=f"d{consent.pk}")
            if person_side and consent.status == ConsentStatus.GIVEN else None,
        })  # fmt: skip
    code, label = queries.state_for(user, inquiry)
    principal = policy.principal_for(user)
    return render(request, "tracing/inquiry_detail.html", {
        "inquiry": inquiry, "state_code": code, "state_label": label, "inquiry_side": inquiry_side,
        "inquirer_visible": queries.inquirer_visible(user, inquiry),
        "inquirer_status": services.inquirer_status(inquiry),
        "candidates": candidate_rows, "consents": consents,
        "disclosures": queries.disclosures_for(user, inquiry),
        "close_form": forms.CloseForm() if inquiry_side and inquiry.state not in (
            TracingState.CLOSED_DECEASED, TracingState.CLOSED_REFUSED, TracingState.CLOSED_NO_RESULT) else None,
        "may_approve": inquiry_side and inquiry.deceased_proposed_at and not inquiry.deceased_approved_by_id
        and inquiry.organization_id in principal.organization_ids(["supervisor"]),
    })  # fmt: skip


@login_required
@require_POST
def candidate_decide(request, pk: int, decision: str):
    if decision not in ("confirm", "reject"):
        raise Http404
    candidate = policy.get_visible_or_404(request.user, MatchCandidate.objects.select_related("inquiry"), pk=pk)
    try:
        services.decide_candidate(
            actor=request.user, candidate=candidate, confirm=decision == "confirm", request=request
        )
    except services.TracingRefused as exc:
        _error(request, exc)
    else:
        messages.success(
            request, _("Confirmed: the person is being asked.") if decision == "confirm" else _("Rejected.")
        )
    return redirect("tracing:inquiry_detail", pk=candidate.inquiry_id)


@login_required
@require_POST
def consent_answer(request, pk: int):
    consent = policy.get_visible_or_404(request.user, ConsentRequest, pk=pk)
    form = forms.ConsentAnswerForm(request.POST, prefix=f"c{consent.pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.record_consent_answer(
                actor=request.user, consent=consent, given=d["given"], allows=d["allows"],
                source="authority" if consent.is_child else "staff", authority_name=d["authority_name"],
                authority_reference=d["authority_reference"], note=d["note"], request=request,
            )  # fmt: skip
        except (services.TracingRefused, ValidationError) as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The answer is recorded."))
    else:
        messages.error(request, _("Choose the answer."))
    return redirect("tracing:inquiry_detail", pk=consent.inquiry_id)


@login_required
@require_POST
def disclose(request, pk: int):
    consent = policy.get_visible_or_404(request.user, ConsentRequest, pk=pk)
    form = forms.DisclosureForm(request.POST, prefix=f"d{consent.pk}")
    if form.is_valid():
        try:
            services.disclose(actor=request.user, consent=consent, kind=form.cleaned_data["kind"],
                              content=form.cleaned_data["content"], request=request)  # fmt: skip
        except (services.TracingRefused, ValidationError) as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Passed on to the inquirer (recorded)."))
    else:
        messages.error(request, _("Write what is passed on."))
    return redirect("tracing:inquiry_detail", pk=consent.inquiry_id)


@login_required
@require_POST
def inquiry_close(request, pk: int):
    inquiry = _inquiry(request, pk)
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close_inquiry(actor=request.user, inquiry=inquiry, request=request, **form.cleaned_data)
        except (services.TracingRefused, ValidationError) as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Saved."))
    return redirect("tracing:inquiry_detail", pk=inquiry.pk)


@login_required
@require_POST
def inquiry_approve_deceased(request, pk: int):
    inquiry = _inquiry(request, pk)
    try:
        services.approve_deceased(actor=request.user, inquiry=inquiry, request=request)
    except services.TracingRefused as exc:
        _error(request, exc)
    return redirect("tracing:inquiry_detail", pk=inquiry.pk)


@login_required
@require_POST
def note_create(request, person_id: int):
    person = policy.get_visible_or_404(request.user, Person, pk=person_id)
    form = forms.FoundNoteForm(request.POST)
    if form.is_valid():
        try:
            services.record_found_note(actor=request.user, person=person, request=request, **form.cleaned_data)
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Note recorded. Open inquiries are checked in the background."))
    return redirect("registry:person_detail", pk=person.pk)
