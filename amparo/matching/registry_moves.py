"""The registry's part of a merge: its rows follow the survivor, and come back on unmerge.

Used by the merge driver (services.merge_people) as long as the registry's AppConfig does not
define `merge_person`/`unmerge_person` itself. Rows are moved by id, so an unmerge puts back
exactly what moved even if the survivor was merged further since.

- documents, location history and closed (historical) consents: all move;
- contacts: move unless the survivor already has the same value (that copy stays on the merged
  record, which is kept);
- open consents: the survivor keeps one answer per purpose, the most recent: an older answer of
  the survivor is closed (and reopened on unmerge), an older answer of the merged record stays
  with it;
- nationalities the survivor lacks move;
- a survivor without a household joins the merged record's household, with its relationship;
- the merged record's name joins the survivor's other names; empty fields of the survivor (date
  of birth, second surname, sex, place of birth, languages) are filled from the merged record;
  its last known location is taken when newer. Each value is restored on unmerge unless someone
  changed it since.
"""

from __future__ import annotations

from django.utils.dateparse import parse_date, parse_datetime

from amparo.registry.models import Consent, ContactPoint, Document, LocationHistory, Nationality, Person

FILLABLE = ("birth_date", "birth_date_precision", "second_surname", "sex", "place_of_birth", "preferred_language")
LOCATION = (
    "latitude",
    "longitude",
    "location_precision_m",
    "country",
    "subdivision",
    "municipality",
    "location_observed_at",
    "location_source",
)


def _json(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _unjson(field: str, value):
    if value is None:
        return None
    if field == "birth_date":
        return parse_date(value)
    if field == "location_observed_at":
        return parse_datetime(value)
    return value


def merge_person(*, survivor: Person, merged: Person, actor) -> dict:
    moved: dict = {}
    moved["documents"] = list(merged.documents.values_list("pk", flat=True))
    Document.objects.filter(pk__in=moved["documents"]).update(person=survivor)

    have = set(survivor.contacts.values_list("kind", "value"))
    moved["contacts"] = [
        pk for pk, kind, value in merged.contacts.values_list("pk", "kind", "value") if (kind, value) not in have
    ]
    ContactPoint.objects.filter(pk__in=moved["contacts"]).update(person=survivor)

    moved["locations"] = list(merged.location_history.values_list("pk", flat=True))
    LocationHistory.objects.filter(pk__in=moved["locations"]).update(person=survivor)

    countries = set(survivor.nationalities.values_list("country", flat=True))
    moved["nationalities"] = [pk for pk, c in merged.nationalities.values_list("pk", "country") if c not in countries]
    Nationality.objects.filter(pk__in=moved["nationalities"]).update(person=survivor)

    consents, closed = [], []
    survivor_open = {c.purpose: c for c in Consent.objects.filter(person=survivor, withdrawn_at__isnull=True)}
    for consent in Consent.objects.filter(person=merged):
        if consent.withdrawn_at is not None:
            consents.append(consent.pk)
            continue
        mine = survivor_open.get(consent.purpose)
        if mine is None:
            consents.append(consent.pk)
        elif consent.recorded_at > mine.recorded_at:
            Consent.objects.filter(pk=mine.pk).update(withdrawn_at=consent.recorded_at, withdrawn_by_label="merge")
            closed.append(mine.pk)
            consents.append(consent.pk)
    Consent.objects.filter(pk__in=consents).update(person=survivor)
    moved["consents"] = consents
    moved["closed_consents"] = closed

    fields: dict[str, list] = {}  # field -> [old value, new value]
    names = list(survivor.other_names or [])
    additions = [merged.full_name, *(merged.other_names or [])]
    new_names = names + [x for x in additions if x and x not in names and x != survivor.full_name]
    if new_names != names:
        fields["other_names"] = [names, new_names]
        survivor.other_names = new_names
    if survivor.birth_date is None and merged.birth_date is not None:
        for name in ("birth_date", "birth_date_precision"):
            fields[name] = [_json(getattr(survivor, name)), _json(getattr(merged, name))]
            setattr(survivor, name, getattr(merged, name))
    for name in ("second_surname", "place_of_birth", "preferred_language"):
        if not getattr(survivor, name) and getattr(merged, name):
            fields[name] = [getattr(survivor, name), getattr(merged, name)]
            setattr(survivor, name, getattr(merged, name))
    if survivor.household_id is None and merged.household_id is not None:
        # The family the merged record was registered with becomes the survivor's.
        for name in ("household_id", "household_role"):
            fields[name] = [getattr(survivor, name), getattr(merged, name)]
            setattr(survivor, name, getattr(merged, name))
    if survivor.sex == "unknown" and merged.sex != "unknown":
        fields["sex"] = [survivor.sex, merged.sex]
        survivor.sex = merged.sex
    if merged.location_observed_at and (
        survivor.location_observed_at is None or merged.location_observed_at > survivor.location_observed_at
    ):
        for name in LOCATION:
            fields[name] = [_json(getattr(survivor, name)), _json(getattr(merged, name))]
            setattr(survivor, name, getattr(merged, name))
    if fields:
        survivor.save(update_fields=[*fields, "updated_at"])
    moved["fields"] = fields
    return moved


def unmerge_person(*, survivor: Person, merged: Person, moved: dict, actor) -> None:
    Document.objects.filter(pk__in=moved.get("documents", [])).update(person=merged)
    ContactPoint.objects.filter(pk__in=moved.get("contacts", [])).update(person=merged)
    LocationHistory.objects.filter(pk__in=moved.get("locations", [])).update(person=merged)
    Nationality.objects.filter(pk__in=moved.get("nationalities", [])).update(person=merged)
    Consent.objects.filter(pk__in=moved.get("consents", [])).update(person=merged)
    Consent.objects.filter(pk__in=moved.get("closed_consents", []), withdrawn_by_label="merge").update(
        withdrawn_at=None, withdrawn_by_label=""
    )
    survivor.refresh_from_db()
    restored = []
    for name, (old, new) in moved.get("fields", {}).items():
        current = _json(getattr(survivor, name))
        if current == new:
            setattr(survivor, name, _unjson(name, old))
            restored.append(name)
    if restored:
        survivor.save(update_fields=[*restored, "updated_at"])
