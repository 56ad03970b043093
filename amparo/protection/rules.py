"""The screening engine: evaluates screening rules (data) over a screening's answers.

Pure functions over plain values, so the rules can be table-tested and a country can change them
in the admin without touching code. An unanswered question, "unknown" or "prefers not to say"
never makes a condition hold: declining to answer is never held against the person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from amparo.protection.codes import Answer, Priority

NO_ANSWER = frozenset({"", None, Answer.UNKNOWN.value, Answer.PREFERS_NOT.value})
OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "in")


class InvalidRule(ValueError):
    """A rule's conditions are malformed (names the rule and the condition)."""


@dataclass(frozen=True)
class RuleSpec:
    code: str
    profile: str | None
    conditions: tuple[dict, ...]
    min_matches: int = 0
    urgent_flag: str = ""
    priority: int = Priority.MEDIUM


@dataclass
class Suggestion:
    profile: str
    indicators: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    priority: int = Priority.LOW


@dataclass
class Result:
    suggestions: dict[str, Suggestion] = field(default_factory=dict)
    urgent_flags: list[str] = field(default_factory=list)
    priority: int = Priority.LOW
    fired: list[str] = field(default_factory=list)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def condition_holds(condition: Mapping, answers: Mapping[str, Any]) -> bool:
    value = answers.get(condition["q"])
    op, expected = condition.get("op", "eq"), condition.get("value")
    if isinstance(value, list | tuple):  # several of a list: "eq" is "includes"
        values = {str(v) for v in value}
        if op == "eq":
            return str(expected) in values
        if op == "ne":
            return bool(values) and str(expected) not in values
        if op == "in":
            return bool(values & {str(v) for v in expected or ()})
        return False
    if value in NO_ANSWER:
        return False
    if op == "eq":
        return str(value) == str(expected)
    if op == "ne":
        return str(value) != str(expected)
    if op == "in":
        return str(value) in {str(v) for v in expected or ()}
    number, bound = _number(value), _number(expected)
    if number is None or bound is None:
        return False
    return {"lt": number < bound, "lte": number <= bound, "gt": number > bound, "gte": number >= bound}[op]


def validate(rule: RuleSpec, known_questions: Iterable[str] | None = None) -> None:
    known = set(known_questions) if known_questions is not None else None
    if not rule.conditions:
        raise InvalidRule(f"rule {rule.code}: no conditions")
    for i, cond in enumerate(rule.conditions, 1):
        if not isinstance(cond, Mapping) or "q" not in cond:
            raise InvalidRule(f"rule {rule.code}, condition {i}: needs a question code in 'q'")
        if cond.get("op", "eq") not in OPERATORS:
            raise InvalidRule(f"rule {rule.code}, condition {i}: unknown operator {cond.get('op')!r}")
        if known is not None and cond["q"] not in known:
            raise InvalidRule(f"rule {rule.code}, condition {i}: unknown question {cond['q']!r}")
    if rule.min_matches > len(rule.conditions):
        raise InvalidRule(f"rule {rule.code}: needs {rule.min_matches} matches of {len(rule.conditions)} conditions")


def evaluate(rules: Iterable[RuleSpec], answers: Mapping[str, Any]) -> Result:
    """Which rules fire for these answers, and what they suggest (merged per profile)."""
    result = Result()
    for rule in rules:
        held = [c["q"] for c in rule.conditions if condition_holds(c, answers)]
        needed = rule.min_matches or len(rule.conditions)
        if len(held) < needed:
            continue
        result.fired.append(rule.code)
        result.priority = max(result.priority, rule.priority)
        if rule.urgent_flag and rule.urgent_flag not in result.urgent_flags:
            result.urgent_flags.append(rule.urgent_flag)
        if rule.profile:
            suggestion = result.suggestions.setdefault(rule.profile, Suggestion(profile=rule.profile))
            suggestion.rules.append(rule.code)
            suggestion.priority = max(suggestion.priority, rule.priority)
            for code in held:
                if code not in suggestion.indicators:
                    suggestion.indicators.append(code)
    return result


def rule_specs(queryset) -> list[RuleSpec]:
    """The active rules in the database, as plain specs."""
    return [
        RuleSpec(
            code=r.code,
            profile=r.profile.code if r.profile_id else None,
            conditions=tuple(r.conditions),
            min_matches=r.min_matches,
            urgent_flag=r.urgent_flag,
            priority=r.priority,
        )
        for r in queryset.filter(is_active=True).select_related("profile").order_by("code")
    ]


# --- Skip logic: which questions are asked of this person --------------------------------------


def _unanswered(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return not value
    return value in NO_ANSWER


def _allows(condition: Mapping, facts: Mapping[str, Any]) -> bool:
    if _unanswered(facts.get(condition["q"])):
        return condition.get("unknown") == "ask"
    return condition_holds(condition, facts)


def asked(ask_when, facts: Mapping[str, Any]) -> bool:
    """Whether a question with these `ask_when` clauses is asked, given the facts known so far
    (answers, and the person's age and sex). Every clause must allow it; a clause that is a list
    allows it when one of its conditions does. An unanswered fact blocks the question unless the
    condition says "unknown": "ask" (when age or sex is unknown, ask rather than skip)."""
    for clause in ask_when or ():
        if isinstance(clause, list | tuple):
            if not any(_allows(c, facts) for c in clause):
                return False
        elif not _allows(clause, facts):
            return False
    return True


def asked_questions(questions: Mapping[str, Any], facts: Mapping[str, Any]) -> set[str]:
    """The codes of the questions asked, from {code: ask_when} and the facts. A question that is
    not asked counts as unanswered for the others (a follow-up of a skipped question is skipped),
    so this runs to a fixed point (a few passes: a question may depend on a later observation)."""
    current = set(questions)
    for _ in range(len(questions) + 1):
        known = {k: v for k, v in facts.items() if k not in questions or k in current}
        following = {code for code, ask_when in questions.items() if asked(ask_when, known)}
        if following == current:
            break
        current = following
    return current
