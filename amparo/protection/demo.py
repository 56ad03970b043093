"""Demo data: services with capacity for the demo organizations, screened people, referrals in
several states (one overdue). Idempotent: services are keyed by provider + name, and the people
and their screenings are created once."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from amparo.accounts.models import Organization
from amparo.protection import services
from amparo.protection.codes import Decision, ReferralStatus, ServiceKind
from amparo.protection.defaults import load_defaults
from amparo.protection.models import Profile, Referral, Screening, Service

K = ServiceKind
# provider slug, kind, name, subdivision, municipality, lat, lon, total, free, languages, hours, extra
SERVICES = [
    (
        "mx-albergue-tapachula",
        K.SHELTER,
        "Albergue Belén: dormitorios",
        "MX-CHP",
        "Tapachula",
        14.9060,
        -92.2630,
        60,
        12,
        ["es", "en", "fr", "ht"],
        "24 h",
        {},
    ),
    (
        "mx-albergue-tapachula",
        K.FOOD,
        "Albergue Belén: comedor",
        "MX-CHP",
        "Tapachula",
        14.9060,
        -92.2630,
        None,
        None,
        ["es"],
        "07:00–20:00",
        {},
    ),
    (
        "mx-casa-migrante-acapulco",
        K.SHELTER,
        "Casa del Migrante Acapulco",
        "MX-GRO",
        "Acapulco",
        16.8530,
        -99.8230,
        40,
        6,
        ["es", "en"],
        "24 h",
        {},
    ),
    (
        "mx-clinica-tapachula",
        K.HEALTH,
        "Clínica Comunitaria: consulta y urgencias",
        "MX-CHP",
        "Tapachula",
        14.9100,
        -92.2600,
        None,
        None,
        ["es", "en", "fr"],
        "08:00–20:00",
        {},
    ),
    (
        "mx-clinica-tapachula",
        K.MHPSS,
        "Clínica Comunitaria: apoyo psicosocial",
        "MX-CHP",
        "Tapachula",
        14.9100,
        -92.2600,
        None,
        None,
        ["es"],
        "L–V 09:00–17:00",
        {},
    ),
    (
        "mx-dif-guerrero",
        K.CHILD_PROTECTION,
        "Procuraduría de Protección de NNA (DIF Guerrero)",
        "MX-GRO",
        "Chilpancingo",
        17.5510,
        -99.5050,
        None,
        None,
        ["es"],
        "24 h (guardia)",
        {"max_age": 17},
    ),
    (
        "mx-comar",
        K.ASYLUM_PROCEDURE,
        "COMAR: oficina central",
        "MX-CMX",
        "Ciudad de México",
        19.4150,
        -99.1650,
        None,
        None,
        ["es", "en", "fr"],
        "L–V 09:00–15:00",
        {},
    ),
    (
        "mx-comar",
        K.ASYLUM_PROCEDURE,
        "COMAR: oficina Tapachula",
        "MX-CHP",
        "Tapachula",
        14.9030,
        -92.2580,
        None,
        None,
        ["es", "en", "fr", "ht"],
        "L–V 08:00–15:00",
        {},
    ),
    (
        "mx-asylum-access",
        K.LEGAL_AID,
        "Defensoría Migrante: asesoría jurídica",
        "MX-CMX",
        "Ciudad de México",
        19.4200,
        -99.1600,
        None,
        None,
        ["es", "en"],
        "L–V 10:00–18:00",
        {},
    ),
    (
        "mx-unhcr",
        K.LEGAL_AID,
        "ACNUR: orientación sobre asilo",
        "MX-CMX",
        "Ciudad de México",
        19.4280,
        -99.2000,
        None,
        None,
        ["es", "en", "fr", "pt"],
        "L–V 09:00–17:00",
        {},
    ),
]

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


def _services() -> int:
    made = 0
    for slug, kind, name, sub, muni, lat, lon, total, free, langs, hours, extra in SERVICES:
        provider = Organization.objects.filter(slug=slug).first()
        if provider is None:
            continue
        _, created = Service.objects.update_or_create(
            provider=provider,
            name=name,
            defaults={
                "kind": kind,
                "country": "MX",
                "subdivision": sub,
                "municipality": muni,
                "latitude": lat,
                "longitude": lon,
                "capacity_total": total,
                "capacity_free": free,
                "languages": langs,
                "hours": hours,
                "phone": provider.phone,
                "email": provider.email,
                "capacity_updated_at": timezone.now() if free is not None else None,
                "capacity_updated_by_label": "demo" if free is not None else "",
                **extra,
            },
        )
        made += created
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
    child = Profile.objects.filter(code="unaccompanied_child").first()
    if child:
        for s in Service.objects.filter(kind=K.CHILD_PROTECTION):
            s.profiles.add(child)
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
    _refer(worker, wilmer, "trafficking", K.LEGAL_AID, send=False)  # a draft
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
