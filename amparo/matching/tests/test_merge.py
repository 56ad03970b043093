"""Merging is non-destructive, moves everything to the survivor, is audited, and can be undone."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from amparo.accounts.codes import AuditAction, RecordStatus
from amparo.accounts.models import AuditEvent
from amparo.accounts.policy import system_principal
from amparo.matching import services
from amparo.matching.models import MatchPair, Merge, PairStatus, PersonKey
from amparo.registry.models import Consent
from amparo.registry.services import record_consent, record_location


@pytest.fixture
def two_records(make_person, shelter):
    survivor = make_person(
        shelter,
        given_names="José María",
        first_surname="Hernández",
        birth_date=None,
        phones=[("+52 55 1234 5678", True)],
        consents={"crisis_alerts": (True, "verbal")},
    )
    merged = make_person(
        shelter,
        given_names="Chema",
        first_surname="Hernández",
        second_surname="López",
        birth_date=date(1988, 3, 12),
        phones=[("+52 55 1234 5678", False), ("+52 55 8765 4321", False)],
        emails=["chema@example.org"],
        documents=[{"document_type": "passport", "number": "G1234567", "issuing_country": "MX"}],
        consents={"referrals": (True, "written")},
    )
    record_location(
        actor=system_principal("test"),
        person=merged,
        latitude=14.9,
        longitude=-92.26,
        country="MX",
        subdivision="MX-CHP",
        municipality="Tapachula",
        audit_event=False,
    )
    services.refresh_stale()
    return survivor, merged


def snapshot(person):
    person.refresh_from_db()
    return {
        "contacts": sorted(person.contacts.values_list("pk", flat=True)),
        "documents": sorted(person.documents.values_list("pk", flat=True)),
        "consents": sorted(person.consents.values_list("pk", "withdrawn_at")),
        "locations": sorted(person.location_history.values_list("pk", flat=True)),
        "nationalities": sorted(person.nationalities.values_list("pk", flat=True)),
        "fields": (
            person.birth_date,
            person.second_surname,
            person.other_names,
            person.municipality,
            person.record_status,
            person.merged_into_id,
        ),
    }


def test_merge_moves_everything_and_unmerge_restores_it(two_records, officer):
    survivor, merged = two_records
    before = (snapshot(survivor), snapshot(merged))
    merge = services.merge_people(actor=officer, survivor=survivor, merged=merged)

    merged.refresh_from_db()
    survivor.refresh_from_db()
    assert merged.record_status == RecordStatus.MERGED and merged.merged_into == survivor
    assert set(survivor.contacts.values_list("value", flat=True)) == {
        "+525512345678",
        "+525587654321",
        "chema@example.org",
    }
    assert survivor.documents.count() == 1
    assert set(survivor.consents.values_list("purpose", flat=True)) == {"crisis_alerts", "referrals"}
    assert survivor.birth_date == date(1988, 3, 12)  # an empty field is filled from the merged record
    assert "Chema Hernández López" in survivor.other_names
    assert survivor.municipality == "Tapachula"
    assert merged.contacts.count() == 1  # the shared phone stays on the kept record
    assert not PersonKey.objects.filter(person=merged).exists()  # never proposed again
    assert AuditEvent.objects.filter(action=AuditAction.MERGE, object_id=str(survivor.pk)).exists()

    services.unmerge(actor=officer, merge=merge)
    assert (snapshot(survivor), snapshot(merged)) == before
    assert PersonKey.objects.filter(person=merged).exists()
    assert Merge.objects.get(pk=merge.pk).undone_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.UNMERGE, object_id=str(merged.pk)).exists()


def test_the_most_recent_consent_answer_wins_and_unmerge_reopens_the_other(make_person, shelter, officer):
    survivor = make_person(shelter, given_names="Ana", consents={"crisis_alerts": (True, "verbal")})
    merged = make_person(shelter, given_names="Ana")
    record_consent(
        actor=officer, person=merged, purpose="crisis_alerts", given=False, method="verbal", audit_event=False
    )
    merge = services.merge_people(actor=officer, survivor=survivor, merged=merged)
    open_answer = Consent.objects.get(person=survivor, purpose="crisis_alerts", withdrawn_at__isnull=True)
    assert open_answer.given is False  # the refusal recorded later is what counts now
    services.unmerge(actor=officer, merge=merge)
    assert Consent.objects.get(person=survivor, purpose="crisis_alerts", withdrawn_at__isnull=True).given is True


def test_other_apps_hooks_are_called_and_given_back(two_records, officer, monkeypatch):
    from django.apps import apps

    calls = []
    config = apps.get_app_config("crises")
    monkeypatch.setattr(
        config,
        "merge_person",
        lambda *, survivor, merged, actor: calls.append("merge") or {"rows": [1, 2]},
        raising=False,
    )
    monkeypatch.setattr(
        config,
        "unmerge_person",
        lambda *, survivor, merged, moved, actor: calls.append(("unmerge", moved)),
        raising=False,
    )
    survivor, merged = two_records
    merge = services.merge_people(actor=officer, survivor=survivor, merged=merged)
    assert merge.moved["crises"] == {"rows": [1, 2]}
    services.unmerge(actor=officer, merge=merge)
    assert calls == ["merge", ("unmerge", {"rows": [1, 2]})]


def test_only_the_registering_organization_may_merge(two_records, outsider):
    survivor, merged = two_records
    with pytest.raises(PermissionDenied):
        services.merge_people(actor=outsider, survivor=survivor, merged=merged)


def test_merge_from_the_pair_page_and_undo(client, two_records, officer):
    survivor, merged = two_records
    pair = MatchPair.objects.create(person_a=survivor, person_b=merged, probability=0.9, match_weight=3, band="review")
    client.force_login(officer)
    response = client.post(f"/matching/pairs/{pair.pk}/merge/", {"survivor": survivor.pk})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED
    merge = Merge.objects.get(pair=pair)
    assert client.get(f"/matching/pairs/{pair.pk}/").status_code == 200
    client.post(f"/matching/merges/{merge.pk}/undo/")
    pair.refresh_from_db()
    merged.refresh_from_db()
    assert pair.status == PairStatus.PENDING and merged.record_status == RecordStatus.ACTIVE


def test_a_survivor_without_a_household_joins_the_merged_records_family_until_unmerged(make_person, shelter, officer):
    from amparo.registry.models import Household, Person

    family = Household.objects.create(name="Hernández López", registering_organization=shelter)
    survivor = make_person(shelter, given_names="José María", first_surname="Hernández")
    merged = make_person(shelter, given_names="Chema", first_surname="Hernández", second_surname="López")
    Person.objects.filter(pk=merged.pk).update(household=family, household_role="child")
    merged.refresh_from_db()

    merge = services.merge_people(actor=officer, survivor=survivor, merged=merged)
    survivor.refresh_from_db()
    assert (survivor.household_id, survivor.household_role) == (family.pk, "child")

    services.unmerge(actor=officer, merge=merge)
    survivor.refresh_from_db()
    assert (survivor.household_id, survivor.household_role) == (None, "")
