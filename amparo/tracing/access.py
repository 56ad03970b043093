"""Who sees what of tracing (plugged into accounts.policy).

- An inquiry is seen by the organization that recorded it, and by an organization that sees a
  person proposed or confirmed for it (it needs the description to recognise the person and to
  ask them). The inquirer's own contact details are shown to the person's side only when the
  inquirer agreed (`queries.inquirer_visible`).
- A found-person note is seen by the organization that wrote it; besides, the organization that
  registered the person sees the notes on its own people, except through a provider-staff seat:
  shelter, clinic and legal-aid staff see only their own organization's notes.
- A candidate is seen by the inquiry's organization and by whoever sees its person. The person's
  data is read only through the registry's rule: the inquiry's side sees a candidate it cannot
  name as "a possible match, being handled", never the person (the consent gate).
- A consent request and a disclosure are seen by both sides of their candidate.
- Counts of inquiries in a crisis (the crisis dashboard) are for every member, like the crisis.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from amparo.accounts import policy
from amparo.accounts.codes import Role
from amparo.registry.models import Person
from amparo.tracing.codes import CandidateState
from amparo.tracing.models import ConsentRequest, Disclosure, FoundNote, Inquiry, MatchCandidate


def _own(p: policy.Principal) -> set[int]:
    return p.organization_ids(policy.NAMING_ROLES)


def _people(p: policy.Principal):
    return Person.objects.filter(policy.names_q(p, Person)).values("pk")


def inquiry_names(p: policy.Principal) -> Q:
    q = Q(organization_id__in=_own(p))
    if not p.sees_names:
        return q
    seen = MatchCandidate.objects.filter(inquiry=OuterRef("pk"), person__in=_people(p)).exclude(
        state=CandidateState.REJECTED
    )
    return q | Q(Exists(seen))


def inquiry_counts(p: policy.Principal) -> Q:
    # Not policy.EVERYTHING: an empty Q vanishes when the policy ORs it with the naming rule.
    return Q(pk__isnull=False) if p.seats else policy.NOTHING


def note_names(p: policy.Principal) -> Q:
    q = Q(organization_id__in=_own(p))
    registrars = p.organization_ids(policy.NAMING_ROLES - {Role.PROVIDER_STAFF})
    if registrars:
        q |= Q(person__registering_organization_id__in=registrars)
    return q


def candidate_names(p: policy.Principal) -> Q:
    return Q(inquiry__organization_id__in=_own(p)) | Q(person__in=_people(p))


def _via_candidate(p: policy.Principal) -> Q:
    return Q(inquiry__organization_id__in=_own(p)) | Q(person__in=_people(p))


policy.register(Inquiry, names=inquiry_names, counts=inquiry_counts)
policy.register(FoundNote, names=note_names)
policy.register(MatchCandidate, names=candidate_names)
policy.register(ConsentRequest, names=_via_candidate)
policy.register(Disclosure, names=_via_candidate)

# Drills: a drill's inquiries and notes stay inside it (see amparo/drills/access.py).
policy.exercise_wall(Inquiry, "organization")
policy.exercise_wall(FoundNote, "organization")
policy.exercise_wall(MatchCandidate, "inquiry__organization")
policy.exercise_wall(ConsentRequest, "inquiry__organization")
policy.exercise_wall(Disclosure, "inquiry__organization")


def sees_person(user, person_id: int | None) -> bool:
    """Whether `user` may read this registry person (the consent gate's question)."""
    if person_id is None:
        return False
    return policy.visible(user, Person).filter(pk=person_id).exists()
