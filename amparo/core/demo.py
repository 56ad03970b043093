"""The demo world every app's demo data builds on: organizations across the region and one user
per role. Slugs are stable so scripts and docs can name them."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model

from amparo.accounts.codes import OrganizationKind as K
from amparo.accounts.codes import Role
from amparo.accounts.models import Membership, Organization

# Every demo organization and user has an e-mail address in this domain: production refuses to
# start while any is in the database (amparo.core.checks), since demo users share a published password.
DEMO_EMAIL_DOMAIN = "demo.amparo.local"

CAPITALS = {
    "GT": ("Guatemala City", "guatemala-city", 14.6349, -90.5069),
    "HN": ("Tegucigalpa", "tegucigalpa", 14.0723, -87.1921),
    "SV": ("San Salvador", "san-salvador", 13.6929, -89.2182),
    "MX": ("Mexico City", "mexico-city", 19.4326, -99.1332),
}
COUNTRY_NAMES = {"GT": "Guatemala", "HN": "Honduras", "SV": "El Salvador", "MX": "México"}


@dataclass(frozen=True)
class OrgSpec:
    slug: str
    name: str
    kind: str
    country: str
    city: str
    latitude: float
    longitude: float
    served_nationality: str = ""
    jurisdiction_country: str = ""
    phone: str = ""


def _consulates() -> list[OrgSpec]:
    specs = []
    for nationality, demonym in (("GT", "Guatemala"), ("HN", "Honduras"), ("SV", "El Salvador"), ("MX", "México")):
        for host, (city, city_slug, lat, lon) in CAPITALS.items():
            if host == nationality:
                continue
            specs.append(
                OrgSpec(
                    slug=f"{nationality.lower()}-consulate-{city_slug}",
                    name=f"Consulado de {demonym} en {city}",
                    kind=K.CONSULATE,
                    country=host,
                    city=city,
                    latitude=lat,
                    longitude=lon,
                    served_nationality=nationality,
                    jurisdiction_country=host,
                    phone={
                        "MX": "+52 55 5000 0000",
                        "GT": "+502 2200 0000",
                        "HN": "+504 2200 0000",
                        "SV": "+503 2200 0000",
                    }[host],
                )
            )
    return specs


ORGANIZATIONS: list[OrgSpec] = _consulates() + [
    OrgSpec(
        "mx-comar",
        "Comisión Mexicana de Ayuda a Refugiados (COMAR)",
        K.ASYLUM_AUTHORITY,
        "MX",
        "Mexico City",
        19.4150,
        -99.1650,
    ),
    OrgSpec("mx-inm", "Instituto Nacional de Migración", K.MIGRATION_AUTHORITY, "MX", "Mexico City", 19.3730, -99.1780),
    OrgSpec(
        "mx-cnpc",
        "Coordinación Nacional de Protección Civil",
        K.CIVIL_PROTECTION,
        "MX",
        "Mexico City",
        19.4270,
        -99.1670,
    ),
    OrgSpec(
        "mx-dif-guerrero",
        "Procuraduría de Protección de NNA (DIF Guerrero)",
        K.CHILD_PROTECTION,
        "MX",
        "Chilpancingo",
        17.5510,
        -99.5050,
    ),
    OrgSpec("mx-albergue-tapachula", "Albergue Belén, Tapachula", K.SHELTER, "MX", "Tapachula", 14.9060, -92.2630),
    OrgSpec("mx-casa-migrante-acapulco", "Casa del Migrante Acapulco", K.SHELTER, "MX", "Acapulco", 16.8530, -99.8230),
    OrgSpec("mx-clinica-tapachula", "Clínica Comunitaria de Tapachula", K.HEALTH, "MX", "Tapachula", 14.9100, -92.2600),
    OrgSpec(
        "mx-asylum-access",
        "Defensoría Migrante (asistencia jurídica)",
        K.LEGAL_AID,
        "MX",
        "Mexico City",
        19.4200,
        -99.1600,
    ),
    OrgSpec("mx-ngo-sin-fronteras", "Red Sin Fronteras (ONG)", K.NGO, "MX", "Mexico City", 19.4100, -99.1700),
    OrgSpec(
        "gt-conred",
        "CONRED (Protección Civil de Guatemala)",
        K.CIVIL_PROTECTION,
        "GT",
        "Guatemala City",
        14.6200,
        -90.5300,
    ),
    OrgSpec("mx-unhcr", "ACNUR México", K.UN_AGENCY, "MX", "Mexico City", 19.4280, -99.2000),
]

# (user name, organization slug, role, first name)
USERS: list[tuple[str, str, str, str]] = [
    ("consul-gt", "gt-consulate-mexico-city", Role.CONSULAR_OFFICER, "Lucía"),
    ("admin-gt", "gt-consulate-mexico-city", Role.ORG_ADMIN, "Rodrigo"),
    ("consul-hn", "hn-consulate-mexico-city", Role.CONSULAR_OFFICER, "Marcela"),
    ("consul-sv", "sv-consulate-mexico-city", Role.CONSULAR_OFFICER, "Óscar"),
    ("consul-gt-teg", "gt-consulate-tegucigalpa", Role.CONSULAR_OFFICER, "Ana"),
    ("consul-mx", "mx-consulate-guatemala-city", Role.CONSULAR_OFFICER, "Jorge"),
    ("migration", "mx-inm", Role.MIGRATION_OFFICER, "Patricia"),
    ("comar", "mx-comar", Role.CASE_WORKER, "Gabriela"),
    ("civilprotection", "mx-cnpc", Role.CIVIL_PROTECTION_COORDINATOR, "Héctor"),
    ("caseworker", "mx-ngo-sin-fronteras", Role.CASE_WORKER, "Sofía"),
    ("supervisor", "mx-ngo-sin-fronteras", Role.SUPERVISOR, "Daniel"),
    ("admin-ngo", "mx-ngo-sin-fronteras", Role.ORG_ADMIN, "Elena"),
    ("shelter", "mx-albergue-tapachula", Role.PROVIDER_STAFF, "Hermana Rosa"),
    ("shelter-acapulco", "mx-casa-migrante-acapulco", Role.PROVIDER_STAFF, "Tomás"),
    ("clinic", "mx-clinica-tapachula", Role.PROVIDER_STAFF, "Dra. Inés"),
    ("dif", "mx-dif-guerrero", Role.PROVIDER_STAFF, "Mariana"),
    ("analyst", "mx-cnpc", Role.ANALYST, "Luis"),
]


def load(stdout) -> dict:
    """Create or update the organizations and users (idempotent)."""
    for spec in ORGANIZATIONS:
        Organization.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "country": spec.country,
                "city": spec.city,
                "latitude": spec.latitude,
                "longitude": spec.longitude,
                "served_nationality": spec.served_nationality,
                "jurisdiction_country": spec.jurisdiction_country,
                "phone": spec.phone,
                "email": f"{spec.slug}@{DEMO_EMAIL_DOMAIN}",
                "is_demo": True,
            },
        )
    User = get_user_model()
    for username, slug, role, first_name in USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first_name, "email": f"{username}@{DEMO_EMAIL_DOMAIN}"}
        )
        if created or not user.check_password(settings.DEMO_PASSWORD):
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
        Membership.objects.update_or_create(
            user=user, organization=Organization.objects.get(slug=slug), defaults={"role": role, "is_active": True}
        )
    root, created = User.objects.get_or_create(
        username="root", defaults={"is_staff": True, "is_superuser": True, "email": f"root@{DEMO_EMAIL_DOMAIN}"}
    )
    if created:
        root.set_password(settings.DEMO_PASSWORD)
        root.save()
    stdout.write(f"organizations: {len(ORGANIZATIONS)}, users: {len(USERS) + 1}")
    return {"organizations": len(ORGANIZATIONS), "users": len(USERS) + 1}
