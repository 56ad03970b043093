"""Property-based test of the whole API against its own OpenAPI document (schemathesis), in process
through the WSGI application, as one user of each role: no server error, and every response,
error bodies included, has a status code, content type and body the document declares.

Bounded and deterministic so it fits `make test`: a few examples per operation and role, a fixed
seed (hypothesis `derandomize`), both valid and invalid inputs. Path ids are steered towards the
records of a small world half of the time, so the operations also run on real rows (and as an
outsider of them), not only on 404s."""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis import checks

from amparo.accounts.codes import OrganizationKind, Role
from amparo.accounts.models import APIToken
from amparo.accounts.policy import system_principal

EXAMPLES = 4
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
SYSTEM = system_principal("test:schemathesis")

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
schema.config.generation.update(max_examples=EXAMPLES, deterministic=True)
# Only the fuzzing phase: the coverage phase enumerates every boundary of every parameter,
# whatever max_examples says, which would not fit in make test.
schema.config.phases.update(phases=["fuzzing"])

# Filled by the `world` fixture: path parameter name -> ids of real rows.
KNOWN_IDS: dict[str, list[int]] = {}


@schema.hook
def map_path_parameters(context, path_parameters):
    for name, value in (path_parameters or {}).items():
        known = KNOWN_IDS.get(name)
        if known and isinstance(value, int) and value >= 0 and value % 2 == 0:
            path_parameters[name] = known[(value // 2) % len(known)]
    return path_parameters


def _build_world():
    from django.contrib.auth import get_user_model

    from amparo.accounts.models import Membership, Organization
    from amparo.crises.models import Crisis
    from amparo.crises.services import AreaSpec, create_crisis
    from amparo.matching import services as matching
    from amparo.matching.models import MatchPair
    from amparo.matching.scoring import score
    from amparo.registry.models import Person
    from amparo.registry.services import PersonData, register_person

    def org(slug, kind, **fields):
        if kind == OrganizationKind.CONSULATE:
            fields.update(served_nationality="GT", jurisdiction_country="MX")
        return Organization.objects.create(slug=slug, name=slug, kind=kind, country="MX", **fields)

    consulate = org("st-consulate", OrganizationKind.CONSULATE)
    ngo = org("st-ngo", OrganizationKind.NGO)
    inm = org("st-inm", OrganizationKind.MIGRATION_AUTHORITY)
    cnpc = org("st-cnpc", OrganizationKind.CIVIL_PROTECTION)
    shelter = org("st-shelter", OrganizationKind.SHELTER)
    seats = {
        Role.ORG_ADMIN: consulate,
        Role.CONSULAR_OFFICER: consulate,
        Role.MIGRATION_OFFICER: inm,
        Role.CIVIL_PROTECTION_COORDINATOR: cnpc,
        Role.CASE_WORKER: ngo,
        Role.SUPERVISOR: ngo,
        Role.PROVIDER_STAFF: shelter,
        Role.ANALYST: consulate,
    }
    tokens = {}
    for role, organization in seats.items():
        user = get_user_model().objects.create_user(username=f"st-{role}", email=f"{role}@example.org")
        Membership.objects.create(user=user, organization=organization, role=role)
        tokens[role] = APIToken.objects.issue(user=user, name="schemathesis")[1]

    people = []
    for organization in (consulate, ngo, shelter):
        for given, surname in (("José María", "Hernández"), ("Jose Maria", "Hernandez")):
            data = PersonData(
                given_names=given,
                first_surname=surname,
                nationalities=["GT"],
                birth_date=date(1988, 3, 12),
                latitude=17.0,
                longitude=-99.8,
                country="MX",
                subdivision="MX-GRO",
            )
            people.append(register_person(actor=SYSTEM, organization=organization, data=data, audit_event=False))
    crisis = create_crisis(
        actor=SYSTEM,
        name="Sismo",
        kind="earthquake",
        areas=[AreaSpec(kind="circle", center_latitude=17.0, center_longitude=-99.8, radius_km=50)],
    )
    for a, b in zip(people[::2], people[1::2], strict=True):
        built = matching.features_for([a.pk, b.pk])
        matching.record_pairs([(a.pk, b.pk, score(built[a.pk][0], built[b.pk][0]))], found_by="test")
    KNOWN_IDS.update(
        person_id=list(Person.objects.values_list("pk", flat=True)),
        crisis_id=list(Crisis.objects.values_list("pk", flat=True)) or [crisis.pk],
        pair_id=list(MatchPair.objects.values_list("pk", flat=True)),
    )
    for app_model, name in (
        ("messaging.Broadcast", "broadcast_id"),
        ("protection.Referral", "referral_id"),
        ("cases.Case", "case_id"),
        ("matching.Merge", "merge_id"),
    ):
        from django.apps import apps

        KNOWN_IDS[name] = list(apps.get_model(app_model).objects.values_list("pk", flat=True))
    return tokens


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    """One world for the module, rolled back at its end. Requests go through the real WSGI
    handler, whose request_started/finished signals close database connections that are not in
    autocommit (as inside this transaction): disconnected meanwhile, as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            KNOWN_IDS.clear()
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=[role.value for role in Role])
def role_token(request, tokens, db):
    return tokens[request.param]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_conforms_to_its_schema_for_every_role(case, role_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {role_token}"}, checks=CHECKS)
