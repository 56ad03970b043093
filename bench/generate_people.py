#!/usr/bin/env python3
"""Generate realistic Latin American people as a field file in the registry's standard columns.

    python bench/generate_people.py --count 1000000 --output var/bench/people.csv [--seed 7]
        [--duplicates 0.0] [--errors 0.15] [--delimiter ,] [--first-id 0]

Names follow the region's frequencies (a few very common given names and surnames, a long tail),
two surnames with particles ("de la Cruz"), compound given names; nationalities weighted like
the migrants the region's consulates and shelters serve (GT, HN, SV, MX, NI, VE, HT, CU, CO, EC,
and some from Africa and Asia); locations along the route (Chiapas, Oaxaca, Guerrero, Mexico City,
Baja California, Guatemala, Honduras…) with coordinates; phones written the many ways people write
them. With `--errors`, a share of rows carry the field's usual mistakes: no accents, capitals,
swapped or missing second surname, typos, day-first dates, demonyms instead of codes, phones
without prefix. With `--duplicates`, that share of rows are extra records of an earlier person
(same `true_person_id`, different `source_record_id`), with such errors: ground truth for
matching benchmarks. `--first-id` numbers the records from there (P0100000…), so files made with
different seeds and first ids hold different people, as successive imports into one registry do.
Deterministic for a seed; pure Python, no dependencies (reusable by any app:
`from generate_people import generate` yields dicts).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import unicodedata
from collections.abc import Iterator
from datetime import date, timedelta

COLUMNS = [
    "source_record_id",
    "given_names",
    "first_surname",
    "second_surname",
    "sex",
    "date_of_birth",
    "nationality",
    "phone",
    "email",
    "document_type",
    "document_number",
    "latitude",
    "longitude",
    "country",
    "subdivision",
    "municipality",
    "preferred_language",
    "consent_alerts",
    "consent_referrals",
    "consent_sharing",
    "preferred_channel",
    "whatsapp",
    "languages",
    "true_person_id",
]

FEMALE = (
    "María",
    "Guadalupe",
    "Ana",
    "Rosa",
    "Carmen",
    "Juana",
    "Gloria",
    "Sandra",
    "Blanca",
    "Marta",
    "Karla",
    "Lucía",
    "Dulce",
    "Andrea",
    "Yesenia",
    "Fernanda",
    "Gabriela",
    "Daniela",
    "Alejandra",
    "Patricia",
    "Verónica",
    "Elena",
    "Sofía",
    "Valentina",
    "Isabel",
    "Claudia",
    "Esperanza",
    "Dolores",
    "Reina",
    "Marisol",
    "Maribel",
    "Yolanda",
    "Leticia",
    "Silvia",
    "Adriana",
    "Mónica",
    "Paola",
    "Jessica",
    "Wendy",
    "Ingrid",
    "Heidy",
    "Evelyn",
    "Glenda",
    "Lesly",
    "Yajaira",
    "Yuliana",
    "Nayeli",
    "Xiomara",
    "Mirna",
    "Delmy",
    "Ruth",
    "Sara",
    "Esther",
    "Noemí",
    "Jacqueline",
    "Marleny",
    "Brenda",
    "Cindy",
    "Jennifer",
    "Rosaura",
    "Iris",
    "Antonia",
    "Francisca",
    "Teresa",
    "Josefina",
    "Margarita",
    "Lourdes",
    "Beatriz",
    "Consuelo",
    "Aracely",
    "Damaris",
    "Keila",
    "Marie",
    "Rose",
    "Nadège",
    "Widline",
    "Fabiola",
    "Yulisa",
    "Odalys",
    "Yaneisy",
    "Mayelin",
    "Dayana",
    "Génesis",
    "Roxana",
    "Milagros",
)
MALE = (
    "José",
    "Juan",
    "Luis",
    "Carlos",
    "Jorge",
    "Miguel",
    "Pedro",
    "Francisco",
    "Mario",
    "Óscar",
    "Víctor",
    "Manuel",
    "Antonio",
    "Jesús",
    "Javier",
    "Roberto",
    "Fernando",
    "Ricardo",
    "Eduardo",
    "Alejandro",
    "Daniel",
    "David",
    "Mauricio",
    "Edwin",
    "Wilmer",
    "Nelson",
    "Marvin",
    "Kevin",
    "Brayan",
    "Jonathan",
    "Erick",
    "Cristian",
    "Franklin",
    "Walter",
    "Selvin",
    "Denis",
    "Elmer",
    "Hugo",
    "René",
    "Santos",
    "Julio",
    "César",
    "Rafael",
    "Ramón",
    "Rigoberto",
    "Elías",
    "Andrés",
    "Samuel",
    "Héctor",
    "Gerardo",
    "Armando",
    "Alfredo",
    "Ernesto",
    "Rolando",
    "Byron",
    "Wilson",
    "Dixon",
    "Josué",
    "Moisés",
    "Abel",
    "Ángel",
    "Jean",
    "Pierre",
    "Wilner",
    "Jacques",
    "Yves",
    "Frantz",
    "Ricardo",
    "Yoel",
    "Yasiel",
    "Yordanis",
    "Leonel",
    "Deivis",
    "Jhon",
    "Anderson",
    "Luis",
    "Ángel",
)
SURNAMES = (
    "Hernández",
    "García",
    "López",
    "Martínez",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Reyes",
    "Vásquez",
    "Díaz",
    "Torres",
    "Gutiérrez",
    "Ruiz",
    "Mendoza",
    "Aguilar",
    "Ortiz",
    "Castillo",
    "Jiménez",
    "Moreno",
    "Romero",
    "Álvarez",
    "Chávez",
    "Rivera",
    "Ramos",
    "Herrera",
    "Medina",
    "Vargas",
    "Castro",
    "Méndez",
    "Guzmán",
    "Fernández",
    "Juárez",
    "Muñoz",
    "Salazar",
    "Rojas",
    "Contreras",
    "Domínguez",
    "Soto",
    "Velásquez",
    "Orellana",
    "Mejía",
    "Barrios",
    "Alvarado",
    "Escobar",
    "Ávila",
    "Sandoval",
    "Ventura",
    "Portillo",
    "Argueta",
    "Lemus",
    "Cifuentes",
    "Monterroso",
    "Ajú",
    "Tzul",
    "Xicará",
    "Pop",
    "Caal",
    "Choc",
    "Coc",
    "Tiul",
    "Cuxil",
    "Batz",
    "Quiej",
    "Ixcoy",
    "Zelaya",
    "Funes",
    "Maldonado",
    "Amaya",
    "Paz",
    "Bonilla",
    "Lagos",
    "Matute",
    "Zúñiga",
    "Osorio",
    "Velásquez",
    "Cardona",
    "Solórzano",
    "Aguirre",
    "Quintanilla",
    "Jean-Baptiste",
    "Joseph",
    "Pierre",
    "Louis",
    "Charles",
    "Dorcely",
    "Théodore",
    "Saint-Fleur",
    "Exantus",
    "Rodríguez",
    "Pérez",
    "Márquez",
    "Núñez",
    "Acosta",
    "Benítez",
    "Cabrera",
    "Lara",
    "Espinoza",
    "Vega",
    "Campos",
    "Navarro",
    "Ibarra",
    "Pineda",
    "Cortés",
    "Miranda",
    "Valdez",
)
PARTICLE_SURNAMES = ("de la Cruz", "de León", "de Jesús", "del Cid", "de la Rosa", "de los Santos", "del Valle")
NATIONALITIES = [  # code, weight, demonym f, demonym m, English, phone prefix, phone length, languages
    ("GT", 22, "guatemalteca", "guatemalteco", "Guatemalan", "502", 8, ("es",)),
    ("HN", 24, "hondureña", "hondureño", "Honduran", "504", 8, ("es",)),
    ("SV", 12, "salvadoreña", "salvadoreño", "Salvadoran", "503", 8, ("es",)),
    ("MX", 6, "mexicana", "mexicano", "Mexican", "52", 10, ("es",)),
    ("NI", 5, "nicaragüense", "nicaragüense", "Nicaraguan", "505", 8, ("es",)),
    ("VE", 10, "venezolana", "venezolano", "Venezuelan", "58", 10, ("es",)),
    ("HT", 8, "haitiana", "haitiano", "Haitian", "509", 8, ("ht", "fr")),
    ("CU", 6, "cubana", "cubano", "Cuban", "53", 8, ("es",)),
    ("CO", 2, "colombiana", "colombiano", "Colombian", "57", 10, ("es",)),
    ("EC", 2, "ecuatoriana", "ecuatoriano", "Ecuadorian", "593", 9, ("es",)),
    ("CM", 1, "camerunesa", "camerunés", "Cameroonian", "237", 9, ("fr", "en")),
    ("IN", 1, "india", "indio", "Indian", "91", 10, ("hi", "en")),
    ("BD", 0.5, "bangladesí", "bangladesí", "Bangladeshi", "880", 10, ("bn",)),
    ("ER", 0.5, "eritrea", "eritreo", "Eritrean", "291", 7, ("ti",)),
]
PLACES = [  # country, subdivision, municipality, lat, lon, weight
    ("MX", "MX-CHP", "Tapachula", 14.906, -92.263, 16),
    ("MX", "MX-CHP", "Tuxtla Gutiérrez", 16.753, -93.116, 4),
    ("MX", "MX-OAX", "Juchitán de Zaragoza", 16.434, -95.020, 4),
    ("MX", "MX-OAX", "Oaxaca de Juárez", 17.066, -96.726, 3),
    ("MX", "MX-OAX", "Salina Cruz", 16.167, -95.200, 2),
    ("MX", "MX-GRO", "Acapulco de Juárez", 16.853, -99.823, 4),
    ("MX", "MX-GRO", "Chilpancingo de los Bravo", 17.551, -99.505, 2),
    ("MX", "MX-GRO", "Zihuatanejo de Azueta", 17.641, -101.551, 1),
    ("MX", "MX-CMX", "Cuauhtémoc", 19.433, -99.133, 10),
    ("MX", "MX-CMX", "Iztapalapa", 19.357, -99.093, 5),
    ("MX", "MX-VER", "Coatzacoalcos", 18.134, -94.459, 2),
    ("MX", "MX-TAB", "Tenosique", 17.474, -91.423, 2),
    ("MX", "MX-PUE", "Puebla", 19.041, -98.206, 2),
    ("MX", "MX-NLE", "Monterrey", 25.686, -100.316, 4),
    ("MX", "MX-BCN", "Tijuana", 32.514, -117.038, 6),
    ("MX", "MX-CHH", "Juárez", 31.690, -106.424, 4),
    ("MX", "MX-TAM", "Reynosa", 26.092, -98.278, 3),
    ("GT", "GT-01", "Guatemala", 14.634, -90.507, 4),
    ("GT", "GT-09", "Quetzaltenango", 14.834, -91.518, 1),
    ("GT", "GT-17", "Flores", 16.929, -89.892, 1),
    ("HN", "HN-FM", "Tegucigalpa", 14.072, -87.192, 2),
    ("HN", "HN-CR", "San Pedro Sula", 15.505, -88.025, 2),
    ("SV", "SV-SS", "San Salvador", 13.692, -89.218, 1),
    ("CR", "CR-SJ", "San José", 9.928, -84.091, 1),
    ("PA", "PA-5", "Yaviza", 8.156, -77.693, 1),
]
# Mobile numbers as the numbering plans have them: (leading digits..., length of the national number).
MOBILE = {
    "GT": (("3", "4", "5"), 8),
    "HN": (("3", "7", "8", "9"), 8),
    "SV": (("6", "7"), 8),
    "MX": (("55", "33", "81", "962", "951", "744", "664", "656", "222"), 10),
    "NI": (("5", "7", "8"), 8),
    "VE": (("412", "414", "416", "424", "426"), 10),
    "HT": (("3", "4"), 8),
    "CU": (("5",), 8),
    "CO": (("300", "310", "311", "312", "315", "320"), 10),
    "EC": (("96", "97", "98", "99"), 9),
    "CM": (("65", "67", "69"), 9),
    "IN": (("98", "97", "91", "81", "70"), 10),
    "BD": (("17", "18", "19", "13", "15"), 10),
    "ER": (("7",), 7),
}
DOCUMENTS = [
    ("passport", "Pasaporte"),
    ("national_id", "DPI"),
    ("national_id", "DNI"),
    ("consular_id", "Matrícula consular"),
    ("birth_certificate", "Acta de nacimiento"),
    ("refugee_document", "Constancia COMAR"),
]


def _weights(n: int, skew: float = 1.0) -> list[float]:
    return [1 / (rank + 1) ** skew for rank in range(n)]


def _strip(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1 :]
    if kind < 0.7:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i] + word[i:]


def generate(
    count: int, *, seed: int = 7, duplicates: float = 0.0, errors: float = 0.15, first_id: int = 0
) -> Iterator[dict]:
    """Yield `count` rows (dicts of COLUMNS), numbered from `first_id`."""
    rng = random.Random(seed)
    fw, mw, sw = _weights(len(FEMALE), 0.9), _weights(len(MALE), 0.9), _weights(len(SURNAMES), 0.8)
    nat_w = [n[1] for n in NATIONALITIES]
    place_w = [p[5] for p in PLACES]
    today = date(2026, 1, 1)
    people: list[dict] = []  # kept for duplicates (bounded)
    for index in range(count):
        if people and rng.random() < duplicates:
            original = rng.choice(people)
            yield _duplicate(rng, original, first_id + index)
            continue
        female = rng.random() < 0.48
        names = rng.choices(FEMALE if female else MALE, fw if female else mw, k=2)
        given = names[0] if rng.random() < 0.6 or names[0] == names[1] else f"{names[0]} {names[1]}"
        first = rng.choice(PARTICLE_SURNAMES) if rng.random() < 0.03 else rng.choices(SURNAMES, sw)[0]
        second = "" if rng.random() < 0.15 else rng.choices(SURNAMES, sw)[0]
        nat = rng.choices(NATIONALITIES, nat_w)[0]
        code, _w, dem_f, dem_m, english, prefix, length, langs = nat
        place = rng.choices(PLACES, place_w)[0]
        age_days = int(rng.triangular(0, 70, 27) * 365.25)
        born = today - timedelta(days=age_days)
        leads, length = MOBILE[code]
        lead = rng.choice(leads)
        local = lead + "".join(rng.choice("0123456789") for _ in range(length - len(lead)))
        row = {
            "source_record_id": f"P{first_id + index:07d}",
            "given_names": given,
            "first_surname": first,
            "second_surname": second,
            "sex": "F" if female else "M",
            "date_of_birth": born.isoformat(),
            "nationality": code,
            "phone": f"+{prefix}{local}" if rng.random() < 0.85 else "",
            "email": "",
            "document_type": "",
            "document_number": "",
            "latitude": f"{place[3] + rng.gauss(0, 0.03):.5f}",
            "longitude": f"{place[4] + rng.gauss(0, 0.03):.5f}",
            "country": place[0],
            "subdivision": place[1],
            "municipality": place[2],
            "preferred_language": langs[0],
            "consent_alerts": rng.choice(("yes", "yes", "yes", "no", "")),
            "consent_referrals": rng.choice(("yes", "yes", "no", "")),
            "consent_sharing": rng.choice(("yes", "no", "no", "")),
            "preferred_channel": rng.choice(("whatsapp", "whatsapp", "sms", "")),
            "whatsapp": rng.choice(("yes", "yes", "no")),
            "languages": " ".join(langs),
            "true_person_id": f"T{first_id + index:07d}",
        }
        if rng.random() < 0.2:
            row["email"] = (
                f"{_strip(given.split()[0]).lower()}.{_strip(first).lower().replace(' ', '')}{rng.randrange(100)}@example.org"
            )
        if rng.random() < 0.5:
            doc_type, _label = rng.choice(DOCUMENTS)
            row["document_type"] = doc_type
            row["document_number"] = f"{rng.choice('ABCDEFGHJKLMNPRSTUVXYZ')}{rng.randrange(10**7, 10**9)}"
        if rng.random() < errors:
            row = _field_errors(rng, row, dem_f if female else dem_m, english, prefix)
        if len(people) < 200_000:
            people.append(row)
        elif rng.random() < 0.01:
            people[rng.randrange(len(people))] = row
        yield row


def _field_errors(rng: random.Random, row: dict, demonym: str, english: str, prefix: str) -> dict:
    row = dict(row)
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(9)
        if kind == 0:
            row["given_names"], row["first_surname"] = _strip(row["given_names"]), _strip(row["first_surname"])
        elif kind == 1:
            row["given_names"], row["first_surname"] = row["given_names"].upper(), row["first_surname"].upper()
        elif kind == 2:
            row["nationality"] = rng.choice((demonym, demonym.capitalize(), english))
        elif kind == 3 and row["date_of_birth"].count("-") == 2:
            y, m, d = row["date_of_birth"].split("-")
            row["date_of_birth"] = f"{d}/{m}/{y}"
        elif kind == 4 and row["phone"].startswith("+" + prefix):
            local = row["phone"][1 + len(prefix) :]
            row["phone"] = f"{local[:4]}-{local[4:]}" if rng.random() < 0.5 else f"00{prefix} {local}"
        elif kind == 5:
            row["first_surname"] = _typo(rng, row["first_surname"])
        elif kind == 6 and row["second_surname"]:
            row["first_surname"], row["second_surname"] = row["second_surname"], row["first_surname"]
        elif kind == 7:
            row["sex"] = rng.choice(("Femenino", "Masculino")) if row["sex"] == "F" else "Masculino"
            if row["sex"] == "Femenino" and rng.random() < 0.5:
                row["sex"] = "mujer"
        else:
            row["second_surname"] = ""
    return row


def _duplicate(rng: random.Random, original: dict, index: int) -> dict:
    row = _field_errors(rng, original, "", original["nationality"], "")
    row["source_record_id"] = f"P{index:07d}"
    if rng.random() < 0.3:
        row["phone"] = ""
    if rng.random() < 0.2 and row["date_of_birth"]:
        row["date_of_birth"] = row["date_of_birth"][:4] if "-" in row["date_of_birth"] else row["date_of_birth"][-4:]
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--output", default="-")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--duplicates", type=float, default=0.0, help="share of rows that repeat an earlier person")
    parser.add_argument("--errors", type=float, default=0.15, help="share of rows with field errors")
    parser.add_argument("--delimiter", default=",")
    parser.add_argument("--first-id", type=int, default=0, help="number of the first record (P0000000 by default)")
    args = parser.parse_args(argv)
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8", newline="")  # noqa: SIM115
    writer = csv.writer(out, delimiter=args.delimiter)
    writer.writerow(COLUMNS)
    for row in generate(
        args.count, seed=args.seed, duplicates=args.duplicates, errors=args.errors, first_id=args.first_id
    ):
        writer.writerow([row[c] for c in COLUMNS])
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
