"""Provider choice (issue 14): by the person's place (GPS, else the gazetteer's centre of their
municipality or state), by the step's purpose (a prosecutor is not an asylum desk), capacity and
language, with the distance and the reasons; never an asylum desk for a person who said no."""

import pytest

from amparo.accounts.codes import OrganizationKind, Role
from amparo.protection import directory, queries, services
from amparo.protection.choice import choose_provider, person_origin
from amparo.protection.codes import Decision, ServiceKind
from amparo.protection.models import PathwayStep, Profile, Service

pytestmark = pytest.mark.django_db

TAPACHULA = (14.9054, -92.2589)


@pytest.fixture
def demo_directory():
    directory.load(demo=True)


@pytest.fixture
def ngo(make_org):
    return make_org("ngo-chp", country="MX")


@pytest.fixture
def worker(make_user, ngo):
    return make_user(ngo, Role.CASE_WORKER)


def _confirm(worker, screening, *codes):
    for s in screening.suggestions.filter(profile__code__in=codes):
        services.decide_suggestion(actor=worker, suggestion=s, decision=Decision.CONFIRMED)


def _step(profile, country, purpose, subdivision=""):
    pathway = queries.pathway_for(Profile.objects.get(code=profile), country, subdivision)
    return pathway.steps.get(service_kind=purpose)


def test_a_child_in_chiapas_gets_chiapas_child_protection(demo_directory, worker, ngo, make_person):
    child = make_person(
        ngo, given_names="Kevin", nationality="HN", country="MX", subdivision="MX-CHP", municipality="Tapachula",
        latitude=TAPACHULA[0], longitude=TAPACHULA[1],
    )  # fmt: skip
    screening = services.screen_person(actor=worker, person=child, answers={"age": 14, "without_guardian": "yes"})
    _confirm(worker, screening, "unaccompanied_child")
    first = queries.proposals_for(screening)[0]
    assert first.step.service_kind == ServiceKind.CHILD_PROTECTION
    assert first.service.provider.slug == "mx-dif-chiapas-tapachula"  # never DIF Guerrero
    assert first.distance_km < 5 and first.service.subdivision == "MX-CHP"
    assert "km from the person's position" in first.reason_text


def test_without_gps_the_place_is_the_centre_of_the_municipality_or_state(demo_directory, ngo, make_person):
    in_town = make_person(ngo, country="MX", subdivision="MX-CHP", municipality="Tapachula")
    origin = person_origin(in_town)
    assert origin.kind == "municipality" and abs(origin.lat - TAPACHULA[0]) < 0.1
    in_state = make_person(ngo, country="MX", subdivision="MX-CHP")
    assert person_origin(in_state).kind == "subdivision"
    step = _step("unaccompanied_child", "MX", "child_protection", "MX-CHP")
    choice = choose_provider(in_state, step, profiles=[Profile.objects.get(code="unaccompanied_child")])
    assert choice.service.subdivision == "MX-CHP"
    assert "no GPS position" in choice.reason_text
    nowhere = make_person(ngo, country="", subdivision="")
    assert person_origin(nowhere) is None


def test_trafficking_legal_steps_go_to_the_prosecutor_and_anti_trafficking_unit(
    demo_directory, worker, ngo, make_person
):
    man = make_person(
        ngo, given_names="Wilmer", sex="male", country="MX", subdivision="MX-CHP", municipality="Tapachula",
        latitude=TAPACHULA[0], longitude=TAPACHULA[1],
    )  # fmt: skip
    screening = services.screen_person(
        actor=worker,
        person=man,
        answers={"documents_held": "yes", "debt_to_recruiter": "yes", "wages_withheld": "yes"},
        wishes_asylum="no",
    )
    _confirm(worker, screening, "trafficking")
    by_purpose = {p.step.service_kind: p for p in queries.proposals_for(screening)}
    prosecutor = by_purpose[ServiceKind.PROSECUTOR]
    assert prosecutor.service.kind == ServiceKind.PROSECUTOR
    assert prosecutor.service.provider.kind == OrganizationKind.PROSECUTOR
    assert by_purpose[ServiceKind.ANTI_TRAFFICKING].service.kind == ServiceKind.ANTI_TRAFFICKING
    chosen = {p.service.provider.slug for p in by_purpose.values() if p.service}
    assert "mx-unhcr" not in chosen and "mx-comar" not in chosen


def test_a_man_who_does_not_want_asylum_is_not_sent_to_an_asylum_desk(demo_directory, worker, ngo, make_person):
    man = make_person(
        ngo, sex="male", country="MX", subdivision="MX-CHP", municipality="Tapachula",
        latitude=TAPACHULA[0], longitude=TAPACHULA[1],
    )  # fmt: skip
    screening = services.screen_person(
        actor=worker, person=man, answers={"fears_return": "yes", "threats_persecution": "yes"}, wishes_asylum="no"
    )
    _confirm(worker, screening, "international_protection")
    by_purpose = {p.step.service_kind: p for p in queries.proposals_for(screening)}
    asylum = by_purpose[ServiceKind.ASYLUM_PROCEDURE]
    assert asylum.service is None and "does not wish to seek asylum" in asylum.skipped
    legal = by_purpose[ServiceKind.LEGAL_AID]
    assert legal.service is not None and legal.service.provider.slug != "mx-unhcr"  # UNHCR's desk is asylum only
    # The same man, had he said yes, would get UNHCR's asylum orientation in Tapachula (nearest).
    screening.wishes_asylum = "yes"
    step = _step("international_protection", "MX", "legal_aid")
    profiles = [Profile.objects.get(code="international_protection")]
    assert choose_provider(man, step, screening=screening, profiles=profiles).service.provider.slug == "mx-unhcr"


def _service(provider, kind, name, lat, lon, **extra):
    return Service.objects.create(provider=provider, kind=kind, name=name, country="CR", latitude=lat, longitude=lon,
                                  **extra)  # fmt: skip


def test_language_capacity_and_distance_with_reasons(make_org, make_person):
    ngo = make_org("ngo-cr", country="CR")
    near = _service(make_org(kind="shelter", country="CR"), "shelter", "Near, Spanish only", 8.533, -82.838,
                    languages=["es"], capacity_total=10, capacity_free=3)  # fmt: skip
    french = _service(make_org(kind="shelter", country="CR"), "shelter", "A bit farther, speaks French", 8.60, -82.90,
                      languages=["es", "fr"], capacity_total=10, capacity_free=2)  # fmt: skip
    _service(make_org(kind="shelter", country="CR"), "shelter", "Nearest but full", 8.5331, -82.8381,
             languages=["fr"], capacity_total=10, capacity_free=0)  # fmt: skip
    step = _step("stranded", "CR", "shelter")
    speaker = make_person(ngo, country="CR", latitude=8.533, longitude=-82.838, languages=["fr"],
                          preferred_language="fr", nationality="CM")  # fmt: skip
    choice = choose_provider(speaker, step)
    assert choice.service == french
    assert "speaks French" in choice.reason_text and "2 free places" in choice.reason_text
    hispanic = make_person(ngo, country="CR", latitude=8.533, longitude=-82.838, languages=["es"])
    choice = choose_provider(hispanic, step)
    assert choice.service == near and choice.distance_km < 0.1
    assert choice.reasons[0].startswith("nearest")


def test_consular_step_only_the_persons_own_consulate(make_org, make_person):
    ngo = make_org("ngo-cr3", country="CR")
    gt = make_org("gt-consulate-cr", kind=OrganizationKind.CONSULATE, country="CR", served_nationality="GT")
    hn = make_org("hn-consulate-cr", kind=OrganizationKind.CONSULATE, country="CR", served_nationality="HN")
    _service(gt, "consular_assistance", "Consulado de Guatemala", 9.93, -84.08)
    own = _service(hn, "consular_assistance", "Consulado de Honduras", 9.94, -84.09)
    person = make_person(ngo, nationality="HN", country="CR", latitude=9.93, longitude=-84.08)
    step = _step("stranded", "CR", "consular_assistance")
    assert choose_provider(person, step).service == own


def test_purpose_is_an_indexed_column_not_a_json_list():
    indexed = {tuple(i.fields) for i in Service._meta.indexes}
    assert any(fields[0] == "kind" for fields in indexed)
    assert PathwayStep._meta.get_field("service_kind").max_length == 24
