"""Referral pathways are seeded data (DOMAIN.md's competent authorities): table-driven, and a
confirmed screening proposes referrals along the most specific pathway."""

import pytest

from amparo.accounts.codes import OrganizationKind, Role
from amparo.protection import queries, services
from amparo.protection.codes import Decision, ServiceKind, Urgency
from amparo.protection.models import Profile, Service

PATHWAYS = [
    # (profile, country, subdivision, urgency, first authority (start), purposes in order)
    (
        "unaccompanied_child",
        "MX",
        "",
        Urgency.IMMEDIATE,
        "Procuraduría de Protección de NNA",
        ["child_protection", "health", "consular_assistance"],
    ),
    (
        "unaccompanied_child",
        "MX",
        "MX-GRO",
        Urgency.IMMEDIATE,
        "Procuraduría de Protección de NNA (DIF Guerrero)",
        ["child_protection", "health", "consular_assistance"],
    ),
    (
        "unaccompanied_child",
        "MX",
        "MX-CHP",
        Urgency.IMMEDIATE,
        "Procuraduría de Protección de NNA del Estado de Chiapas",
        ["child_protection", "health", "consular_assistance"],
    ),
    ("international_protection", "MX", "", Urgency.URGENT, "COMAR", ["asylum_procedure", "legal_aid", "shelter"]),
    ("trafficking", "GT", "", Urgency.IMMEDIATE, "SVET", ["anti_trafficking", "prosecutor", "shelter", "health"]),
    ("trafficking", "MX", "", Urgency.IMMEDIATE, "FEVIMTRA", ["anti_trafficking", "prosecutor", "shelter", "health"]),
    ("international_protection", "GT", "", Urgency.URGENT, "IGM", ["asylum_procedure", "legal_aid", "shelter"]),
    (
        "unaccompanied_child",
        "HN",
        "",
        Urgency.IMMEDIATE,
        "DINAF",
        ["child_protection", "health", "consular_assistance"],
    ),
    ("international_protection", "SV", "", Urgency.URGENT, "CODER", ["asylum_procedure", "legal_aid", "shelter"]),
    ("unaccompanied_child", "CR", "", Urgency.IMMEDIATE, "PANI", ["child_protection", "health", "consular_assistance"]),
    ("trafficking", "CR", "", Urgency.IMMEDIATE, "CONATT", ["anti_trafficking", "prosecutor", "shelter", "health"]),
    ("international_protection", "PA", "", Urgency.URGENT, "ONPAR", ["asylum_procedure", "legal_aid", "shelter"]),
    (
        "unaccompanied_child",
        "PA",
        "",
        Urgency.IMMEDIATE,
        "SENNIAF",
        ["child_protection", "health", "consular_assistance"],
    ),
    (
        "unaccompanied_child",
        "SV",
        "",
        Urgency.IMMEDIATE,
        "CONAPINA",
        ["child_protection", "health", "consular_assistance"],
    ),
    (
        "unaccompanied_child",
        "BZ",
        "",
        Urgency.IMMEDIATE,
        "Department of Human Services",
        ["child_protection", "health", "consular_assistance"],
    ),
    (
        "international_protection",
        "BZ",
        "",
        Urgency.URGENT,
        "Refugees Department",
        ["asylum_procedure", "legal_aid", "shelter"],
    ),
    (
        "unaccompanied_child",
        "DO",
        "",
        Urgency.IMMEDIATE,
        "CONANI",
        ["child_protection", "health", "consular_assistance"],
    ),
    ("international_protection", "DO", "", Urgency.URGENT, "CONARE", ["asylum_procedure", "legal_aid", "shelter"]),
    (
        "unaccompanied_child",
        "NI",
        "",
        Urgency.IMMEDIATE,
        "MIFAN",
        ["child_protection", "health", "consular_assistance"],
    ),
    ("international_protection", "NI", "", Urgency.URGENT, "CONAPARE", ["asylum_procedure", "legal_aid", "shelter"]),
    (
        "crime_in_transit",
        "MX",
        "MX-CHP",
        Urgency.URGENT,
        "Secretaría de Salud",
        ["health", "prosecutor", "legal_aid", "mhpss"],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("profile", "country", "subdivision", "urgency", "first", "purposes"), PATHWAYS)
def test_seeded_pathways(profile, country, subdivision, urgency, first, purposes):
    pathway = queries.pathway_for(Profile.objects.get(code=profile), country, subdivision)
    assert pathway is not None and pathway.subdivision == subdivision
    assert pathway.urgency == urgency
    steps = list(pathway.steps.all())
    assert steps[0].authority.startswith(first)
    assert [s.service_kind for s in steps] == purposes
    assert pathway.response_hours > 0


@pytest.mark.django_db
def test_chiapas_prosecutor_for_crimes_against_migrants():
    pathway = queries.pathway_for(Profile.objects.get(code="crime_in_transit"), "MX", "MX-CHP")
    prosecutor = pathway.steps.get(service_kind="prosecutor")
    assert "Inmigrantes" in prosecutor.authority and prosecutor.source_url.startswith("https://")


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
    assert proposals[-1].step.service_kind == ServiceKind.CONSULAR_ASSISTANCE
    assert proposals[-1].service is None  # no consulate of the child's nationality in the directory


@pytest.mark.django_db
def test_rejected_profile_proposes_nothing(make_org, make_user, make_person):
    ngo = make_org(country="MX")
    worker = make_user(ngo, Role.CASE_WORKER)
    person = make_person(ngo, country="MX")
    screening = services.screen_person(actor=worker, person=person, answers={"fears_return": "yes"})
    services.decide_suggestion(actor=worker, suggestion=screening.suggestions.get(), decision=Decision.REJECTED)
    assert queries.proposals_for(screening) == []
