"""Every gettext catalog of every app, in every language staff and migrants read (English is the
source: its catalogs stay empty by design).

- nothing untranslated or fuzzy: a missing entry falls back to another language on screen;
- a plural entry has exactly the forms its catalog's Plural-Forms asks for;
- placeholders (%(name)s, %s, %d, {name}, %%) are the same in the translation as in the source,
  or formatting fails or drops a value;
- one (context, msgid) has one translation per language across all catalogs: Django merges the
  catalogs of every app into one, so two different translations of the same English word mean
  one of them silently wins on the other app's screens ("Envió" for a referral that is "Enviada").
  Where the English word means two things (a state and an action, a noun and a verb), the code
  gives each a context (pgettext, {% translate ... context ... %}).

- every string the code and templates mark for translation is in the catalogs: a string added to
  the code without `make messages` shows in English on every screen however complete the
  catalogs are (checked by refreshing a scratch copy of the package with GNU gettext).

Refresh with `make messages`, then translate."""

import os
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from pathlib import Path

import polib
import pytest

AMPARO = Path(__file__).resolve().parents[2]
LANGUAGES = ["es", "fr", "ht", "pt"]
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%|\{\w*\}")


def _catalog_paths(language: str) -> list[Path]:
    return sorted(AMPARO.glob(f"**/locale/{language}/LC_MESSAGES/django.po"))


def _catalogs(language: str) -> list[tuple[str, polib.POFile]]:
    return [(str(path.relative_to(AMPARO)), polib.pofile(str(path))) for path in _catalog_paths(language)]


def _live(catalog: polib.POFile):
    return [e for e in catalog if not e.obsolete]


def _name(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def _nplurals(catalog: polib.POFile) -> int | None:
    match = re.search(r"nplurals\s*=\s*(\d+)", catalog.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else None


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text))


def test_every_app_has_a_catalog_in_every_language():
    apps = {p.parents[3] for p in AMPARO.glob("**/locale/en/LC_MESSAGES/django.po")}
    assert apps, "no catalogs found"
    missing = [
        f"{app.relative_to(AMPARO)}/locale/{language}"
        for app in apps
        for language in LANGUAGES
        if not (app / "locale" / language / "LC_MESSAGES" / "django.po").exists()
    ]
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_untranslated_or_fuzzy(language):
    """Five languages on every screen: staff in Port-au-Prince or São Paulo read every app."""
    missing = [
        f"{path}: {_name(e)}"
        for path, catalog in _catalogs(language)
        for e in _live(catalog)
        if "fuzzy" in e.flags or not all(_translations(e))
    ]
    assert missing == [], f"{len(missing)} untranslated or fuzzy in {language}, e.g. {missing[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_have_the_forms_of_the_language(language):
    """Spanish has three forms in recent gettext: a missing one shows English to the reader."""
    wrong = []
    for path, catalog in _catalogs(language):
        nplurals = _nplurals(catalog)
        plurals = [e for e in _live(catalog) if e.msgid_plural]
        if nplurals is None:
            if plurals:
                wrong.append(f"{path}: no Plural-Forms header")
            continue
        wrong += [
            f"{path}: {e.msgid} has {len(e.msgstr_plural)} forms, not {nplurals}"
            for e in plurals
            if sorted(e.msgstr_plural) != list(range(nplurals))
        ]
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    wrong = []
    for path, catalog in _catalogs(language):
        for e in _live(catalog):
            formatted = "python-format" in e.flags
            for index, text in enumerate(_translations(e)):
                if not text:
                    continue
                # A singular form may say "one" instead of the number; other forms follow the plural.
                sources = [e.msgid_plural, e.msgid] if e.msgid_plural and index == 0 else [e.msgid_plural or e.msgid]
                if formatted:
                    ok = any(_placeholders(text) == _placeholders(s) for s in sources)
                else:
                    braces = [Counter(re.findall(r"\{\w*\}", s)) for s in sources]
                    ok = Counter(re.findall(r"\{\w*\}", text)) in braces
                if not ok:
                    wrong.append(f"{path}: {_name(e)!r} → {text!r}")
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_translation_per_message_across_catalogs(language):
    """Django merges every app's catalog: the same (context, msgid) translated two ways in two
    apps shows one app's word on the other's screens. Give the meanings contexts, or agree."""
    seen: dict[tuple, dict[tuple, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path, catalog in _catalogs(language):
        for e in _live(catalog):
            if "fuzzy" not in e.flags and all(_translations(e)):
                seen[(e.msgctxt, e.msgid, e.msgid_plural)][tuple(_translations(e))].append(path.split("/")[0])
    conflicts = [
        f"{(ctx + '|') if ctx else ''}{msgid!r}: "
        + "; ".join(f"{t!r} in {', '.join(apps)}" for t, apps in variants.items())
        for (ctx, msgid, _plural), variants in seen.items()
        if len(variants) > 1
    ]
    assert conflicts == [], "\n".join(conflicts)


def test_the_placeholder_pattern_sees_every_kind_the_code_formats_with():
    found = _placeholders("%(n)s of %(total)d, %s and %d, {name} and {0}, 5%% and 50 % off")
    assert found == Counter(["%(n)s", "%(total)d", "%s", "%d", "{name}", "{0}", "%%"])


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="one database-free check: made in the SQLite pass")
def test_every_marked_string_is_in_the_catalogs(tmp_path):
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext is missing: .ci/run installs it")
        pytest.skip("GNU gettext (xgettext) is not installed")
    copy = tmp_path / "amparo"
    shutil.copytree(AMPARO, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    script = AMPARO.parent / "scripts" / "messages.sh"
    done = subprocess.run(["bash", str(script), str(copy)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    missing = []
    for path in _catalog_paths("es"):
        relative = path.relative_to(AMPARO)
        known = {(e.msgctxt, e.msgid) for e in _live(polib.pofile(str(path)))}
        fresh = [e for e in _live(polib.pofile(str(copy / relative))) if (e.msgctxt, e.msgid) not in known]
        missing += [f"{relative}: {_name(e)}" for e in fresh]
    assert not missing, "strings not in the catalogs (run `make messages`, then translate):\n" + "\n".join(missing)
