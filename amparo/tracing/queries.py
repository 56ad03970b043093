"""Reads of tracing, shared by pages and the API; every one starts from the access policy."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from amparo.accounts import disclosure, policy
from amparo.tracing.access import sees_person
from amparo.tracing.codes import OPEN_STATES, REUNIFIED_STATES, CandidateState, TracingState
from amparo.tracing.models import ConsentRequest, Disclosure, FoundNote, Inquiry, MatchCandidate


def inquiries(user, *, state: str = "", q: str = "") -> QuerySet:
    qs = policy.visible(user, Inquiry).select_related("organization", "crisis")
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state:
        qs = qs.filter(state=state)
    if q.strip():
        for word in q.split()[:4]:
            qs = qs.filter(
                Q(given_names__icontains=word) | Q(first_surname__icontains=word) | Q(second_surname__icontains=word)
            )
    return qs


def is_inquiry_side(user, inquiry: Inquiry) -> bool:
    principal = policy.principal_for(user)
    return principal.is_system or inquiry.organization_id in principal.organization_ids(policy.NAMING_ROLES)


def inquirer_visible(user, inquiry: Inquiry) -> bool:
    """The inquirer's name and contact: for the inquiry's organization, and for the person's side
    only when the inquirer agreed to share them."""
    return is_inquiry_side(user, inquiry) or inquiry.inquirer_consents_share


def state_for(user, inquiry: Inquiry) -> tuple[str, str]:
    """(code, label) of the state as this user may read it: the inquiry's side, when it does not
    see the sought person, reads a refusal as plain "closed" (the sought person's choice is theirs)."""
    if inquiry.state == TracingState.CLOSED_REFUSED and not sees_person(user, inquiry.person_id):
        from django.utils.translation import gettext as _

        return "closed", _("Closed")
    return inquiry.state, TracingState(inquiry.state).label


def candidates_for(user, inquiry: Inquiry) -> list[dict]:
    """The inquiry's candidates as `user` may read them: a person they cannot see is "a possible
    match, being handled by <organization>", never a name."""
    rows = []
    qs = policy.visible(user, MatchCandidate).filter(Q(inquiry=inquiry) | Q(other_inquiry=inquiry))
    qs = qs.select_related("person__registering_organization", "note__organization", "inquiry", "other_inquiry")
    for c in qs.order_by("-score", "id"):
        if c.person_id is not None:
            visible = sees_person(user, c.person_id)
            rows.append({"candidate": c, "person": c.person if visible else None, "visible": visible,
                         "handled_by": c.person.registering_organization})  # fmt: skip
        else:
            other = c.other_inquiry if c.inquiry_id == inquiry.pk else c.inquiry
            visible = policy.visible(user, Inquiry).filter(pk=other.pk).exists()
            rows.append({"candidate": c, "other": other if visible else None, "visible": visible,
                         "handled_by": other.organization})  # fmt: skip
    return rows


def consents_for(user, inquiry: Inquiry) -> QuerySet:
    return policy.visible(user, ConsentRequest).filter(inquiry=inquiry).select_related("person", "organization")


def disclosures_for(user, inquiry: Inquiry) -> QuerySet:
    return policy.visible(user, Disclosure).filter(inquiry=inquiry)


def notes_on(user, person) -> QuerySet:
    return policy.visible(user, FoundNote).filter(person=person).select_related("organization")


def proposed_for_person(user, person) -> QuerySet:
    return (
        policy.visible(user, MatchCandidate)
        .filter(person=person)
        .exclude(state=CandidateState.REJECTED)
        .select_related("inquiry__organization")
    )


def crisis_counts(user, crisis) -> dict:
    """Open inquiries and reunifications in a crisis (counts only; small cells for analysts)."""
    rows = (
        policy.countable(user, Inquiry)
        .filter(crisis=crisis)
        .aggregate(
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
            reunified=Count("pk", filter=Q(state__in=REUNIFIED_STATES)),
            total=Count("pk"),
        )
    )
    return disclosure.suppress_counts(rows, policy.principal_for(user))
