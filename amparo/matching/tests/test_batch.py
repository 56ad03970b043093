"""The batch engine agrees with the one-pair scoring, and finds duplicates among families."""

import itertools

import numpy as np

from amparo.matching import batch
from amparo.matching import compare as c
from amparo.matching import normalize as n
from amparo.matching.features import from_data
from amparo.matching.scoring import compare_features

PEOPLE = [
    dict(
        given_names="José María",
        first_surname="Hernández",
        second_surname="López",
        birth_date="1988-03-12",
        phone="+52 55 1234 5678",
    ),
    dict(
        given_names="Chema",
        first_surname="Hernandez",
        second_surname="Lopez",
        birth_date="12/03/1988",
        phone="55 1234 5678",
    ),
    dict(
        given_names="Rosa",
        first_surname="Hernández",
        second_surname="López",
        birth_date="1990-07-01",
        phone="+52 55 1234 5678",
    ),
    dict(given_names="López Hernández", first_surname="Rosa", birth_date="1990"),
    dict(
        given_names="Guadalupe",
        first_surname="Pérez",
        second_surname="Gómez",
        birth_date="1975-05-04",
        document_number="G123456",
    ),
    dict(
        given_names="Lupita",
        first_surname="Gómez",
        second_surname="Pérez",
        birth_date="1975-04-05",
        document_number="G123465",
    ),
    dict(given_names="Ma. Guadalupe", first_surname="Perez", birth_date="1976-05-04"),
    dict(given_names="Mario", first_surname="Perez", second_surname="Gomes", birth_date="1975-05-04"),
    dict(given_names="Francisco", first_surname="Villalobos", second_surname="", birth_date="1960-01-01"),
    dict(given_names="Pancho", first_surname="Biyalobos", second_surname="Ruiz", birth_date="1960"),
    dict(given_names="Ana", first_surname="Ruiz Soto", birth_date=""),
    dict(given_names="Ana", first_surname="Soto", second_surname="Ruiz", birth_date="31/02/1960"),
]


def test_batch_levels_equal_the_one_pair_comparison():
    features = [from_data(p) for p in PEOPLE]
    records = batch.Records(features)
    pairs = list(itertools.combinations(range(len(features)), 2))
    i = np.array([a for a, _ in pairs])
    j = np.array([b for _, b in pairs])
    levels = batch.compare_pairs(records, i, j)
    for k, (a, b) in enumerate(pairs):
        expected = {name: value[0] for name, value in compare_features(features[a], features[b]).items()}
        got = {name: int(levels[name][k]) for name in expected}
        assert got == expected, (PEOPLE[a], PEOPLE[b])


def test_dedupe_clusters_duplicates_and_keeps_siblings_apart():
    features = [from_data(p) for p in PEOPLE[:4]]
    result = batch.dedupe(features)
    assert result.cluster[0] == result.cluster[1]  # Chema = José María
    assert result.cluster[2] != result.cluster[0]  # his sister Rosa
    assert result.best[0] > 0.9 and result.best[2] < result.best[0] or result.cluster[2] == result.cluster[3]


def test_blocking_finds_pairs_sharing_a_key_once():
    features = [from_data(p) for p in PEOPLE]
    i, j = batch.candidate_pairs(batch.Records(features))
    pairs = set(zip(i.tolist(), j.tolist(), strict=True))
    assert (0, 1) in pairs and (4, 5) in pairs
    assert len(pairs) == len(i) and all(a < b for a, b in pairs)


def test_records_encoded_in_slices_compare_like_records_encoded_at_once():
    features = [from_data(p) for p in PEOPLE]
    whole = batch.Records(features)
    sliced = batch.Records(
        parts=[
            batch._encode_part(features[:5], batch.REGISTRY_FIELDS),
            batch._encode_part(features[5:], batch.REGISTRY_FIELDS),
        ]
    )
    i1, j1 = batch.candidate_pairs(whole)
    i2, j2 = batch.candidate_pairs(sliced)
    assert (i1.tolist(), j1.tolist()) == (i2.tolist(), j2.tolist())
    a, b = batch.compare_pairs(whole, i1, j1), batch.compare_pairs(sliced, i2, j2)
    assert {k: v.tolist() for k, v in a.items()} == {k: v.tolist() for k, v in b.items()}


WORDS = [
    "maria",
    "mario",
    "marta",
    "francisco",
    "francisca",
    "fransisco",
    "jose",
    "josue",
    "josefina",
    "hernandez",
    "fernandez",
    "hernandes",
    "villalobos",
    "biyalobos",
    "guadalupe",
    "guadalup",
    "gonzalez",
    "gonzales",
    "gonzalo",
    "alejandra",
    "alejandro",
    "alexandra",
    "ximena",
    "jimena",
    "ana",
    "ann",
    "x",
    "",
    "alberto octavio",  # Jaro-Winkler 0.92999… from "alberto otto": below 0.93, not a typo
    "alberto otto",
    "maximiliano",
    "maximilano",
    "bartolomeo",
    "bartolome",
]


def test_similar_many_answers_like_similar_for_every_pair_of_words():
    a = np.array([x for x, _ in itertools.product(WORDS, WORDS)], dtype=object)
    b = np.array([y for _, y in itertools.product(WORDS, WORDS)], dtype=object)
    expected = [c._similar(x, y) for x, y in zip(a, b, strict=True)]
    assert c.similar_many(a, b).tolist() == expected
    assert any(expected) and not all(expected)


GIVEN = [
    "José María",
    "Chema",
    "Jose",
    "José Luis",
    "Josue",
    "María José",
    "Ma. José",
    "Pepe",
    "Francisco",
    "Pancho",
    "Fco. Javier",
    "Francisca",
    "Fransisco",
    "Guadalupe",
    "Lupita",
    "Ma. Guadalupe",
    "Mario",
    "María",
    "Jesús",
    "Chuy",
    "Ximena",
    "Jimena",
    "Ana Sofía",
    "Sofía",
    "Juan Carlos",
    "Carlos",
    "Juan Pablo",
    "Pablo Juan",
    "Bartolomé",
    "Valentina",
    "Balentina",
    # ambiguous nicknames, compounds by sound, typos in the first of two names, long names
    "Beto",
    "Alberto",
    "Roberto Carlos",
    "Beto Carlos",
    "Berto Carlos",
    "José Luis Fernando",
    "Luis",
    "Jose Luiz",
    "Juan José",
    "Juanita",
    "Juana María",
    "Chema Luis",
    "María de los Ángeles",
    "Ángeles",
    "Jesús María",
    "Jesus Maria",
    "Chuy Maria",
    "Lalo",
    "Eduardo Gonzalo",
    "Gonzalo",
    "Wilmer Edwin Marvin Nelson Walter Hugo Pedro Pablo Miguel",
    "Wilmer Edwin Marvin Nelson Walter Hugo Pedro Pablo",
    "Wilmer Edwin",
    "Kevin Brayan",
    "Kebin Brayan",
    "Brayan Kevin",
]


def test_given_levels_many_answers_like_compare_given_for_every_pair_of_names():
    values = [None] + [n.name_tokens(g)[0] for g in GIVEN]
    codes = range(1, len(values))
    ua = np.array([x for x, y in itertools.product(codes, codes) if x != y])
    ub = np.array([y for x, y in itertools.product(codes, codes) if x != y])
    expected = [c.compare_given((values[x], "", ()), (values[y], "", ()))[0] for x, y in zip(ua, ub, strict=True)]
    assert batch._given_levels_many(batch._GivenTables(values), ua, ub).tolist() == expected
    assert len(set(expected)) >= 4  # disagree, similar, compound, equivalent… all exercised


ROW_CELLS = [
    dict(
        given_names="José María",
        first_surname="Hernández",
        second_surname="López",
        date_of_birth="1988-03-12",
        sex="H",
        phone="+52 55 1234 5678",
        document_type="passport",
        document_number="g-123 456",
        municipality="Tapachula",
        nationality="MX",
        email="Jose@Example.org",
    ),
    dict(
        given_names="Chema",
        first_surname="Hernandez",
        date_of_birth="12/03/1988",
        sex="M",
        phone="55 1234 5678",
        subdivision="mx-chp",
        nationality="mexicana",
    ),
    dict(given_names="Rosa López Hernández", date_of_birth="1990", phone="no tiene", country="GT"),
    dict(given_names="López Hernández", first_surname="Rosa", date_of_birth="31/02/1960", phone="502 5555 1234 ext 3"),
    dict(given_names="Ma. Guadalupe", second_surname="Pérez", date_of_birth="05/1976", document_number="12"),
    dict(given_names="", first_surname="Villalobos", second_surname="Ruiz", date_of_birth="fecha"),
    dict(
        given_names="Lupita",
        first_surname="de la Cruz",
        second_surname="de los Santos",
        sex="mujer",
        date_of_birth="13/12/1975",
        email="sin correo",
    ),
    dict(given_names="Pancho", first_surname="Biyalobos", municipality="Ciudad de México", nationality="Guatemala"),
    dict(given_names="Ana Sofía", first_surname="Ruiz Soto"),
    dict(given_names="Ana Sofía", first_surname="Ruiz Soto", date_of_birth="2001-01-01", phone="+1 202 555 0100"),
    # the same names written other ways: capitals, no accents, decomposed accents, spaces, dots
    dict(given_names="  JOSÉ   MARÍA ", first_surname="HERNANDEZ", second_surname="lópez", date_of_birth="19880312"),
    dict(given_names="Jose\u0301 Mari\u0301a", first_surname="Herna\u0301ndez", date_of_birth="1988/3/12"),
    dict(given_names="Sr. Fco. Javier", first_surname="Núñez-Peña", date_of_birth="2.1.1990", phone="(502) 5555-1234"),
    # other scripts and digits go through normalize.py's own functions
    dict(given_names="Ωmega Дмитрий", first_surname="Ōkubo", date_of_birth="١٩٨٨-٠٣-١٢", document_number="ab-ç12"),
    dict(given_names="İsmail", first_surname="Straße", email="ÁNA@Ejemplo.org", phone="0050255551234"),
    dict(given_names="Wilmer Edwin Marvin Nelson", date_of_birth="29/02/2001", phone="00 1 202 555 0100"),
    dict(given_names="Wilmer", first_surname="Edwin", second_surname="Marvin Nelson", date_of_birth="29/02/2000"),
    dict(given_names="Juan Pérez", sex="h", date_of_birth="1988-13-01", nationality="hondureña; GT"),
    dict(given_names="'=Juan", first_surname="Soto", nationality="Trinidad y Tobago", document_number="  X-998877 "),
    dict(
        given_names="Ana", first_surname="Ruiz", second_surname="Soto", date_of_birth="12/31/1990", country="Honduras"
    ),
]


def _write_rows(path, rows):
    import csv

    columns = list(dict.fromkeys(k for row in rows for k in row))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["source_record_id", *columns])
        writer.writeheader()
        for k, row in enumerate(rows):
            writer.writerow({"source_record_id": f"S{k}" if k % 3 else "", **row})


def _equal_records(got, expected):
    """Two Records hold the same values, bags and blocking keys (keys and bags up to their codes)."""

    def values(records, name):
        return [records.values[name][code] for code in records.codes[name]]

    for name in expected.codes:
        assert values(got, name) == values(expected, name), name
    assert (got.dob == expected.dob).all()
    assert [got.surname_words[c] for c in got.s1] == [expected.surname_words[c] for c in expected.s1]
    assert [got.surname_words[c] for c in got.s2] == [expected.surname_words[c] for c in expected.s2]
    assert ((got.p1[:, None] == got.p1[None, :]) == (expected.p1[:, None] == expected.p1[None, :])).all()
    assert ((got.p2[:, None] == got.p2[None, :]) == (expected.p2[:, None] == expected.p2[None, :])).all()
    # bags are compared for equality only: the same rows share one
    assert ((got.bag[:, None] == got.bag[None, :]) == (expected.bag[:, None] == expected.bag[None, :])).all()
    assert ((got.bag == 0) == (expected.bag == 0)).all()
    # keys are compared for equality only: one key of one side is one key of the other
    got_keys = sorted(set(zip(got.key_rows.tolist(), got.key_codes.tolist(), strict=True)))
    expected_keys = sorted(set(zip(expected.key_rows.tolist(), expected.key_codes.tolist(), strict=True)))
    assert len(got_keys) == len(expected_keys)
    rows_of = {}
    for rows, keys in ((rows_of.setdefault("got", {}), got_keys), (rows_of.setdefault("expected", {}), expected_keys)):
        for row, key in keys:
            rows.setdefault(key, set()).add(row)
    assert sorted(map(sorted, rows_of["got"].values())) == sorted(map(sorted, rows_of["expected"].values()))
    assert [(i.tolist(), j.tolist()) for i, j in [batch.candidate_pairs(got)]] == [
        (i.tolist(), j.tolist()) for i, j in [batch.candidate_pairs(expected)]
    ]


def test_a_file_encoded_column_by_column_equals_its_rows_turned_into_features(tmp_path):
    from amparo.matching import columns, files

    path = tmp_path / "people.csv"
    _write_rows(path, ROW_CELLS)
    rows = files.read_rows(path)
    table = files.read_table(path)
    assert table.read_by == "columns"
    assert table.n == len(rows) == len(ROW_CELLS)
    assert table.source_ids().to_pylist() == [r.source_record_id for r in rows]
    for organization_country in ("", "MX"):
        expected = batch.Records(files._features(rows, files.m_means_female(rows), organization_country))
        got = columns.records(table, organization_country=organization_country)
        _equal_records(got, expected)
    assert len({v for v in batch.Records(files.features_of_rows(rows)).values["sex"] if v}) == 2  # sexes were read


def test_the_columnar_reader_reads_a_csv_as_the_row_reader_does(tmp_path):
    from amparo.matching import files

    path = tmp_path / "people.csv"
    text = (
        "\ufeff\r\n  \r\nID;Nombres;Apellido paterno;Fecha de nacimiento;Nacionalidad;Nombre\r\n"
        '1;"Ana ""la Güera""";Ruiz;1990;hondureña;\r\n'
        ";;;;;\r\n"  # an empty row: left out, numbers kept
        '\r\n;"José\r\nLuis";"Soto; Paz";12/03/1988;MX;Pepe\r\n'
        "3;  María  ;López;;Guatemala;\r\n"
        "4;Ro\x00sa\x0b ;\x00;\x1f1990\x7f;HN;\r\n\r\n\r\n"  # control characters, removed as the import does
    )
    path.write_bytes(text.encode("utf-8"))
    rows = files.read_rows(path)
    table = files.read_table(path)
    assert table.read_by == "columns"
    assert table.numbers.tolist() == [r.number for r in rows] == [2, 5, 6, 7]
    assert table.source_ids().to_pylist() == ["1", "row-5", "3", "4"]
    for name in ("given_names", "first_surname", "date_of_birth", "nationality"):
        assert table.column(name).to_pylist() == [r.cells.get(name, "") for r in rows], name
    assert table.column("given_names").to_pylist() == ['Ana "la Güera"', "Pepe", "María", "Rosa"]
    assert table.column("nationality").to_pylist() == ["HN", "MX", "GT", "HN"]
    assert (
        table.column("date_of_birth").to_pylist()[-1] == "1990" and table.column("first_surname").to_pylist()[-1] == ""
    )
    # a row with a missing cell: read row by row, the same way
    path.write_bytes("given_names,first_surname,phone\nAna,Ruiz\nJosé,Soto,5512345678\n".encode("cp1252"))
    table = files.read_table(path)
    assert table.read_by == "rows"
    assert table.column("phone").to_pylist() == ["", "5512345678"]
    assert table.column("given_names").to_pylist() == ["Ana", "José"]


def test_folding_in_bulk_equals_fold_one_value_at_a_time():
    import pyarrow as pa

    from amparo.matching import columns

    texts = [
        "José  María",
        "ÁNGEL",
        "İsmail",
        "a\u0301b",
        "x\u034fy",
        "Ωmega",
        "Straße",
        "ﬁlomena",
        "Núñez-Peña",
        "  d'Ávila  ",
        "",
        "①②",
        "Ma.Guadalupe",
        "ǅuro",
        "Ŀlorenç",
    ]
    assert columns.fold_many(pa.array(texts)).to_pylist() == [n.fold(t) for t in texts]
    assert [n.folded_tokens(n.fold(t)) for t in texts] == [n.name_tokens(t)[0] for t in texts]


def test_dates_phones_documents_and_emails_in_bulk_equal_one_at_a_time():
    import pyarrow as pa

    from amparo.matching import columns

    dates = ["1988-03-12", "12/03/1988", "3/12/1988", "1988-3", "03/1988", "1988", "19880312", "31/02/1990",
             "12/31/1990", "13/13/1990", "00/05/1990", "1879", "2101-01-01", "1988-02-29", "2000-02-29", "1900-02-29",
             "1988.03.12", "12-03-1988", "fecha", "", "1988-03-12T00:00", "١٩٨٨", "01/00/1990", "1990-12-00"]  # fmt: skip
    got = columns.dates_many(pa.array(dates))
    for text, row in zip(dates, got.tolist(), strict=True):
        d = n.parse_partial_date(text)
        assert row == ([-1 if x is None else x for x in d.as_list()] if d else [-1, -1, -1]), text
    phones = ["+52 55 1234 5678", "0052 55 1234 5678", "55-1234-5678", "1234 5678", "(502) 5555-1234", "00 1 202 555 0100",
              "123", "+", "", "0050255551234", "+1 (202) 555-0100", "502.5555.1234", "001234567890", "no tiene"]  # fmt: skip
    keys, decided = columns.phone_keys_many(pa.array(phones))
    for text, key, done in zip(phones, keys.to_pylist(), decided.tolist(), strict=True):
        assert done == (text != "no tiene")
        if done:
            assert key == n.phone_key(text), text
    documents = ["g-123 456", "ab-ç12", "  X-998877 ", "", "№ 12"]
    assert columns.document_numbers_many(pa.array(documents)).to_pylist() == [n.document_number(d) for d in documents]
    emails = ["Jose@Example.org", "sin correo", "ÁNA@Ejemplo.org", ""]
    assert columns.email_keys_many(pa.array(emails)).to_pylist() == [n.email_key(e) for e in emails]


def test_clusters_label_each_record_with_its_components_smallest_record():
    rng = np.random.default_rng(3)
    n_records = 300
    i = rng.integers(0, n_records, 250)
    j = rng.integers(0, n_records, 250)
    # the reference: grow each component from its records, one pair at a time
    component = {r: {r} for r in range(n_records)}
    for a, b in zip(i.tolist(), j.tolist(), strict=True):
        if component[a] is not component[b]:
            merged = component[a] | component[b]
            for r in merged:
                component[r] = merged
    expected = [min(component[r]) for r in range(n_records)]
    assert batch.clusters(n_records, i, j).tolist() == expected
    assert batch.clusters(4, np.array([], dtype=np.int64), np.array([], dtype=np.int64)).tolist() == [0, 1, 2, 3]
    chain = np.arange(99)
    assert set(batch.clusters(100, chain[::-1], chain[::-1] + 1).tolist()) == {0}


def test_pairs_compared_in_chunks_by_worker_processes_equal_pairs_compared_at_once(monkeypatch):
    records = batch.Records([from_data(p) for p in PEOPLE * 3])
    i, j = batch.candidate_pairs(records)
    expected = batch.compare_pairs(records, i, j)
    monkeypatch.setattr(batch, "PARALLEL_FROM", 0)
    monkeypatch.setattr(batch, "COMPARE_CHUNK", 7)
    got = batch.parallel_compare(batch.Records([from_data(p) for p in PEOPLE * 3]), i, j, workers=2)
    assert i.size > 2 * 7
    assert {k: v.tolist() for k, v in got.items()} == {k: v.tolist() for k, v in expected.items()}
