"""Protection pages: screening, the service directory, referrals. Thin: a scoped fetch, a form,
a service call, a render. Reads of screenings and referrals are audited."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction, ConsentPurpose
from amparo.protection import access, queries, services
from amparo.protection.codes import (
    ACTION_LABELS,
    TRANSITIONS,
    Answer,
    AsylumWish,
    FactorLevel,
    ReferralStatus,
    ServiceKind,
    UrgentFlag,
)
from amparo.protection.forms import CapacityForm, DirectorySearchForm, ReferralForm, ScreeningForm
from amparo.protection.models import (
    Indicator,
    PathwayStep,
    Profile,
    Referral,
    Screening,
    ScreeningSuggestion,
    Service,
)
from amparo.protection.sharing import display_rows
from amparo.registry.models import Consent, Person
from amparo.registry.queries import match_q


def _require_screening_seat(request):
    if not access.may_use_screenings(request.user):
        raise PermissionDenied


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- Screening -----------------------------------------------------------------------------


@login_required
def screening_index(request):
    """Find a person to screen, and the latest screenings of the organization."""
    _require_screening_seat(request)
    q = request.GET.get("q", "").strip()
    people = []
    if q:
        people = Person.objects.visible_to(request.user).active().filter(match_q(q))[:25]
    recent = list(
        policy.visible(request.user, Screening).select_related("person", "organization").order_by("-screened_at")[:25]
    )
    people = list(people)
    audit.record_many(
        request.user,
        AuditAction.SEARCH if q else AuditAction.VIEW,
        Person,
        dict.fromkeys([p.pk for p in people] + [s.person_id for s in recent]),
        request=request,
        summary=q[:100] or "screenings",
    )
    return render(request, "protection/screening_index.html", {"q": q, "people": people, "recent": recent})


READ_LANGUAGES = ("es", "en", "fr", "ht", "pt")


def _read_language(request, person: Person) -> str:
    """The language to read the questions aloud in: the one asked for, else the person's."""
    asked = request.GET.get("read", "")
    if asked in READ_LANGUAGES or asked == "-":
        return "" if asked == "-" else asked
    for tag in [person.preferred_language, *(person.languages or [])]:
        lang = (tag or "").split("-")[0].lower()
        if lang in READ_LANGUAGES:
            return lang if lang != (get_language() or "en").split("-")[0] else ""
    return ""


@login_required
def screening_new(request, person_pk: int):
    _require_screening_seat(request)
    person = policy.get_visible_or_404(request.user, Person, pk=person_pk)
    if not access.can_identify(request.user, person):
        raise PermissionDenied
    draft = services.draft_for(request.user, person)
    facts = services.person_facts(person)
    household = queries.household_facts(person)
    initial = {}
    if draft is not None:
        initial = {f"q_{code}": value for code, value in draft.answers.items()}
        initial.update(wishes_asylum=draft.wishes_asylum, note=draft.note)
    elif household["children"]:
        initial["q_travelling_with_children"] = "yes"
        if not household["other_adults"]:
            initial["q_sole_caregiver"] = "yes"
    read_language = _read_language(request, person)
    form = ScreeningForm(
        request.POST or None, initial=initial, person_age=facts["age"], facts=facts, read_language=read_language
    )
    if request.method == "GET":
        audit.record(
            request.user, AuditAction.VIEW, person, request=request, summary=f"screening form: {person.full_name}"
        )
    if request.method == "POST" and form.is_valid():
        fields = {
            "actor": request.user,
            "person": person,
            "answers": form.answers(),
            "wishes_asylum": form.cleaned_data["wishes_asylum"],
            "note": form.cleaned_data["note"],
            "request": request,
        }
        try:
            if "save_draft" in request.POST:
                services.save_draft(**fields)
            else:
                screening = services.screen_person(draft=draft, **fields)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            if "save_draft" in request.POST:
                messages.success(request, _("Draft saved. You can resume it from this page."))
                return redirect(request.get_full_path())
            messages.success(request, _("Screening saved. Review each suggested profile."))
            return redirect("protection:screening_detail", pk=screening.pk)
    languages = dict(settings.LANGUAGES)
    return render(
        request,
        "protection/screening_form.html",
        {
            "person": person,
            "form": form,
            "draft": draft,
            "household": household,
            "facts_json": json.dumps({k: v for k, v in facts.items() if v is not None}),
            "read_language": read_language,
            "read_language_name": languages.get(read_language, ""),
            "read_choices": [(code, languages[code]) for code in READ_LANGUAGES],
        },
    )


@login_required
def screening_detail(request, pk: int):
    screening = policy.get_visible_or_404(
        request.user, Screening.objects.select_related("person", "organization"), pk=pk
    )
    audit.record(
        request.user,
        AuditAction.VIEW_SENSITIVE,
        screening,
        request=request,
        summary=f"screening of person {screening.person_id}",
    )
    return render(request, "protection/screening_detail.html", _screening_context(request, screening))


def _indicator_text(indicators: dict, code: str) -> str:
    """An indicator's question, never its code: the person's own wish to seek asylum is not a
    question of the list but routes like one (defaults.RULES)."""
    if code in indicators:
        return indicators[code].question_text
    if code == "wishes_asylum":
        return str(AsylumWish.YES.label)
    return code


def _screening_context(request, screening: Screening) -> dict:
    indicators = {i.code: i for i in Indicator.objects.all()}
    suggestions = list(screening.suggestions.select_related("profile"))
    for s in suggestions:
        s.indicator_texts = [_indicator_text(indicators, c) for c in s.indicators]
    flags = dict(UrgentFlag.choices)
    answer_labels = dict(Answer.choices)

    def answer_text(code, value):
        ind = indicators.get(code)
        if ind is not None and ind.options:
            labels = dict(ind.option_choices())
            values = value if isinstance(value, list) else [value]
            return ", ".join(str(labels.get(v, v)) for v in values)
        return answer_labels.get(value, value) if isinstance(value, str) else value

    levels = dict(FactorLevel.choices)

    def text(code):
        return _indicator_text(indicators, code)

    factors = [
        (levels.get(level, level), [text(c) for c in kinds["risk"]], [text(c) for c in kinds["protective"]])
        for level, kinds in services.factor_summary(screening).items()
    ]
    history = queries.screenings_of(request.user, screening.person)
    return {
        "screening": screening,
        "person": screening.person,
        "suggestions": suggestions,
        "flags": [flags.get(f, f) for f in screening.urgent_flags],
        "factors": factors,
        "indicators": indicators,
        "answers": [(text(c), answer_text(c, v)) for c, v in screening.answers.items()],
        "deadlines": _deadlines(screening),
        "interpreter": answer_text("interpretation_language", screening.answers["interpretation_language"])
        if screening.answers.get("needs_interpretation") == "yes" and "interpretation_language" in screening.answers
        else (_("yes") if screening.answers.get("needs_interpretation") == "yes" else ""),
        "proposals": queries.proposals_for(screening),
        "no_pathway": queries.no_pathway_for(screening),
        "confirmed_count": sum(1 for s in suggestions if s.decision == "confirmed"),
        "history": history,
        "can_review": access.can_review(request.user, screening),
        "can_refer": access.can_screen(request.user, screening.person),
        "can_screen_again": access.can_identify(request.user, screening.person),
        "profiles": Profile.objects.filter(is_active=True).exclude(pk__in=[s.profile_id for s in suggestions]),
    }


def _deadlines(screening: Screening) -> list[dict]:
    """The time-critical care windows still open (or closed since), for the result's banner."""
    labels = {
        "pep": _("Post-exposure prophylaxis (HIV) and emergency contraception: before"),
        "contraception": _("Emergency contraception (some methods): before"),
    }
    now = timezone.now()
    return [
        {"kind": kind, "label": labels[kind], "until": until, "closed": until <= now}
        for kind, until in screening.care_deadlines()
    ]


@login_required
@require_POST
def suggestion_decide(request, pk: int):
    suggestion = policy.get_visible_or_404(
        request.user, ScreeningSuggestion.objects.select_related("screening__person", "profile"), pk=pk
    )
    decision = request.POST.get("decision", "")
    try:
        services.decide_suggestion(
            actor=request.user,
            suggestion=suggestion,
            decision=decision,
            note=request.POST.get("note", ""),
            request=request,
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(reverse("protection:screening_detail", args=[suggestion.screening_id]) + "#profiles")


@login_required
@require_POST
def profile_add(request, pk: int):
    screening = policy.get_visible_or_404(request.user, Screening.objects.select_related("person"), pk=pk)
    profile = get_object_or_404(Profile, pk=request.POST.get("profile") or 0)
    services.add_profile(actor=request.user, screening=screening, profile=profile, request=request)
    return redirect(reverse("protection:screening_detail", args=[screening.pk]) + "#profiles")


# --- Referrals -----------------------------------------------------------------------------


@login_required
def referral_new(request, screening_pk: int, step_pk: int, service_pk: int):
    """Prepare a referral proposed by the pathway: choose what to share, record consent, send."""
    screening = policy.get_visible_or_404(
        request.user, Screening.objects.select_related("person", "organization"), pk=screening_pk
    )
    if not access.can_screen(request.user, screening.person):
        raise PermissionDenied  # first-contact staff identify; case workers and consuls refer
    step = get_object_or_404(PathwayStep.objects.select_related("pathway__profile"), pk=step_pk)
    service = get_object_or_404(Service.objects.active().select_related("provider"), pk=service_pk)
    person = screening.person
    has_consent = Consent.objects.active(ConsentPurpose.REFERRALS).filter(person=person).exists()
    form = ReferralForm(request.POST or None, initial={"urgency": step.pathway.urgency})
    if request.method == "GET":
        audit.record(
            request.user, AuditAction.VIEW, person, request=request, summary=f"referral form: {person.full_name}"
        )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # a refused send leaves no half-made draft behind
                referral = _create_and_maybe_send(request, form, screening, step, service, person)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            return redirect("protection:referral_detail", pk=referral.pk)
    return render(
        request,
        "protection/referral_form.html",
        {
            "form": form,
            "person": person,
            "screening": screening,
            "step": step,
            "service": service,
            "has_consent": has_consent,
        },
    )


def _create_and_maybe_send(request, form, screening, step, service, person):
    referral = services.create_referral(
        actor=request.user,
        person=person,
        to_organization=service.provider,
        service=service,
        service_kind=step.service_kind,
        profile=step.pathway.profile,
        pathway=step.pathway,
        screening=screening,
        reason=form.cleaned_data["reason"],
        shared_fields=form.cleaned_data["shared_fields"],
        urgency=form.cleaned_data["urgency"],
        from_organization=screening.organization,
        request=request,
    )
    if "send" in request.POST:
        services.send_referral(
            actor=request.user, referral=referral, consent_method=form.cleaned_data["consent_method"], request=request
        )
        messages.success(request, _("Referral sent to %(org)s.") % {"org": service.provider.name})
    else:
        messages.success(request, _("Referral saved as a draft."))
    return referral


@login_required
def referral_list(request):
    principal = policy.principal_for(request.user)
    if not principal.sees_names:
        raise PermissionDenied
    box = request.GET.get("box") or ("sent" if principal.organization_ids(policy.SENSITIVE_ROLES) else "inbox")
    status = request.GET.get("status", "")
    rows = queries.inbox(request.user) if box == "inbox" else queries.outbox(request.user)
    if status in ReferralStatus.values:
        rows = rows.filter(status=status)
    if request.GET.get("overdue"):
        rows = rows.filter(overdue_flagged_at__isnull=False, status=ReferralStatus.SENT)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    audit.record_many(
        request.user, AuditAction.VIEW, Referral, [r.pk for r in page], request=request, summary=f"referral {box}"
    )
    return render(
        request,
        "protection/referral_list.html",
        {
            "page": page,
            "box": box,
            "status": status,
            "statuses": ReferralStatus.choices,
            "can_send": bool(principal.organization_ids(policy.SENSITIVE_ROLES)) or principal.is_system,
        },
    )


@login_required
def referral_detail(request, pk: int):
    referral = policy.get_visible_or_404(
        request.user, Referral.objects.select_related("from_organization", "to_organization", "service"), pk=pk
    )
    sender = access.is_sender(request.user, referral)
    receiver = access.is_receiver(request.user, referral) and referral.status != ReferralStatus.DRAFT
    audit.record(
        request.user,
        AuditAction.VIEW_SENSITIVE if sender else AuditAction.VIEW,
        referral,
        request=request,
        summary="referral" + (" (shared fields)" if not sender else ""),
    )
    actions = []
    for (frm, to), side in TRANSITIONS.items():
        if (
            frm == referral.status
            and to != ReferralStatus.SENT
            and ((side == "sender" and sender) or (side == "receiver" and receiver))
        ):
            actions.append((to, ACTION_LABELS[to]))
    context = {
        "referral": referral,
        "sender": sender,
        "receiver": receiver,
        "rows": display_rows(referral.shared_data),
        "actions": actions,
        "events": referral.events.all(),
        "can_send": sender and referral.status == ReferralStatus.DRAFT,
        "care_deadlines": referral.care_deadline_rows() if _shares_urgency(referral, sender) else [],
    }
    if sender:
        context["person"] = referral.person
        context["has_consent"] = (
            Consent.objects.active(ConsentPurpose.REFERRALS).filter(person=referral.person).exists()
        )
        context["form"] = ReferralForm(
            initial={"urgency": referral.urgency, "shared_fields": referral.shared_fields, "reason": referral.reason}
        )
    return render(request, "protection/referral_detail.html", context)


def _shares_urgency(referral: Referral, sender: bool) -> bool:
    """The care windows after a sexual assault show to the sender, and to the provider when the
    sender shared the urgent flags or the profiles (the deadline says no more than they do)."""
    return sender or bool({"urgent_flags", "profiles"} & set(referral.shared_fields))


@login_required
@require_POST
def referral_profiles_reviewed(request, pk: int):
    referral = policy.get_visible_or_404(request.user, Referral, pk=pk)
    try:
        services.review_profile_change(
            actor=request.user, referral=referral, note=request.POST.get("note", ""), request=request
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("protection:referral_detail", pk=pk)


@login_required
@require_POST
def referral_send(request, pk: int):
    referral = policy.get_visible_or_404(request.user, Referral.objects.select_related("person"), pk=pk)
    form = ReferralForm(request.POST, initial={"urgency": referral.urgency})
    if not form.is_valid():
        _errors(request, ValidationError([e for errs in form.errors.values() for e in errs]))
        return redirect("protection:referral_detail", pk=pk)
    try:
        services.send_referral(
            actor=request.user,
            referral=referral,
            consent_method=form.cleaned_data["consent_method"],
            shared_fields=form.cleaned_data["shared_fields"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
        messages.success(request, _("Referral sent to %(org)s.") % {"org": referral.to_organization.name})
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("protection:referral_detail", pk=pk)


@login_required
@require_POST
def referral_transition(request, pk: int):
    referral = policy.get_visible_or_404(request.user, Referral, pk=pk)
    to_status = request.POST.get("to", "")
    if to_status not in ReferralStatus.values:
        raise Http404
    try:
        services.transition_referral(
            actor=request.user,
            referral=referral,
            to_status=to_status,
            note=request.POST.get("note", ""),
            request=request,
        )
        messages.success(request, _("Referral is now: %(status)s.") % {"status": referral.get_status_display()})
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("protection:referral_detail", pk=pk)


# --- Service directory ---------------------------------------------------------------------


def _search(request):
    form = DirectorySearchForm(request.GET or None)
    found = []
    if form.is_valid() or not request.GET:
        data = form.cleaned_data if request.GET else {}
        lat, lon = data.get("lat"), data.get("lon")
        found = queries.search_services(
            kind=data.get("kind", ""),
            lat=lat,
            lon=lon,
            radius_km=data.get("radius_km") if lat is not None else None,
            with_capacity=data.get("with_capacity", False),
            user=request.user,
        )
    return form, found


@login_required
def directory(request):
    principal = policy.principal_for(request.user)
    if not principal.seats and not principal.is_system:
        raise PermissionDenied
    form, found = _search(request)
    mine = Service.objects.active().filter(provider_id__in=principal.organization_ids(policy.NAMING_ROLES))
    return render(
        request,
        "protection/directory.html",
        {
            "form": form,
            "found": found,
            "mine": mine,
            "kinds": ServiceKind.choices,
            "map_query": request.GET.urlencode(),
        },
    )


@login_required
def directory_geojson(request):
    """The directory search as GeoJSON, for the map (same filters as the list)."""
    principal = policy.principal_for(request.user)
    if not principal.seats and not principal.is_system:
        raise PermissionDenied
    _form, found = _search(request)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [f.service.longitude, f.service.latitude]},
            "properties": {
                "name": f.service.name,
                "provider": f.service.provider.name,
                "kind": f.service.get_kind_display(),
                "free": f.service.capacity_free,
                "distance_km": round(f.distance_km, 1) if f.distance_km is not None else None,
            },
        }
        for f in found
        if f.service.latitude is not None and f.service.longitude is not None
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
def capacity_update(request, pk: int):
    service = policy.get_visible_or_404(request.user, Service.objects.select_related("provider"), pk=pk)
    if not access.can_update_capacity(request.user, service):
        raise PermissionDenied
    form = CapacityForm(
        request.POST or None, initial={"capacity_free": service.capacity_free, "capacity_total": service.capacity_total}
    )
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.update_capacity(
                actor=request.user,
                service=service,
                free=form.cleaned_data["capacity_free"],
                total=form.cleaned_data["capacity_total"],
                request=request,
            )
            saved = True
        except ValidationError as exc:
            form.add_error("capacity_free", exc)
    template = "protection/_capacity.html" if request.headers.get("HX-Request") else "protection/capacity.html"
    return render(request, template, {"service": service, "form": form, "saved": saved})


# --- The directory per country: pathways, authorities, review --------------------------------


def _require_member(request):
    principal = policy.principal_for(request.user)
    if not principal.seats and not principal.is_system:
        raise PermissionDenied
    return principal


@login_required
def directory_countries(request):
    """The nine countries' directories: pathways, gaps, last load and review."""
    _require_member(request)
    from amparo.core.gazetteer import REGION
    from amparo.protection.models import CountryDirectory, ReferralPathway

    rows = {d.country: d for d in CountryDirectory.objects.all()}
    active = {}
    for country, count in (
        ReferralPathway.objects.filter(is_active=True, subdivision="").values_list("country").annotate(n=Count("pk"))
    ):
        active[country] = count
    profiles = Profile.objects.filter(is_active=True).count()
    countries = [
        {"code": c, "directory": rows.get(c), "pathways": active.get(c, 0), "gaps": profiles - active.get(c, 0)}
        for c in REGION
    ]
    return render(request, "protection/directory_countries.html", {"countries": countries})


@login_required
def directory_country(request, country: str):
    _require_member(request)
    from amparo.protection.models import CountryDirectory, ReferralPathway

    directory = get_object_or_404(CountryDirectory, country=country.upper())
    pathways = list(
        ReferralPathway.objects.filter(country=directory.country, is_active=True)
        .select_related("profile")
        .prefetch_related("steps")
        .order_by("profile__order", "subdivision")
    )
    covered = {p.profile_id for p in pathways if not p.subdivision}
    gaps = [
        (profile, directory.contacts.get(profile.code) or {})
        for profile in Profile.objects.filter(is_active=True).exclude(pk__in=covered)
    ]
    return render(
        request,
        "protection/directory_country.html",
        {
            "directory": directory,
            "pathways": pathways,
            "gaps": gaps,
            "reviews": directory.reviews.select_related("organization")[:10],
            "can_review": access.reviewing_organization_id(request.user, directory.country) is not None,
        },
    )


@login_required
@require_POST
def directory_review(request, country: str):
    try:
        services.review_directory(
            actor=request.user, country=country, note=request.POST.get("note", ""), request=request
        )
        messages.success(request, _("Review recorded."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("protection:directory_country", country=country.upper())
