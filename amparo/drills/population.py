"""The drill's synthetic population: realistic people of the region's migration, living in real
towns inside and around the hazard area, registered by the drill's exercise organization (so the
exercise wall keeps them apart from real people).

Names and nationalities follow the registry's demo pools; each person lives in a town of the
offline gazetteer chosen by population within 1.3 times the scenario's radius (some are outside
the area, as in a real crisis), a few hundred metres from its centre. About a third live in a
household (a couple, children). A share has a vulnerability (an unaccompanied child, a pregnant
woman, an older person, a person with a disability or a chronic illness without medicine), noted
where staff would find it. Each has a reply behaviour and delay for the simulated channel.

Written in bulk (people with bulk_create, the rest as multi-row inserts): 50,000 people in well
under a minute on this machine.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from amparo.accounts.codes import ConsentPurpose
from amparo.core import gazetteer
from amparo.drills.codes import ReplyBehaviour
from amparo.drills.models import Drill, SimulatedPerson
from amparo.drills.scenario import Population
from amparo.registry import demo as names
from amparo.registry import normalize
from amparo.registry.bulk import insert_rows
from amparo.registry.indexing import write_keys
from amparo.registry.models import Consent, ContactPoint, Household, Nationality, Person

LANGUAGE = {"HT": "ht", "BR": "pt", "CM": "fr", "SN": "fr", "CD": "fr", "GN": "fr", "IN": "en", "CN": "en",
            "AF": "en", "NG": "en", "GH": "en", "BD": "en", "ER": "en"}  # fmt: skip
VULNERABILITIES = {
    "unaccompanied_child": "",
    "pregnant": "Embarazo de 8 meses",
    "older_person": "Persona mayor que viaja sola",
    "disability": "Usa silla de ruedas",
    "chronic_illness": "Diabetes, sin insulina desde hace una semana",
}
NEEDS_FOR_HELP = ["shelter", "food", "medical", "documents", "family_contact", "evacuation"]
COUNTRY_PREFIX = {"MX": ("52", "1"), "GT": ("502", "5"), "HN": ("504", "9"), "SV": ("503", "7"), "NI": ("505", "8"),
                  "CR": ("506", "8"), "PA": ("507", "6"), "BZ": ("501", "6"), "DO": ("1809", "8")}  # fmt: skip


def _towns(pop: Population, country: str):
    towns = []
    for place in gazetteer._index().places:  # the region's towns (about 11,000): one pass
        if country and place.country != country:
            continue
        distance = gazetteer.distance_km(pop.lat, pop.lon, place.lat, place.lon)
        if distance <= pop.radius_km * 1.3:
            towns.append(place)
    if not towns:
        raise ValueError("no town of the gazetteer lies within the scenario's radius")
    return towns, [max(t.population, 500) ** 0.8 for t in towns]


def _phone(country: str, serial: int) -> str:
    """A well-formed mobile number of the country, unique within the drill (`serial`): replies
    are matched to people by number, as real replies are."""
    if country == "MX":
        return f"+52747{serial % 10**7:07d}"
    prefix, lead = COUNTRY_PREFIX.get(country, ("52", "1"))
    digits = 7 if country == "DO" else 8
    return f"+{prefix}{lead}{serial % 10 ** (digits - 1):0{digits - 1}d}"


def _name(rng: random.Random, nationality: str, female: bool) -> tuple[str, str, str]:
    pool = names.FEMALE if female else names.MALE
    given = rng.choice(pool.get(nationality, pool["default"]))
    surnames = names.SURNAMES.get(nationality, names.SURNAMES["default"])
    first = rng.choice(surnames)
    second = rng.choice(surnames) if nationality not in LANGUAGE and rng.random() < 0.7 else ""
    return given, first, second


@transaction.atomic
def generate(drill: Drill, pop: Population, *, country: str) -> int:
    rng = random.Random(drill.seed)
    org = drill.exercise_organization
    towns, weights = _towns(pop, country)
    nationalities = list(pop.nationalities)
    nat_weights = [pop.nationalities[n] for n in nationalities]
    behaviours = list(pop.replies)
    behaviour_weights = [pop.replies[b] for b in behaviours]
    now = timezone.now()
    people, extras = [], []
    household_size = 0
    household_parent = None
    for i in range(pop.size):
        nationality = rng.choices(nationalities, nat_weights)[0]
        if household_size > 0 and household_parent is not None:
            # A child travelling with the previous adult: same town, same nationality, same surname.
            town, parent = household_parent
            nationality = parent["nationality"]
            age = rng.randint(1, 16)
            household_size -= 1
        else:
            town = rng.choices(towns, weights)[0]
            age = int(rng.triangular(18, 72, 28))
            household_size = rng.choice([0, 0, 0, 1, 2, 3]) if rng.random() < 0.4 else 0
            household_parent = None
        female = rng.random() < 0.48
        given, first, second = _name(rng, nationality, female)
        if age < 18 and household_parent is not None:
            first = household_parent[1]["first_surname"]
        vulnerable = ""
        if rng.random() < pop.vulnerable_share:
            vulnerable = rng.choice(list(VULNERABILITIES))
            if vulnerable == "unaccompanied_child":
                age, household_size = rng.randint(12, 17), 0
            elif vulnerable == "older_person":
                age = rng.randint(62, 80)
            elif vulnerable == "pregnant":
                female, age = True, rng.randint(18, 38)
        # a few hundred metres around the town's centre
        angle, dist = rng.random() * 2 * math.pi, rng.random() * 0.6
        lat = round(town.lat + dist / 110.57 * math.cos(angle), 5)
        lon = round(town.lon + dist / (111.32 * max(math.cos(math.radians(town.lat)), 0.01)) * math.sin(angle), 5)
        language = LANGUAGE.get(nationality, "es")
        born = date(now.year, 1, 1) - timedelta(days=age * 365 + rng.randint(0, 364))
        person = Person(
            registering_organization=org, source_record_id=f"DRILL-{drill.pk}-{i:06d}",
            given_names=given, first_surname=first, second_surname=second, sex="female" if female else "male",
            birth_date=born, birth_date_precision="year", nationality=nationality, languages=[language],
            preferred_language=language, preferred_channel=rng.choice(["sms", "whatsapp"]),
            special_needs=VULNERABILITIES.get(vulnerable, ""), latitude=lat, longitude=lon,
            location_precision_m=500, country=town.country, subdivision=town.subdivision, municipality=town.name,
            location_observed_at=now - timedelta(days=rng.randint(0, 60)), location_source="drill",
            created_at=now,
        )  # fmt: skip
        person.search_name = normalize.search_name(given, first, second, [])
        behaviour = rng.choices(behaviours, behaviour_weights)[0]
        low, high = pop.delay_minutes
        delay = 60 * min(high, low + rng.expovariate(1.0) * (high - low) / 3)
        needs = rng.sample(NEEDS_FOR_HELP, rng.randint(1, 2)) if behaviour == ReplyBehaviour.HELP else []
        consent = age >= 14 and rng.random() < 0.88
        people.append(person)
        extras.append({"phone": _phone(town.country, i) if age >= 14 else "",
                       "behaviour": behaviour, "delay": delay, "needs": needs, "vulnerable": vulnerable,
                       "consent": consent, "household": household_size > 0 or (household_parent is not None),
                       "whatsapp": person.preferred_channel == "whatsapp"})  # fmt: skip
        if household_size > 0 and household_parent is None:
            household_parent = (town, {"nationality": nationality, "first_surname": first})
    Person.objects.bulk_create(people, batch_size=2000)
    _write_related(drill, people, extras, now)
    return len(people)


def _write_related(drill, people, extras, now) -> None:
    org_id = drill.exercise_organization_id
    insert_rows(Nationality, ["person", "country"], [(p.pk, p.nationality) for p in people], ignore_conflicts=True)
    contacts, consents, simulated = [], [], []
    for person, extra in zip(people, extras, strict=True):
        if extra["phone"]:
            national = extra["phone"][-8:]
            contacts.append((person.pk, "phone", extra["phone"], extra["phone"], True, extra["whatsapp"], False, True,
                             now, national))  # fmt: skip
        consents.append((person.pk, ConsentPurpose.CRISIS_ALERTS, extra["consent"], "verbal", now, "drill", None, ""))
        simulated.append(
            (drill.pk, person.pk, extra["behaviour"], extra["delay"], extra["needs"], extra["vulnerable"], [])
        )
    insert_rows(ContactPoint, ["person", "kind", "value", "raw_value", "is_valid", "whatsapp", "verified", "is_primary",
                               "created_at", "search_digits"], contacts)  # fmt: skip
    insert_rows(Consent, ["person", "purpose", "given", "method", "recorded_at", "recorded_by_label", "withdrawn_at",
                          "withdrawn_by_label"], consents)  # fmt: skip
    insert_rows(SimulatedPerson, ["drill", "person", "behaviour", "delay_seconds", "needs", "vulnerable", "replied_to"],
                simulated)  # fmt: skip
    write_keys((p.pk, normalize.person_keys(p.given_names, p.first_surname, p.second_surname, [])) for p in people)
    # Households: each adult who travels with children, in one group.
    groups, current = [], None
    for person, extra in zip(people, extras, strict=True):
        age_years = (now.date() - person.birth_date).days // 365
        if extra["household"] and age_years >= 18:
            current = [person]
            groups.append(current)
        elif extra["household"] and current is not None and age_years < 18:
            current.append(person)
        else:
            current = None
    for group in groups:
        if len(group) < 2:
            continue
        household = Household.objects.create(name=f"Familia {group[0].first_surname}", registering_organization_id=org_id,
                                             is_travelling_group=True)  # fmt: skip
        Person.objects.filter(pk=group[0].pk).update(household=household, household_role="head")
        Person.objects.filter(pk__in=[p.pk for p in group[1:]]).update(household=household, household_role="child")
