"""The access policy: the single place that answers "which records may this user see or change?".

Every query that lists or fetches people, crises, referrals or cases starts here, e.g.
`Person.objects.visible_to(user)` or `policy.visible(user, Crisis)`. Apps plug their models in
with `register(model, names=..., counts=...)` in their `access.py` (imported by their AppConfig),
and may widen another app's rule with `extend(model, rule)` (protection lets a provider see the
people referred to it). Rules return a `Q` for one `Principal`.

Two scopes per model:
- `visible`: records shown by name (lists, detail pages, exports, the API);
- `countable`: records that may be counted in aggregates (an analyst's dashboards; people under a
  data-sharing agreement who did not consent to sharing count, but are never named).

The principal carries the user's memberships (organization, role) computed once per request.
The command line acts as the system principal (`cli:<command>`), which sees everything, unless it
runs `--as USERNAME`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from amparo.accounts.codes import OrganizationKind, Role

NOTHING = Q(pk__in=[])
EVERYTHING = Q()

# Roles that see sensitive fields (migratory status, protection profiles, health). Migration and
# civil-protection staff are left out on purpose: protection data never serves enforcement.
SENSITIVE_ROLES = frozenset({Role.CONSULAR_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR})
# Roles that see people by name at all (analysts see aggregates only).
NAMING_ROLES = frozenset(set(Role) - {Role.ANALYST})
# Roles that may register and edit people of their organization.
REGISTRY_WRITERS = frozenset(
    {Role.CONSULAR_OFFICER, Role.MIGRATION_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR, Role.PROVIDER_STAFF}
)


@dataclass(frozen=True)
class Seat:
    """One membership, flattened: what the rules need to know about an organization and a role."""

    organization_id: int
    role: str
    kind: str
    country: str
    served_nationality: str
    jurisdiction_country: str
    jurisdiction_subdivisions: tuple[str, ...]
    enforces_immigration: bool = False  # the organization's mandate includes immigration enforcement

    @property
    def is_consulate(self) -> bool:
        return self.kind == OrganizationKind.CONSULATE


@dataclass(frozen=True)
class Principal:
    """Who is asking: a user with their seats, or the system actor of a command."""

    user: Any
    label: str
    seats: tuple[Seat, ...] = ()
    is_system: bool = False
    _cache: dict = field(default_factory=dict, compare=False, repr=False)
    # The exercise organization this user is acting in (a drill they joined), else None: then
    # their seats are that organization's only, and they see only its synthetic world.
    exercise_id: int | None = None

    def seats_with(self, roles: Iterable[str]) -> tuple[Seat, ...]:
        roles = frozenset(roles)
        return tuple(s for s in self.seats if s.role in roles)

    def organization_ids(self, roles: Iterable[str] | None = None) -> set[int]:
        seats = self.seats if roles is None else self.seats_with(roles)
        return {s.organization_id for s in seats}

    def has_role(self, *roles: str) -> bool:
        return self.is_system or any(s.role in roles for s in self.seats)

    def only(self, seats: Iterable[Seat]) -> Principal:
        """The same user acting through these seats alone (a migration-officer seat held
        elsewhere must never widen what a case-worker seat sees, nor the other way round). The
        exercise wall stays: inside a drill, still that drill's world only."""
        if self.is_system:
            return self
        return Principal(user=self.user, label=self.label, seats=tuple(seats), exercise_id=self.exercise_id)

    def restricted_to(self, roles: Iterable[str]) -> Principal:
        return self.only(self.seats_with(roles))

    @property
    def roles(self) -> set[str]:
        return {s.role for s in self.seats}

    @property
    def sees_sensitive(self) -> bool:
        return self.is_system or bool(self.roles & SENSITIVE_ROLES)

    @property
    def sees_names(self) -> bool:
        return self.is_system or bool(self.roles & NAMING_ROLES)

    @property
    def organization(self):
        """The user's first organization, for display only (the time zone, the page header):
        an action's organization is the seat that acts (`acting_seats`), never this guess."""
        if "organization" not in self._cache:
            from amparo.accounts.models import Organization

            ids = [s.organization_id for s in self.seats]
            self._cache["organization"] = Organization.objects.filter(pk__in=ids[:1]).first()
        return self._cache["organization"]

    def received_agreements(self, *, naming: bool = True):
        """Active data-sharing agreements received by this principal's organizations: by the
        seats that see names (naming=True) or by any seat, analysts included (for aggregates)."""
        key = ("agreements", naming)
        if key not in self._cache:
            from amparo.accounts.models import DataSharingAgreement

            orgs = self.organization_ids(NAMING_ROLES) if naming else self.organization_ids()
            self._cache[key] = list(
                DataSharingAgreement.objects.active().filter(recipient_id__in=orgs).select_related("recipient")
            )
        return self._cache[key]


def system_principal(label: str = "cli:system") -> Principal:
    return Principal(user=None, label=label, is_system=True)


def principal_for(user) -> Principal:
    """The principal of a user (cached on the user object for the request's life)."""
    if isinstance(user, Principal):
        return user
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Principal(user=None, label="anonymous")
    cached = getattr(user, "_amparo_principal", None)
    if cached is not None:
        return cached
    from amparo.accounts.models import Membership

    exercise_id = getattr(user, "_amparo_exercise", None)  # set by accounts.middleware from the session
    memberships = Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
    if exercise_id:
        memberships = memberships.filter(organization_id=exercise_id, organization__is_exercise=True)
    else:
        memberships = memberships.filter(organization__is_exercise=False)
    seats = tuple(
        Seat(
            organization_id=m.organization_id,
            role=m.role,
            kind=m.organization.kind,
            country=m.organization.country,
            served_nationality=m.organization.served_nationality,
            jurisdiction_country=m.organization.jurisdiction_country,
            jurisdiction_subdivisions=tuple(m.organization.jurisdiction_subdivisions or ()),
            enforces_immigration=m.organization.enforces_immigration,
        )
        for m in memberships.select_related("organization")
    )
    principal = Principal(user=user, label=user.get_username(), seats=seats, is_system=False, exercise_id=exercise_id)
    user._amparo_principal = principal
    return principal


# --- Rule registry -------------------------------------------------------------------------

Rule = Callable[[Principal], Q]


@dataclass
class _ModelRules:
    names: Rule
    counts: Rule | None = None
    extensions: list[Rule] = field(default_factory=list)


_rules: dict[type[models.Model], _ModelRules] = {}


def register(model: type[models.Model], *, names: Rule, counts: Rule | None = None) -> None:
    """Declare who sees `model` by name (`names`) and in aggregates (`counts`, default: names)."""
    _rules[model] = _ModelRules(names=names, counts=counts)


def extend(model: type[models.Model], rule: Rule) -> None:
    """Widen `model`'s named visibility with another app's rule (OR-ed)."""
    _rules[model].extensions.append(rule)


def _rules_for(model: type[models.Model]) -> _ModelRules:
    model = model._meta.concrete_model
    try:
        return _rules[model]
    except KeyError:
        raise LookupError(f"no access rule registered for {model._meta.label}") from None


def names_q(principal: Principal, model: type[models.Model]) -> Q:
    if principal.is_system:
        return EVERYTHING
    rules = _rules_for(model)
    q = rules.names(principal)
    for extra in rules.extensions:
        q |= extra(principal)
    return q


# --- The exercise wall --------------------------------------------------------------------------
# Drills run on synthetic people, crises and messages owned by an exercise organization
# (Organization.is_exercise). For each model that can hold such records, the drills app names the
# path to the owning organization; every scoped read then keeps real and exercise records apart:
# outside a drill nobody sees exercise records; inside one, a user sees that drill's records only.
_walls: dict[type[models.Model], str] = {}


def exercise_wall(model: type[models.Model], organization_path: str) -> None:
    """Declare how `model`'s records reach their owning organization (e.g. "registering_organization",
    "crisis__organization")."""
    _walls[model] = organization_path


def _behind_wall(principal: Principal, qs: models.QuerySet) -> models.QuerySet:
    path = _walls.get(qs.model._meta.concrete_model)
    if path is None:
        return qs
    if principal.exercise_id:
        return qs.filter(**{path: principal.exercise_id})
    return qs.exclude(**{f"{path}__is_exercise": True})


def visible(user, model_or_queryset) -> models.QuerySet:
    """Records `user` may see by name."""
    qs = _queryset(model_or_queryset)
    principal = principal_for(user)
    if principal.is_system:
        return qs
    if not principal.seats:
        return qs.none()
    return _behind_wall(principal, qs.filter(names_q(principal, qs.model)))


def countable(user, model_or_queryset) -> models.QuerySet:
    """Records `user` may count in aggregates (never list these by name)."""
    qs = _queryset(model_or_queryset)
    principal = principal_for(user)
    if principal.is_system:
        return qs
    if not principal.seats:
        return qs.none()
    rules = _rules_for(qs.model)
    q = (rules.counts or rules.names)(principal)
    return _behind_wall(principal, qs.filter(q | names_q(principal, qs.model)))


class NotVisible(Http404):
    """A 404 for a record that exists but is not the user's to see. It answers exactly like a
    missing record; the edge (accounts.middleware, amparo.api) records it as an access-denied
    event for the record's organization."""

    def __init__(self, obj, message: str = ""):
        super().__init__(message or "Not found")
        self.obj = obj


class Refused(PermissionDenied):
    """A 403 on a record the user sees but may not change; recorded like NotVisible."""

    def __init__(self, obj, message: str = ""):
        super().__init__(message)
        self.obj = obj


def get_visible_or_404(user, model_or_queryset, **lookup):
    """The scoped fetch every view starts with: 404 when absent or not the user's to see (so a
    record's existence is not revealed to someone who may not see it)."""
    queryset = _queryset(model_or_queryset)
    found = visible(user, queryset).filter(**lookup).first() if lookup else None
    if found is not None:
        return found
    if not lookup:
        raise Http404
    existing = queryset.model._base_manager.filter(**lookup).first()
    if existing is not None:
        raise NotVisible(existing)
    raise Http404


def acting_seats(user, obj: models.Model, roles: Iterable[str] | None = None) -> tuple[Seat, ...]:
    """The user's seats (with one of `roles`) through which `obj` is visible by name, the seats of
    the organization that owns it first. Decides what a user may do with one record when they hold
    several seats: a case worker in one organization who is a migration officer in another sees
    the second organization's people as a migration officer, nothing more."""
    principal = principal_for(user)
    if principal.is_system:
        return ()
    roles = None if roles is None else frozenset(roles)
    key = ("acting", obj._meta.label_lower, obj.pk, roles)
    if key not in principal._cache:
        seats = principal.seats if roles is None else principal.seats_with(roles)
        owners = owner_organization_ids(obj)
        seats = sorted(seats, key=lambda s: (s.organization_id not in owners, s.organization_id))
        model = obj._meta.concrete_model
        principal._cache[key] = tuple(
            s for s in seats if visible(principal.only([s]), model).filter(pk=obj.pk).exists()
        )
    return principal._cache[key]


def acting_organization_id(user, obj: models.Model, roles: Iterable[str] | None = None) -> int | None:
    """The organization through which the user acts on `obj` (see acting_seats), or None."""
    seats = acting_seats(user, obj, roles)
    return seats[0].organization_id if seats else None


def home_country(user) -> str:
    """The country all the user's organizations work in, or "" when they work in several (a
    hint for reading phone numbers without a prefix, never a guess between countries)."""
    countries = {s.country for s in principal_for(user).seats if s.country}
    return countries.pop() if len(countries) == 1 else ""


OWNER_FIELDS = ("registering_organization_id", "organization_id", "provider_id", "from_organization_id")


def owner_organization_ids(obj) -> set[int]:
    """The organizations a record belongs to, read from its fields (a person's registering
    organization, a crisis's or a case's organization, a person-owned row's person's)."""
    owners = {getattr(obj, name) for name in OWNER_FIELDS if getattr(obj, name, None)}
    person = getattr(obj, "person", None) if not owners and hasattr(obj, "person_id") else None
    if person is not None:
        owners.add(person.registering_organization_id)
    return owners


def require(condition: bool, message: str = "") -> None:
    if not condition:
        raise PermissionDenied(message)


def _queryset(model_or_queryset) -> models.QuerySet:
    if isinstance(model_or_queryset, models.QuerySet):
        return model_or_queryset
    return model_or_queryset._default_manager.all()


class ScopedQuerySet(models.QuerySet):
    """Mix into a model's queryset so `Model.objects.visible_to(user)` reads naturally."""

    def visible_to(self, user):
        return visible(user, self)

    def countable_by(self, user):
        return countable(user, self)


# --- Organizations and agreements themselves ------------------------------------------------


def can_manage_organization(user, organization) -> bool:
    principal = principal_for(user)
    return principal.is_system or organization.pk in principal.organization_ids([Role.ORG_ADMIN])


def can_write_registry(user, organization_id: int) -> bool:
    principal = principal_for(user)
    return principal.is_system or organization_id in principal.organization_ids(REGISTRY_WRITERS)
