"""Minimum-necessary sharing: the fields a sender may share in a referral, and the snapshot.

The snapshot is plain JSON stored on the referral; the receiving provider reads only it, so what
a provider learns is exactly what the sender chose, frozen at the moment of sending.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from amparo.protection.codes import UrgentFlag
from amparo.registry.models import ContactKind, Person, Sex

SHAREABLE_FIELDS = {
    "full_name": _("Full name"),
    "sex": _("Sex"),
    "age": _("Age"),
    "birth_date": _("Date of birth"),
    "nationality": _("Nationality"),
    "languages": _("Languages"),
    "phone": _("Phone"),
    "email": _("E-mail"),
    "location": _("Current location (municipality, state)"),
    "profiles": _("Confirmed protection profiles"),
    "urgent_flags": _("Urgent flags"),
    "special_needs": _("Special needs (health, disability, pregnancy)"),
    "documents": _("Identity documents"),
}
# What a referral shares unless the sender changes it: enough to receive the person, no more.
# Protection profiles are sensitive: they are shared only when the sender ticks them.
DEFAULT_SHARED_FIELDS = ("full_name", "age", "sex", "languages")


class UnknownField(ValueError):
    pass


def age_on(birth_date: date | None, today: date | None = None) -> int | None:
    if birth_date is None:
        return None
    today = today or date.today()
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def person_age(person: Person, screening=None) -> int | None:
    if screening is not None:
        try:
            return int(float(screening.answers.get("age")))
        except (TypeError, ValueError):
            pass
    return age_on(person.birth_date)


def build_snapshot(person: Person, fields, *, screening=None, profiles=()) -> dict:
    """The chosen fields' current values, as JSON. Unknown field names are refused by name."""
    unknown = [f for f in fields if f not in SHAREABLE_FIELDS]
    if unknown:
        raise UnknownField(", ".join(unknown))
    data: dict = {}
    for name in fields:
        if name == "full_name":
            data[name] = person.full_name
        elif name == "sex":
            data[name] = person.sex
        elif name == "age":
            data[name] = person_age(person, screening)
        elif name == "birth_date":
            data[name] = person.birth_date.isoformat() if person.birth_date else None
        elif name == "nationality":
            data[name] = sorted(person.nationalities.values_list("country", flat=True)) or (
                [person.nationality] if person.nationality else []
            )
        elif name == "languages":
            data[name] = list(person.languages or [])
        elif name == "phone":
            data[name] = list(
                person.contacts.filter(kind=ContactKind.PHONE)
                .order_by("-is_primary", "id")
                .values_list("value", flat=True)[:2]
            )
        elif name == "email":
            data[name] = list(person.contacts.filter(kind=ContactKind.EMAIL).values_list("value", flat=True)[:1])
        elif name == "location":
            data[name] = {
                "municipality": person.municipality,
                "subdivision": person.subdivision,
                "country": person.country,
            }
        elif name == "profiles":
            data[name] = [{"code": p.code, "name": p.name} for p in profiles]
        elif name == "urgent_flags":
            data[name] = list(screening.urgent_flags) if screening is not None else []
        elif name == "special_needs":
            data[name] = person.special_needs
        elif name == "documents":
            data[name] = [
                {"type": d.document_type, "number": d.number, "country": d.issuing_country}
                for d in person.documents.all()
            ]
    return data


def display_rows(snapshot: dict) -> list[tuple[str, str]]:
    """(label, text) pairs for a page, in the viewer's language; nothing beyond the snapshot."""
    rows = []
    sexes = dict(Sex.choices)
    flags = dict(UrgentFlag.choices)
    for name, label in SHAREABLE_FIELDS.items():
        if name not in snapshot:
            continue
        value = snapshot[name]
        if name == "sex":
            text = str(sexes.get(value, value))
        elif name == "location" and isinstance(value, dict):
            text = ", ".join(
                v for v in (value.get("municipality"), value.get("subdivision"), value.get("country")) if v
            )
        elif name == "profiles":
            text = ", ".join(_profile_label(p) for p in value)
        elif name == "urgent_flags":
            text = ", ".join(str(flags.get(f, f)) for f in value)
        elif name == "documents":
            text = "; ".join(f"{d.get('type')} {d.get('number')} ({d.get('country')})" for d in value)
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        else:
            text = "" if value is None else str(value)
        rows.append((str(label), text or "—"))
    return rows


def _profile_label(item: dict) -> str:
    from amparo.protection.models import Profile

    profile = Profile.objects.filter(code=item.get("code")).first()
    return profile.label if profile else item.get("name", "")
