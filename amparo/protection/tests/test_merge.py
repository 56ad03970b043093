"""Merging two person records moves their screenings and referrals to the survivor; unmerging
puts exactly those back."""

import pytest
from django.apps import apps

from amparo.protection import services
from amparo.protection.models import Referral, Screening

pytestmark = pytest.mark.django_db


def test_merge_and_unmerge_round_trip(caseworker, ngo, make_person, shelter, person):
    duplicate = make_person(ngo, given_names="Ana", first_surname="Perez")
    kept = services.screen_person(actor=caseworker, person=person, answers={"fears_return": "yes"})
    moved_screening = services.screen_person(actor=caseworker, person=duplicate, answers={"pregnant": "yes"})
    referral = services.create_referral(
        actor=caseworker, person=duplicate, to_organization=shelter, service_kind="shelter"
    )
    config = apps.get_app_config("protection")
    moved = config.merge_person(survivor=person, merged=duplicate, actor=caseworker)
    assert moved == {"screenings": [moved_screening.pk], "referrals": [referral.pk]}
    assert set(Screening.objects.filter(person=person)) == {kept, moved_screening}
    assert Referral.objects.get(pk=referral.pk).person == person
    config.unmerge_person(survivor=person, merged=duplicate, moved=moved, actor=caseworker)
    assert list(Screening.objects.filter(person=person)) == [kept]
    assert Screening.objects.get(pk=moved_screening.pk).person == duplicate
    assert Referral.objects.get(pk=referral.pk).person == duplicate
