"""Demo data: the directory's demo providers in the nine countries (data files, with a shelter and
a clinic user in each), services with capacity, people registered by the demo shelters for their
staff to screen, screened people and referrals in several states (one overdue). Idempotent:
services are keyed by provider + name, and the people and their screenings are created once."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from amparo.accounts.models import Organization
from amparo.protection import directory, services
from amparo.protection.codes import Decision, ReferralStatus, ServiceKind
from amparo.protection.defaults import load_defaults
from amparo.protection.models import Profile, Referral, Screening, Service

K = ServiceKind
# given names, surnames, sex, birth date, nationality, municipality, subdivision, lat, lon, answers, asylum wish
PEOPLE = [
    (
        "Kevin Alexander",
        ("Mejía", "Castro"),
        "male",
        date(2010, 5, 2),
        "HN",
        "Acapulco",
        "MX-GRO",
        16.86,
        -99.88,
        {"age": 15, "without_guardian": "yes", "safe_place_tonight": "no"},
        "not_asked",
    ),
    (
        "Dania Marisol",
        ("Reyes", ""),
        "female",
        date(1996, 8, 14),
        "SV",
        "Tapachula",
        "MX-CHP",
        14.90,
        -92.26,
        {"fears_return": "yes", "threats_persecution": "yes", "relatives_harmed": "prefers_not"},
        "yes",
    ),
    (
        "Wilmer",
        ("Xicará", "Tzoc"),
        "male",
        date(1990, 1, 20),
        "GT",
        "Tapachula",
        "MX-CHP",
        14.91,
        -92.27,
        {"documents_held": "yes", "debt_to_recruiter": "yes", "wages_withheld": "yes"},
        "no",
    ),
    (
        "Rosa Amelia",
        ("Flores", "Díaz"),
        "female",
        date(1988, 11, 3),
        "GT",
        "Tapachula",
        "MX-CHP",
        14.905,
        -92.262,
        {"pregnant": "yes", "cannot_move": "yes", "family_support": "no"},
        "not_asked",
    ),
    (
        "Jean-Baptiste",
        ("Pierre", ""),
        "male",
        date(1985, 4, 9),
        "HT",
        "Tapachula",
        "MX-CHP",
        14.907,
        -92.266,
        {"cannot_move": "yes", "no_documents": "yes"},
        "undecided",
    ),
    (
        "María Elena",
        ("Gómez", "Ruiz"),
        "female",
        date(1958, 2, 27),
        "GT",
        "Acapulco",
        "MX-GRO",
        16.85,
        -99.82,
        {"age": 67, "needs_daily_care": "yes", "chronic_no_medicine": "yes"},
        "no",
    ),
]


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def demo_users() -> list[tuple[str, str, str, str]]:
    """The staff of the directory's demo providers (a shelter and a clinic in every country), for
    `amparo demo-users`: (user name, organization slug, role, first name)."""
    return directory.staff()


def _staff() -> int:
    from django.conf import settings

    from amparo.accounts.models import Membership
    from amparo.core.demo import DEMO_EMAIL_DOMAIN

    User = get_user_model()
    made = 0
    for username, slug, role, first_name in directory.staff():
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first_name, "email": f"{username}@{DEMO_EMAIL_DOMAIN}"}
        )
        if created or not user.check_password(settings.DEMO_PASSWORD):
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
        Membership.objects.update_or_create(
            user=user, organization=Organization.objects.get(slug=slug), defaults={"role": role, "is_active": True}
        )
        made += created
    return made


# People registered by the demo shelters, for their staff to screen (provider slug, given names,
# surnames, sex, birth date, nationality, languages, answers left to the screener).
SHELTER_PEOPLE = [
    ("cr-albergue-paso-canoas", "Mireille", ("Joseph", ""), "female", date(1994, 6, 12), "HT", ["ht", "fr"]),
    ("cr-albergue-paso-canoas", "Amadou", ("Diallo", ""), "male", date(1991, 2, 3), "GN", ["fr"]),
    ("pa-albergue-lajas-blancas", "Yohana", ("Pérez", "Linares"), "female", date(2009, 9, 30), "VE", ["es"]),
    ("pa-albergue-lajas-blancas", "Tesfaye", ("Bekele", ""), "male", date(1988, 11, 21), "ER", ["ti", "en"]),
    ("mx-la72-tenosique", "Kenia", ("Martínez", "Orellana"), "female", date(1999, 4, 8), "HN", ["es"]),
    ("gt-casa-migrante-tecun-uman", "Josué", ("Ramírez", ""), "male", date(2008, 1, 15), "HN", ["es"]),
    ("hn-albergue-choluteca", "Yusneidy", ("Carrasco", ""), "female", date(1997, 7, 2), "CU", ["es"]),
    ("sv-albergue-san-salvador", "Samuel", ("Otieno", ""), "male", date(1990, 3, 19), "KE", ["en", "sw"]),
    ("ni-albergue-managua", "Wilfredo", ("Sánchez", ""), "male", date(1960, 5, 5), "HN", ["es"]),
    ("bz-shelter-belmopan", "Rosa", ("Cruz", "Hernández"), "female", date(2001, 10, 10), "GT", ["es", "en"]),
    ("do-albergue-santo-domingo", "Jean-Robert", ("Saint-Fleur", ""), "male", date(1986, 8, 25), "HT", ["ht", "fr"]),
]


def _shelter_people() -> int:
    from amparo.registry.models import Person
    from amparo.registry.services import PersonData, register_person

    made = 0
    for i, (slug, given, (s1, s2), sex, born, nat, langs) in enumerate(SHELTER_PEOPLE, 1):
        shelter = Organization.objects.filter(slug=slug).first()
        staff = next((u for u, org, _r, _f in directory.staff() if org == slug), None)
        actor = _user(staff) if staff else None
        source = f"demo-directory-{i}"
        if shelter is None or actor is None:
            continue
        if Person.objects.filter(registering_organization=shelter, source_record_id=source).exists():
            continue
        service = Service.objects.filter(provider=shelter).first()
        register_person(
            actor=actor,
            organization=shelter,
            data=PersonData(
                given_names=given,
                first_surname=s1,
                second_surname=s2,
                sex=sex,
                birth_date=born,
                nationalities=[nat],
                languages=langs,
                preferred_language=langs[0],
                source_record_id=source,
                country=shelter.country,
                subdivision=service.subdivision if service else "",
                municipality=shelter.city,
                latitude=shelter.latitude,
                longitude=shelter.longitude,
            ),
        )
        made += 1
    return made


def _services() -> int:
    counts = directory.load(demo=True)
    made = counts["services"]
    for consulate in Organization.objects.filter(kind="consulate", jurisdiction_country="MX"):
        _, created = Service.objects.update_or_create(
            provider=consulate,
            name=f"{consulate.name}: asistencia y protección consular",
            defaults={
                "kind": K.CONSULAR_ASSISTANCE,
                "country": "MX",
                "subdivision": "MX-CMX",
                "municipality": consulate.city,
                "latitude": consulate.latitude,
                "longitude": consulate.longitude,
                "nationalities": [consulate.served_nationality],
                "phone": consulate.phone,
                "hours": "L–V 09:00–14:00; emergencias 24 h",
                "languages": ["es"],
            },
        )
        made += created
    return made


def _people(ngo):
    from amparo.registry.models import Person
    from amparo.registry.services import PersonData, register_person

    worker = _user("caseworker")
    people = []
    for i, (given, (s1, s2), sex, born, nat, muni, sub, lat, lon, _a, _w) in enumerate(PEOPLE, 1):
        source = f"demo-protection-{i}"
        person = Person.objects.filter(registering_organization=ngo, source_record_id=source).first()
        if person is None:
            person = register_person(
                actor=worker,
                organization=ngo,
                data=PersonData(
                    given_names=given,
                    first_surname=s1,
                    second_surname=s2,
                    sex=sex,
                    birth_date=born,
                    nationalities=[nat],
                    languages=["fr", "ht"] if nat == "HT" else ["es"],
                    source_record_id=source,
                    country="MX",
                    subdivision=sub,
                    municipality=muni,
                    latitude=lat,
                    longitude=lon,
                    phones=[(f"+52 962 100 00{i:02d}", True)],
                ),
            )
        people.append(person)
    return people


def _refer(worker, screening, profile_code, kind, *, send=True):
    service = Service.objects.filter(kind=kind).select_related("provider").order_by("pk")
    if kind == K.SHELTER and screening.person.subdivision == "MX-GRO":
        service = service.filter(subdivision="MX-GRO")
    elif kind == K.SHELTER:
        service = service.filter(subdivision="MX-CHP")
    service = service.first()
    if service is None:
        return None
    referral = services.create_referral(
        actor=worker,
        person=screening.person,
        to_organization=service.provider,
        service=service,
        service_kind=kind,
        profile=Profile.objects.get(code=profile_code),
        screening=screening,
        reason="Referencia de demostración",
        shared_fields=["full_name", "age", "sex", "languages", "profiles"],
    )
    if send:
        services.send_referral(actor=worker, referral=referral, consent_method="verbal")
    return referral


def _move(referral, username, *steps):
    actor = _user(username)
    if referral is None or actor is None:
        return
    for to in steps:
        services.transition_referral(
            actor=actor, referral=referral, to_status=to, note="Sin lugares" if to == ReferralStatus.DECLINED else ""
        )


def load(stdout) -> dict:
    load_defaults(only_if_empty=True)
    made = _services()
    made_staff, made_people = _staff(), _shelter_people()
    stdout.write(f"directory staff: {made_staff} new, people in demo shelters: {made_people} new; ", ending="")
    ngo = Organization.objects.filter(slug="mx-ngo-sin-fronteras").first()
    worker = _user("caseworker")
    if ngo is None or worker is None:
        stdout.write(f"services: {made} new")
        return {"services": made}
    people = _people(ngo)
    if Screening.objects.filter(person__in=people).exists():
        stdout.write(f"services: {made} new; screenings already loaded")
        return {"services": made}
    screenings = []
    for person, spec in zip(people, PEOPLE, strict=True):
        screening = services.screen_person(actor=worker, person=person, answers=spec[9], wishes_asylum=spec[10])
        for s in screening.suggestions.all():
            services.decide_suggestion(actor=worker, suggestion=s, decision=Decision.CONFIRMED)
        screenings.append(screening)
    kevin, dania, wilmer, rosa, jean, maria = screenings
    _move(
        _refer(worker, kevin, "unaccompanied_child", K.CHILD_PROTECTION),
        "dif",
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
    )
    _refer(worker, kevin, "unaccompanied_child", K.SHELTER)  # sent, waiting
    _move(_refer(worker, dania, "international_protection", K.ASYLUM_PROCEDURE), "comar", ReferralStatus.ACCEPTED)
    _refer(worker, wilmer, "trafficking", K.PROSECUTOR, send=False)  # a draft
    _move(
        _refer(worker, rosa, "urgent_health", K.HEALTH),
        "clinic",
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.COMPLETED,
    )
    _move(_refer(worker, rosa, "stranded", K.SHELTER), "shelter", ReferralStatus.DECLINED)
    overdue = _refer(worker, jean, "stranded", K.SHELTER)
    if overdue is not None:  # sent three days ago, never answered: flagged overdue
        past = timezone.now() - timedelta(days=3)
        Referral.objects.filter(pk=overdue.pk).update(
            sent_at=past, respond_by=past + timedelta(hours=overdue.response_hours)
        )
        services.flag_overdue_referrals()
    _refer(worker, maria, "older_person", K.SHELTER, send=False)
    count = Referral.objects.filter(person__in=people).count()
    stdout.write(f"services: {made} new, screened people: {len(screenings)}, referrals: {count}")
    return {"services": made, "screenings": len(screenings), "referrals": count}
