"""The messaging catalogs: every translated plural has all the forms its language's Plural-Forms
asks for (Spanish has three in recent gettext: a missing one shows English to the reader)."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[1] / "locale"


@pytest.mark.parametrize("language", ["es", "fr", "ht", "pt"])
def test_translated_plurals_have_every_form(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    nplurals = int(po.metadata["Plural-Forms"].split("nplurals=")[1].split(";")[0])
    incomplete = [
        e.msgid
        for e in po
        if e.msgid_plural and any(e.msgstr_plural.values()) and not all(e.msgstr_plural.get(i) for i in range(nplurals))
    ]
    assert incomplete == []


@pytest.mark.parametrize("language", ["es", "fr", "ht", "pt"])
def test_every_messaging_string_is_translated(language):
    """Five languages on every screen: staff in Port-au-Prince or São Paulo read messaging too."""
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == []
