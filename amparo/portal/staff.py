"""The staff side of the portal: information pages (write, review, publish), self-registrations
waiting for verification, and what people did or asked about their own data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.accounts.models import Organization
from amparo.portal import services
from amparo.portal.access import EDITOR_ROLES
from amparo.portal.codes import RegistrationStatus, RequestStatus, VersionStatus
from amparo.portal.forms import LANGUAGE_NAMES, DecisionForm, PageForm, VersionForm
from amparo.portal.models import LANGUAGES, DataRequest, InfoPage, InfoPageVersion, SelfRegistration
from amparo.portal.text import render_text


def _editor_organizations(user):
    principal = policy.principal_for(user)
    return Organization.objects.filter(pk__in=principal.organization_ids(EDITOR_ROLES)).order_by("name")


@login_required
def staff_home(request):
    principal = policy.principal_for(request.user)
    if not principal.organization_ids(EDITOR_ROLES):
        raise PermissionDenied
    pages = policy.visible(request.user, InfoPage).select_related("organization").prefetch_related("versions")
    rows = []
    for page in pages:
        by_language = {}
        for version in sorted(page.versions.all(), key=lambda v: -v.number):
            current = by_language.setdefault(version.language, {"published": None, "draft": None})
            if version.status == VersionStatus.PUBLISHED:
                current["published"] = version
            elif version.status in (VersionStatus.DRAFT, VersionStatus.IN_REVIEW) and current["draft"] is None:
                current["draft"] = version
        rows.append({"page": page, "languages": [(code, by_language.get(code, {})) for code in LANGUAGES]})
    return render(
        request,
        "portal/staff_home.html",
        {
            "rows": rows,
            "form": PageForm(language=request.LANGUAGE_CODE),
            "organizations": _editor_organizations(request.user),
            "pending_registrations": policy.visible(request.user, SelfRegistration).pending().count(),
            "open_requests": policy.visible(request.user, DataRequest).filter(status=RequestStatus.OPEN).count(),
            "languages": LANGUAGES,
        },
    )


@login_required
@require_POST
def page_create(request):
    form = PageForm(request.POST, language=request.LANGUAGE_CODE)
    organization = _editor_organizations(request.user).filter(pk=request.POST.get("organization") or 0).first()
    if organization is None:
        organization = _editor_organizations(request.user).first()
    if organization is None:
        raise PermissionDenied
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("portal:staff_home")
    page = services.create_page(
        actor=request.user,
        organization=organization,
        country=form.cleaned_data["country"],
        topic=form.cleaned_data["topic"],
    )
    return redirect(
        "portal:staff_page", pk=page.pk, language=request.LANGUAGE_CODE if request.LANGUAGE_CODE in LANGUAGES else "es"
    )


@login_required
def staff_page(request, pk: int, language: str):
    page = policy.get_visible_or_404(request.user, InfoPage.objects.select_related("organization"), pk=pk)
    if language not in LANGUAGES:
        language = "es"
    versions = list(page.versions.filter(language=language).order_by("-number"))
    published = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    draft = next((v for v in versions if v.status in (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)), None)
    source = draft or published
    form = VersionForm(request.POST or None, initial={"title": source.title, "body": source.body} if source else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_draft(actor=request.user, page=page, language=language, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "✓")
            return redirect("portal:staff_page", pk=page.pk, language=language)
    return render(
        request,
        "portal/staff_page.html",
        {
            "page": page, "language": language, "language_name": LANGUAGE_NAMES[language],
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES], "versions": versions,
            "published": published, "draft": draft, "form": form,
            "preview": render_text(draft.body) if draft else None,
        },
    )  # fmt: skip


@login_required
@require_POST
def version_action(request, pk: int):
    version = InfoPageVersion.objects.select_related("page").filter(pk=pk).first()
    if version is None or not policy.visible(request.user, InfoPage).filter(pk=version.page_id).exists():
        from django.http import Http404

        raise Http404
    action = {"submit": services.submit_for_review, "publish": services.publish, "send_back": services.send_back,
              "withdraw": services.withdraw_page}.get(request.POST.get("action", ""))  # fmt: skip
    if action is None:
        raise PermissionDenied
    try:
        action(actor=request.user, version=version)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("portal:staff_page", pk=version.page_id, language=version.language)


@login_required
def registrations(request):
    rows = policy.visible(request.user, SelfRegistration).select_related("person", "organization", "decided_by")
    if not policy.principal_for(request.user).organization_ids(policy.REGISTRY_WRITERS):
        raise PermissionDenied
    pending = rows.filter(status=RegistrationStatus.UNVERIFIED).order_by("created_at")
    decided = rows.exclude(status=RegistrationStatus.UNVERIFIED).order_by("-decided_at")[:50]
    audit.record_many(request.user, AuditAction.VIEW, SelfRegistration, [r.person_id for r in pending],
                      request=request, summary="self-registrations to verify")  # fmt: skip
    return render(request, "portal/staff_registrations.html", {"pending": pending, "decided": decided})


@login_required
@require_POST
def registration_decide(request, pk: int):
    registration = policy.get_visible_or_404(request.user, SelfRegistration.objects.select_related("person"), pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.decide_registration(actor=request.user, registration=registration,
                                     verified=request.POST.get("decision") == "verify",
                                     note=form.cleaned_data.get("note", ""), request=request)  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("portal:staff_registrations")


@login_required
def requests_list(request):
    if not policy.principal_for(request.user).organization_ids(policy.REGISTRY_WRITERS):
        raise PermissionDenied
    rows = policy.visible(request.user, DataRequest).select_related("person", "handled_by")
    open_rows = rows.filter(status=RequestStatus.OPEN).order_by("created_at")
    recent = rows.exclude(status=RequestStatus.OPEN).order_by("-created_at")[:50]
    audit.record_many(request.user, AuditAction.VIEW, DataRequest, [r.pk for r in open_rows], request=request,
                      summary="requests from people about their data")  # fmt: skip
    return render(request, "portal/staff_requests.html", {"open_rows": open_rows, "recent": recent})


@login_required
@require_POST
def request_decide(request, pk: int):
    data_request = policy.get_visible_or_404(request.user, DataRequest, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.handle_request(actor=request.user, data_request=data_request,
                                done=request.POST.get("decision") == "done", note=form.cleaned_data.get("note", ""),
                                request=request)  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("portal:staff_requests")
