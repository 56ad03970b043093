"""Who sees which people (plugged into accounts.policy; see DOMAIN.md's rules).

- The registering organization always sees the records it created, whatever their nationality
  (every role but analyst).
- A data-sharing agreement received by one of the user's organizations adds the provider's people
  who consented to `sharing_host_authorities`, narrowed by the agreement's nationality and area;
  a receiving consulate only ever gets its own nationals in its jurisdiction.
- In aggregates (`countable`), the same agreements count everyone they cover, consented or not,
  and an analyst counts their organization's people.
- Other apps widen the named rule with `policy.extend(Person, ...)` (a provider sees the people
  referred to it).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from amparo.accounts import policy
from amparo.accounts.codes import ConsentPurpose, OrganizationKind
from amparo.registry.models import (
    Consent,
    ContactPoint,
    Document,
    Household,
    ImportJob,
    LocationHistory,
    Nationality,
    Person,
)


def _nationality_q(country: str) -> Q:
    return Q(Exists(Nationality.objects.filter(person=OuterRef("pk"), country=country)))


def _agreement_q(agreement, *, require_consent: bool) -> Q:
    q = Q(registering_organization_id=agreement.provider_id)
    recipient = agreement.recipient
    if agreement.nationality:
        q &= _nationality_q(agreement.nationality)
    if agreement.area_country:
        q &= Q(country=agreement.area_country)
    if agreement.area_subdivisions:
        q &= Q(subdivision__in=agreement.area_subdivisions)
    if recipient.kind == OrganizationKind.CONSULATE:
        q &= _nationality_q(recipient.served_nationality) & Q(country=recipient.jurisdiction_country)
        if recipient.jurisdiction_subdivisions:
            q &= Q(subdivision__in=recipient.jurisdiction_subdivisions)
    if require_consent:
        q &= Q(Exists(Consent.objects.active(ConsentPurpose.SHARING_HOST_AUTHORITIES).filter(person=OuterRef("pk"))))
    return q


def person_names(p: policy.Principal) -> Q:
    q = policy.NOTHING
    own = p.organization_ids(policy.NAMING_ROLES)
    if own:
        q |= Q(registering_organization_id__in=own)
    for agreement in p.received_agreements():
        q |= _agreement_q(agreement, require_consent=True)
    return q


def person_counts(p: policy.Principal) -> Q:
    q = Q(registering_organization_id__in=p.organization_ids())
    for agreement in p.received_agreements(naming=False):
        q |= _agreement_q(agreement, require_consent=False)
    return q


def _via_person(p: policy.Principal) -> Q:
    # Rows that belong to a person are visible exactly when the person is.
    return Q(person__in=Person.objects.filter(policy.names_q(p, Person)).values("pk"))


def _households(p: policy.Principal) -> Q:
    # A subquery, not a join through `members`: one row per household however many of its
    # members the user sees (callers need no .distinct()).
    visible_member = Person.objects.filter(policy.names_q(p, Person), household=OuterRef("pk"))
    return Q(registering_organization_id__in=p.organization_ids(policy.NAMING_ROLES)) | Q(Exists(visible_member))


policy.register(Person, names=person_names, counts=person_counts)
for _model in (Nationality, Document, ContactPoint, LocationHistory, Consent):
    policy.register(_model, names=_via_person)
policy.register(Household, names=_households)
policy.register(ImportJob, names=lambda p: Q(organization_id__in=p.organization_ids(policy.REGISTRY_WRITERS)))


def can_see_sensitive(user, person: Person) -> bool:
    """Sensitive fields: a sensitive role in the organization that registered the person, or in an
    organization that sees the person through an agreement (consulates assist their nationals)."""
    return policy.principal_for(user).sees_sensitive


def can_change(user, person: Person) -> bool:
    """Only the registering organization edits a record; shared records are read-only."""
    return policy.can_write_registry(user, person.registering_organization_id)
