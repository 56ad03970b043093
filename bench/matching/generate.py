"""A generated registry of Latin American people, with families and the errors of field lists.

    python bench/matching/generate.py --people 100000 --output out.csv [--seed 7]

Writes the registry import columns plus `true_id` (the real person behind each record; dedupe
ignores it). People come in households: children carry the father's first surname and the
mother's first surname, siblings share surnames, address and often the family phone, and are NOT
duplicates. Names follow realistic frequencies (a few names and surnames are very common). About
a fifth of the people are registered again by another organization, once or more, with the
errors seen in the field: nicknames (Pepe, Lupita, Chema), abbreviations (Ma., Fco.), a dropped
second given name, typos, spellings that sound alike (b/v, s/z, y/ll, h), missing or swapped
surnames, names typed into the wrong fields, dates with day and month swapped, a year off, a
digit wrong, only the year, or unparseable, phones written with or without the country code,
changed or missing, documents with a typo or missing, accents dropped and upper case.
"""

from __future__ import annotations

import argparse
import csv
import random
import string

MALE = (
    "José:60 Juan:45 Luis:35 Carlos:30 Jesús:25 Francisco:25 Antonio:22 Miguel:22 Pedro:18 Manuel:18 Jorge:18 "
    "Alejandro:16 Roberto:14 Fernando:14 Ricardo:12 Eduardo:12 Javier:12 Rafael:11 Mario:11 Sergio:10 Daniel:10 "
    "David:10 Óscar:9 Víctor:9 Raúl:8 Ramón:8 Alberto:8 Arturo:7 Enrique:7 Guillermo:7 Gustavo:6 Héctor:6 Hugo:6 "
    "Ignacio:5 Julio:5 Lorenzo:4 Marco:5 Martín:5 Mauricio:4 Nicolás:4 Octavio:3 Pablo:5 Rodrigo:4 Rubén:4 "
    "Salvador:4 Santiago:4 Tomás:3 Vicente:3 Wilmer:3 Wilson:3 Alexander:4 Kevin:5 Brayan:4 Anderson:3 Elmer:3 "
    "Edwin:4 Erick:3 Marvin:4 Nelson:4 Walter:3 Cristian:4 Diego:4 Andrés:4 Ángel:5 Gabriel:4 Gerardo:4 "
    "Gonzalo:2 Humberto:3 Ernesto:3 Adolfo:2 Rodolfo:3 Alfonso:3 Felipe:3 Samuel:3 Emmanuel:2 Isaac:2 Josué:3 "
    "Moisés:2 Abel:2 Efraín:2 Germán:2 Joel:2 Noé:2 Omar:3 Orlando:2 Reinaldo:2 Rigoberto:2 Saúl:2 Teodoro:1 "
    "Ulises:1 Wilfredo:2 Yovani:1 Byron:2 Dagoberto:1 Elías:2 Fausto:1 Gilberto:2 Isidro:1 Lázaro:1 Mariano:2 "
    "Nahúm:1 Porfirio:1 Santos:2 Tránsito:1 Baltazar:1 Benito:2 Bernardo:2 Crescencio:1 Evaristo:1"
)
FEMALE = (
    "María:70 Guadalupe:25 Ana:22 Rosa:18 Juana:15 Carmen:14 Josefa:8 Teresa:10 Patricia:12 Leticia:9 "
    "Verónica:9 Alejandra:10 Gabriela:10 Fernanda:8 Daniela:9 Sofía:8 Valentina:6 Camila:6 Isabel:8 Lucía:8 "
    "Elena:8 Martha:8 Laura:9 Claudia:9 Sandra:8 Silvia:7 Mónica:7 Adriana:8 Andrea:8 Beatriz:6 Cecilia:5 "
    "Concepción:5 Consuelo:4 Dolores:5 Esperanza:5 Gloria:5 Graciela:5 Irma:4 Lourdes:5 Margarita:6 "
    "Mercedes:5 Norma:5 Pilar:3 Raquel:4 Refugio:3 Rosario:5 Soledad:3 Susana:4 Yolanda:5 Yesenia:5 "
    "Ximena:4 Karla:5 Karen:5 Wendy:4 Glenda:3 Reina:3 Sonia:4 Dayana:3 Nayeli:3 Xóchitl:2 Esmeralda:4 "
    "Paola:5 Francisca:4 Antonia:4 Eugenia:3 Ángeles:4 Luz:4 Marisol:3 Maribel:3 Mayra:3 Nancy:3 Blanca:3 "
    "Brenda:3 Carolina:4 Diana:4 Elizabeth:4 Érika:3 Fabiola:2 Griselda:2 Iris:2 Jessica:3 Lilian:2 "
    "Marlene:2 Miriam:3 Olga:2 Reyna:2 Sara:3 Tania:2 Vilma:2 Yadira:2 Zulema:1 Belén:2 Dulce:3 Itzel:2"
)
SURNAMES = (
    "Hernández:100 García:90 Martínez:80 López:80 González:75 Pérez:60 Rodríguez:60 Sánchez:55 Ramírez:55 "
    "Cruz:40 Flores:40 Gómez:38 Morales:35 Vázquez:33 Reyes:33 Jiménez:30 Torres:30 Díaz:28 Gutiérrez:27 "
    "Ruiz:26 Mendoza:25 Aguilar:25 Ortiz:24 Moreno:23 Castillo:23 Romero:22 Álvarez:22 Méndez:21 Chávez:21 "
    "Rivera:20 Juárez:20 Ramos:19 Domínguez:18 Herrera:18 Medina:17 Castro:17 Vargas:16 Guzmán:16 "
    "Velázquez:15 Muñoz:15 Rojas:14 Contreras:14 Salazar:14 Luna:13 Ortega:13 Santiago:13 Guerrero:12 "
    "Bautista:12 Estrada:12 Cortés:11 Soto:11 Alvarado:11 Espinoza:10 Lara:10 Ríos:10 Sandoval:10 "
    "Carrillo:9 Navarro:9 Mejía:9 Vega:9 Ávila:8 Cabrera:8 Campos:8 Fuentes:8 Villalobos:7 Zúñiga:7 "
    "Escobar:7 Orellana:6 Quiroz:6 Barrios:6 Zelaya:6 Argueta:5 Portillo:5 Villatoro:4 Xicará:2 Coj:2 "
    "Tzoc:2 Ajú:2 Cuxil:1 Chután:1 Yax:1 Batz:1 Quiñónez:3 Pineda:5 Benítez:5 Osorio:5 Padilla:5 Paz:4 "
    "Maldonado:6 Valdez:6 Valle:4 Solís:5 Trejo:3 Velásquez:6 Villanueva:4 Zamora:4 Cardona:4 Calderón:5 "
    "Aguirre:5 Acosta:5 Arias:4 Bonilla:4 Cáceres:3 Cano:3 Cárdenas:5 Cervantes:4 Córdova:4 Delgado:5 "
    "Durán:4 Figueroa:4 Galindo:3 Gallardo:3 Gálvez:3 Girón:3 Guevara:4 Hidalgo:3 Ibarra:4 Lemus:3 León:4 "
    "Lozano:4 Macías:3 Marroquín:3 Miranda:4 Molina:5 Montes:3 Núñez:5 Ochoa:4 Palacios:3 Peña:5 Ponce:3 "
    "Quintero:3 Rosales:4 Salinas:4 Serrano:4 Suárez:4 Tapia:3 Toledo:3 Valencia:4 Vásquez:6 Zepeda:3 "
    "de la Cruz:6 del Valle:3 de León:4 de Jesús:3 de los Santos:2 San Martín:2"
)
PLACES = {
    "MX": [
        ("MX-CHP", "Tapachula"),
        ("MX-CMX", "Iztapalapa"),
        ("MX-JAL", "Guadalajara"),
        ("MX-BCN", "Tijuana"),
        ("MX-CHH", "Ciudad Juárez"),
        ("MX-NLE", "Monterrey"),
        ("MX-OAX", "Juchitán"),
        ("MX-VER", "Coatzacoalcos"),
        ("MX-TAB", "Tenosique"),
        ("MX-SON", "Nogales"),
    ],
    "GT": [("GT-GU", "Guatemala"), ("GT-QZ", "Quetzaltenango"), ("GT-HU", "Huehuetenango"), ("GT-SM", "San Marcos")],
    "HN": [("HN-FM", "Tegucigalpa"), ("HN-CR", "San Pedro Sula"), ("HN-AT", "La Ceiba")],
    "SV": [("SV-SS", "San Salvador"), ("SV-SM", "San Miguel"), ("SV-SA", "Santa Ana")],
}
PHONE_PREFIX = {"MX": ("+52", 10), "GT": ("+502", 8), "HN": ("+504", 8), "SV": ("+503", 8)}
NICK = {
    "José": ["Pepe", "Chepe"],
    "Francisco": ["Pancho", "Paco"],
    "Guadalupe": ["Lupe", "Lupita"],
    "Jesús": ["Chuy", "Chucho"],
    "Ignacio": ["Nacho"],
    "Guillermo": ["Memo"],
    "Eduardo": ["Lalo"],
    "Alberto": ["Beto"],
    "Roberto": ["Beto"],
    "Antonio": ["Toño"],
    "Enrique": ["Quique"],
    "Rafael": ["Rafa"],
    "Concepción": ["Concha", "Conchita"],
    "Rosario": ["Chayo", "Charo"],
    "Dolores": ["Lola"],
    "Mercedes": ["Meche"],
    "Teresa": ["Tere"],
    "Patricia": ["Paty"],
    "Leticia": ["Lety"],
    "Alejandro": ["Alex"],
    "Salvador": ["Chava"],
    "Manuel": ["Manolo"],
    "Alfonso": ["Poncho"],
    "Sergio": ["Checo"],
    "Juana": ["Juanita"],
    "Refugio": ["Cuca"],
    "Isabel": ["Chabela"],
    "Gabriela": ["Gaby"],
}
ABBR = {
    "María": "Ma.",
    "Francisco": "Fco.",
    "Guadalupe": "Gpe.",
    "Hernández": "Hdez.",
    "González": "Glez.",
    "Martínez": "Mtz.",
    "Rodríguez": "Rdz.",
    "Fernández": "Fdez.",
}
SOUNDS = [
    ("v", "b"),
    ("b", "v"),
    ("z", "s"),
    ("s", "z"),
    ("ll", "y"),
    ("y", "ll"),
    ("ce", "se"),
    ("ci", "si"),
    ("j", "g"),
    ("ge", "je"),
    ("gi", "ji"),
    ("x", "j"),
    ("qu", "k"),
]
ACCENTS = str.maketrans("áéíóúÁÉÍÓÚüÜ", "aeiouAEIOUuU")
DOC_TYPES = {"MX": "passport", "GT": "national_id", "HN": "national_id", "SV": "national_id"}


def _weighted(spec: str) -> tuple[list[str], list[int]]:
    names, weights = [], []
    for item in spec.split(" "):
        if ":" not in item:
            continue
        name, w = item.rsplit(":", 1)
        names.append(name)
        weights.append(int(w))
    return names, weights


def _merge_multiword(spec: str) -> str:
    # "de la Cruz:6" must stay one surname: join words not ending in a weight
    out, pending = [], []
    for word in spec.split(" "):
        pending.append(word)
        if ":" in word:
            out.append(" ".join(pending).replace(" ", "\u00a0"))
            pending = []
    return " ".join(out)


class Generator:
    def __init__(self, seed: int = 7):
        self.r = random.Random(seed)
        self.male = _weighted(MALE)
        self.female = _weighted(FEMALE)
        surnames = _weighted(_merge_multiword(SURNAMES))
        self.surnames = ([s.replace("\u00a0", " ") for s in surnames[0]], surnames[1])
        self._cum = {}

    def pick(self, table) -> str:
        key = id(table)
        if key not in self._cum:
            total, cum = 0, []
            for w in table[1]:
                total += w
                cum.append(total)
            self._cum[key] = (cum, total)
        cum, total = self._cum[key]
        import bisect

        return table[0][bisect.bisect_right(cum, self.r.random() * total)]

    def given(self, sex: str) -> str:
        table = self.female if sex == "F" else self.male
        first = self.pick(table)
        if self.r.random() < 0.45:
            second = self.pick(table)
            if second != first:
                return f"{first} {second}"
        return first

    def phone(self, country: str) -> str:
        prefix, length = PHONE_PREFIX[country]
        first = "55" if country == "MX" else self.r.choice("34567")
        return prefix + first + "".join(self.r.choice(string.digits) for _ in range(length - len(first)))

    def document(self, country: str) -> str:
        if country == "MX":
            return self.r.choice("GN") + "".join(self.r.choice(string.digits) for _ in range(8))
        return "".join(self.r.choice(string.digits) for _ in range(9 if country != "GT" else 13))

    # --- people and households ---
    def household(self, next_id) -> list[dict]:
        r = self.r
        country = r.choices(["MX", "GT", "HN", "SV"], [25, 35, 25, 15])[0]
        host = "MX" if country != "MX" else r.choice(["MX", "GT"])
        subdivision, municipality = r.choice(PLACES[host])
        phone = self.phone(host if r.random() < 0.6 else country)
        father_s = (self.pick(self.surnames), self.pick(self.surnames))
        mother_s = (self.pick(self.surnames), self.pick(self.surnames))
        size = r.choices([1, 2, 3, 4, 5, 6], [30, 15, 20, 18, 10, 7])[0]
        people = []
        base_year = r.randint(1950, 2000)

        def person(sex, surnames, year, shared_phone):
            return {
                "true_id": next_id(),
                "given_names": self.given(sex),
                "first_surname": surnames[0],
                "second_surname": surnames[1],
                "sex": sex,
                "dob": (year, r.randint(1, 12), r.randint(1, 28)),
                "nationality": country,
                "phone": phone if shared_phone else self.phone(host),
                "email": "",
                "document_type": DOC_TYPES[country],
                "document_number": self.document(country) if r.random() < 0.6 else "",
                "country": host,
                "subdivision": subdivision,
                "municipality": municipality,
            }

        if size == 1:
            sex = r.choice("FM")
            people.append(person(sex, father_s if sex == "M" else mother_s, base_year, False))
            return people
        people.append(person("M", father_s, base_year, True))
        people.append(person("F", mother_s, base_year + r.randint(-4, 4), r.random() < 0.7))
        child_s = (father_s[0], mother_s[0])
        for k in range(size - 2):
            sex = r.choice("FM")
            child = person(sex, child_s, min(base_year + 18 + 2 * k + r.randint(0, 2), 2023), r.random() < 0.5)
            if sex == "M" and k == 0 and r.random() < 0.1:
                child["given_names"] = people[0]["given_names"]  # named after the father
            people.append(child)
        return people

    # --- errors of a second registration ---
    def typo(self, word: str) -> str:
        r = self.r
        if len(word) < 4:
            return word
        i = r.randint(1, len(word) - 2)
        kind = r.random()
        if kind < 0.3:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if kind < 0.6:
            return word[:i] + word[i + 1 :]
        if kind < 0.8:
            return word[:i] + r.choice("aeiourslnm") + word[i + 1 :]
        return word[:i] + word[i] + word[i:]

    def sound(self, word: str) -> str:
        r = self.r
        if word.lower().startswith("h") and r.random() < 0.5:
            return word[1:].capitalize()
        options = [(a, b) for a, b in SOUNDS if a in word.lower()]
        if not options:
            return word
        a, b = r.choice(options)
        lower = word.lower().replace(a, b, 1)
        return lower.capitalize()

    def vary_given(self, given: str) -> str:
        r = self.r
        parts = given.split()
        if given in ("José María", "María José") and r.random() < 0.4:
            return "Chema" if given == "José María" else "Majo"
        x = r.random()
        if x < 0.15 and parts[0] in NICK:
            return (
                r.choice(NICK[parts[0]])
                if r.random() < 0.7 or len(parts) == 1
                else r.choice(NICK[parts[0]]) + " " + " ".join(parts[1:])
            )
        if x < 0.22 and parts[0] in ABBR:
            return " ".join([ABBR[parts[0]], *parts[1:]])
        if x < 0.35 and len(parts) > 1:
            return parts[0]
        if x < 0.45:
            parts[-1] = self.typo(parts[-1])
            return " ".join(parts)
        if x < 0.55:
            parts[0] = self.sound(parts[0])
            return " ".join(parts)
        return given

    def vary_surnames(self, s1: str, s2: str) -> tuple[str, str]:
        r = self.r
        x = r.random()
        if x < 0.15:
            return s1, ""
        if x < 0.20:
            return s2, s1
        if x < 0.30:
            return self.typo(s1), s2
        if x < 0.38:
            return s1, self.typo(s2)
        if x < 0.46:
            return self.sound(s1), s2
        if x < 0.50 and s1 in ABBR:
            return ABBR[s1], s2
        return s1, s2

    def vary_date(self, dob) -> str:
        r = self.r
        y, m, d = dob
        x = r.random()
        if x < 0.05:
            m, d = d, m
            if m > 12:
                m, d = d, m
        elif x < 0.10:
            y += r.choice([-1, 1])
        elif x < 0.13:
            d = min(28, max(1, d + r.choice([-1, 1])))
        elif x < 0.18:
            return str(y)
        elif x < 0.22:
            return ""
        elif x < 0.24:
            return f"31/02/{y}"
        return r.choice([f"{y:04d}-{m:02d}-{d:02d}", f"{d:02d}/{m:02d}/{y:04d}"])

    def vary_phone(self, phone: str, country: str) -> str:
        r = self.r
        x = r.random()
        prefix, length = PHONE_PREFIX.get(country, ("+52", 10))
        if x < 0.25:
            return ""
        if x < 0.45:
            return self.phone(country)
        if x < 0.65 and phone.startswith(prefix):
            national = phone[len(prefix) :]
            return f"{national[:4]} {national[4:]}" if r.random() < 0.5 else national
        if x < 0.75:
            return phone.replace("+", "00", 1)
        return phone

    def duplicate(self, p: dict) -> dict:
        r = self.r
        q = dict(p)
        q["given_names"] = self.vary_given(p["given_names"])
        q["first_surname"], q["second_surname"] = self.vary_surnames(p["first_surname"], p["second_surname"])
        x = r.random()
        if x < 0.04:
            q["given_names"] = " ".join(x for x in (q["given_names"], q["first_surname"], q["second_surname"]) if x)
            q["first_surname"] = q["second_surname"] = ""
        elif x < 0.07:
            q["given_names"], q["first_surname"], q["second_surname"] = (
                " ".join(x for x in (q["first_surname"], q["second_surname"]) if x),
                q["given_names"],
                "",
            )
        q["date_of_birth"] = self.vary_date(p["dob"])
        q["phone"] = self.vary_phone(p["phone"], p["country"])
        if r.random() < 0.4:
            q["document_number"] = ""
        elif q["document_number"] and r.random() < 0.08:
            q["document_number"] = self.typo(q["document_number"])
        if r.random() < 0.15:
            q["sex"] = ""
        if r.random() < 0.3:
            for key in ("given_names", "first_surname", "second_surname"):
                q[key] = q[key].translate(ACCENTS)
        if r.random() < 0.15:
            for key in ("given_names", "first_surname", "second_surname"):
                q[key] = q[key].upper()
        if r.random() < 0.3:
            q["subdivision"], q["municipality"] = r.choice(PLACES[p["country"]])
        return q


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
    "country",
    "subdivision",
    "municipality",
    "true_id",
]


def generate(people: int, seed: int = 7, duplicate_share: float = 0.2) -> list[dict]:
    """About `people` records: originals plus duplicates, shuffled."""
    g = Generator(seed)
    counter = iter(range(1, 10**9))
    originals: list[dict] = []
    target_originals = int(people / (1 + duplicate_share * 1.3))
    while len(originals) < target_originals:
        originals.extend(g.household(lambda: next(counter)))
    records = []
    for p in originals:
        row = dict(p)
        y, m, d = p["dob"]
        x = g.r.random()
        if x < 0.03:
            row["date_of_birth"] = str(y)  # only the year is known
        elif x < 0.05:
            row["date_of_birth"] = ""
        else:
            row["date_of_birth"] = g.r.choice([f"{y:04d}-{m:02d}-{d:02d}", f"{d:02d}/{m:02d}/{y:04d}"])
        records.append(row)
        if g.r.random() < duplicate_share:
            for _ in range(g.r.choices([1, 2, 3], [75, 20, 5])[0]):
                records.append(g.duplicate(p))
    records = records[:people]
    g.r.shuffle(records)
    for n, row in enumerate(records, start=1):
        row["source_record_id"] = f"R{n:07d}"
    return records


def write(records: list[dict], path: str) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--output", required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write(generate(args.people, args.seed), args.output)


if __name__ == "__main__":
    main()
