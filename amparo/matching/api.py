"""Matching API (/api/matching/): the online duplicate check of a registration not yet saved, the
review queue, one pair, and the decisions the pages take (merge, not the same person, undo a
merge). Same access rules as the pages: a pair or a merge is visible only to those who may see
both people; merging and undoing need the right to change both records; reads are audited.

Everything goes through `queries` and `services` (nothing here scores, moves or decides)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.matching import queries, services
from amparo.matching.models import MatchPair, Merge, PairBand, PairStatus
from amparo.matching.scoring import explain, reason_text
from amparo.registry.access import can_change
from amparo.registry.api import FieldErrors, PersonSummary, _summary
from amparo.registry.importing.rows import RowContext, parse_row, sex_m_means_female
from amparo.registry.models import Person
from amparo.registry.queries import MAX_PAGE, Page

router = Router(tags=["matching"])

PER_PAGE = 50
CHECK_LIMIT_MAX = 20


# --- Schemas -----------------------------------------------------------------------------------


class MatchReason(Schema):
    code: str
    params: dict
    weight: float
    text: str  # the reason as a sentence, in the request's language


class MatchCheckIn(Schema):
    """The registry's import columns (docs/registry.md), as strings, read with the import's rules
    (nationality as a code, country name or demonym; dates YYYY-MM-DD or DD/MM/YYYY, or partial;
    phones without a prefix read with the country, the nationality, then the caller's
    organization's country). Give at least a name, a phone or a document number."""

    given_names: str = ""
    first_surname: str = ""
    second_surname: str = ""
    birth_date: str = ""  # alias of date_of_birth
    date_of_birth: str = ""
    sex: str = ""
    phone: str = ""
    email: str = ""
    document_type: str = ""
    document_number: str = ""
    nationality: str = ""
    country: str = ""
    subdivision: str = ""
    municipality: str = ""
    limit: int = 5


class MatchCandidate(Schema):
    person: PersonSummary
    probability: float
    band: str  # automatic (almost certain) or review (possible)
    explanation: str
    reasons: list[MatchReason]


class MatchCheckOut(Schema):
    candidates: list[MatchCandidate]


class MatchPairOut(Schema):
    id: int
    person_a: PersonSummary
    person_b: PersonSummary
    probability: float
    band: str
    status: str
    explanation: str
    reasons: list[MatchReason]
    found_by: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: str


class MatchPairDetail(MatchPairOut):
    can_merge: bool  # the caller may change both records (merge and undo)
    open_merge: int | None  # id of the merge of these two people not yet undone (for /merges/{id}/undo)


class MatchPairPage(Schema):
    page: int
    has_next: bool
    results: list[MatchPairOut]


class MergeIn(Schema):
    survivor: int | None = None  # one of the pair's two people; default: person_a


class MergeOut(Schema):
    id: int
    survivor: int
    merged: int
    pair: int | None
    merged_at: datetime
    merged_by: str
    undone_at: datetime | None
    undone_by: str


# --- Helpers -----------------------------------------------------------------------------------


def _reasons(reasons) -> list[dict]:
    return [
        {"code": code, "params": params or {}, "weight": round(float(weight), 2), "text": reason_text(code, params)}
        for code, params, weight in reasons
    ]


def _pair(pair: MatchPair) -> dict:
    return {
        "id": pair.pk,
        "person_a": _summary(pair.person_a),
        "person_b": _summary(pair.person_b),
        "probability": pair.probability,
        "band": pair.band,
        "status": pair.status,
        "explanation": explain(pair.reasons),
        "reasons": _reasons(pair.reasons),
        "found_by": pair.found_by,
        "created_at": pair.created_at,
        "decided_at": pair.decided_at,
        "decided_by": pair.decided_by_label,
    }


def _merge(merge: Merge) -> dict:
    return {
        "id": merge.pk,
        "survivor": merge.survivor_id,
        "merged": merge.merged_id,
        "pair": merge.pair_id,
        "merged_at": merge.merged_at,
        "merged_by": merge.merged_by_label,
        "undone_at": merge.undone_at,
        "undone_by": merge.undone_by_label,
    }


def _require_names(request) -> None:
    if not policy.principal_for(request.user).sees_names:
        raise HttpError(403, "Your role sees aggregates only")


def _get_pair(request, pair_id: int) -> MatchPair:
    try:
        pair = queries.get_pair_or_404(request.user, pair_id)
    except Http404:
        raise HttpError(404, "Not found") from None
    # The summaries name each person's organization.
    people = Person.objects.select_related("registering_organization").in_bulk([pair.person_a_id, pair.person_b_id])
    pair.person_a, pair.person_b = people[pair.person_a_id], people[pair.person_b_id]
    return pair


def _get_merge(request, merge_id: int) -> Merge:
    merge = policy.visible(request.user, Merge).filter(pk=merge_id).first()
    if merge is None:
        raise HttpError(404, "Not found")
    return merge


def _invalid(error: ValidationError) -> tuple[int, dict]:
    errors = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    return 400, {"detail": " ".join(error.messages), "errors": errors}


def _forbidden(error: PermissionDenied) -> tuple[int, dict]:
    return 403, {"detail": str(error) or "You may not do this.", "errors": {}}


# --- Endpoints ---------------------------------------------------------------------------------


@router.post(
    "/check",
    response={200: MatchCheckOut, 400: FieldErrors},
    summary="Likely duplicates of a registration not yet saved",
)
def check(request, payload: MatchCheckIn):
    """The people the caller may see who are likely the same as this registration, best first,
    with the probability, the band and the reasons. Nothing is saved; the search is audited."""
    _require_names(request)
    row = payload.model_dump(exclude={"birth_date", "limit"})
    row = {name: value.strip() for name, value in row.items()}
    alias = bool(payload.birth_date.strip() and not row["date_of_birth"])
    if alias:
        row["date_of_birth"] = payload.birth_date.strip()
    if not (row["given_names"] or row["first_surname"] or row["document_number"] or row["phone"]):
        return 400, {
            "detail": "Invalid fields",
            "errors": {NON_FIELD_ERRORS: ["give a name, a phone or a document number"]},
        }
    if not 1 <= payload.limit <= CHECK_LIMIT_MAX:
        return 400, {"detail": "Invalid fields", "errors": {"limit": [f"between 1 and {CHECK_LIMIT_MAX}"]}}
    organization_country = policy.home_country(request.user)
    # The import requires given names; a check may look for a surname, a phone or a document alone.
    no_given_names = not row["given_names"]
    if no_given_names:
        row["given_names"] = "-"
    context = RowContext(organization_country=organization_country, m_means_female=sex_m_means_female([row["sex"]]))
    parsed = parse_row(row, context=context)
    if not parsed.ok:
        errors: dict[str, list[str]] = {}
        for error in parsed.errors:
            column = "birth_date" if alias and error.column == "date_of_birth" else error.column
            errors.setdefault(column, []).append(error.message)
        return 400, {"detail": "Invalid fields", "errors": errors}
    data = parsed.data
    if no_given_names:
        data.given_names = ""
    candidates = queries.likely_duplicates(
        request.user, data, limit=payload.limit, organization_country=organization_country
    )
    if candidates:
        audit.record_many(
            request.user,
            AuditAction.SEARCH,
            Person,
            [c.person.pk for c in candidates],
            summary="duplicate check",
            request=request,
            via="api",
        )
    return {
        "candidates": [
            {
                "person": _summary(c.person),
                "probability": round(c.probability, 4),
                "band": c.band,
                "explanation": c.explanation,
                "reasons": _reasons(c.score.reasons),
            }
            for c in candidates
        ]
    }


@router.get("/pairs", response=MatchPairPage, summary="Review queue: pairs that may be the same person")
def list_pairs(
    request,
    status: PairStatus = PairStatus.PENDING,
    band: PairBand | None = Query(None),  # noqa: B008
    page: int = Query(1, ge=1, le=MAX_PAGE),  # noqa: B008
):
    """Pairs in `status` (pending by default) where the caller may see both people, most likely
    first; `band` narrows to almost certain (automatic) or possible (review). 50 per page."""
    _require_names(request)
    qs = queries.review_queue(request.user, status=status.value, band=band.value if band else None)
    result = Page(qs, page, PER_PAGE)
    shown = [pid for pair in result for pid in (pair.person_a_id, pair.person_b_id)]
    if shown:
        audit.record_many(
            request.user,
            AuditAction.SEARCH,
            Person,
            shown,
            summary="duplicate review queue",
            request=request,
            via="api",
        )
    return {"page": result.number, "has_next": result.has_next(), "results": [_pair(p) for p in result]}


@router.get("/pairs/{pair_id}", response=MatchPairDetail, summary="One pair: both people, score and reasons")
def read_pair(request, pair_id: int):
    pair = _get_pair(request, pair_id)
    a, b = pair.person_a, pair.person_b
    for person in (a, b):
        audit.record(
            request.user, AuditAction.VIEW, person, request=request, summary=f"duplicate review #{pair.pk}", via="api"
        )
    open_merge = Merge.objects.open().filter(survivor_id__in=[a.pk, b.pk], merged_id__in=[a.pk, b.pk]).first()
    out = _pair(pair)
    out.update(
        can_merge=can_change(request.user, a) and can_change(request.user, b),
        open_merge=open_merge.pk if open_merge else None,
    )
    return out


@router.post(
    "/pairs/{pair_id}/merge",
    response={201: MergeOut, 400: FieldErrors, 403: FieldErrors},
    summary="Merge the pair's two records (undoable)",
)
def merge_pair(request, pair_id: int, payload: MergeIn):
    """`survivor` (one of the two people; default person_a) keeps every row of the other, which
    stays with record status `merged`. Needs the right to change both records."""
    pair = _get_pair(request, pair_id)
    survivor_id = payload.survivor or pair.person_a_id
    if survivor_id not in (pair.person_a_id, pair.person_b_id):
        return 400, {
            "detail": "Invalid fields",
            "errors": {"survivor": [f"must be one of this pair's people: {pair.person_a_id} or {pair.person_b_id}"]},
        }
    survivor, merged = (
        (pair.person_a, pair.person_b) if survivor_id == pair.person_a_id else (pair.person_b, pair.person_a)
    )
    try:
        merge = services.merge_people(actor=request.user, survivor=survivor, merged=merged, pair=pair, request=request)
    except ValidationError as error:
        return _invalid(error)
    except PermissionDenied as error:
        return _forbidden(error)
    return 201, _merge(merge)


@router.post(
    "/pairs/{pair_id}/distinct",
    response={200: MatchPairOut, 400: FieldErrors, 403: FieldErrors},
    summary="Not the same person: the pair leaves the queue",
)
def distinct_pair(request, pair_id: int):
    pair = _get_pair(request, pair_id)
    try:
        services.mark_distinct(actor=request.user, pair=pair, request=request)
    except ValidationError as error:
        return _invalid(error)
    except PermissionDenied as error:
        return _forbidden(error)
    return _pair(pair)


@router.get("/merges/{merge_id}", response=MergeOut, summary="One merge")
def read_merge(request, merge_id: int):
    return _merge(_get_merge(request, merge_id))


@router.post(
    "/merges/{merge_id}/undo",
    response={200: MergeOut, 400: FieldErrors, 403: FieldErrors},
    summary="Undo a merge: both records active again",
)
def undo_merge(request, merge_id: int):
    merge = _get_merge(request, merge_id)
    try:
        merge = services.unmerge(actor=request.user, merge=merge, request=request)
    except ValidationError as error:
        return _invalid(error)
    except PermissionDenied as error:
        return _forbidden(error)
    return _merge(merge)
