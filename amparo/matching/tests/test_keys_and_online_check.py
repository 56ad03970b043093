"""Stored blocking keys and the online duplicate check, scoped by the access policy."""

from datetime import date

from amparo.matching import services
from amparo.matching.models import PersonFeatures, PersonKey
from amparo.matching.queries import likely_duplicates
from amparo.registry.services import PersonData


def test_refresh_keys_stores_features_and_indexed_keys(make_person, shelter):
    person = make_person(shelter, given_names="Chema", first_surname="Hernández", birth_date=date(1988, 3, 12))
    assert services.refresh_keys([person.pk]) == 1
    keys = set(PersonKey.objects.filter(person=person).values_list("key", flat=True))
    assert "n:ERNANDES|JOSE" in keys
    assert PersonFeatures.objects.get(person=person).data["given"] == ["chema"]
    # refreshing again replaces, never duplicates
    services.refresh_keys([person.pk])
    assert PersonKey.objects.filter(person=person).count() == len(keys)


def test_stale_people_are_found_and_refreshed(make_person, shelter):
    person = make_person(shelter, given_names="Ana", first_surname="Ruiz")
    assert person.pk in services.stale_person_ids()
    services.refresh_stale()
    assert person.pk not in services.stale_person_ids()
    person.given_names = "Anita"
    person.save()
    assert person.pk in services.stale_person_ids()


def test_likely_duplicates_while_registering(make_person, shelter, officer):
    existing = make_person(
        shelter,
        given_names="José María",
        first_surname="Hernández",
        second_surname="López",
        birth_date=date(1988, 3, 12),
        phones=[("+52 55 1234 5678", False)],
    )
    make_person(
        shelter, given_names="Rosa", first_surname="Hernández", second_surname="López", birth_date=date(1990, 1, 1)
    )
    services.refresh_stale()
    data = PersonData(
        given_names="Chema",
        first_surname="Hernandez",
        birth_date=date(1988, 3, 12),
        phones=[("55 1234 5678", False)],
        country="MX",
    )
    found = likely_duplicates(officer, data)
    assert [c.person for c in found] == [existing]
    assert found[0].probability > 0.95
    assert "'Chema' is a nickname of 'José María'" in found[0].explanation
    # a dict of form fields works the same
    assert likely_duplicates(
        officer, {"given_names": "Chema", "first_surname": "Hernández", "birth_date": "12/03/1988"}
    )


def test_a_saved_person_is_not_its_own_duplicate(make_person, shelter, officer):
    person = make_person(shelter, given_names="Pedro", first_surname="Soto", birth_date=date(1970, 5, 5))
    twin = make_person(shelter, given_names="Pedro", first_surname="Soto", birth_date=date(1970, 5, 5))
    services.refresh_stale()
    assert [c.person for c in likely_duplicates(officer, person)] == [twin]


def test_another_organizations_people_are_never_proposed(make_person, shelter, other_org, officer, outsider):
    make_person(other_org, given_names="Pedro", first_surname="Soto", birth_date=date(1970, 5, 5))
    services.refresh_stale()
    query = {"given_names": "Pedro", "first_surname": "Soto", "birth_date": "1970-05-05"}
    assert likely_duplicates(officer, query) == []
    assert len(likely_duplicates(outsider, query)) == 1


def test_check_partial_renders_candidates_for_the_form(client, make_person, shelter, officer):
    make_person(shelter, given_names="Guadalupe", first_surname="Ramírez", birth_date=date(1995, 2, 1))
    services.refresh_stale()
    client.force_login(officer)
    response = client.post(
        "/matching/check/", {"given_names": "Lupita", "first_surname": "Ramirez", "birth_date": "1995-02-01"}
    )
    assert response.status_code == 200
    assert "Guadalupe Ramírez" in response.content.decode()
    assert "nickname" in response.content.decode()


def test_check_partial_shows_nothing_of_other_organizations(client, make_person, other_org, officer):
    make_person(other_org, given_names="Guadalupe", first_surname="Ramírez", birth_date=date(1995, 2, 1))
    services.refresh_stale()
    client.force_login(officer)
    response = client.post(
        "/matching/check/", {"given_names": "Lupita", "first_surname": "Ramirez", "birth_date": "1995-02-01"}
    )
    assert "Ramírez" not in response.content.decode()


def test_check_partial_requires_login(client):
    response = client.post("/matching/check/", {"given_names": "Ana"})
    assert response.status_code == 302
