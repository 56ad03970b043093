"""Registry services other apps rely on: update_person keeps the search index and tells the apps;
reindex-people rebuilds the index; households stay inside one organization."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from amparo.accounts.models import AuditEvent
from amparo.accounts.policy import system_principal
from amparo.registry import services
from amparo.registry.models import NameKey, Person
from amparo.registry.queries import PersonFilters, search_people

pytestmark = pytest.mark.django_db(transaction=True)


def found(q):
    return list(search_people(system_principal(), PersonFilters(q=q)))


def test_update_person_reindexes_names_and_audits_field_names_only(shelter, shelter_user, make_person):
    ana = make_person(shelter, given_names="Ana", first_surname="Pérez", special_needs="diabetes")
    services.update_person(actor=shelter_user, person=ana, changes={"first_surname": "Gómez"})
    assert found("ana gomez") == [ana] and found("ana perez") == []
    event = AuditEvent.objects.get(action="update", object_id=str(ana.pk))
    assert event.extra["fields"] == ["first_surname"] and "Gómez" not in str(event.extra)


def test_update_person_is_refused_to_other_organizations(shelter, outsider, make_person):
    ana = make_person(shelter, given_names="Ana")
    with pytest.raises(PermissionDenied):
        services.update_person(actor=outsider, person=ana, changes={"given_names": "X"})


def test_apps_are_told_when_people_change(shelter, shelter_user, make_person, monkeypatch):
    seen = []
    config = apps.get_app_config("registry")
    monkeypatch.setattr(config, "person_saved", lambda ids: seen.append(list(ids)), raising=False)
    ana = make_person(shelter, given_names="Ana")
    services.update_person(actor=shelter_user, person=ana, changes={"given_names": "Ana María"})
    assert [ana.pk] in seen and len(seen) == 2


def test_reindex_people_rebuilds_the_index(shelter, make_person):
    ana = make_person(shelter, given_names="Ana", first_surname="Pérez")
    NameKey.objects.all().delete()
    Person.objects.update(search_name="")
    assert found("ana perez") == []
    call_command("reindex_people", stdout=StringIO(), stderr=StringIO())
    assert found("perez ana") == [ana]


def test_a_household_of_another_organization_cannot_be_joined(shelter, other_org, shelter_user, make_person):
    ana = make_person(shelter, given_names="Ana")
    foreign = services.create_household(actor=system_principal(), organization=other_org, name="Otra")
    with pytest.raises(PermissionDenied):
        services.set_household(actor=shelter_user, person=ana, household=foreign, role="child")
