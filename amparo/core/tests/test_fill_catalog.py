"""`amparo fill-catalog` writes every plural form the language needs."""

import json

import polib
from django.core.management import call_command

from amparo.core.management.commands import fill_catalog


def test_plural_entries_get_every_form_of_the_language(tmp_path, monkeypatch):
    folder = tmp_path / "app" / "locale" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog = polib.POFile()
    catalog.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=3; plural=n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;",
    }
    catalog.append(polib.POEntry(msgid="%(n)s person", msgid_plural="%(n)s people", msgstr_plural={0: "", 1: ""}))
    catalog.append(polib.POEntry(msgid="Shelter", msgstr=""))
    catalog.save(str(folder / "django.po"))
    table = tmp_path / "es.json"
    table.write_text(json.dumps({"%(n)s person": ["%(n)s persona", "%(n)s personas"], "Shelter": "Albergue"}))
    monkeypatch.setattr(fill_catalog, "ROOT", tmp_path)

    call_command("fill_catalog", "es", str(table))

    filled = {e.msgid: e for e in polib.pofile(str(folder / "django.po"))}
    assert filled["%(n)s person"].msgstr_plural == {0: "%(n)s persona", 1: "%(n)s personas", 2: "%(n)s personas"}
    assert filled["Shelter"].msgstr == "Albergue"
