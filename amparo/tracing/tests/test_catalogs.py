"""Tracing's pages and the question to the sought person in five languages: every string
translated, no fuzzy entry, placeholders kept."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

from amparo.tracing.services import consent_question

LOCALE = Path(__file__).resolve().parents[1] / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


@pytest.mark.parametrize("code", ["es", "fr", "ht", "pt"])
def test_catalog_is_complete_and_keeps_placeholders(code):
    catalog = polib.pofile(str(LOCALE / code / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in catalog if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == []
    for entry in catalog.translated_entries():
        assert sorted(PLACEHOLDER.findall(entry.msgstr)) == sorted(PLACEHOLDER.findall(entry.msgid)), entry.msgid


@pytest.mark.parametrize(("code", "words"), [("es", "Responda SÍ o NO"), ("fr", "Répondez OUI ou NON"),
                                             ("ht", "Reponn WI oswa NON"), ("pt", "Responda SIM ou NÃO"),
                                             ("en", "Reply YES or NO")])  # fmt: skip
def test_the_question_is_asked_in_the_persons_language(code, words):
    text = consent_question(organization_name="Albergue Belén", relationship="", language=code)
    assert words in text and text.startswith("Albergue Belén")
