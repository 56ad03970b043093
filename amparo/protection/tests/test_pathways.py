"""Referral pathways are seeded data (DOMAIN.md's competent authorities): table-driven, and a
confirmed screening proposes referrals along the most specific pathway."""

import pytest

from amparo.accounts.codes import OrganizationKind, Role
from amparo.protection import queries, services
from amparo.protection.codes import Decision, ServiceKind, Urgency
from amparo.protection.models import Profile, Service

PATHWAYS = [
    # (profile, country, subdivision, urgency, authorities in order)
    (
        "unaccompanied_child",
        "MX",
        "",
        Urgency.IMMEDIATE,
        ["Procuraduría de Protección de NNA (sistema DIF)", "Consulado"],
    ),
    (
        "unaccompanied_child",
        "MX",
        "MX-GRO",
        Urgency.IMMEDIATE,
        ["Procuraduría de Protección de NNA (DIF Guerrero)", "Consulado"],
    ),
    (
        "unaccompanied_child",
        "MX",
        "MX-CHP",
        Urgency.IMMEDIATE,
        ["Procuraduría de Protección de NNA (sistema DIF)", "Consulado"],
    ),
    ("international_protection", "MX", "", Urgency.URGENT, ["COMAR", "ACNUR / UNHCR"]),
    ("trafficking", "GT", "", Urgency.IMMEDIATE, ["SVET", "Ministerio Público"]),
    ("trafficking", "MX", "", Urgency.IMMEDIATE, ["FEVIMTRA / fiscalía estatal", "Fiscalía (Ministerio Público)"]),
    ("international_protection", "GT", "", Urgency.URGENT, ["IGM (Unidad de Refugiados)", "ACNUR / UNHCR"]),
    ("unaccompanied_child", "HN", "", Urgency.IMMEDIATE, ["DINAF", "Consulado"]),
    ("international_protection", "SV", "", Urgency.URGENT, ["DGME (CODER)", "ACNUR / UNHCR"]),
    ("unaccompanied_child", "CR", "", Urgency.IMMEDIATE, ["PANI", "Consulado"]),
    ("trafficking", "CR", "", Urgency.IMMEDIATE, ["CONATT", "Ministerio Público"]),
    ("international_protection", "PA", "", Urgency.URGENT, ["ONPAR", "ACNUR / UNHCR"]),
    ("unaccompanied_child", "PA", "", Urgency.IMMEDIATE, ["SENNIAF", "Consulado"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("profile", "country", "subdivision", "urgency", "authorities"), PATHWAYS)
def test_seeded_pathways(profile, country, subdivision, urgency, authorities):
    pathway = queries.pathway_for(Profile.objects.get(code=profile), country, subdivision)
    assert pathway is not None
    assert pathway.urgency == urgency
    assert [s.authority for s in pathway.steps.all()] == authorities
    assert pathway.response_hours > 0


@pytest.mark.django_db
def test_no_pathway_for_a_country_without_one():
    assert queries.pathway_for(Profile.objects.get(code="trafficking"), "US") is None


@pytest.mark.django_db
def test_confirmed_child_in_guerrero_is_proposed_to_dif_guerrero_nearest_first(make_org, make_user, make_person):
    ngo = make_org("ngo-gro", country="MX")
    worker = make_user(ngo, Role.CASE_WORKER)
    dif_gro = make_org("dif-gro", kind=OrganizationKind.CHILD_PROTECTION, country="MX")
    dif_far = make_org("dif-chp", kind=OrganizationKind.CHILD_PROTECTION, country="MX")
    Service.objects.create(
        provider=dif_far,
        kind=ServiceKind.CHILD_PROTECTION,
        name="DIF Chiapas",
        country="MX",
        subdivision="MX-CHP",
        latitude=16.75,
        longitude=-93.11,
    )
    Service.objects.create(
        provider=dif_gro,
        kind=ServiceKind.CHILD_PROTECTION,
        name="DIF Guerrero",
        country="MX",
        subdivision="MX-GRO",
        latitude=17.55,
        longitude=-99.50,
    )
    child = make_person(ngo, given_names="Kevin", country="MX", subdivision="MX-GRO", latitude=16.85, longitude=-99.82)
    screening = services.screen_person(actor=worker, person=child, answers={"age": 14, "without_guardian": "yes"})
    suggestion = screening.suggestions.get(profile__code="unaccompanied_child")
    assert queries.proposals_for(screening) == []  # nothing proposed before staff confirm
    services.decide_suggestion(actor=worker, suggestion=suggestion, decision=Decision.CONFIRMED)
    proposals = queries.proposals_for(screening)
    assert proposals[0].pathway.subdivision == "MX-GRO"
    assert proposals[0].service.name == "DIF Guerrero"
    assert proposals[1].step.service_kind == ServiceKind.CONSULAR_ASSISTANCE
    assert proposals[1].service is None  # no consulate of the child's nationality in the directory


@pytest.mark.django_db
def test_rejected_profile_proposes_nothing(make_org, make_user, make_person):
    ngo = make_org(country="MX")
    worker = make_user(ngo, Role.CASE_WORKER)
    person = make_person(ngo, country="MX")
    screening = services.screen_person(actor=worker, person=person, answers={"fears_return": "yes"})
    services.decide_suggestion(actor=worker, suggestion=screening.suggestions.get(), decision=Decision.REJECTED)
    assert queries.proposals_for(screening) == []
