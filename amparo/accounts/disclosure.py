"""Small-cell suppression, in one place: a count of 1 to 4 people can identify them, so whoever sees
counts only (an analyst) reads it as "<5" on every surface: dashboards, the API and exports. So
do published statistics (the HXL counts file), whoever downloads them. Zero stays zero (nobody to
identify); staff who see the people by name see exact counts.

    suppress(3, principal)           -> "<5" for an analyst, 3 for a consular officer
    suppress(3, None, published=True) -> "<5"
    suppress_counts(row, principal)  -> the same dict with each count suppressed

A suppressed cell is a string on purpose: the API's schemas declare `int | str`, and a CSV shows
"<5", so no consumer mistakes it for a number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

SMALL_CELL = 5
SUPPRESSED = f"<{SMALL_CELL}"


def counts_only(principal) -> bool:
    """True when this principal reads aggregates only (no role that sees people by name)."""
    if principal is None:
        return True
    from amparo.accounts.policy import Principal, principal_for

    if not isinstance(principal, Principal):
        principal = principal_for(principal)
    return not principal.sees_names


def suppress(count, principal, *, published: bool = False):
    """`count` as `principal` may read it: "<5" for 1 to 4 when they see counts only (or when the
    figure is published), else the count unchanged. Anything but an int passes through."""
    if isinstance(count, bool) or not isinstance(count, int) or not 0 < count < SMALL_CELL:
        return count
    if published or counts_only(principal):
        return SUPPRESSED
    return count


def suppress_counts(row: Mapping, principal, *, keys: Iterable[str] | None = None, published: bool = False) -> dict:
    """A copy of `row` with its counts (every int value, or only `keys`) suppressed."""
    hide = published or counts_only(principal)
    if not hide:
        return dict(row)
    keys = set(keys) if keys is not None else None
    return {
        key: (suppress(value, None, published=True) if keys is None or key in keys else value)
        for key, value in row.items()
    }
