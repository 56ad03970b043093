"""Matching pages: the review queue, one pair side by side (merge / not the same / undo), and the
HTMX partial of the online duplicate check that registration forms include."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.matching import queries, services
from amparo.matching.models import Merge, PairStatus
from amparo.matching.scoring import explain
from amparo.registry.access import can_change
from amparo.registry.models import Person


def _require_names(user) -> None:
    if not policy.principal_for(user).sees_names:
        raise PermissionDenied


@login_required
def review_queue(request):
    _require_names(request.user)
    status = request.GET.get("status", PairStatus.PENDING)
    if status not in PairStatus.values:
        status = PairStatus.PENDING
    band = request.GET.get("band") or None
    page = Paginator(queries.review_queue(request.user, status=status, band=band), 25).get_page(request.GET.get("page"))
    rows = [(pair, explain(pair.reasons)) for pair in page]
    shown = [pid for pair in page for pid in (pair.person_a_id, pair.person_b_id)]
    if shown:
        audit.record_many(
            request.user, AuditAction.SEARCH, Person, shown, summary="duplicate review queue", request=request
        )
    return render(
        request,
        "matching/review_queue.html",
        {"page": page, "rows": rows, "status": status, "band": band, "statuses": PairStatus.choices},
    )


@login_required
def pair_detail(request, pk: int):
    pair = queries.get_pair_or_404(request.user, pk)
    a, b = pair.person_a, pair.person_b
    for person in (a, b):
        audit.record(request.user, AuditAction.VIEW, person, request=request, summary=f"duplicate review #{pair.pk}")
    merges = Merge.objects.open().filter(survivor_id__in=[a.pk, b.pk], merged_id__in=[a.pk, b.pk])
    return render(
        request,
        "matching/pair_detail.html",
        {
            "pair": pair,
            "people": [
                (a, a.contacts.all(), a.documents.all()),
                (b, b.contacts.all(), b.documents.all()),
            ],
            "explanation": explain(pair.reasons),
            "can_merge": can_change(request.user, a) and can_change(request.user, b),
            "open_merge": merges.first(),
        },
    )


@login_required
@require_POST
def merge_pair(request, pk: int):
    pair = queries.get_pair_or_404(request.user, pk)
    survivor_id = int(request.POST.get("survivor") or pair.person_a_id)
    if survivor_id not in (pair.person_a_id, pair.person_b_id):
        raise PermissionDenied
    merged_id = pair.person_b_id if survivor_id == pair.person_a_id else pair.person_a_id
    try:
        services.merge_people(
            actor=request.user,
            survivor=Person.objects.get(pk=survivor_id),
            merged=Person.objects.get(pk=merged_id),
            pair=pair,
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Records merged. The merge can be undone from this page."))
    return redirect("matching:pair_detail", pk=pair.pk)


@login_required
@require_POST
def distinct_pair(request, pk: int):
    pair = queries.get_pair_or_404(request.user, pk)
    try:
        services.mark_distinct(actor=request.user, pair=pair, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Marked as different people."))
    return redirect("matching:review_queue")


@login_required
@require_POST
def unmerge(request, pk: int):
    merge = get_object_or_404(policy.visible(request.user, Merge).open(), pk=pk)
    try:
        services.unmerge(actor=request.user, merge=merge, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Merge undone: both records are active again."))
    if merge.pair_id:
        return redirect("matching:pair_detail", pk=merge.pair_id)
    return redirect("registry:person_detail", pk=merge.merged_id)


CHECK_FIELDS = (
    "given_names",
    "first_surname",
    "second_surname",
    "birth_date",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "document_type",
    "document_number",
    "nationality",
    "country",
    "subdivision",
    "municipality",
)


@login_required
def check(request):
    """HTMX partial: likely duplicates of the registration being typed (GET or POST fields named
    like the registry form's; unknown fields are ignored)."""
    _require_names(request.user)
    source = request.POST if request.method == "POST" else request.GET
    data = {name: source.get(name, "").strip() for name in CHECK_FIELDS if source.get(name, "").strip()}
    candidates = []
    if data.get("given_names") or data.get("first_surname") or data.get("document_number") or data.get("phone"):
        candidates = queries.likely_duplicates(
            request.user, data, limit=5, organization_country=policy.home_country(request.user)
        )
    if candidates:
        audit.record_many(
            request.user,
            AuditAction.SEARCH,
            Person,
            [c.person.pk for c in candidates],
            summary="duplicate check",
            request=request,
        )
    return render(request, "matching/_likely_duplicates.html", {"candidates": candidates})
