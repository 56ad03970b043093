"""The reply vocabulary files (data/replies/*.toml) load, say each phrase once, use only the
welfare need codes, cover every need in every language, and keep the documented notation."""

from __future__ import annotations

import pytest

from amparo.messaging import reply_vocabulary as vocabulary
from amparo.messaging.reply_vocabulary import LANGUAGES, NEED_CODES, VocabularyError, expand, lexicon, tokenize


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_file_loads_and_covers_every_need(language):
    lex = lexicon(language)
    categories = {tag.category for tag in lex.phrases.values()}
    for category in ("yes", "safe", "bad", "help", "need_verb", "negation", "contrast", "question", "neutral"):
        assert category in categories, category
    assert {tag.code for tag in lex.phrases.values() if tag.category in ("need", "resource")} == set(NEED_CODES)
    assert set(lex.keywords.values()) == {"info", "shelters", "consulate", "stop"}


def test_the_bracket_notation():
    assert expand("herid[o|a|os|as]") == ["herido", "herida", "heridos", "heridas"]
    assert expand("sano[s]") == ["sano", "sanos"]
    assert expand("asustad[o|a][s]") == ["asustado", "asustados", "asustada", "asustadas"]


def test_tokens_ignore_accents_capitals_emphasis_and_keep_english_endings():
    assert tokenize("¿Está BIEN?") == ["¿", "esta", "bien", "?"]
    assert tokenize("ayudaaaa!!!") == ["ayuda", "!", "!", "!"]
    assert tokenize("I'm fine, don't worry") == ["i_m", "fine", ",", "don_t", "worry"]
    assert tokenize("j'ai besoin d'aide") == ["j", "ai", "besoin", "d", "aide"]
    assert tokenize("sœur 👍🏽 🆘") == ["soeur", "~yes", "~help"]


def test_a_phrase_in_two_categories_is_refused(tmp_path, monkeypatch):
    (tmp_path / "es.toml").write_text('[words]\nsafe = ["bien"]\nbad = ["bien"]\n', encoding="utf-8")
    (tmp_path / "emoji.toml").write_text("[emoji]\n", encoding="utf-8")
    monkeypatch.setattr(vocabulary, "DATA", tmp_path)
    lexicon.cache_clear()
    try:
        with pytest.raises(VocabularyError, match="es.toml.*'bien' is already safe"):
            lexicon("es")
    finally:
        lexicon.cache_clear()


def test_an_unknown_need_code_is_refused(tmp_path, monkeypatch):
    (tmp_path / "es.toml").write_text('[needs]\nwater = ["agua"]\n', encoding="utf-8")
    monkeypatch.setattr(vocabulary, "DATA", tmp_path)
    lexicon.cache_clear()
    try:
        with pytest.raises(VocabularyError, match="'water' is not a welfare need code"):
            lexicon("es")
    finally:
        lexicon.cache_clear()
