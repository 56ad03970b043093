"""Demo people: a few thousand realistic records across the demo organizations (seeded, so every
run builds the same people; idempotent, keyed by organization + source record id; bulk).

Built for the scenarios other apps rehearse: the consulates in Mexico City (GT, HN, SV) have
nationals along the Pacific coast (Guerrero, Oaxaca) as well as in Chiapas and the capital; the
shelters in Tapachula and Acapulco and the NGO register people of many nationalities, Haitians,
Venezuelans, Cubans and extra-continental migrants (Cameroon, India, Bangladesh, Eritrea…)
among them; COMAR registers asylum seekers; DIF Guerrero registers children. Rows go through the
import's row parser and bulk writer, so demo data obeys the same rules as field files.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db.models import Count

from amparo.accounts.models import Organization
from amparo.accounts.policy import system_principal
from amparo.registry.importing.engine import ImportResult, _Writer
from amparo.registry.importing.rows import RowContext, parse_row
from amparo.registry.models import Household, HouseholdRole, MigratoryStatus, Person

SEED = 20261125

PLACES = {  # subdivision: [(municipality, lat, lon)]
    "MX-GRO": [
        ("Acapulco de Juárez", 16.853, -99.823),
        ("Chilpancingo de los Bravo", 17.551, -99.505),
        ("Zihuatanejo de Azueta", 17.641, -101.551),
        ("Iguala de la Independencia", 18.345, -99.539),
        ("Taxco de Alarcón", 18.556, -99.605),
        ("Tlapa de Comonfort", 17.545, -98.576),
        ("Ometepec", 16.690, -98.407),
    ],
    "MX-OAX": [
        ("Oaxaca de Juárez", 17.066, -96.726),
        ("Juchitán de Zaragoza", 16.434, -95.020),
        ("Salina Cruz", 16.167, -95.200),
        ("San Juan Bautista Tuxtepec", 18.088, -96.124),
        ("San Pedro Mixtepec", 15.861, -97.072),
        ("Santiago Pinotepa Nacional", 16.341, -98.054),
        ("Santa María Huatulco", 15.768, -96.136),
    ],
    "MX-CHP": [("Tapachula", 14.906, -92.263), ("Tuxtla Gutiérrez", 16.753, -93.116), ("Palenque", 17.510, -91.982)],
    "MX-CMX": [
        ("Cuauhtémoc", 19.433, -99.133),
        ("Iztapalapa", 19.357, -99.093),
        ("Gustavo A. Madero", 19.482, -99.113),
    ],
    "MX-TAB": [("Tenosique", 17.474, -91.423)],
    "MX-VER": [("Coatzacoalcos", 18.134, -94.459)],
    "MX-PUE": [("Puebla", 19.041, -98.206)],
    "MX-BCN": [("Tijuana", 32.514, -117.038)],
    "MX-NLE": [("Monterrey", 25.686, -100.316)],
    "GT-01": [("Guatemala", 14.634, -90.507), ("Mixco", 14.631, -90.607)],
    "GT-09": [("Quetzaltenango", 14.834, -91.518)],
    "HN-FM": [("Tegucigalpa", 14.072, -87.192)],
    "HN-CR": [("San Pedro Sula", 15.505, -88.025)],
}

NATIONALITIES = {  # code: (demonym f, demonym m, phone prefix, (mobile leading digits), length, languages)
    "GT": ("guatemalteca", "guatemalteco", "502", ("3", "4", "5"), 8, ("es",)),
    "HN": ("hondureña", "hondureño", "504", ("3", "8", "9"), 8, ("es",)),
    "SV": ("salvadoreña", "salvadoreño", "503", ("6", "7"), 8, ("es",)),
    "MX": ("mexicana", "mexicano", "52", ("55", "744", "951", "962"), 10, ("es",)),
    "NI": ("nicaragüense", "nicaragüense", "505", ("5", "8"), 8, ("es",)),
    "HT": ("haitiana", "haitiano", "509", ("3", "4"), 8, ("ht", "fr")),
    "VE": ("venezolana", "venezolano", "58", ("412", "414", "424"), 10, ("es",)),
    "CU": ("cubana", "cubano", "53", ("5",), 8, ("es",)),
    "CO": ("colombiana", "colombiano", "57", ("300", "310", "320"), 10, ("es",)),
    "EC": ("ecuatoriana", "ecuatoriano", "593", ("98", "99"), 9, ("es",)),
    "CM": ("camerunesa", "camerunés", "237", ("67", "69"), 9, ("fr", "en")),
    "IN": ("india", "indio", "91", ("98", "97"), 10, ("hi", "en")),
    "BD": ("bangladesí", "bangladesí", "880", ("17", "18"), 10, ("bn",)),
    "ER": ("eritrea", "eritreo", "291", ("7",), 7, ("ti",)),
}

FEMALE = {
    "default": [
        "María",
        "Ana",
        "Rosa",
        "Carmen",
        "Gloria",
        "Sandra",
        "Karla",
        "Lucía",
        "Yesenia",
        "Gabriela",
        "Patricia",
        "Marisol",
        "Maribel",
        "Yolanda",
        "Leticia",
        "Ingrid",
        "Heidy",
        "Evelyn",
        "Glenda",
        "Xiomara",
        "Delmy",
        "Dulce",
        "Sofía",
        "Valentina",
        "Daniela",
        "Reina",
        "Esperanza",
        "Mirna",
        "Yaneisy",
        "Génesis",
    ],
    "HT": ["Marie", "Nadège", "Widline", "Fabiola", "Rose", "Mirlande", "Guerline", "Nathalie"],
    "CM": ["Aïcha", "Brenda", "Clarisse", "Estelle"],
    "IN": ["Priya", "Sunita", "Anjali"],
    "BD": ["Fatema", "Nasrin", "Shirin"],
    "ER": ["Senait", "Helen", "Selam"],
}
MALE = {
    "default": [
        "José",
        "Juan",
        "Luis",
        "Carlos",
        "Jorge",
        "Miguel",
        "Pedro",
        "Francisco",
        "Óscar",
        "Víctor",
        "Manuel",
        "Jesús",
        "Javier",
        "Edwin",
        "Wilmer",
        "Nelson",
        "Marvin",
        "Kevin",
        "Brayan",
        "Erick",
        "Selvin",
        "Elmer",
        "Santos",
        "Julio",
        "Rigoberto",
        "Elías",
        "Andrés",
        "Yoel",
        "Yordanis",
        "Leonel",
    ],
    "HT": ["Jean", "Pierre", "Wilner", "Jacques", "Frantz", "Ricardo", "Dieudonné", "Junior"],
    "CM": ["Emmanuel", "Boris", "Cédric", "Franck"],
    "IN": ["Rahul", "Amit", "Sandeep", "Gurpreet"],
    "BD": ["Mohammad", "Rakib", "Hasan"],
    "ER": ["Yonas", "Filmon", "Tesfay", "Dawit"],
}
SURNAMES = {
    "default": [
        "Hernández",
        "García",
        "López",
        "Martínez",
        "González",
        "Pérez",
        "Rodríguez",
        "Ramírez",
        "Cruz",
        "Flores",
        "Morales",
        "Reyes",
        "Vásquez",
        "Díaz",
        "Castillo",
        "Mejía",
        "Orellana",
        "Barrios",
        "Alvarado",
        "Escobar",
        "Portillo",
        "Argueta",
        "Cifuentes",
        "Tzul",
        "Xicará",
        "Pop",
        "Caal",
        "Choc",
        "Zelaya",
        "Amaya",
        "Bonilla",
        "Zúñiga",
        "Osorio",
        "Quintanilla",
        "Núñez",
        "Acosta",
        "Lara",
        "Pineda",
        "de la Cruz",
        "de León",
    ],
    "HT": ["Jean-Baptiste", "Joseph", "Pierre", "Louis", "Charles", "Dorcely", "Exantus", "Saint-Fleur", "Théodore"],
    "CM": ["Nkemelu", "Tchoumi", "Mbarga", "Fotso"],
    "IN": ["Singh", "Kumar", "Patel", "Sharma"],
    "BD": ["Rahman", "Hossain", "Islam"],
    "ER": ["Tesfamariam", "Gebremedhin", "Habte", "Kidane"],
}

# organization slug: (count, {nationality: weight}, {subdivision: weight})
PLAN: dict[str, tuple[int, dict[str, int], dict[str, int]]] = {
    "gt-consulate-mexico-city": (
        520,
        {"GT": 1},
        {"MX-GRO": 20, "MX-OAX": 20, "MX-CHP": 25, "MX-CMX": 20, "MX-PUE": 5, "MX-BCN": 5, "MX-NLE": 5},
    ),
    "hn-consulate-mexico-city": (
        420,
        {"HN": 1},
        {"MX-GRO": 20, "MX-OAX": 25, "MX-CHP": 20, "MX-CMX": 15, "MX-VER": 10, "MX-NLE": 10},
    ),
    "sv-consulate-mexico-city": (
        320,
        {"SV": 1},
        {"MX-GRO": 20, "MX-OAX": 20, "MX-CHP": 25, "MX-CMX": 25, "MX-TAB": 10},
    ),
    "gt-consulate-tegucigalpa": (90, {"GT": 1}, {"HN-FM": 60, "HN-CR": 40}),
    "mx-consulate-guatemala-city": (90, {"MX": 1}, {"GT-01": 80, "GT-09": 20}),
    "mx-albergue-tapachula": (
        520,
        {
            "HN": 25,
            "GT": 15,
            "SV": 10,
            "HT": 15,
            "VE": 15,
            "CU": 8,
            "NI": 4,
            "CO": 2,
            "EC": 2,
            "CM": 2,
            "IN": 1,
            "BD": 1,
        },
        {"MX-CHP": 75, "MX-OAX": 25},
    ),
    "mx-casa-migrante-acapulco": (
        420,
        {"HN": 20, "GT": 15, "SV": 12, "HT": 15, "VE": 15, "CU": 10, "CM": 4, "IN": 3, "BD": 3, "ER": 3},
        {"MX-GRO": 85, "MX-OAX": 15},
    ),
    "mx-ngo-sin-fronteras": (
        320,
        {"HN": 20, "GT": 15, "SV": 10, "HT": 15, "VE": 20, "CU": 10, "CO": 5, "ER": 3, "CM": 2},
        {"MX-CMX": 60, "MX-OAX": 25, "MX-GRO": 15},
    ),
    "mx-comar": (
        220,
        {"HN": 30, "VE": 25, "HT": 20, "CU": 15, "SV": 5, "CM": 3, "ER": 2},
        {"MX-CHP": 50, "MX-CMX": 30, "MX-OAX": 20},
    ),
    "mx-dif-guerrero": (60, {"HN": 40, "GT": 30, "SV": 20, "HT": 10}, {"MX-GRO": 100}),
}


def _choice(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


def _row(rng: random.Random, slug: str, index: int, nationality: str, subdivision: str, *, child: bool) -> dict:
    female = rng.random() < 0.5
    pool = FEMALE if female else MALE
    names = pool.get(nationality, pool["default"])
    surnames = SURNAMES.get(nationality, SURNAMES["default"])
    given = rng.choice(names)
    if nationality not in ("IN", "BD", "ER", "CM", "HT") and rng.random() < 0.35:
        given = f"{given} {rng.choice(names)}"
    first = rng.choice(surnames)
    second = rng.choice(surnames) if nationality in NATIONALITIES and rng.random() < 0.75 else ""
    if nationality in ("HT", "IN", "BD", "ER", "CM"):
        second = ""
    dem_f, dem_m, prefix, leads, length, languages = NATIONALITIES[nationality]
    age = rng.randint(2, 17) if child else int(rng.triangular(18, 75, 29))
    born = date(2026, 1, 1) - timedelta(days=age * 365 + rng.randint(0, 364))
    municipality, lat, lon = rng.choice(PLACES[subdivision])
    lead = rng.choice(leads)
    phone = ""
    if not child and rng.random() < 0.9:
        local = lead + "".join(rng.choice("0123456789") for _ in range(length - len(lead)))
        phone = f"+{prefix} {local}" if rng.random() < 0.7 else local
    consent = lambda p: rng.choices(["sí", "no", ""], [p, 1 - p, 0.1])[0]  # noqa: E731
    return {
        "source_record_id": f"DEMO-{slug}-{index:04d}",
        "given_names": given,
        "first_surname": first,
        "second_surname": second,
        "sex": "F" if female else "M",
        "date_of_birth": born.isoformat(),
        "nationality": dem_f if female else dem_m,
        "phone": phone,
        "whatsapp": "sí" if phone and rng.random() < 0.75 else "",
        "latitude": f"{lat + rng.gauss(0, 0.02):.5f}",
        "longitude": f"{lon + rng.gauss(0, 0.02):.5f}",
        "country": subdivision.split("-")[0],
        "subdivision": subdivision,
        "municipality": municipality,
        "preferred_language": languages[0],
        "languages": ", ".join(languages),
        "preferred_channel": rng.choice(["whatsapp", "whatsapp", "sms"]) if phone else "",
        "consent_alerts": consent(0.85),
        "consent_referrals": consent(0.6),
        "consent_sharing": consent(0.5),
        "document_type": rng.choice(["Pasaporte", "DPI" if nationality == "GT" else "DNI", "Matrícula consular"])
        if not child and rng.random() < 0.6
        else "",
        "document_number": "",
    }


def load(stdout) -> dict:
    organizations = {o.slug: o for o in Organization.objects.filter(slug__in=PLAN)}
    existing = dict(
        Person.objects.filter(source_record_id__startswith="DEMO-")
        .values_list("registering_organization__slug")
        .annotate(n=Count("pk"))
    )
    principal = system_principal("demo")
    total = created = 0
    for slug, (count, nationalities, places) in PLAN.items():
        organization = organizations.get(slug)
        if organization is None:
            continue
        rng = random.Random(f"{SEED}-{slug}")  # one sequence per organization: stable whatever loads first
        rows = []
        for index in range(count):
            nationality = _choice(rng, nationalities)
            row = _row(rng, slug, index, nationality, _choice(rng, places), child=slug == "mx-dif-guerrero")
            if row["document_type"]:
                row["document_number"] = f"{rng.choice('ABCEFGHKLMNPRSTX')}{rng.randrange(10**6, 10**9)}"
            rows.append(row)
        total += count
        if existing.get(slug, 0) >= count:
            continue  # already loaded (the rows above keep the random sequence identical)
        context = RowContext(organization_country=organization.country, m_means_female=False)
        result = ImportResult()
        writer = _Writer(principal=principal, organization=organization, dry_run=False, result=result)
        parsed = [(i, parse_row(row, context=context)) for i, row in enumerate(rows)]
        writer.flush([(i, p) for i, p in parsed if p.ok])
        created += result.imported
        _enrich(random.Random(f"{SEED}-{slug}-extra"), organization, slug)
    stdout.write(f"people: {total} ({created} new)")
    return {"people": total, "created": created}


def _enrich(rng: random.Random, organization: Organization, slug: str) -> None:
    """Migratory status, special needs and households, in bulk, for one organization's people."""
    people = list(Person.objects.filter(registering_organization=organization, source_record_id__startswith="DEMO-"))
    people.sort(key=lambda p: p.source_record_id)
    statuses = [MigratoryStatus.IN_TRANSIT, MigratoryStatus.IRREGULAR, MigratoryStatus.REGULAR, MigratoryStatus.UNKNOWN]
    for person in people:
        if slug == "mx-comar":
            person.migratory_status = MigratoryStatus.ASYLUM_SEEKER
        else:
            person.migratory_status = rng.choice(statuses)
        if rng.random() < 0.05:
            person.special_needs = rng.choice(["Embarazo", "Diabetes, sin medicamento", "Usa silla de ruedas", "Asma"])
    # Families and travelling groups: runs of 2–5 people with the same first surname.
    households = []
    members: list[tuple[Person, int, str]] = []
    i = 0
    while i < len(people) - 1:
        if rng.random() < 0.22:
            size = rng.randint(2, 5)
            group = people[i : i + size]
            head = group[0]
            households.append(
                Household(
                    name=f"Familia {head.first_surname}" if rng.random() < 0.7 else f"Grupo {head.municipality}",
                    registering_organization=organization,
                    is_travelling_group=rng.random() < 0.3,
                )
            )
            for position, person in enumerate(group):
                role = (
                    HouseholdRole.HEAD
                    if position == 0
                    else rng.choice(
                        [HouseholdRole.SPOUSE, HouseholdRole.CHILD, HouseholdRole.CHILD, HouseholdRole.SIBLING]
                    )
                )
                members.append((person, len(households) - 1, role))
            i += size
        else:
            i += 1
    Household.objects.bulk_create(households)
    for person, index, role in members:
        person.household_id, person.household_role = households[index].pk, role
    Person.objects.bulk_update(
        people, ["migratory_status", "special_needs", "household", "household_role"], batch_size=500
    )
