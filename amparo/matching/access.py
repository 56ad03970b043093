"""Who sees which review pairs and merges: only those who may see both people."""

from __future__ import annotations

from django.db.models import Q

from amparo.accounts import policy
from amparo.matching.models import MatchPair, Merge
from amparo.registry.models import Person


def _both_visible(a: str, b: str):
    def rule(p: policy.Principal) -> Q:
        visible = Person.objects.filter(policy.names_q(p, Person)).values("pk")
        return Q(**{f"{a}__in": visible}) & Q(**{f"{b}__in": visible})

    return rule


policy.register(MatchPair, names=_both_visible("person_a", "person_b"))
policy.register(Merge, names=_both_visible("survivor", "merged"))
