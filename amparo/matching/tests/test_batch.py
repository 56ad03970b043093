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
]


def test_given_levels_many_answers_like_compare_given_for_every_pair_of_names():
    values = [None] + [n.name_tokens(g)[0] for g in GIVEN]
    codes = range(1, len(values))
    ua = np.array([x for x, y in itertools.product(codes, codes) if x != y])
    ub = np.array([y for x, y in itertools.product(codes, codes) if x != y])
    expected = [c.compare_given((values[x], "", ()), (values[y], "", ()))[0] for x, y in zip(ua, ub, strict=True)]
    assert batch._given_levels_many(values, ua, ub).tolist() == expected
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
        nationality="mx",
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
]


def test_rows_encoded_column_by_column_equal_rows_turned_into_features():
    from amparo.matching import files

    rows = [files.InputRow(number=k + 2, source_record_id=str(k), cells=cells) for k, cells in enumerate(ROW_CELLS)]
    spanish = files.m_means_female(rows)
    expected = batch.Records(files.features_of_rows(rows))
    got = batch.Records(parts=[files._rows_part(rows, spanish_sex=spanish, organization_country="MX")])
    expected_org = batch.Records(files._features(rows, spanish, "MX"))

    def values(records, name):
        return [records.values[name][code] for code in records.codes[name]]

    def key_sets(records):
        keys = [set() for _ in range(records.n)]
        for row, code in zip(records.key_rows.tolist(), records.key_codes.tolist(), strict=True):
            keys[row].add(code)
        return keys

    for name in expected.codes:
        assert values(got, name) == values(expected_org, name), name
    assert values(expected, "given") == values(got, "given")
    assert (got.dob == expected_org.dob).all()
    assert [got.surname_words[c] for c in got.s1] == [expected_org.surname_words[c] for c in expected_org.s1]
    assert [got.surname_words[c] for c in got.s2] == [expected_org.surname_words[c] for c in expected_org.s2]
    assert key_sets(got) == key_sets(expected_org)
    # bags are compared for equality only: the same rows share one
    assert ((got.bag[:, None] == got.bag[None, :]) == (expected_org.bag[:, None] == expected_org.bag[None, :])).all()
    assert (np.asarray(values(got, "sex"), dtype=object) != None).sum() >= 3  # noqa: E711  sexes were read
