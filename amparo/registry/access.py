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
        # The agreement's own consent purpose: a recipient that enforces immigration law gets only
        # the people who consented to sharing with migration authorities (accounts.services).
        purpose = agreement.consent_purpose or ConsentPurpose.SHARING_HOST_AUTHORITIES
        q &= Q(Exists(Consent.objects.active(purpose).filter(person=OuterRef("pk"))))
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
    """Sensitive fields (migratory status, special needs, gender identity): only through a seat
    with a sensitive role that itself sees the person, i.e. in the organization that registered
    them or one that receives them through an agreement (consulates assist their nationals). A
    case-worker seat in one organization never opens the people a migration-officer seat of the
    same user sees in another."""
    principal = policy.principal_for(user)
    return principal.is_system or bool(policy.acting_seats(principal, person, policy.SENSITIVE_ROLES))


def can_enter_sensitive(user, organization_id: int) -> bool:
    """Whether a new record registered for `organization_id` may carry sensitive fields: the
    user's seat in that organization has a sensitive role."""
    principal = policy.principal_for(user)
    return principal.is_system or organization_id in principal.organization_ids(policy.SENSITIVE_ROLES)


def exact_position_q(user) -> Q:
    """The people whose exact position (latitude, longitude) `user` may read: those registered by
    one of their organizations, and those they see through a seat in an organization without an
    immigration-enforcement mandate. Through an enforcement seat, someone else's people show their
    place (country, subdivision, municipality) only: protection data never locates a person for
    enforcement."""
    principal = policy.principal_for(user)
    if principal.is_system:
        return policy.EVERYTHING
    q = Q(registering_organization_id__in=principal.organization_ids())
    protecting = [s for s in principal.seats if not s.enforces_immigration]
    if protecting:
        q |= policy.names_q(principal.only(protecting), Person)
    return q


def can_see_position(user, person: Person) -> bool:
    principal = policy.principal_for(user)
    if principal.is_system or person.registering_organization_id in principal.organization_ids():
        return True
    if all(s.enforces_immigration for s in principal.seats):
        return False
    return Person.objects.filter(exact_position_q(principal), pk=person.pk).exists()


def can_change(user, person: Person) -> bool:
    """Only the registering organization edits a record; shared records are read-only."""
    return policy.can_write_registry(user, person.registering_organization_id)
