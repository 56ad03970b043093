"""Scenario scripts: the ready ones load; a broken one is refused with where and why."""

import pytest

from amparo.drills.forms import SCENARIOS
from amparo.drills.scenario import ScenarioError, parse
from amparo.drills.tests.conftest import SCRIPT


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_ready_scenarios_load(path):
    scenario = parse(path.read_text(encoding="utf-8"))
    assert scenario.injects[0].kind == "cap_alert" and scenario.population.size >= 1000
    assert [i.at_seconds for i in scenario.injects] == sorted(i.at_seconds for i in scenario.injects)


def test_a_small_script_reads_as_written():
    scenario = parse(SCRIPT)
    assert (scenario.hazard, scenario.country, scenario.population.size) == ("earthquake", "MX", 60)
    assert [(i.at_seconds, i.kind) for i in scenario.injects] == [
        (0, "cap_alert"),
        (1800, "note"),
        (3600, "cap_update"),
    ]
    assert scenario.injects[0].payload["area"] == {"kind": "circle", "center_latitude": 16.85,
                                                   "center_longitude": -99.88, "radius_km": 25.0}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("hazard: earthquake", "hazard: tsunami"), "hazard: unknown 'tsunami'"),
        (("size: 60", "size: -3"), "population.size: -3"),
        (('at: "0:30"', 'at: "0:75"'), "injects[1].at"),
        (("kind: note", "kind: party"), "injects[1].kind: unknown 'party'"),
        (("radius_km: 25}}", "radius_km: 25, lat2: 1}}"), None),  # extra keys in an area are ignored
        (("{circle: {lat: 16.85, lon: -99.88, radius_km: 25}}", "{square: 3}"), "injects[0].area: unknown area kind"),
        (("nationalities: {GT: 50, HN: 30, HT: 20}", "nationalities: {GT: 0}"), "add up to zero"),
        (("  size: 60", "  size: [60"), "line"),
    ],
)
def test_a_broken_script_says_where_and_why(change, message):
    old, new = change
    text = SCRIPT.replace(old, new)
    if message is None:
        parse(text)
        return
    with pytest.raises(ScenarioError, match=message.replace("[", r"\[").replace("(", r"\(")):
        parse(text)


def test_a_script_needs_an_alert_and_is_bounded():
    with pytest.raises(ScenarioError, match="cap_alert"):
        parse(SCRIPT.replace("kind: cap_alert", "kind: note"))
    with pytest.raises(ScenarioError, match="larger than"):
        parse(SCRIPT + "#" * 200_000)
    with pytest.raises(ScenarioError, match="mapping"):
        parse("- just\n- a list\n")
