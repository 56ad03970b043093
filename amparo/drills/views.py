"""Drill pages: set up, run (facilitators), join and leave (participants), the report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amparo.accounts import policy
from amparo.accounts.middleware import EXERCISE_SESSION_KEY
from amparo.accounts.models import Organization
from amparo.drills import report, scenario, services
from amparo.drills.access import FACILITATOR_ROLES
from amparo.drills.codes import DrillStatus
from amparo.drills.forms import DrillForm, ParticipantForm, SpeedForm
from amparo.drills.models import Drill


def _hosts(user):
    return Organization.objects.filter(pk__in=policy.principal_for(user).organization_ids(FACILITATOR_ROLES))


@login_required
def drill_list(request):
    principal = policy.principal_for(request.user)
    drills = policy.visible(request.user, Drill).select_related("host", "crisis")
    hosts = _hosts(request.user)
    form = DrillForm(request.POST or None, hosts=hosts)
    if request.method == "POST":
        if not hosts.exists() or principal.exercise_id:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            host = hosts.get(pk=data["host"])
            try:
                drill = services.create_drill(
                    actor=request.user, host=host, scenario_text=data["script"], name=data["name"],
                    population_size=data["population_size"], speed=data["speed"],
                )  # fmt: skip
            except (scenario.ScenarioError, ValidationError) as exc:
                form.add_error("script", str(exc) if isinstance(exc, scenario.ScenarioError) else exc)
            else:
                messages.success(request, _("The drill is ready: add the participants, then start it."))
                return redirect("drills:drill_detail", pk=drill.pk)
    return render(request, "drills/drill_list.html", {"drills": drills, "form": form, "can_create": hosts.exists()})


@login_required
def drill_detail(request, pk: int):
    drill = policy.get_visible_or_404(
        request.user, Drill.objects.select_related("host", "crisis", "exercise_organization"), pk=pk
    )
    principal = policy.principal_for(request.user)
    facilitator = services.can_facilitate(request.user, drill) and not principal.exercise_id
    context = {
        "drill": drill, "facilitator": facilitator, "inside": principal.exercise_id == drill.exercise_organization_id,
        "clock": services.sim_clock(drill.sim_now()), "events": drill.events.all()[:50],
        "injects": drill.injects.all(), "participants": services.participants(drill),
        "participant_form": ParticipantForm(), "speed_form": SpeedForm(initial={"speed": str(int(drill.speed))}),
        "member": drill.exercise_organization.memberships.filter(user=request.user, is_active=True).exists(),
    }  # fmt: skip
    if request.headers.get("HX-Request"):
        return render(request, "drills/_live.html", context)
    return render(request, "drills/drill_detail.html", context)


@login_required
@require_POST
def drill_action(request, pk: int):
    drill = policy.get_visible_or_404(request.user, Drill, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "participant":
            form = ParticipantForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give a user name and a role."))
            user = services.user_by_name(form.cleaned_data["username"])
            if user is None:
                raise ValidationError(_("No active user has that name."))
            services.add_participant(actor=request.user, drill=drill, user=user, role=form.cleaned_data["role"])
        elif action == "speed":
            form = SpeedForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a speed."))
            services.set_speed(actor=request.user, drill=drill, speed=form.cleaned_data["speed"])
        elif action in ("start", "pause", "resume", "finish", "archive"):
            getattr(services, action)(actor=request.user, drill=drill)
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("drills:drill_detail", pk=drill.pk)


@login_required
@require_POST
def join(request, pk: int):
    """Enter the drill's world: from now on this session sees only the drill."""
    drill = policy.get_visible_or_404(request.user, Drill, pk=pk)
    if drill.status not in (DrillStatus.READY, DrillStatus.RUNNING, DrillStatus.PAUSED):
        messages.error(request, _("This drill is over."))
        return redirect("drills:drill_detail", pk=drill.pk)
    if not drill.exercise_organization.memberships.filter(user=request.user, is_active=True).exists():
        raise PermissionDenied
    request.session[EXERCISE_SESSION_KEY] = drill.exercise_organization_id
    messages.info(request, _("You are inside the drill. Everything you see and do is part of the exercise."))
    return redirect("core:home")


@login_required
@require_POST
def leave(request):
    exercise = request.session.pop(EXERCISE_SESSION_KEY, None)
    drill = Drill.objects.filter(exercise_organization_id=exercise).first() if exercise else None
    messages.info(request, _("You left the drill. You are back in your real work."))
    if drill is not None and services.can_facilitate(request.user, drill):
        return redirect("drills:drill_detail", pk=drill.pk)
    return redirect("core:home")


@login_required
def drill_report(request, pk: int):
    drill = policy.get_visible_or_404(request.user, Drill.objects.select_related("host"), pk=pk)
    figures = (
        drill.figures
        if drill.status in (DrillStatus.FINISHED, DrillStatus.ARCHIVED) and drill.figures
        else report.compute(drill)
    )
    previous = (
        Drill.objects.filter(host=drill.host, status__in=(DrillStatus.FINISHED, DrillStatus.ARCHIVED))
        .exclude(pk=drill.pk).order_by("-finished_at")[:5]
    )  # fmt: skip
    context = {"drill": drill, "figures": figures, "chart": report.chart(figures), "previous": previous,
               "clock": services.sim_clock, "standalone": bool(request.GET.get("download"))}  # fmt: skip
    if context["standalone"]:
        html = render_to_string("drills/report_standalone.html", context, request=request)
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="drill-{drill.pk}-report.html"'
        return response
    return render(request, "drills/report.html", context)
