"""Demo people: deterministic, idempotent, and covering the scenarios other apps build on."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from amparo.registry.models import Household, Person

pytestmark = pytest.mark.django_db


def test_demo_people_load_once_and_cover_the_pacific_coast(settings):
    settings.DEBUG = True
    call_command("demo_data", "--only", "registry", stdout=StringIO())
    count = Person.objects.count()
    first = list(Person.objects.order_by("source_record_id").values_list("source_record_id", "given_names")[:50])
    call_command("demo_data", "--only", "registry", stdout=StringIO())

    assert Person.objects.count() == count >= 2000
    assert (
        list(Person.objects.order_by("source_record_id").values_list("source_record_id", "given_names")[:50]) == first
    )
    coast = Person.objects.filter(subdivision__in=["MX-GRO", "MX-OAX"])
    nationalities = set(coast.values_list("nationality", flat=True))
    assert {"GT", "HN", "SV", "HT", "VE", "CU"} <= nationalities
    assert nationalities & {"CM", "IN", "BD", "ER"}
    registrars = dict(coast.values_list("registering_organization__slug").annotate(n=Count("pk")))
    assert registrars["gt-consulate-mexico-city"] > 50 and registrars["mx-casa-migrante-acapulco"] > 50
    assert Household.objects.filter(members__isnull=False).exists()
    assert Person.objects.filter(consents__purpose="crisis_alerts", consents__given=True).exists()
    assert Person.objects.filter(contacts__whatsapp=True).exists()
