"""The default screening rules, table-driven: answers in, profiles + triggering indicators,
urgent flags and priority out. The rules are data (seeded from defaults.py into the database)."""

import pytest

from amparo.protection.codes import Priority
from amparo.protection.models import ScreeningRule
from amparo.protection.rules import InvalidRule, RuleSpec, evaluate, rule_specs, validate

Y = "yes"
# (name, answers, {profile: triggering indicators}, urgent flags, priority, the rules it tests).
# Reviewed against the RCM's regional guidelines for preliminary identification and referral
# (2013): safety and emergency care first; a child (stated or apparent) alone or separated is
# critical; the suspected trafficker present is critical; fear of return goes to asylum; sexual
# violence within 72 hours is critical (prophylaxis and emergency contraception).
CASES = [
    ("nothing said", {}, {}, [], Priority.LOW, []),
    (
        "the person's own wish to seek asylum",
        {"wishes_asylum": Y},
        {"international_protection": ["wishes_asylum"]},
        [],
        Priority.HIGH,
        ["asylum_wish"],
    ),
    ("undecided about asylum suggests nothing", {"wishes_asylum": "undecided"}, {}, [], Priority.LOW, []),
    (
        "danger alone raises a flag without a profile",
        {"immediate_danger": Y},
        {},
        ["immediate_danger"],
        Priority.CRITICAL,
        ["immediate_danger"],
    ),
    (
        "child travelling alone",
        {"age": 15, "without_guardian": Y},
        {"unaccompanied_child": ["age", "without_guardian"]},
        ["unaccompanied_child"],
        Priority.CRITICAL,
        ["child_alone"],
    ),
    (
        "child with unrelated adults",
        {"age": 12, "with_unrelated_adults": Y},
        {"unaccompanied_child": ["age", "with_unrelated_adults"]},
        ["unaccompanied_child"],
        Priority.CRITICAL,
        ["child_separated"],
    ),
    ("adult travelling alone is not a child", {"age": 18, "without_guardian": Y}, {}, [], Priority.LOW, []),
    (
        "an apparent child who says 19, travelling alone",
        {"age": 19, "appears_minor": Y, "without_guardian": Y},
        {"unaccompanied_child": ["appears_minor", "without_guardian"]},
        ["unaccompanied_child"],
        Priority.CRITICAL,
        ["child_apparent_alone"],
    ),
    (
        "an apparent child with unrelated adults",
        {"appears_minor": Y, "with_unrelated_adults": Y},
        {"unaccompanied_child": ["appears_minor", "with_unrelated_adults"]},
        ["unaccompanied_child"],
        Priority.CRITICAL,
        ["child_apparent_separated"],
    ),
    ("one trafficking indicator is not enough", {"documents_held": Y}, {}, [], Priority.LOW, []),
    (
        "two trafficking indicators",
        {"documents_held": Y, "debt_to_recruiter": Y},
        {"trafficking": ["debt_to_recruiter", "documents_held"]},
        [],
        Priority.HIGH,
        ["trafficking_indicators"],
    ),
    (
        "trafficking with the person not free and in danger",
        {"not_free_to_leave": Y, "immediate_danger": Y, "wages_withheld": Y},
        {"trafficking": ["not_free_to_leave", "wages_withheld", "immediate_danger"]},
        ["immediate_danger"],
        Priority.CRITICAL,
        ["trafficking_in_danger"],
    ),
    (
        "the suspected trafficker is present",
        {"someone_speaks_for_them": Y, "controller_present": Y},
        {"trafficking": ["controller_present"]},
        ["controller_present"],
        Priority.CRITICAL,
        ["trafficking_controller_present"],
    ),
    (
        "fear of return",
        {"fears_return": Y},
        {"international_protection": ["fears_return"]},
        [],
        Priority.HIGH,
        ["international_protection"],
    ),
    (
        "forced recruitment by a gang",
        {"forced_recruitment": Y},
        {"international_protection": ["forced_recruitment"]},
        [],
        Priority.HIGH,
        ["international_protection"],
    ),
    (
        "medical emergency",
        {"medical_emergency": Y},
        {"urgent_health": ["medical_emergency"]},
        ["medical_emergency"],
        Priority.CRITICAL,
        ["medical_emergency"],
    ),
    ("pregnancy", {"pregnant": Y}, {"urgent_health": ["pregnant"]}, [], Priority.MEDIUM, ["health_needs"]),
    (
        "late pregnancy is high, with a flag",
        {"pregnant": Y, "pregnancy_late": Y},
        {"urgent_health": ["pregnant", "pregnancy_late"]},
        ["late_pregnancy"],
        Priority.HIGH,
        ["late_pregnancy"],
    ),
    (
        "chronic illness without medicine is high, with a flag",
        {"chronic_no_medicine": Y},
        {"urgent_health": ["chronic_no_medicine"]},
        ["chronic_without_medicine"],
        Priority.HIGH,
        ["chronic_without_medicine"],
    ),
    (
        "robbed on the way",
        {"robbed_in_transit": Y},
        {"crime_in_transit": ["robbed_in_transit"]},
        [],
        Priority.MEDIUM,
        ["crime_in_transit"],
    ),
    (
        "kidnapped on the way",
        {"kidnapped_in_transit": Y},
        {"crime_in_transit": ["kidnapped_in_transit"]},
        [],
        Priority.HIGH,
        ["kidnapped_in_transit"],
    ),
    (
        "sexual violence, time unknown",
        {"sexual_violence": Y},
        {"sgbv": ["sexual_violence"]},
        [],
        Priority.HIGH,
        ["sexual_violence"],
    ),
    (
        "sexual violence 30 hours ago",
        {"sexual_violence": Y, "sexual_violence_hours": 30},
        {"sgbv": ["sexual_violence", "sexual_violence_hours"]},
        ["pep_window"],
        Priority.CRITICAL,
        ["sexual_violence_72h"],
    ),
    (
        "sexual violence 90 hours ago",
        {"sexual_violence": Y, "sexual_violence_hours": 90},
        {"sgbv": ["sexual_violence", "sexual_violence_hours"]},
        ["contraception_window"],
        Priority.HIGH,
        ["sexual_violence_120h"],
    ),
    (
        "sexual violence two weeks ago",
        {"sexual_violence": Y, "sexual_violence_hours": 336},
        {"sgbv": ["sexual_violence"]},
        [],
        Priority.HIGH,
        [],
    ),
    ("fear of a partner", {"fears_partner": Y}, {"sgbv": ["fears_partner"]}, [], Priority.HIGH, ["gender_violence"]),
    ("older person", {"age": 67}, {"older_person": ["age"]}, [], Priority.LOW, ["older_person"]),
    (
        "older person alone",
        {"age": 67, "travelling_alone": Y},
        {"older_person": ["age", "travelling_alone"]},
        [],
        Priority.MEDIUM,
        ["older_person_alone"],
    ),
    (
        "older person dependent",
        {"age": 67, "needs_daily_care": Y},
        {"older_person": ["age", "needs_daily_care"]},
        [],
        Priority.MEDIUM,
        ["older_person_dependent"],
    ),
    (
        "older person alone and dependent is without care",
        {"age": 67, "travelling_alone": Y, "needs_daily_care": Y},
        {"older_person": ["age", "travelling_alone", "needs_daily_care"]},
        [],
        Priority.HIGH,
        ["older_person_without_care"],
    ),
    (
        "disability",
        {"disability": Y, "disability_type": ["hearing"]},
        {"disability": ["disability"]},
        [],
        Priority.MEDIUM,
        ["disability"],
    ),
    (
        "disability without device",
        {"disability": Y, "without_device": Y},
        {"disability": ["disability", "without_device"]},
        [],
        Priority.HIGH,
        ["disability_without_device"],
    ),
    (
        "disability without carer",
        {"disability": Y, "without_carer": Y},
        {"disability": ["disability", "without_carer"]},
        [],
        Priority.HIGH,
        ["disability_without_carer"],
    ),
    (
        "a lone carer with children and nowhere safe tonight",
        {"travelling_with_children": Y, "sole_caregiver": Y, "safe_place_tonight": "no"},
        {},
        ["family_without_shelter"],
        Priority.HIGH,
        ["family_without_shelter"],
    ),
    (
        "LGBTIQ+ at risk",
        {"lgbtiq_violence": Y},
        {"lgbtiq": ["lgbtiq_violence"]},
        [],
        Priority.MEDIUM,
        ["lgbtiq_at_risk"],
    ),
    (
        "no documents",
        {"no_documents": Y},
        {"stateless_undocumented": ["no_documents"]},
        [],
        Priority.LOW,
        ["stateless_undocumented"],
    ),
    ("stranded", {"cannot_move": Y}, {"stranded": ["cannot_move"]}, [], Priority.MEDIUM, ["stranded"]),
    (
        "stranded in a crisis",
        {"cannot_move": Y, "affected_by_crisis": Y},
        {"stranded": ["cannot_move", "affected_by_crisis"]},
        [],
        Priority.HIGH,
        ["stranded_in_crisis"],
    ),
    (
        "extra-continental",
        {"from_outside_americas": Y},
        {"extra_continental": ["from_outside_americas"]},
        [],
        Priority.LOW,
        ["extra_continental"],
    ),
    (
        "extra-continental needing an interpreter",
        {"from_outside_americas": Y, "needs_interpretation": Y},
        {"extra_continental": ["from_outside_americas", "needs_interpretation"]},
        [],
        Priority.MEDIUM,
        ["extra_continental_interpretation"],
    ),
    ("smuggled", {"paid_smuggler": Y}, {"smuggled": ["paid_smuggler"]}, [], Priority.LOW, ["smuggled"]),
    (
        "smuggled and abandoned",
        {"paid_smuggler": Y, "abandoned_by_smuggler": Y},
        {"smuggled": ["paid_smuggler", "abandoned_by_smuggler"]},
        [],
        Priority.HIGH,
        ["smuggled_abandoned"],
    ),
    (
        "prefers not to say never triggers",
        {"fears_return": "prefers_not", "documents_held": "prefers_not", "debt_to_recruiter": "unknown"},
        {},
        [],
        Priority.LOW,
        [],
    ),
    ("protective factors suggest nothing", {"family_support": Y, "safe_place_tonight": Y}, {}, [], Priority.LOW, []),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "answers", "profiles", "flags", "priority", "tested"), CASES, ids=[c[0] for c in CASES]
)
def test_default_rules(name, answers, profiles, flags, priority, tested):
    result = evaluate(rule_specs(ScreeningRule.objects.all()), answers)
    assert {code: sorted(s.indicators) for code, s in result.suggestions.items()} == {
        code: sorted(ind) for code, ind in profiles.items()
    }
    assert sorted(result.urgent_flags) == sorted(flags)
    assert result.priority == priority
    assert set(tested) <= set(result.fired)


@pytest.mark.django_db
def test_every_default_rule_has_its_case():
    tested = {code for case in CASES for code in case[5]}
    assert set(ScreeningRule.objects.filter(is_active=True).values_list("code", flat=True)) == tested


@pytest.mark.django_db
def test_every_default_rule_is_valid_and_names_known_questions():
    from amparo.protection.models import Indicator

    known = [*Indicator.objects.values_list("code", flat=True), "wishes_asylum"]
    specs = rule_specs(ScreeningRule.objects.all())
    assert len(specs) > 20
    for spec in specs:
        validate(spec, known)


@pytest.mark.django_db
def test_a_country_changes_a_rule_in_the_data_without_code():
    rule = ScreeningRule.objects.get(code="older_person")
    rule.conditions = [{"q": "age", "op": "gte", "value": 65}]
    rule.save()
    assert "older_person" not in evaluate(rule_specs(ScreeningRule.objects.all()), {"age": 62}).suggestions
    rule.is_active = False
    rule.save()
    assert "older_person" not in evaluate(rule_specs(ScreeningRule.objects.all()), {"age": 70}).suggestions
    assert (
        "older_person"
        in evaluate(rule_specs(ScreeningRule.objects.all()), {"age": 70, "travelling_alone": "yes"}).suggestions
    )


@pytest.mark.parametrize(
    ("conditions", "min_matches", "message"),
    [
        ((), 0, "no conditions"),
        (({"op": "eq", "value": "yes"},), 0, "needs a question code"),
        (({"q": "age", "op": "between"},), 0, "unknown operator"),
        (({"q": "nonexistent"},), 0, "unknown question"),
        (({"q": "age"},), 2, "needs 2 matches of 1"),
    ],
)
def test_malformed_rules_are_refused_with_the_rule_and_condition_named(conditions, min_matches, message):
    with pytest.raises(InvalidRule, match=message) as exc:
        validate(RuleSpec(code="r1", profile="x", conditions=conditions, min_matches=min_matches), ["age"])
    assert "r1" in str(exc.value)
