"""`amparo demo-data` builds the demo world, twice without duplicates, and only with DEBUG on."""

import pytest
from django.core.management import CommandError, call_command

from amparo.accounts.models import Membership, Organization
from amparo.core.demo import USERS


@pytest.mark.django_db
def test_demo_data_is_idempotent(settings):
    settings.DEBUG = True
    call_command("demo_data", "--only", "core")
    counts = (Organization.objects.count(), Membership.objects.count())
    call_command("demo_data", "--only", "core")
    assert (Organization.objects.count(), Membership.objects.count()) == counts
    assert Organization.objects.get(slug="gt-consulate-tegucigalpa").served_nationality == "GT"
    assert Membership.objects.count() == len(USERS)
    roles = set(Membership.objects.values_list("role", flat=True))
    assert {
        "org_admin",
        "consular_officer",
        "case_worker",
        "provider_staff",
        "civil_protection_coordinator",
        "analyst",
    } <= roles


@pytest.mark.django_db
def test_demo_data_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_data")
    assert not Organization.objects.exists()
