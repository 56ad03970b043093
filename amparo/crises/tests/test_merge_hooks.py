"""Merging two person records moves their welfare rows to the survivor; unmerging puts them back."""

import json

from django.apps import apps

from amparo.crises.models import WelfareStatus
from amparo.crises.services import update_welfare
from amparo.crises.tests.conftest import SYSTEM, circle


def test_merge_moves_rows_and_unmerge_restores_them(world, make_person, make_crisis):
    at = {"latitude": 16.3, "longitude": -98.8, "country": "MX"}
    survivor = make_person(world["consulate"], given_names="María", **at)
    merged = make_person(world["consulate"], given_names="Maria", **at)
    both = make_crisis(circle(16.2, -98.8, 100), name="Both")
    merged.latitude = 30.0  # only the merged record was in the second crisis's area
    merged.save()
    only_merged = make_crisis(circle(30.0, -98.8, 10), name="Only merged")
    update_welfare(actor=SYSTEM, crisis=both, person=merged, status="safe", source="reply", from_answer=True)
    config = apps.get_app_config("crises")

    moved = config.merge_person(survivor=survivor, merged=merged, actor=SYSTEM)
    json.dumps(moved)  # JSON-serialisable
    assert WelfareStatus.objects.get(crisis=only_merged).person_id == survivor.pk
    assert WelfareStatus.objects.get(crisis=both, person=survivor).status == "safe"

    config.unmerge_person(survivor=survivor, merged=merged, moved=moved, actor=SYSTEM)
    assert WelfareStatus.objects.get(crisis=only_merged).person_id == merged.pk
    assert WelfareStatus.objects.get(crisis=both, person=survivor).status == "unknown"
    assert WelfareStatus.objects.get(crisis=both, person=merged).status == "safe"
