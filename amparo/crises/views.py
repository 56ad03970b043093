"""Crisis pages: thin views that start from the access policy and call services or queries."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.http import require_POST

from amparo.accounts import audit, disclosure, policy
from amparo.accounts.codes import AuditAction
from amparo.core import ui
from amparo.crises import cap, charts, geo, map_layer, queries
from amparo.crises.access import (
    can_change_crisis,
    can_manage_crises,
    can_set_alert_level,
    can_write_welfare,
    manager_organizations,
)
from amparo.crises.cap_import import import_batch
from amparo.crises.codes import ACCOUNTED_FOR, AreaKind, Need, WelfareCode, WelfareSource
from amparo.crises.export import stream_affected_csv, write_counts_csv
from amparo.crises.forms import AlertLevelForm, AreasForm, CapImportForm, CrisisForm, WelfareForm
from amparo.crises.models import CapFeed, Crisis, WelfareStatus
from amparo.crises.services import (
    WelfareUpdateRefused,
    create_crisis,
    set_alert_level,
    set_areas,
    update_crisis,
    update_welfare,
)
from amparo.registry.access import can_see_position
from amparo.registry.models import Person

# What importing a CAP message did to its crisis, in words (cap_import.CapOutcome.action is a code).
CAP_OUTCOMES = {
    "created": pgettext_lazy("CAP import outcome", "opened"),
    "updated": pgettext_lazy("CAP import outcome", "updated"),
    "cancelled": pgettext_lazy("CAP import outcome", "closed by a Cancel"),
    "duplicate": pgettext_lazy("CAP import outcome", "already imported"),
    "exercise": pgettext_lazy("CAP import outcome", "drill opened"),
}


def _areas_changed(result, total: int) -> str:
    """The message after areas change: one count carries the plural, the others read as labels
    ("new: 1"), so no language has to agree an adjective with a number it cannot see. `total` is
    the affected count as the user may count it (the figure the preview showed)."""
    return ngettext(
        "Areas changed: %(total)s person affected (new: %(added)s; now outside, kept and flagged: %(out)s).",
        "Areas changed: %(total)s people affected (new: %(added)s; now outside, kept and flagged: %(out)s).",
        total,
    ) % {"total": total, "added": result.added, "out": result.flagged_outside}


def _crisis(request, pk: int) -> Crisis:
    return policy.get_visible_or_404(request.user, Crisis, pk=pk)


def _require_manager(request) -> None:
    if not can_manage_crises(request.user):
        raise PermissionDenied


def _require_change(request, crisis) -> None:
    if not can_change_crisis(request.user, crisis):
        raise policy.Refused(crisis, _("Only the organization that opened this crisis changes it."))


@login_required
def crisis_list(request):
    crises = queries.crises_for(request.user).prefetch_related("areas")
    return render(
        request,
        "crises/crisis_list.html",
        {"crises": crises, "can_manage": can_manage_crises(request.user)},
    )


@login_required
def crisis_create(request):
    _require_manager(request)
    form = CrisisForm(
        request.POST or None, initial={"started_at": timezone.now()}, organizations=manager_organizations(request.user)
    )
    areas = AreasForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and areas.is_valid():
        data = form.cleaned_data
        crisis = create_crisis(
            organization=form.chosen_organization(),
            actor=request.user,
            name=data["name"],
            kind=data["kind"],
            severity=data["severity"],
            phase=data["phase"],
            started_at=data["started_at"],
            countries=data["countries_text"],
            description=data["description"],
            is_exercise=data["is_exercise"],
            areas=areas.cleaned_data["specs"],
            request=request,
        )
        n = _affected(request.user, crisis)
        messages.success(
            request,
            ngettext("Crisis opened: %(n)s person affected.", "Crisis opened: %(n)s people affected.", n) % {"n": n},
        )
        return redirect("crises:crisis_detail", pk=crisis.pk)
    return render(request, "crises/crisis_form.html", {"form": form, "areas": areas, "crisis": None, **_map_context()})


@login_required
def crisis_edit(request, pk: int):
    crisis = _crisis(request, pk)
    _require_change(request, crisis)
    form = CrisisForm(request.POST or None, instance=Crisis.objects.get(pk=crisis.pk))
    areas = AreasForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and areas.is_valid():
        data = form.cleaned_data
        update_crisis(
            actor=request.user,
            crisis=crisis,
            request=request,
            countries=data["countries_text"],
            **{f: data[f] for f in ("name", "kind", "severity", "phase", "started_at", "ended_at", "description")},
        )
        specs = areas.cleaned_data["specs"]
        if specs or request.POST.get("replace_areas"):
            result = set_areas(
                actor=request.user,
                crisis=crisis,
                areas=specs,
                replace=bool(request.POST.get("replace_areas")),
                request=request,
            )
            messages.success(request, _areas_changed(result, _affected(request.user, crisis)))
        return redirect("crises:crisis_detail", pk=crisis.pk)
    return render(
        request, "crises/crisis_form.html", {"form": form, "areas": areas, "crisis": crisis, **_map_context()}
    )


def _affected(user, crisis: Crisis) -> int:
    """The crisis's affected count as `user` may count it: the figure the preview showed."""
    return queries.count_affected(user, crisis.welfare.affected().values_list("person_id", flat=True))


def _map_context() -> dict:
    from django.conf import settings

    return {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}


@login_required
@require_POST
def preview_count(request):
    """How many people the user may count inside areas being drawn (nothing is saved)."""
    _require_manager(request)
    areas = AreasForm(request.POST)
    if not areas.is_valid():
        errors = [str(e) for field_errors in areas.errors.values() for e in field_errors]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    exercise = policy.principal_for(request.user).exercise_id  # in a drill: its synthetic people
    # an exercise outside a drill reaches nobody (geo.population_of)
    population = None if request.POST.get("is_exercise") and not exercise else exercise or geo.REAL_PEOPLE
    ids = geo.affected_ids(areas.cleaned_data["specs"], population)
    return JsonResponse({"count": queries.count_affected(request.user, ids)})


@login_required
def crisis_detail(request, pk: int):
    crisis = _crisis(request, pk)
    consulates = _alert_consulates(request.user)
    return render(
        request,
        "crises/crisis_detail.html",
        {
            "crisis": crisis,
            "areas": crisis.areas.all(),
            "can_manage": can_change_crisis(request.user, crisis),
            "sees_names": policy.principal_for(request.user).sees_names,
            "alert_form": AlertLevelForm(consulates=consulates) if consulates else None,
            "alert_levels": queries.current_alert_levels(crisis),
            "cap_alerts": crisis.cap_alerts.all()[:10],
            **_summary_context(request.user, crisis),
            **_map_context(),
        },
    )


def _summary_context(user, crisis: Crisis) -> dict:
    """The dashboard's figures; for a viewer who sees counts only, 1 to 4 read "<5" everywhere
    (accounts/disclosure.py), and the chart, whose line would show them, is left out."""
    principal = policy.principal_for(user)
    raw = queries.funnel(user, crisis)
    points = queries.accounted_over_time(user, crisis)
    funnel = disclosure.suppress_counts(raw, principal)
    counts_only = disclosure.counts_only(principal)
    return {
        "funnel": funnel,
        "funnel_steps": [
            ("affected", _("Affected"), funnel["affected"]),
            ("contacted", _("Contacted"), funnel["contacted"]),
            ("replied", _("Replied"), funnel["replied"]),
            ("accounted_for", _("Accounted for"), funnel["accounted_for"]),
        ],
        "by_status": [
            (code, WelfareCode(code).label, disclosure.suppress(n, principal)) for code, n in raw["by_status"].items()
        ],
        "by_nationality": [
            disclosure.suppress_counts(row, principal) for row in queries.counts_by_nationality(user, crisis)
        ],
        "by_consulate": [
            disclosure.suppress_counts(row, principal) for row in queries.counts_by_consulate(user, crisis)
        ],
        "vulnerability": disclosure.suppress_counts(queries.counts_by_vulnerability(user, crisis), principal),
        "chart": None
        if counts_only and _small_chart(points, raw["affected"])
        else charts.accounted_chart(points, raw["affected"]),
        "refreshed_at": timezone.now(),
        # Other apps' figures (tracing's inquiries), each counted through the access policy.
        "crisis_panels": ui.crisis_panels_for(user, crisis),
    }


def _small_chart(points, affected: int) -> bool:
    """Whether the chart would print a count of 1 to 4 (its total or its latest figure)."""
    figures = [affected, points[-1][1]] if points else [affected]
    return any(0 < n < disclosure.SMALL_CELL for n in figures)


@login_required
def crisis_summary(request, pk: int):
    crisis = _crisis(request, pk)
    return render(request, "crises/_summary.html", {"crisis": crisis, **_summary_context(request.user, crisis)})


@login_required
def crisis_points(request, pk: int):
    """The map's people layer for the view `?z=zoom&bbox=west,south,east,north`: clusters
    counted by the server, and the people of the sparse cells (map_layer.people_in_view)."""
    crisis = _crisis(request, pk)
    if not policy.principal_for(request.user).sees_names:
        raise PermissionDenied
    try:
        view = map_layer.View.parse(request.GET.get("z"), request.GET.get("bbox"))
    except map_layer.BadView as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    layer = map_layer.people_in_view(request.user, crisis, view)
    audit.record(
        request.user,
        AuditAction.VIEW,
        crisis,
        request=request,
        summary="map of affected people",
        count=len(layer["points"]),
    )
    return JsonResponse(layer)


@login_required
def crisis_areas(request, pk: int):
    """The crisis's areas as GeoJSON (circles as Points with radius_km)."""
    crisis = _crisis(request, pk)
    features = []
    for area in crisis.areas.all():
        props = {
            "id": area.pk,
            "kind": area.kind,
            "label": area.label or area.get_kind_display(),
            "source": area.source,
        }
        if area.kind == AreaKind.POLYGON:
            features.append({"type": "Feature", "geometry": area.geometry, "properties": props})
        elif area.kind == AreaKind.CIRCLE:
            props["radius_km"] = area.radius_km
            geometry = {"type": "Point", "coordinates": [area.center_longitude, area.center_latitude]}
            features.append({"type": "Feature", "geometry": geometry, "properties": props})
        else:
            props["subdivisions"] = area.subdivisions
            features.append({"type": "Feature", "geometry": None, "properties": props})
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
def affected_list(request, pk: int):
    crisis = _crisis(request, pk)
    if not policy.principal_for(request.user).sees_names:
        raise PermissionDenied
    include_outside = request.GET.get("outside") == "1"
    rows = queries.filter_welfare(
        queries.welfare_rows(request.user, crisis, include_outside=include_outside), request.GET
    )
    if include_outside:
        rows = rows.filter(in_area=False)
    rows = rows.order_by("person__first_surname", "person__given_names", "pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    audit.record_many(
        request.user,
        AuditAction.VIEW,
        Person,
        [r.person_id for r in page],
        request=request,
        summary=f"affected people of crisis {crisis.pk}",
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "crises/affected_list.html",
        {
            "crisis": crisis,
            "page": page,
            "filters": request.GET,
            "query": query.urlencode(),
            "statuses": WelfareCode.choices,
            "needs": Need.choices,
            "accounted": ACCOUNTED_FOR,
            "now": timezone.now(),
        },
    )


@login_required
def affected_export(request, pk: int):
    crisis = _crisis(request, pk)
    if not policy.principal_for(request.user).sees_names:
        raise PermissionDenied
    # Streamed: the rows are read while they are sent (audited before the first one).
    pieces = stream_affected_csv(actor=request.user, crisis=crisis, params=request.GET, request=request)
    response = StreamingHttpResponse(pieces, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="crisis-{crisis.pk}-affected.csv"'
    return response


@login_required
def counts_export(request, pk: int):
    """Counts per place and nationality with HXL hashtags; small cells suppressed."""
    crisis = _crisis(request, pk)
    stream = io.StringIO()
    write_counts_csv(actor=request.user, crisis=crisis, stream=stream, request=request)
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="crisis-{crisis.pk}-counts-hxl.csv"'
    return response


@login_required
def welfare_detail(request, pk: int, person_id: int):
    crisis = _crisis(request, pk)
    person = policy.get_visible_or_404(request.user, Person.objects.active(), pk=person_id)
    welfare = WelfareStatus.objects.filter(crisis=crisis, person=person).first()
    form = WelfareForm(
        request.POST or None,
        initial={
            "status": welfare.status if welfare else WelfareCode.UNKNOWN,
            "needs": welfare.needs if welfare else [],
            "people_with": welfare.people_with if welfare else None,
            "source": WelfareSource.STAFF,
        },
    )
    if request.method == "POST":
        if not can_write_welfare(request.user):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                update_welfare(
                    actor=request.user,
                    crisis=crisis,
                    person=person,
                    status=data["status"],
                    source=data["source"],
                    needs=data["needs"],
                    note=data["note"],
                    people_with=data["people_with"],
                    request=request,
                )
            except WelfareUpdateRefused as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Welfare recorded."))
            return redirect("crises:welfare_detail", pk=crisis.pk, person_id=person.pk)
    audit.record(request.user, AuditAction.VIEW, person, request=request, summary=f"welfare in crisis {crisis.pk}")
    return render(
        request,
        "crises/welfare_detail.html",
        {
            "crisis": crisis,
            "person": person,
            "position_visible": can_see_position(request.user, person),
            "welfare": welfare,
            "history": welfare.history.all() if welfare else [],
            "form": form,
            "can_write": can_write_welfare(request.user),
        },
    )


@login_required
@require_POST
def recompute(request, pk: int):
    """Recompute who is affected (people whose last location changed since): newcomers added,
    people now outside flagged."""
    crisis = _crisis(request, pk)
    _require_change(request, crisis)
    result = set_areas(actor=request.user, crisis=crisis, areas=[], replace=False, request=request)
    messages.success(request, _areas_changed(result, _affected(request.user, crisis)))
    return redirect("crises:crisis_detail", pk=crisis.pk)


def _alert_consulates(user) -> list:
    """The consulates this user sets alert levels for (one per seat that may)."""
    from amparo.accounts.models import Organization

    ids = [
        s.organization_id
        for s in policy.principal_for(user).seats
        if s.is_consulate and can_set_alert_level(user, s.organization_id)
    ]
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


@login_required
@require_POST
def alert_level(request, pk: int):
    crisis = _crisis(request, pk)
    consulates = _alert_consulates(request.user)
    if not consulates:
        raise PermissionDenied
    form = AlertLevelForm(request.POST, consulates=consulates)
    if form.is_valid():
        organization = next(o for o in consulates if o.pk == form.cleaned_data["organization"])
        set_alert_level(
            actor=request.user,
            crisis=crisis,
            organization=organization,
            level=form.cleaned_data["level"],
            note=form.cleaned_data["note"],
            request=request,
        )
        messages.success(request, _("Alert level set."))
    return redirect("crises:crisis_detail", pk=crisis.pk)


@login_required
def cap_import(request):
    _require_manager(request)
    form = CapImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, url = form.cleaned_data.get("file"), form.cleaned_data.get("url")
        try:
            batch = cap.load_bytes(upload.read()) if upload else cap.load_url(url)
        except cap.InvalidCapAlert as exc:
            form.add_error(None, _("Rejected, nothing changed: %(error)s") % {"error": exc})
        else:
            outcomes = import_batch(actor=request.user, batch=batch, source_url=url or "")
            if url and form.cleaned_data.get("poll"):
                from amparo.crises.tasks import start_polling

                with transaction.atomic():
                    feed, _created = CapFeed.objects.get_or_create(url=url, defaults={"name": url[:200]})
                    start_polling(feed)
            for outcome in outcomes:
                if outcome.action == "rejected":
                    messages.error(request, _("Rejected: %(error)s") % {"error": outcome.message})
                elif outcome.crisis is None:
                    messages.info(request, _("Ignored: %(why)s") % {"why": outcome.message})
                else:
                    messages.success(
                        request,
                        ngettext(
                            "Crisis %(name)s (%(action)s): %(n)s person affected.",
                            "Crisis %(name)s (%(action)s): %(n)s people affected.",
                            outcome.affected,
                        )
                        % {
                            "name": outcome.crisis.name,
                            "action": CAP_OUTCOMES.get(outcome.action, outcome.action),
                            "n": outcome.affected,
                        },
                    )
            first = next((o.crisis for o in outcomes if o.crisis is not None), None)
            return redirect(reverse("crises:crisis_detail", args=[first.pk]) if first else "crises:crisis_list")
    return render(request, "crises/cap_import.html", {"form": form, "feeds": CapFeed.objects.all()})
