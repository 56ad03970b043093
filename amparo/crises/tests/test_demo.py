"""The crises demo builds an earthquake and a hurricane with affected people and a welfare mix,
and loading it twice changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from amparo.crises.models import ConsularAlertLevel, Crisis, WelfareHistory, WelfareStatus


@pytest.mark.django_db
def test_demo_crises_are_idempotent(settings):
    settings.DEBUG = True
    call_command("demo_data", "--only", "crises", stdout=StringIO())
    counts = (Crisis.objects.count(), WelfareStatus.objects.count(), WelfareHistory.objects.count())
    quake = Crisis.objects.get(kind="earthquake")
    affected = quake.welfare.affected()
    assert affected.count() >= 100
    assert len(set(affected.values_list("person__nationality", flat=True))) >= 4
    statuses = set(affected.values_list("status", flat=True))
    assert {"safe", "needs_assistance", "missing", "unknown"} <= statuses
    assert Crisis.objects.get(kind="tropical_cyclone").welfare.affected().exists()
    assert ConsularAlertLevel.objects.filter(crisis=quake, level=2).exists()
    call_command("demo_data", "--only", "crises", stdout=StringIO())
    assert (Crisis.objects.count(), WelfareStatus.objects.count(), WelfareHistory.objects.count()) == counts
