"""The registry's access rules at the policy level."""

import pytest

from amparo.accounts import policy
from amparo.accounts.models import DataSharingAgreement
from amparo.registry.models import Household, Person

pytestmark = pytest.mark.django_db


def test_a_household_seen_through_several_members_is_one_row(shelter, other_org, outsider, make_person):
    household = Household.objects.create(name="Familia López", registering_organization=shelter)
    shared = {"sharing_host_authorities": (True, "verbal")}
    members = [make_person(shelter, given_names=name, consents=shared) for name in ("María", "Luis", "Ana")]
    Person.objects.filter(pk__in=[m.pk for m in members]).update(household=household)
    make_person(shelter, given_names="Sola", consents=shared)  # in no household
    assert list(policy.visible(outsider, Household)) == []

    # An agreement shows the other organization all three members, hence their household, once.
    DataSharingAgreement.objects.create(provider=shelter, recipient=other_org, purpose="crisis_response")
    outsider._amparo_principal = None  # a new request: the agreement counts
    assert policy.visible(outsider, Person).filter(household=household).count() == 3
    assert list(policy.visible(outsider, Household)) == [household]
    assert policy.visible(outsider, Household).count() == 1
