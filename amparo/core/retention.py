"""Retention: how long each kind of record and each consent is kept, and the purge that applies it.

Every app declares its own rules in `AppConfig.ready()` with `register(Rule(...))`; the periods are
settings (`RETENTION_DAYS`, each from `AMPARO_RETENTION_<NAME>_DAYS`; docs/operators.md lists the
defaults). `amparo purge --dry-run` lists what would go; `amparo purge` and the daily task
(core.tasks.purge_expired, re-enqueued with run_after) apply the rules. A rule either deletes
records or anonymizes them (keeps the row for the counts, removes what identifies a person); a
person's record that goes leaves one audit event, the tombstone, naming only its id, the rule and
the dates: nothing else of them remains.

Purging is the one deletion the system principal (`cli:purge`, `task:purge`) does without a user:
every apply runs in its own transaction and writes its audit events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone


@dataclass(frozen=True)
class Rule:
    name: str  # the key in settings.RETENTION_DAYS, e.g. "message" or "consent.referrals"
    description: str  # what goes, in one line for `amparo purge --dry-run`
    candidates: Callable[[datetime], object]  # cutoff -> queryset of what is due
    apply: Callable[[object, datetime, object], int]  # (due queryset, now, principal) -> records handled

    @property
    def days(self) -> int:
        return int(settings.RETENTION_DAYS[self.name])


@dataclass
class Outcome:
    rule: Rule
    count: int
    ids: list = field(default_factory=list)  # the first ids due (dry run) or handled


_rules: dict[str, Rule] = {}


def register(rule: Rule) -> None:
    if rule.name not in settings.RETENTION_DAYS:
        raise LookupError(f"no retention period for {rule.name!r} in settings.RETENTION_DAYS")
    _rules[rule.name] = rule


def rules() -> list[Rule]:
    return [_rules[name] for name in sorted(_rules)]


def run(*, dry_run: bool, now: datetime | None = None, principal=None) -> list[Outcome]:
    """Apply every rule (or, with dry_run, only count what each would take)."""
    from amparo.accounts.policy import system_principal

    now = now or timezone.now()
    principal = principal or system_principal("cli:purge")
    outcomes = []
    for rule in rules():
        due = rule.candidates(now - timedelta(days=rule.days))
        ids = list(due.values_list("pk", flat=True)[:20])
        if dry_run:
            outcomes.append(Outcome(rule, due.count(), ids))
            continue
        with transaction.atomic():
            handled = rule.apply(due, now, principal)
        outcomes.append(Outcome(rule, handled, ids))
    return outcomes
