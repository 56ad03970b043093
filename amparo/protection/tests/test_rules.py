"""The default screening rules, table-driven: answers in, profiles + triggering indicators,
urgent flags and priority out. The rules are data (seeded from defaults.py into the database)."""

import pytest

from amparo.protection.codes import Priority
from amparo.protection.models import ScreeningRule
from amparo.protection.rules import InvalidRule, RuleSpec, evaluate, rule_specs, validate

CASES = [
    # (name, answers, {profile: triggering indicators}, urgent flags, priority)
    ("nothing said", {}, {}, [], Priority.LOW),
    (
        "child travelling alone",
        {"age": 15, "without_guardian": "yes"},
        {"unaccompanied_child": ["age", "without_guardian"]},
        ["unaccompanied_child"],
        Priority.CRITICAL,
    ),
    (
        "child with unrelated adults",
        {"age": 12, "with_unrelated_adults": "yes"},
        {"unaccompanied_child": ["age", "with_unrelated_adults"]},
        ["unaccompanied_child"],
        Priority.CRITICAL,
    ),
    ("adult travelling alone is not a child", {"age": 18, "without_guardian": "yes"}, {}, [], Priority.LOW),
    ("one trafficking indicator is not enough", {"documents_held": "yes"}, {}, [], Priority.LOW),
    (
        "two trafficking indicators",
        {"documents_held": "yes", "debt_to_recruiter": "yes"},
        {"trafficking": ["debt_to_recruiter", "documents_held"]},
        [],
        Priority.HIGH,
    ),
    (
        "trafficking with the person not free and in danger",
        {"not_free_to_leave": "yes", "immediate_danger": "yes", "wages_withheld": "yes"},
        {"trafficking": ["not_free_to_leave", "wages_withheld", "immediate_danger"]},
        ["immediate_danger"],
        Priority.CRITICAL,
    ),
    (
        "fear of return",
        {"fears_return": "yes"},
        {"international_protection": ["fears_return"]},
        [],
        Priority.HIGH,
    ),
    (
        "the person's own wish to seek asylum",
        {"wishes_asylum": "yes"},
        {"international_protection": ["wishes_asylum"]},
        [],
        Priority.HIGH,
    ),
    ("undecided about asylum suggests nothing", {"wishes_asylum": "undecided"}, {}, [], Priority.LOW),
    (
        "medical emergency",
        {"medical_emergency": "yes"},
        {"urgent_health": ["medical_emergency"]},
        ["medical_emergency"],
        Priority.CRITICAL,
    ),
    ("pregnancy", {"pregnant": "yes"}, {"urgent_health": ["pregnant"]}, [], Priority.MEDIUM),
    (
        "sexual violence within 72 hours",
        {"sexual_violence_72h": "yes"},
        {"sgbv": ["sexual_violence_72h"]},
        ["medical_emergency"],
        Priority.CRITICAL,
    ),
    ("older person", {"age": 67}, {"older_person": ["age"]}, [], Priority.LOW),
    (
        "older person alone",
        {"age": 67, "alone_or_dependent": "yes"},
        {"older_person": ["age", "alone_or_dependent"]},
        [],
        Priority.MEDIUM,
    ),
    (
        "disability without carer",
        {"disability": "yes", "without_device_or_carer": "yes"},
        {"disability": ["disability", "without_device_or_carer"]},
        [],
        Priority.HIGH,
    ),
    ("LGBTIQ+ at risk", {"lgbtiq_violence": "yes"}, {"lgbtiq": ["lgbtiq_violence"]}, [], Priority.MEDIUM),
    ("no documents", {"no_documents": "yes"}, {"stateless_undocumented": ["no_documents"]}, [], Priority.LOW),
    (
        "stranded in a crisis",
        {"cannot_move": "yes", "affected_by_crisis": "yes"},
        {"stranded": ["cannot_move", "affected_by_crisis"]},
        [],
        Priority.HIGH,
    ),
    (
        "extra-continental needing an interpreter",
        {"from_outside_americas": "yes", "needs_interpretation": "yes"},
        {"extra_continental": ["from_outside_americas", "needs_interpretation"]},
        [],
        Priority.MEDIUM,
    ),
    (
        "smuggled and abandoned",
        {"paid_smuggler": "yes", "abandoned_or_held": "yes"},
        {"smuggled": ["paid_smuggler", "abandoned_or_held"]},
        [],
        Priority.HIGH,
    ),
    ("danger alone raises a flag without a profile", {"immediate_danger": "yes"}, {}, ["immediate_danger"], 4),
    (
        "prefers not to say never triggers",
        {"fears_return": "prefers_not", "documents_held": "prefers_not", "debt_to_recruiter": "unknown"},
        {},
        [],
        Priority.LOW,
    ),
    ("protective factors suggest nothing", {"family_support": "yes", "safe_place_tonight": "yes"}, {}, [], 1),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "answers", "profiles", "flags", "priority"), CASES, ids=[c[0] for c in CASES])
def test_default_rules(name, answers, profiles, flags, priority):
    result = evaluate(rule_specs(ScreeningRule.objects.all()), answers)
    assert {code: sorted(s.indicators) for code, s in result.suggestions.items()} == {
        code: sorted(ind) for code, ind in profiles.items()
    }
    assert sorted(result.urgent_flags) == sorted(flags)
    assert result.priority == priority


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
        in evaluate(rule_specs(ScreeningRule.objects.all()), {"age": 70, "alone_or_dependent": "yes"}).suggestions
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
