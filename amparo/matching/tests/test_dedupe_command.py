"""`amparo dedupe`: a file before import (every row out) and the registry (pairs for review)."""

import csv
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from amparo.matching.models import MatchPair, PersonKey

ROWS = [
    # source_record_id, given_names, first_surname, second_surname, sex, date_of_birth, phone, document_number
    ("A1", "José María", "Hernández", "López", "H", "12/03/1988", "+52 55 1234 5678", "G1234567"),
    ("A2", "Chema", "Hernandez", "", "H", "1988", "55 1234 5678", ""),  # partial date, local phone
    ("A3", "Rosa", "Hernández", "López", "M", "01/07/1990", "+52 55 1234 5678", ""),  # his sister
    ("A4", "Guadalupe", "Ramírez", "Soto", "M", "31/02/1975", "", "X998877"),  # impossible date
    ("A5", "Lupita", "Ramirez", "Soto", "M", "ayer", "not a phone", "X998877"),  # bad date, bad phone
    ("", "Pedro", "Soto", "", "", "", "", ""),  # no source_record_id
]


def write_file(path, rows, *, delimiter=",", encoding="utf-8", headers=None):
    headers = headers or [
        "source_record_id",
        "given_names",
        "first_surname",
        "second_surname",
        "sex",
        "date_of_birth",
        "phone",
        "document_number",
    ]
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(headers)
        writer.writerows(rows)


def read_output(path):
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
def test_every_input_row_is_written_with_its_cluster(tmp_path):
    source, output = tmp_path / "people.csv", tmp_path / "clusters.csv"
    write_file(source, ROWS)
    call_command("dedupe", input=str(source), output=str(output))
    out = read_output(output)
    assert [r["source_record_id"] for r in out] == ["A1", "A2", "A3", "A4", "A5", "row-7"]
    assert list(out[0]) == ["source_record_id", "cluster_id", "match_score"]
    by_id = {r["source_record_id"]: r for r in out}
    assert by_id["A1"]["cluster_id"] == by_id["A2"]["cluster_id"] == "A1"  # Chema, with a partial date
    assert by_id["A3"]["cluster_id"] == "A3"  # the sister is not a duplicate
    assert by_id["A4"]["cluster_id"] == by_id["A5"]["cluster_id"] == "A4"  # matched on what is usable
    assert float(by_id["A2"]["match_score"]) > 0.5
    assert float(by_id["A3"]["match_score"]) == 0.0
    assert by_id["row-7"]["cluster_id"] == "row-7"


@pytest.mark.django_db
def test_a_latin1_semicolon_file_with_spanish_headers(tmp_path):
    source, output = tmp_path / "personas.csv", tmp_path / "out.csv"
    headers = ["Nombres", "Apellido paterno", "Apellido materno", "Fecha de nacimiento", "Teléfono"]
    rows = [("José María", "Núñez", "Peña", "12/03/1988", "5512345678"), ("Chema", "Nuñez", "Peña", "1988-03-12", "")]
    write_file(source, rows, delimiter=";", encoding="cp1252", headers=headers)
    call_command("dedupe", input=str(source), output=str(output))
    out = read_output(output)
    assert len(out) == 2
    assert out[0]["cluster_id"] == out[1]["cluster_id"]


@pytest.mark.django_db
def test_a_file_without_name_columns_is_refused_with_a_reason(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no name column"):
        call_command("dedupe", input=str(source), output=str(tmp_path / "out.csv"))


def test_dedupe_over_the_registry_writes_pairs_for_review(make_person, shelter):
    a = make_person(
        shelter, given_names="Pepe", first_surname="Luna", second_surname="Ríos", birth_date=date(1980, 1, 2)
    )
    b = make_person(
        shelter, given_names="José", first_surname="Luna", second_surname="Rios", birth_date=date(1980, 1, 2)
    )
    make_person(shelter, given_names="Marta", first_surname="Luna", second_surname="Ríos", birth_date=date(1984, 6, 9))
    call_command("dedupe")
    assert PersonKey.objects.filter(person=a).exists()  # stale keys refreshed first
    pair = MatchPair.objects.get()
    assert (pair.person_a_id, pair.person_b_id) == (a.pk, b.pk)
    assert pair.reasons and pair.found_by == "dedupe"
    call_command("dedupe")  # running again re-scores, never duplicates
    assert MatchPair.objects.count() == 1


def test_merge_automatic_merges_only_almost_certain_pairs(make_person, shelter):
    a = make_person(
        shelter,
        given_names="Pepe",
        first_surname="Luna",
        second_surname="Ríos",
        birth_date=date(1980, 1, 2),
        phones=[("+52 55 1111 2222", False)],
    )
    b = make_person(
        shelter,
        given_names="José",
        first_surname="Luna",
        second_surname="Rios",
        birth_date=date(1980, 1, 2),
        phones=[("55 1111 2222", False)],
    )
    call_command("dedupe", merge_automatic=True)
    b.refresh_from_db()
    assert b.record_status == "merged" and b.merged_into_id == a.pk
