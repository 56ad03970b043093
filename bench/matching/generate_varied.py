"""A second generated registry, written independently of generate.py, to keep the matcher honest.

    python bench/matching/generate_varied.py --people 1000000 --output out.csv [--seed 11]

Same columns as generate.py (the registry import columns plus `true_id`), but a different world,
so a figure measured on one generator is not an artefact of its choices:

- **name frequencies**: Zipf curves with other exponents (given names 1.05, surnames 0.85) over
  far more names: a few hundred real given names and surnames of the region (Mayan, Garifuna and
  Caribbean ones among them) plus a long tail of surnames built from Spanish and indigenous
  morphemes, ~9,000 distinct surnames in all;
- **households**: people travelling alone (40%), couples, nuclear families, single mothers whose
  children carry the mother's surnames, three generations; twins (same birthday, different given
  names) and children named after a parent: relatives that are not duplicates;
- **raw values**: the same name written many ways, as forms filled by hand and copied between
  systems do: casing (upper, lower, random), accents dropped, wrong or decomposed (NFD), double
  spaces, hyphenated or joined compound surnames, given names in the other order or reduced to
  an initial; dates in eight formats; phones with parentheses, dashes, dots, 00 or + prefixes;
  sex as H/M (hombre/mujer) or in words; nationality as a code, a country name or a demonym;
- **errors of a second registration** (a fifth of the people, 1 to 5 times, geometric): typos by
  keyboard neighbours and OCR confusions, dropped or swapped surnames, a married name
  ("López de García"), nicknames (some not in Amparo's table), 1 January for an estimated
  birthday, day and month swapped, a year off, another phone, a moved address.

The random stream is Python's `random.Random(seed)`; the file is deterministic for a seed.
"""

from __future__ import annotations

import argparse
import csv
import random
import unicodedata
from bisect import bisect_right
from itertools import accumulate


def _words(text: str) -> list[str]:
    return text.split()


# --- name pools -------------------------------------------------------------------------------

FEMALE = _words(
    """María Ana Rosa Guadalupe Sandra Karla Yesenia Dayana Yoselin Génesis Kimberly Ashley
Nicole Andrea Daniela Valeria Fernanda Sofía Camila Paola Gabriela Alejandra Carolina Mariela Marisol
Maribel Yolanda Reina Suyapa Xiomara Wendy Heidy Lesly Katherine Jennifer Evelyn Glenda Ingrid Brenda
Cindy Kenia Yuliana Yadira Yamileth Dulce Esperanza Luz Marina Mirna Nidia Norma Olga Patricia Petrona
Rigoberta Sonia Telma Vilma Zoila Aracely Blanca Consuelo Delmy Elvia Flor Gloria Herminia Irma Juana
Lidia Magdalena Marta Nancy Odilia Paula Raquel Silvia Teresa Victoria Adela Alba Amalia Angélica
Antonia Beatriz Berta Catalina Cecilia Clara Cristina Diana Dolores Elena Elisa Emilia Estela Eva
Francisca Graciela Hilda Inés Isabel Josefina Julia Laura Leticia Liliana Lorena Lucía Manuela
Margarita Mercedes Mónica Natalia Noemí Pilar Rebeca Rocío Rosario Ruth Sara Susana Tatiana Verónica
Ximena Zulema Alicia Lourdes Marleny Migdalia Nohemí Yaneth Yesica Jazmín Abigail Keila Nayeli Itzel
Citlali Xóchitl Tonantzin Ixchel Nicté Sac Ixmucané Yamilet Yuleisy Dariana Anyelina Mabel Massiel
Milagros Altagracia Fiordaliza Yokasta Nathalie Roseline Mirlande Nadège Guerline Fabiola Esther Judith"""
)
MALE = _words(
    """José Juan Luis Carlos Jorge Mario Óscar Marvin Wilmer Edwin Elmer Kevin Brayan Jostin
Anderson Jefferson Maynor Byron Selvin Darwin Wilson Nelson Walter Hugo Pedro Pablo Miguel Ángel
Francisco Manuel Antonio Alejandro Fernando Ricardo Roberto Eduardo Javier Rafael Sergio Daniel David
Víctor Raúl Ramón Alberto Arturo Enrique Guillermo Gustavo Héctor Ignacio Julio Lorenzo Marco Martín
Mauricio Nicolás Octavio Rodrigo Rubén Salvador Santiago Tomás Vicente Alexander Erick Cristian Diego
Andrés Gabriel Gerardo Humberto Ernesto Adolfo Rodolfo Alfonso Felipe Samuel Emmanuel Isaac Josué
Moisés Abel Efraín Germán Joel Noé Omar Orlando Reinaldo Rigoberto Saúl Ulises Wilfredo Yovani Elías
Fausto Gilberto Isidro Lázaro Mariano Santos Benito Bernardo Evaristo Cándido Celestino Domingo
Eusebio Fidel Florencio Gregorio Hilario Jacinto Leonel Lisandro Macario Nazario Pascual Prudencio
Quirino Remigio Sebastián Teodoro Tiburcio Venancio Aníbal Baudilio Crisanto Dimas Edgar Fredy Giovanni
Henry Irvin Jairo Kelvin Lester Melvin Nery Otto Ronald Ronaldo Sandro Tobías Yefri Cuauhtémoc Tenoch
Balam Kukulkán Ixbalanqué Yohan Wander Starlin Yunior Frandy Jean Pierre Wesley Ricot Jackson Dieunel
Fritz Jonás Eliseo Amílcar Baltasar Cleto Donato"""
)
SURNAMES = _words(
    """Hernández García Martínez López González Pérez Rodríguez Sánchez Ramírez Cruz Flores Gómez
Morales Vásquez Reyes Jiménez Torres Díaz Gutiérrez Ruiz Mendoza Aguilar Ortiz Moreno Castillo
Romero Álvarez Méndez Chávez Rivera Juárez Ramos Domínguez Herrera Medina Castro Vargas Guzmán
Velásquez Muñoz Rojas Contreras Salazar Luna Ortega Santiago Guerrero Bautista Estrada Cortés Soto
Alvarado Espinoza Lara Ríos Sandoval Carrillo Navarro Mejía Vega Ávila Cabrera Campos Fuentes
Villalobos Zúñiga Escobar Orellana Quiroz Barrios Zelaya Argueta Portillo Villatoro Pineda Benítez
Osorio Padilla Paz Maldonado Valdez Valle Solís Trejo Villanueva Zamora Cardona Calderón Aguirre
Acosta Arias Bonilla Cáceres Cano Cárdenas Cervantes Córdova Delgado Durán Figueroa Galindo Gallardo
Gálvez Girón Guevara Hidalgo Ibarra Lemus León Lozano Macías Marroquín Miranda Molina Montes Núñez
Ochoa Palacios Peña Ponce Quintero Rosales Salinas Serrano Suárez Tapia Toledo Valencia Zepeda
Tzul Cux Xol Coc Caal Choc Pop Tut Ical Chub Bol Maaz Quej Cucul Chen Ajanel Tzoc Batz Yax Cuxil
Chután Xicará Ajú Tojín Sic Tum Ixcoy Chiquín Sipac Tecún Canil Pacheco Quiñónez Matamoros Lagos
Banegas Zavala Funes Murillo Irías Cálix Sevilla Euceda Amaya Martell Arévalo Umaña Rivas Henríquez
Menjívar Orantes Ayala Alfaro Aguillón Peraza Landaverde Escalante Cornejo Moz Lacayo Chamorro
Ortega Somoza Arguello Solórzano Jirón Mairena Brenes Vindas Quesada Araya Mora Chaves Solano
Jiménez Cedeño Batista Jaén Caballero Sáenz Almengor Pimentel Peralta Féliz Encarnación Santana
Guzmán Valdez Jean-Baptiste Pierre Joseph Louis Charles Michel Baptiste Augustin Desir Dorvil Étienne
Noel Paul Toussaint Cayetano Álvarez Nicolas Martinez Arzú Guity Bernárdez Lambert Palacio Castillo
Sabio Zúniga Ávalos Galeano Goldman Wong Chang Kim Lee Cheng"""
)

# Morphemes for the long tail of surnames (Spanish and Mesoamerican sounding; ~9,000 forms):
# a root, a joint that keeps the word pronounceable, an ending.
ROOTS = _words(
    """Al Bal Bar Bel Ber Cal Cam Can Car Cas Cha Che Chi Co Cor Cu Dal Dor Es Fal Gal Gar Gua Gue
Hu Ix Jal Lan Lar Ma Mal Man Mar Men Mo Mon Na Nan Or Pa Pal Pe Pen Qui Ra Rin Sa Sal San Se Sol Ta Tal
Te Tla To Tu Tza Tzi Ur Val Ve Vil Xa Xo Ya Ye Zal Zam Zu Ba Bo Da Fa Ga Go La Le Lo Ri Ro Ti Vi"""
)
CONSONANT_JOINTS = ["l", "r", "n", "nd", "rr", "ll", "t", "c", "g", "b", "s", "z", "ch", "m", "v", "d", "rt", "lc"]
VOWEL_JOINTS = ["", "ar", "en", "il", "or", "ul", "ab", "ed", "in", "at", "ic", "an", "er"]
ENDINGS = _words(
    """ez es as os ado ero era illa illo ón ín án aga ega eta ote uz oz al el ul ia ino ina ano
ada edo ura oc ux ic ap ana ona"""
)
VOWELS = set("aeiouáéíóú")


def _tail_surnames() -> list[str]:
    """Every root + joint + ending (the endings start with a vowel: a root ending in a vowel takes
    a consonant joint, one ending in a consonant takes nothing or a vowel and a consonant)."""
    return [
        root + joint + ending
        for root in ROOTS
        for ending in ENDINGS
        for joint in (CONSONANT_JOINTS if root[-1] in VOWELS else VOWEL_JOINTS)
    ]


NICKNAMES = {
    "José": ["Pepe", "Chepe", "Cheo"],
    "Francisco": ["Paco", "Pancho", "Chico"],
    "Guadalupe": ["Lupe", "Lupita"],
    "Jesús": ["Chuy", "Chucho"],
    "Ignacio": ["Nacho"],
    "Guillermo": ["Memo", "Guille"],
    "Eduardo": ["Lalo"],
    "Roberto": ["Beto"],
    "Alberto": ["Beto", "Tito"],
    "Antonio": ["Toño", "Tony"],
    "Rafael": ["Rafa"],
    "Rosario": ["Chayo"],
    "Dolores": ["Lola"],
    "Mercedes": ["Meche"],
    "Teresa": ["Tere"],
    "Patricia": ["Paty"],
    "Alejandro": ["Alex", "Jando"],
    "Salvador": ["Chava"],
    "Manuel": ["Manolo", "Meño"],
    "Alfonso": ["Poncho"],
    "Lorenzo": ["Lencho"],
    "Fernando": ["Nando"],
    "Ernesto": ["Neto"],
    "Gustavo": ["Tavo"],
    "Rodolfo": ["Fito"],
    "Adolfo": ["Fito"],
    "Alicia": ["Licha"],
    "Graciela": ["Chela"],
    "Magdalena": ["Male", "Nena"],
    "Isabel": ["Chabela", "Chabe"],
    "Gabriela": ["Gaby"],
    "Margarita": ["Magui"],
    "Santiago": ["Chago"],
    "Gregorio": ["Goyo"],
    "Ramón": ["Moncho"],
}

# Countries of the region: (weight, calling code, national digits, demonyms, name, places).
COUNTRIES = {
    "GT": (24, "502", 8, ("guatemalteco", "guatemalteca"), "Guatemala", 22),
    "HN": (22, "504", 8, ("hondureño", "hondureña"), "Honduras", 18),
    "SV": (12, "503", 8, ("salvadoreño", "salvadoreña"), "El Salvador", 14),
    "MX": (14, "52", 10, ("mexicano", "mexicana"), "México", 32),
    "NI": (7, "505", 8, ("nicaragüense", "nicaragüense"), "Nicaragua", 15),
    "CR": (3, "506", 8, ("costarricense", "costarricense"), "Costa Rica", 7),
    "PA": (3, "507", 8, ("panameño", "panameña"), "Panamá", 10),
    "DO": (6, "1809", 7, ("dominicano", "dominicana"), "República Dominicana", 31),
    "HT": (5, "509", 8, ("haitiano", "haitiana"), "Haití", 10),
    "CU": (4, "53", 8, ("cubano", "cubana"), "Cuba", 15),
}
HOSTS = ("MX", "GT", "CR", "PA", "US")
CALLING_CODES = sorted({"1", *(c[1] for c in COUNTRIES.values())}, key=len, reverse=True)
PLACE_PREFIXES = ("San", "Santa", "Villa", "Puerto", "Ciudad", "Nueva", "El", "La", "Río", "Valle de", "Santo")
PLACE_WORDS = _words(
    """Juan Pedro Miguel Marcos Lucas José Cristóbal Rosa Ana Bárbara Cruz Lucía Pablo Felipe Antonio
Isidro Francisco Jerónimo Martín Andrés Bartolomé Tomás Agustín Sebastián Mateo Luis Rafael Lorenzo
Domingo Esperanza Paz Libertad Concepción Unión Victoria Trinidad Alegría Palmas Flores Lomas Pinos
Robles Cedros Ceibas Mangos Naranjos Tunas Aguas Piedras Arenas Chiquimula Jutiapa Olancho Copán
Ahuachapán Chalatenango Rivas Estelí Limón Colón Darién Azua Jacmel Holguín Tecún Zacapa Cobán Sololá"""
)
KEYBOARD = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok", "o": "ipl",
    "p": "ol", "a": "qsz", "s": "adw", "d": "sfe", "f": "dgr", "g": "fht", "h": "gjy", "j": "hku", "k": "jli",
    "l": "kño", "ñ": "lp", "z": "asx", "x": "zcs", "c": "xvd", "v": "cbf", "b": "vng", "n": "bmh", "m": "nj",
}  # fmt: skip
OCR = {"0": "O", "O": "0", "1": "l", "l": "1", "5": "S", "S": "5", "8": "B", "B": "8", "m": "rn"}
STRIP_ACCENTS = str.maketrans("áéíóúÁÉÍÓÚüÜ", "aeiouAEIOUuU")
WRONG_ACCENT = str.maketrans("aeoAEO", "áéóÁÉÓ")
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


class Zipf:
    """Draws from `items` with weight 1/rank^exponent (rank 1 first)."""

    def __init__(self, items: list[str], exponent: float, rng: random.Random):
        self.items = items
        self.cumulative = list(accumulate(1.0 / (rank**exponent) for rank in range(1, len(items) + 1)))
        self.rng = rng

    def __call__(self) -> str:
        return self.items[bisect_right(self.cumulative, self.rng.random() * self.cumulative[-1])]


def _unique(items):
    return list(dict.fromkeys(items))


def _iso_subdivisions(country: str) -> list[str]:
    """The country's top-level ISO 3166-2 codes, sorted (pycountry)."""
    import pycountry

    return sorted(s.code for s in pycountry.subdivisions.get(country_code=country) if s.parent_code is None)


class World:
    def __init__(self, seed: int, iso_places: bool = False):
        self.iso_places = iso_places
        self.rng = r = random.Random(seed)
        tail = [s[0] + s[1:].lower() for s in _unique(_tail_surnames()) if len(s) >= 4]
        r.shuffle(tail)
        tail = tail[:8600]
        real = _unique(SURNAMES)
        r.shuffle(real)
        # the real surnames take the head of the curve, the invented ones its tail
        self.surname = Zipf(real + [s for s in tail if s not in real], 0.85, r)
        female, male = _unique(FEMALE), _unique(MALE)
        r.shuffle(female)
        r.shuffle(male)
        self.female, self.male = Zipf(female, 1.05, r), Zipf(male, 1.05, r)
        self.countries = list(COUNTRIES)
        self.country_weights = list(accumulate(COUNTRIES[c][0] for c in self.countries))
        self.places = {
            code: [self._place(code, k) for k in range(COUNTRIES.get(code, (0, 0, 0, 0, 0, 12))[5])]
            for code in (*COUNTRIES, "US")
        }

    def _place(self, country: str, k: int) -> tuple[str, str]:
        r = self.rng
        word = r.choice(PLACE_WORDS)
        name = word if r.random() < 0.3 else f"{r.choice(PLACE_PREFIXES)} {word}"
        if self.iso_places:  # a real code, for the registry import (the same random stream)
            codes = _iso_subdivisions(country)
            return codes[k % len(codes)], name
        return f"{country}-{k + 1:02d}", name

    def country(self) -> str:
        return self.countries[bisect_right(self.country_weights, self.rng.random() * self.country_weights[-1])]

    def given(self, sex: str) -> str:
        draw = self.female if sex == "F" else self.male
        names = [draw()]
        x = self.rng.random()
        if x < 0.50:
            names.append(draw())
        if x < 0.04:
            names.append(draw())
        names = _unique(names)
        if sex == "F" and len(names) == 1 and self.rng.random() < 0.12:
            names.insert(0, "María")
        return " ".join(_unique(names))

    def phone(self, country: str) -> str:
        if country == "US":
            return "+1" + "".join(self.rng.choice("0123456789") for _ in range(10))
        _w, code, digits, *_ = COUNTRIES[country]
        first = self.rng.choice("3456789")
        return f"+{code}{first}" + "".join(self.rng.choice("0123456789") for _ in range(digits - 1))

    def document(self, country: str) -> tuple[str, str]:
        r = self.rng
        digits = "0123456789"
        if r.random() < 0.35:
            letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
            return "passport", r.choice(letters) + r.choice(letters) + "".join(r.choice(digits) for _ in range(7))
        size = {"GT": 13, "HN": 13, "SV": 9, "MX": 18, "NI": 14, "CR": 9, "PA": 8, "DO": 11, "HT": 10, "CU": 11}
        number = "".join(r.choice(digits) for _ in range(size[country]))
        if country == "SV":
            number = f"{number[:8]}-{number[8]}"
        elif country == "GT":
            number = f"{number[:4]} {number[4:9]} {number[9:]}"
        elif country == "MX":  # a CURP-shaped identifier
            number = "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4)) + number[:14]
        return "national_id", number

    # --- households ------------------------------------------------------------------------------

    def household(self, new_id) -> list[dict]:
        r = self.rng
        country = self.country()
        host = r.choices(HOSTS, (45, 20, 12, 8, 15))[0]
        if host == country:
            host = "US"
        subdivision, municipality = r.choice(self.places[host])
        home_phone = self.phone(host if r.random() < 0.7 else country)
        shape = r.choices(("alone", "couple", "nuclear", "single_mother", "three_generations"), (40, 10, 30, 12, 8))[0]

        def person(sex: str, surnames: tuple[str, str], birth: tuple[int, int, int], shares_phone: bool) -> dict:
            doc_type, number = self.document(country) if r.random() < 0.55 else ("", "")
            return {
                "true_id": new_id(),
                "given_names": self.given(sex),
                "first_surname": surnames[0],
                "second_surname": surnames[1],
                "sex": sex,
                "dob": birth,
                "nationality": country,
                "phone": home_phone if shares_phone else (self.phone(host) if r.random() < 0.85 else ""),
                "document_type": doc_type,
                "document_number": number,
                "country": host,
                "subdivision": subdivision,
                "municipality": municipality,
            }

        def birthday(year: int) -> tuple[int, int, int]:
            if r.random() < 0.03:  # an estimated birthday: 1 January of the estimated year
                return (year, 1, 1)
            return (year, r.randint(1, 12), r.randint(1, 31 if r.random() < 0.6 else 28))

        def surnames() -> tuple[str, str]:
            return (self.surname(), self.surname())

        adult_year = r.randint(1955, 2004)
        if shape == "alone":
            sex = r.choice("FM")
            return [person(sex, surnames(), birthday(adult_year), False)]
        father, mother = surnames(), surnames()
        people = []
        if shape != "single_mother":
            people.append(person("M", father, birthday(adult_year), True))
        people.append(person("F", mother, birthday(adult_year + r.randint(-6, 3)), r.random() < 0.6))
        if shape == "couple":
            return people
        child_surnames = (father[0], mother[0]) if shape != "single_mother" else mother
        children = r.choices((1, 2, 3, 4, 5, 6, 7), (22, 28, 22, 13, 8, 4, 3))[0]
        year = adult_year + r.randint(17, 30)
        k = 0
        while k < children:
            sex = r.choice("FM")
            born = birthday(min(year, 2024))
            child = person(sex, child_surnames, born, r.random() < 0.4)
            if k == 0 and r.random() < 0.06:  # named after a parent
                child["given_names"] = people[0]["given_names"] if sex == people[0]["sex"] else child["given_names"]
            people.append(child)
            k += 1
            if k < children and r.random() < 0.03:  # twins: same birthday, other names
                people.append(person(r.choice("FM"), child_surnames, born, True))
                k += 1
            year += r.randint(1, 4)
        if shape == "three_generations":
            grandmother = (mother[1], self.surname())
            people.append(person("F", grandmother, birthday(adult_year - r.randint(18, 30)), True))
        return people

    # --- how a value is written ----------------------------------------------------------------

    def written_name(self, text: str) -> str:
        """Casing, accents and spacing as a person typing a form would vary them."""
        r = self.rng
        if not text:
            return text
        x = r.random()
        if x < 0.30:
            text = text.translate(STRIP_ACCENTS)
        elif x < 0.34:
            text = unicodedata.normalize("NFD", text)  # looks the same, other bytes
        elif x < 0.36:
            text = text.translate(WRONG_ACCENT)
        y = r.random()
        if y < 0.12:
            text = text.upper()
        elif y < 0.16:
            text = text.lower()
        elif y < 0.18:
            text = "".join(ch.upper() if r.random() < 0.5 else ch.lower() for ch in text)
        z = r.random()
        if z < 0.03 and " " in text:
            text = text.replace(" ", "  ", 1)
        elif z < 0.05:
            text = f" {text} "
        return text

    def written_date(self, birth: tuple[int, int, int] | None) -> str:
        if birth is None:
            return ""
        y, m, d = birth
        if d > 28 and m == 2:
            d = 28
        if d == 31 and m in (4, 6, 9, 11):
            d = 30
        fmt = self.rng.choices(range(8), (38, 22, 10, 6, 6, 5, 8, 5))[0]
        return (
            f"{d:02d}/{m:02d}/{y:04d}",
            f"{y:04d}-{m:02d}-{d:02d}",
            f"{d}/{m}/{y}",
            f"{d:02d}-{m:02d}-{y:04d}",
            f"{d:02d}.{m:02d}.{y:04d}",
            f"{y:04d}{m:02d}{d:02d}",
            f"{y:04d}/{m:02d}/{d:02d}",
            f"{d}-{m}-{y}",
        )[fmt]

    def written_phone(self, phone: str, country: str) -> str:
        r = self.rng
        if not phone:
            return ""
        code = next(c for c in CALLING_CODES if phone.startswith("+" + c))
        national = phone[len(code) + 1 :]
        x = r.random()
        if x < 0.25:
            return phone
        if x < 0.40:
            return f"+{code} {national[:4]} {national[4:]}"
        if x < 0.50:
            return f"({code}) {national[:4]}-{national[4:]}"
        if x < 0.58:
            return f"00{code}{national}"
        if x < 0.75:
            return f"{national[:4]}-{national[4:]}"
        if x < 0.85:
            return national
        return f"{code}.{national[:4]}.{national[4:]}"

    def written_sex(self, sex: str) -> str:
        r = self.rng
        x = r.random()
        if x < 0.04:
            return ""
        if x < 0.12:
            return (
                r.choice(("Femenino", "mujer", "FEMENINO"))
                if sex == "F"
                else r.choice(("Masculino", "hombre", "HOMBRE"))
            )
        return "M" if sex == "F" else "H"  # hombre / mujer

    def written_nationality(self, code: str) -> str:
        r = self.rng
        _w, _c, _d, demonyms, name, _p = COUNTRIES[code]
        x = r.random()
        if x < 0.82:
            return code
        if x < 0.92:
            return name if r.random() < 0.6 else name.translate(STRIP_ACCENTS).upper()
        return r.choice(demonyms)

    def written(self, p: dict) -> dict:
        row = {
            "true_id": p["true_id"],
            "given_names": self.written_name(p["given_names"]),
            "first_surname": self.written_name(p["first_surname"]),
            "second_surname": self.written_name(p["second_surname"]),
            "sex": self.written_sex(p["sex"]),
            "date_of_birth": self.written_date(p["dob"]) if p["dob"] else p.get("date_text", ""),
            "nationality": self.written_nationality(p["nationality"]),
            "phone": self.written_phone(p["phone"], p["country"]),
            "email": "",
            "document_type": p["document_type"] if p["document_number"] else "",
            "document_number": p["document_number"],
            "country": p["country"],
            "subdivision": p["subdivision"],
            "municipality": p["municipality"] if self.rng.random() < 0.9 else p["municipality"].upper(),
        }
        return row

    # --- a second registration of the same person ----------------------------------------------

    def typo(self, word: str) -> str:
        r = self.rng
        if len(word) < 3:
            return word
        i = r.randrange(1, len(word))
        x = r.random()
        ch = word[i].lower()
        if x < 0.35 and ch in KEYBOARD:
            return word[:i] + r.choice(KEYBOARD[ch]) + word[i + 1 :]
        if x < 0.55:
            return word[:i] + word[i + 1 :]
        if x < 0.70 and i < len(word) - 1:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if x < 0.85:
            return word[:i] + word[i] + word[i:]
        for a, b in OCR.items():
            if a in word:
                return word.replace(a, b, 1)
        return word[:i] + word[i + 1 :]

    def again(self, p: dict) -> dict:
        r = self.rng
        q = dict(p)
        given = p["given_names"].split()
        x = r.random()
        if x < 0.06 and given[0] in NICKNAMES:
            given = [r.choice(NICKNAMES[given[0]]), *given[1:]] if r.random() < 0.5 else [r.choice(NICKNAMES[given[0]])]
        elif x < 0.18 and len(given) > 1:
            given = given[:1]
        elif x < 0.22 and len(given) > 1:
            given = [given[0], given[1][0] + "."]
        elif x < 0.25 and len(given) > 1:
            given = [given[1], given[0], *given[2:]]
        elif x < 0.33:
            k = r.randrange(len(given))
            given[k] = self.typo(given[k])
        q["given_names"] = " ".join(given)
        s1, s2 = p["first_surname"], p["second_surname"]
        x = r.random()
        if x < 0.18:
            s2 = ""
        elif x < 0.22:
            s1, s2 = s2, s1
        elif x < 0.32:
            s1 = self.typo(s1)
        elif x < 0.38:
            s2 = self.typo(s2)
        elif x < 0.41:
            s1, s2 = f"{s1}-{s2}", ""
        elif x < 0.43 and p["sex"] == "F":
            s2 = f"{s2} de {self.surname()}"  # a married name
        q["first_surname"], q["second_surname"] = s1, s2
        if r.random() < 0.03:  # the whole name in one field
            q["given_names"] = " ".join(v for v in (q["given_names"], s1, s2) if v)
            q["first_surname"] = q["second_surname"] = ""
        q["dob"], q["date_text"] = self._vary_birth(p["dob"])
        x = r.random()
        if x < 0.30:
            q["phone"] = ""
        elif x < 0.45:
            q["phone"] = self.phone(p["country"])
        x = r.random()
        if x < 0.45:
            q["document_number"] = ""
        elif x < 0.51 and q["document_number"]:
            q["document_number"] = self.typo(q["document_number"])
        elif x < 0.54:
            q["document_type"], q["document_number"] = self.document(p["nationality"])
        if r.random() < 0.35:
            q["subdivision"], q["municipality"] = r.choice(self.places[p["country"]])
        return q

    def _vary_birth(self, birth: tuple[int, int, int]) -> tuple[tuple[int, int, int] | None, str]:
        r = self.rng
        y, m, d = birth
        x = r.random()
        if x < 0.06:
            return None, ""
        if x < 0.10:
            return None, str(y)
        if x < 0.13:
            return (y, 1, 1), ""
        if x < 0.19 and d <= 12:
            return (y, d, m), ""
        if x < 0.22:
            return (y + r.choice((-1, 1)), m, d), ""
        if x < 0.26:
            text = f"{d:02d}/{m:02d}/{y:04d}"
            k = r.choice((0, 1, 3, 4, 8, 9))
            return None, text[:k] + r.choice("0123456789") + text[k + 1 :]
        return birth, ""


def generate(people: int, seed: int = 11, again_share: float = 0.2, iso_places: bool = False) -> list[dict]:
    """About `people` records, originals and later registrations, shuffled. Subdivisions are
    numbered per country (MX-13: most are not ISO 3166-2 codes, which the matcher does not mind);
    `iso_places` draws real codes instead, so that Amparo's import does not reject the rows."""
    world = World(seed, iso_places)
    r = world.rng
    counter = iter(range(1, 10**9))
    originals: list[dict] = []
    target = int(people / (1 + again_share * 1.6))
    while len(originals) < target:
        originals.extend(world.household(lambda: next(counter)))
    records: list[dict] = []
    for p in originals:
        first = dict(p)
        x = r.random()
        if x < 0.04:
            first["dob"], first["date_text"] = None, str(p["dob"][0])
        elif x < 0.07:
            first["dob"], first["date_text"] = None, ""
        records.append(world.written(first))
        if r.random() < again_share:
            times = 1
            while times < 5 and r.random() < 0.4:
                times += 1
            for _ in range(times):
                records.append(world.written(world.again(p)))
    records = records[:people]
    r.shuffle(records)
    for number, row in enumerate(records, start=1):
        row["source_record_id"] = f"V{number:07d}"
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
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--iso-places", action="store_true", help="real ISO 3166-2 subdivision codes")
    args = parser.parse_args()
    write(generate(args.people, args.seed, iso_places=args.iso_places), args.output)


if __name__ == "__main__":
    main()
