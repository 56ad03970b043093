"""Demo crises: a magnitude-8 earthquake off the Pacific coast of southern Mexico, then a hurricane
on the Guerrero coast, with affected people of several nationalities and a realistic welfare mix.

Builds on the registry's demo people; when fewer than 100 people live near the coast (the registry
demo not loaded), it registers a small set itself through the registry's services. Idempotent:
crises are found by name, people by source record id, and welfare is only seeded once.
"""

from __future__ import annotations

import math
import random
from datetime import timedelta

from django.utils import timezone
from geographiclib.geodesic import Geodesic

from amparo.accounts.models import Organization
from amparo.accounts.policy import system_principal
from amparo.crises.models import ConsularAlertLevel, Crisis, WelfareStatus
from amparo.crises.services import AreaSpec, create_crisis, mark_contacted, set_alert_level, update_welfare
from amparo.registry.models import Person
from amparo.registry.services import PersonData, register_person

ACTOR = system_principal("cli:demo-data")
QUAKE_NAME = "Sismo M8.0 frente a la costa de Guerrero y Oaxaca"
HURRICANE_NAME = "Huracán Ximena (categoría 4) en la costa de Guerrero"
QUAKE_CENTRE, QUAKE_RADIUS_KM = (16.2, -98.8), 140

# (town, lat, lon, subdivision, how many demo people)
TOWNS = [
    ("Acapulco", 16.853, -99.823, "MX-GRO", 70),
    ("Ometepec", 16.685, -98.410, "MX-GRO", 25),
    ("San Marcos", 16.796, -99.386, "MX-GRO", 15),
    ("Pinotepa Nacional", 16.341, -98.054, "MX-OAX", 30),
    ("Puerto Escondido", 15.862, -97.072, "MX-OAX", 20),
    ("Chilpancingo", 17.551, -99.501, "MX-GRO", 25),
    ("Zihuatanejo", 17.641, -101.551, "MX-GRO", 15),
    ("Ciudad de México", 19.432, -99.133, "MX-CMX", 30),
]
# nationality → (registering organization slug, given names, surnames, language)
NATIONALS = {
    "GT": (
        "gt-consulate-mexico-city",
        ["María José", "Juan Carlos", "Ana Lucía", "Edwin", "Sandra"],
        ["Pérez Xol", "Coc Caal", "López Tzul"],
        "es",
    ),
    "HN": (
        "hn-consulate-mexico-city",
        ["Dunia", "Kevin", "Yessenia", "Elvin", "Karla"],
        ["Martínez Reyes", "Banegas", "Zelaya Cruz"],
        "es",
    ),
    "SV": (
        "sv-consulate-mexico-city",
        ["Roxana", "Wilber", "Xiomara", "Nelson"],
        ["Hernández Ayala", "Rivas", "Portillo"],
        "es",
    ),
    "HT": (
        "mx-ngo-sin-fronteras",
        ["Jean-Baptiste", "Nadège", "Wilner", "Mirlande"],
        ["Pierre", "Joseph", "Jean-Louis"],
        "ht",
    ),
    "VE": ("mx-ngo-sin-fronteras", ["Yorbelis", "Luis Alejandro", "Génesis"], ["Rodríguez", "González Pérez"], "es"),
    "CU": ("mx-casa-migrante-acapulco", ["Yunior", "Dayana", "Osniel"], ["Fernández", "Díaz Ramos"], "es"),
}
NATIONALITY_MIX = ["GT"] * 30 + ["HN"] * 25 + ["SV"] * 15 + ["HT"] * 14 + ["VE"] * 10 + ["CU"] * 6


def _ensure_people(stdout) -> int:
    lat0, lon0 = QUAKE_CENTRE
    near = Person.objects.active().filter(
        latitude__range=(lat0 - 1.5, lat0 + 1.5), longitude__range=(lon0 - 1.6, lon0 + 1.6)
    )
    if near.exclude(source_record_id__startswith="crises-demo-").count() >= 100:
        return 0
    orgs = {slug: Organization.objects.filter(slug=slug).first() for slug, *_ in NATIONALS.values()}
    existing = set(
        Person.objects.filter(source_record_id__startswith="crises-demo-").values_list("source_record_id", flat=True)
    )
    rng = random.Random(2026)  # noqa: S311
    created, n = 0, 0
    for town, lat, lon, sub, count in TOWNS:
        for _ in range(count):
            n += 1
            nationality = rng.choice(NATIONALITY_MIX)
            slug, given, surnames, language = NATIONALS[nationality]
            organization = orgs.get(slug)
            record_id = f"crises-demo-{n:04d}"
            if organization is None or record_id in existing:
                continue
            first, _sep, second = rng.choice(surnames).partition(" ")
            age = rng.choice([5, 9, 15, 17, 22, 26, 29, 33, 38, 41, 47, 55, 63, 71])
            data = PersonData(
                given_names=rng.choice(given),
                first_surname=first,
                second_surname=second,
                sex=rng.choice(["female", "male"]),
                birth_date=(timezone.now() - timedelta(days=365 * age + rng.randint(0, 364))).date(),
                nationalities=[nationality],
                languages=[language, "es"] if language != "es" else ["es"],
                preferred_language=language,
                preferred_channel=rng.choice(["whatsapp", "sms", "whatsapp"]),
                special_needs=rng.choice(
                    ["", "", "", "", "", "diabetes, insulina", "embarazo de 7 meses", "usa silla de ruedas"]
                ),
                source_record_id=record_id,
                phones=[(f"+52 744 {rng.randint(100, 999)} {rng.randint(1000, 9999)}", True)],
                latitude=round(lat + rng.gauss(0, 0.04), 5),
                longitude=round(lon + rng.gauss(0, 0.04), 5),
                country="MX",
                subdivision=sub,
                municipality=town,
                location_observed_at=timezone.now() - timedelta(days=rng.choice([3, 20, 60, 200, 400, 900])),
                location_source=rng.choice(["registration", "check-in link", "field visit"]),
                consents={
                    "crisis_alerts": (True, "verbal"),
                    **({"sharing_host_authorities": (True, "written")} if rng.random() < 0.6 else {}),
                },
            )
            register_person(actor=ACTOR, organization=organization, data=data, audit_event=False)
            created += 1
    stdout.write(f"{created} demo people near the coast, ", ending="")
    return created


def _cone() -> dict:
    track = [(15.0, -101.6), (16.0, -100.6), (16.9, -99.9), (17.8, -99.5), (18.7, -99.2)]
    radii_km = [25, 45, 70, 100, 130]
    left, right = [], []
    steps = 30
    for k in range(steps):
        t = k / (steps - 1) * (len(track) - 1)
        i = min(int(t), len(track) - 2)
        f = t - i
        lat = track[i][0] + f * (track[i + 1][0] - track[i][0])
        lon = track[i][1] + f * (track[i + 1][1] - track[i][1])
        r = (radii_km[i] + f * (radii_km[i + 1] - radii_km[i])) * 1000
        heading = Geodesic.WGS84.Inverse(*track[i], *track[i + 1])["azi1"]
        for side, bearing in ((left, heading - 90), (right, heading + 90)):
            p = Geodesic.WGS84.Direct(lat, lon, bearing, r)
            side.append([round(p["lon2"], 5), round(p["lat2"], 5)])
    ring = left + right[::-1]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


WELFARE_MIX = (
    [("safe", "reply", [])] * 34
    + [("safe", "checkin_link", [])] * 10
    + [("safe", "staff", [])] * 6
    + [("contacted", None, [])] * 14
    + [("needs_assistance", "reply", ["shelter"])] * 4
    + [("needs_assistance", "field_visit", ["medical"])] * 2
    + [("needs_assistance", "staff", ["documents", "food"])] * 3
    + [("missing", "partner", [])] * 3
    + [("evacuated_relocated", "field_visit", [])] * 6
    + [("repatriated", "staff", [])] * 1
    + [("deceased", "partner", [])] * 1
    + [("unknown", None, [])] * 16
)


def _seed_welfare(crisis: Crisis, seed: int) -> int:
    if crisis.welfare.exclude(status="unknown").exists():
        return 0
    rng = random.Random(seed)  # noqa: S311
    start = crisis.started_at
    span = max((timezone.now() - start).total_seconds(), 3600)
    changed = 0
    for row in WelfareStatus.objects.filter(crisis=crisis, in_area=True).select_related("person").order_by("person_id"):
        status, source, needs = rng.choice(WELFARE_MIX)
        if status == "unknown":
            continue
        # Early hours see most answers: a decaying curve over the time since the crisis began.
        at = start + timedelta(seconds=span * (1 - math.sqrt(1 - rng.random())) * 0.95)
        if status == "contacted" or source is None:
            mark_contacted(crisis=crisis, person=row.person, at=at)
        else:
            mark_contacted(crisis=crisis, person=row.person, at=at - timedelta(minutes=rng.randint(5, 90)))
            update_welfare(
                actor=ACTOR if source in ("reply", "checkin_link") else system_principal("demo:consul-gt"),
                crisis=crisis,
                person=row.person,
                status=status,
                source=source,
                needs=needs,
                people_with=rng.choice([None, None, 1, 2, 3, 4]),
                note={
                    "missing": "Su familia no sabe de él desde el sismo",
                    "deceased": "Confirmado por Protección Civil",
                }.get(status, ""),
                at=at,
                from_answer=source in ("reply", "checkin_link"),  # the demo plays the people answering
            )
        changed += 1
    return changed


def load(stdout) -> dict:
    _ensure_people(stdout)
    now = timezone.now()
    quake = Crisis.objects.filter(name=QUAKE_NAME).first()
    if quake is None:
        quake = create_crisis(
            actor=ACTOR,
            name=QUAKE_NAME,
            kind="earthquake",
            severity="extreme",
            phase="response",
            started_at=now - timedelta(days=3, hours=4),
            countries=["MX"],
            description="Sismo de magnitud 8.0 con epicentro frente a Pinotepa Nacional y Ometepec, a 20 km de profundidad.",
            areas=[
                AreaSpec(
                    kind="circle",
                    label="Radio de daños probables",
                    center_latitude=QUAKE_CENTRE[0],
                    center_longitude=QUAKE_CENTRE[1],
                    radius_km=QUAKE_RADIUS_KM,
                )
            ],
        )
    hurricane = Crisis.objects.filter(name=HURRICANE_NAME).first()
    if hurricane is None:
        hurricane = create_crisis(
            actor=ACTOR,
            name=HURRICANE_NAME,
            kind="tropical_cyclone",
            severity="severe",
            phase="response",
            started_at=now - timedelta(hours=20),
            countries=["MX"],
            description="Cono de pronóstico del huracán Ximena: impacto en la Costa Grande y Acapulco.",
            areas=[AreaSpec(kind="polygon", label="Cono de pronóstico", source="form", geometry=_cone())],
        )
    seeded = _seed_welfare(quake, 8) + _seed_welfare(hurricane, 9)
    for slug, crisis, level, note in (
        ("gt-consulate-mexico-city", quake, 2, "Evite viajar a la Costa Chica; tenga sus documentos a mano."),
        ("hn-consulate-mexico-city", quake, 1, ""),
        ("gt-consulate-mexico-city", hurricane, 3, "Retorno voluntario asistido disponible desde Acapulco."),
    ):
        organization = Organization.objects.filter(slug=slug).first()
        if organization and not ConsularAlertLevel.objects.filter(crisis=crisis, organization=organization).exists():
            set_alert_level(actor=ACTOR, crisis=crisis, organization=organization, level=level, note=note)
    counts = {c.name: c.welfare.affected().count() for c in (quake, hurricane)}
    stdout.write(
        f"crises: {len(counts)} ({', '.join(f'{n} affected' for n in counts.values())}), welfare seeded: {seeded}"
    )
    return counts
