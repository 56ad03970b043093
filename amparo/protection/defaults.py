"""Default profiles, indicator questions, screening rules and referral pathways (DOMAIN.md).

This is seed DATA: `load_defaults()` writes it into admin-editable tables once (after `migrate`
on an empty database, and after a test flush), and a country then adapts the rows in the admin.
Pathways, authorities and providers come from the directory's data files (`protection/data/`,
`directory.py`); verify them locally before real use and record the review per country.

Wording is trauma-informed: ask only what the route needs, say why, and accept "prefers not to
say". Observations (`obs`) are noted by staff and never asked aloud.
"""

from __future__ import annotations

from django.db import transaction

from amparo.protection import directory, screening_defaults

# Profiles, questions and rules: amparo/protection/screening_defaults.py (five languages).
PROFILES = screening_defaults.PROFILES
INDICATORS = screening_defaults.INDICATORS
RULES = screening_defaults.RULES


@transaction.atomic
def load_defaults(*, only_if_empty: bool = True) -> dict[str, int]:
    """Write the defaults. With `only_if_empty`, do nothing once any profile exists (a country's
    edits in the admin are never overwritten); otherwise add what is missing, by code."""
    from amparo.protection.models import Indicator, Profile, ScreeningRule

    if only_if_empty and Profile.objects.exists():
        return {}
    counts, _profiles = screening_defaults.load(Profile, Indicator, ScreeningRule)
    counts.update(directory.load(demo=False))
    return counts
