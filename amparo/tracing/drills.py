"""The drills app's hook (amparo/drills/services.py, inject `family_inquiry`): a relative calls
about one of the drill's synthetic people ("hijo de 16 años en Acapulco"). The inquiry is recorded
in the drill's exercise organization, and the synthetic person it is about is proposed as its
candidate with the engine's score and reasons (drill people are never matched with real ones,
and have no matching keys), so the players confirm it, ask the person and close it."""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.codes import RecordStatus
from amparo.accounts.policy import system_principal
from amparo.matching import features as feat
from amparo.matching import normalize as n
from amparo.registry.models import Person
from amparo.tracing import candidates as engine
from amparo.tracing import services

MALE = {"hijo", "nino", "hermano", "padre", "esposo", "son", "boy", "brother", "husband", "father"}
FEMALE = {"hija", "nina", "hermana", "madre", "esposa", "daughter", "girl", "sister", "wife", "mother"}


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def inquiry_from_drill(*, drill, title: str, about: str) -> str:
    organization = drill.exercise_organization
    words = set(n.fold(about).split())
    age_match = re.search(r"\d{1,3}", about or "")
    age = int(age_match[0]) if age_match else None
    people = Person.objects.filter(registering_organization=organization).exclude(record_status=RecordStatus.MERGED)
    today = timezone.localdate()
    if age is not None:
        people = people.filter(birth_date__gt=_years_ago(today, age + 2), birth_date__lte=_years_ago(today, age - 1))
    if words & MALE and not words & FEMALE:
        people = people.filter(sex="male")
    elif words & FEMALE and not words & MALE:
        people = people.filter(sex="female")
    count = people.count()
    if not count:
        return "no_person"
    person = people.order_by("pk")[(drill.seed or 0) % count]
    data = services.InquiryData(
        given_names=person.given_names.split()[0],
        first_surname=person.first_surname,
        sex=person.sex,
        age_min=max(0, age - 1) if age is not None else None,
        age_max=age + 1 if age is not None else None,
        last_seen_place=person.municipality,
        route=[person.municipality] if person.municipality else [],
        distinguishing_features=about,
        inquirer_name=_("A relative (drill)"),
        inquirer_relationship=about[:80],
    )
    actor = system_principal("drill:scenario")
    inquiry = services.record_inquiry(actor=actor, organization=organization, data=data)
    facts = engine.PersonFacts(features=feat.from_person(person), birth_date=person.birth_date)
    engine._add_place(facts, person.municipality, person.subdivision)
    scored = engine.score_person(inquiry, engine.inquiry_features(inquiry), facts)
    services._propose([(inquiry, engine.Found(person.pk, None, scored))], found_by="drill")
    return "inquiry"
