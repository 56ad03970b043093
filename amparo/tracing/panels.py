"""Tracing's sections of other apps' pages: the registry's person page (notes and inquiries about
this person) and the crisis dashboard (open inquiries and reunifications)."""

from __future__ import annotations

from amparo.tracing import queries
from amparo.tracing.forms import FoundNoteForm


def person_panel(user, person) -> dict | None:
    return {
        "notes": list(queries.notes_on(user, person)[:20]),
        "candidates": list(queries.proposed_for_person(user, person)[:20]),
        "note_form": FoundNoteForm(),
    }


def crisis_panel(user, crisis) -> dict | None:
    return queries.crisis_counts(user, crisis)
