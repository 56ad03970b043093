"""The import's fast paths (issue 19) write exactly what the slow ones did: name keys equal to the
per-person index, conflicts skipped in one statement, each distinct value read once (cached)
with the same answer in every row, every broken row still reported with its row and field."""

import csv

import pytest
from django.db import transaction
from django.utils import translation

from amparo.accounts.policy import system_principal
from amparo.registry import indexing, normalize
from amparo.registry.bulk import insert_rows
from amparo.registry.importing import rows as rows_module
from amparo.registry.importing import vocabulary
from amparo.registry.importing.engine import import_people
from amparo.registry.models import ContactPoint, NameKey, NameWord, Nationality, Person

pytestmark = pytest.mark.django_db

HEADER = (
    "source_record_id,given_names,first_surname,second_surname,nationality,date_of_birth,country,phone,consent_alerts"
)
ROWS = [
    "K-1,María José,López,García,guatemalteca,17/05/1990,MX,+50255551234,sí",
    "K-2,JOSÉ,de la Cruz,,GT,1990-05-17,MX,,no",
    "K-3,Ana,López,Pérez,hondureña,1985,GT,5555 1234,",
    "K-4,Ana,lopez,perez,HN,1985-02-30,MX,,sí",  # no 30 February: rejected
    "K-5,Jean-Baptiste,D'Arcy,Nöel,haitiano,01/02/03,MX,5555 1234,yes",
    "K-6,,Sin Nombre,,GT,,,,",  # no given names: rejected
    "K-7,María,López,García,marciana,,,,",  # unknown nationality: rejected
    "K-8,De la,Del,Los,mexicana,,,,",  # a name made of particles only
    "K-9,Zoë,Ñúñez,García,GT,17.05.90,MX,55 1234 5678,x",
    "K-10,Luis,Ruiz,,MX,,,,quizás",  # not yes or no: rejected
]
VALID = ("1", "2", "3", "5", "8", "9")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(org, path, **kwargs):
    return import_people(actor=system_principal("test"), organization=org, path=path, **kwargs)


def write(path, rows):
    path.write_text(HEADER + "\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def keys_in_database() -> set[tuple[str, int]]:
    return set(NameKey.objects.values_list("key", "person_id"))


def test_keys_written_in_batches_equal_the_per_person_index(shelter, tmp_path):
    result = run(shelter, write(tmp_path / "people.csv", ROWS), batch_size=2)
    assert (result.imported, result.rejected) == (6, 4)
    written = keys_in_database()
    expected = {(key, p.pk) for p in Person.objects.all() for key in indexing.keys_of(p)}
    assert written == expected
    assert {w for w in NameWord.objects.values_list("word", flat=True)} >= {
        key for key, _pk in written if not key.startswith("=")
    }
    # The per-person path (the one every other writer uses) rebuilds exactly the same rows.
    indexing.reindex_all()
    assert keys_in_database() == written
    assert Person.objects.get(source_record_id="K-8").search_name == " de la del los "


def test_importing_the_same_file_twice_updates_and_duplicates_no_key(shelter, tmp_path):
    path = write(tmp_path / "people.csv", ROWS)
    first = run(shelter, path, batch_size=3)
    keys, words, contacts = keys_in_database(), NameWord.objects.count(), ContactPoint.objects.count()
    second = run(shelter, path, batch_size=3)
    assert (first.imported, first.updated) == (6, 0)
    assert (second.imported, second.updated, second.rejected) == (0, 6, 4)
    assert keys_in_database() == keys
    assert (NameWord.objects.count(), ContactPoint.objects.count()) == (words, contacts)
    assert Person.objects.count() == 6


def test_broken_rows_are_reported_with_row_and_field_and_every_valid_row_is_kept(shelter, tmp_path):
    # The same broken values again further down the file: the cached answers report them too.
    path = write(tmp_path / "people.csv", ROWS + [r.replace("K-", "L-", 1) for r in ROWS])
    result = run(shelter, path, batch_size=4, report_path=tmp_path / "report.csv")
    assert (result.imported, result.rejected) == (12, 8)
    with open(tmp_path / "report.csv", encoding="utf-8-sig") as handle:
        rejected = {(r["row"], r["column"], r["value"]) for r in csv.DictReader(handle) if r["outcome"] == "rejected"}
    assert rejected == {
        (str(row), column, value)
        for offset in (0, len(ROWS))
        for row, column, value in (
            (5 + offset, "date_of_birth", "1985-02-30"),
            (7 + offset, "given_names", ""),
            (8 + offset, "nationality", "marciana"),
            (11 + offset, "consent_alerts", "quizás"),
        )
    }
    assert set(Person.objects.values_list("source_record_id", flat=True)) == {f"{p}-{n}" for p in "KL" for n in VALID}


def test_cached_values_give_each_row_its_own_answer(shelter, tmp_path):
    run(shelter, write(tmp_path / "people.csv", ROWS))
    ana, jean = Person.objects.get(source_record_id="K-3"), Person.objects.get(source_record_id="K-5")
    # The same phone as written, read with each row's own regions: Guatemala (location) for
    # Ana, Haiti (nationality; not a Mexican number) for Jean.
    phones = dict(ContactPoint.objects.filter(kind="phone").values_list("person__source_record_id", "value"))
    assert (phones["K-3"], phones["K-5"]) == ("+50255551234", "+50955551234")
    assert jean.birth_date.isoformat() == "2003-02-01"
    assert Person.objects.get(source_record_id="K-9").birth_date.isoformat() == "1990-05-17"
    assert set(Nationality.objects.filter(person=ana).values_list("country", flat=True)) == {"HN"}


def test_name_tokens_from_cached_parts_equal_the_tokens_of_the_whole_name():
    names = [
        ("María José", "López", "García"),
        ("JOSÉ", "de la Cruz", ""),
        ("De la", "Del", "Los"),
        ("Jean-Baptiste", "D'Arcy", "Nöel"),
        ("\u0301Ana", "Pe\u0301rez", "Ｇarcía"),  # a leading combining mark, a full-width letter
        ("ﬁona", "Straße", "Øvergård"),
        ("Ли", "Wáng", "王"),
        ("", "", ""),
        ("a" * 60, "b" * 45, "los"),
        ("Ana Ana", "ana", "ANA"),
    ]
    for given, first, second in names:
        assert normalize._main_tokens(given, first, second) == normalize.tokens(f"{given} {first} {second}")


def test_cached_lookups_still_refuse_what_they_do_not_know():
    for _ in range(2):  # the second time from the cache
        with pytest.raises(ValueError):
            vocabulary.yes_no("quizás")
        assert vocabulary.yes_no("Sí") is True and vocabulary.yes_no("") is None
        with pytest.raises(ValueError):
            rows_module.parse_date("30/02/1990")
        assert rows_module.parse_date("01/02/03", this_year=2026)[0].year == 2003
        assert rows_module.parse_date("01/02/03", this_year=2002)[0].year == 1903


def test_insert_rows_skips_conflicts_with_the_table_and_within_the_rows(shelter):
    person = Person.objects.create(registering_organization=shelter, given_names="Ana")
    other = Person.objects.create(registering_organization=shelter, given_names="Rosa")
    insert_rows(NameKey, ["key", "person"], [("ana", person.pk)])

    insert_rows(
        NameKey,
        ["key", "person"],
        [("ana", person.pk), ("ana", other.pk), ("ana", other.pk), ("=ana rosa", other.pk)],
        ignore_conflicts=True,
    )
    insert_rows(NameWord, ["word"], [("ana",), ("ana",)], ignore_conflicts=True)
    insert_rows(NameWord, ["word"], [("ana",), ("rosa",)], ignore_conflicts=True)  # the staging table again
    assert keys_in_database() == {("ana", person.pk), ("ana", other.pk), ("=ana rosa", other.pk)}
    assert set(NameWord.objects.values_list("word", flat=True)) == {"ana", "rosa"}
    # A staging table created in a rolled-back transaction is gone (PostgreSQL): made again.
    with pytest.raises(RuntimeError), transaction.atomic():
        insert_rows(Nationality, ["person", "country"], [(person.pk, "GT")], ignore_conflicts=True)
        raise RuntimeError
    insert_rows(Nationality, ["person", "country"], [(person.pk, "GT"), (person.pk, "GT")], ignore_conflicts=True)
    assert list(Nationality.objects.values_list("person_id", "country")) == [(person.pk, "GT")]


def test_insert_rows_keeps_every_character_and_value_as_given(shelter):
    person = Person.objects.create(registering_organization=shelter, given_names="Ana")
    odd = ["back\\slash", "tab\there", "new\nline", "cr\rlf", "\\N", "ñandú"]
    insert_rows(NameWord, ["word"], [(w,) for w in odd])
    insert_rows(NameKey, ["key", "person"], [(w, person.pk) for w in odd], ignore_conflicts=True)
    insert_rows(Nationality, ["person", "country"], [(str(person.pk), "GT")])  # not an int: psycopg formats it
    assert set(NameWord.objects.values_list("word", flat=True)) == set(odd)
    assert set(NameKey.objects.values_list("key", flat=True)) == set(odd)
    assert Nationality.objects.get().person_id == person.pk
