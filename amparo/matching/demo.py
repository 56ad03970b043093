"""Demo data for matching: a few people registered twice (spelled differently) and a sibling
who is not a duplicate, at the Guatemalan consulate in Mexico City; then `amparo dedupe` over
the registry fills the review queue. Idempotent."""

from __future__ import annotations

from datetime import date

from django.core.management import call_command

from amparo.accounts.models import Organization
from amparo.accounts.policy import system_principal
from amparo.registry.models import Person
from amparo.registry.services import PersonData, register_person

SLUG = "gt-consulate-mexico-city"

PEOPLE = [
    ("José María", "Hernández", "López", date(1988, 3, 12), "+52 55 3100 2200", "M", "G12345678"),
    ("Chema", "Hernandez", "", date(1988, 3, 12), "55 3100 2200", "M", ""),
    ("Rosa", "Hernández", "López", date(1991, 7, 1), "+52 55 3100 2200", "F", ""),  # his sister
    ("María Guadalupe", "Ramírez", "Soto", date(1975, 5, 4), "+52 55 4100 9900", "F", "054778812"),
    ("Lupita", "Ramirez", "Soto", date(1975, 4, 5), "", "F", "054778821"),
    ("Francisco", "Pérez", "Gómez", date(1969, 11, 30), "+52 55 8800 1234", "M", ""),
    ("Fco.", "Gómez", "Pérez", date(1970, 11, 30), "", "M", ""),
    ("Yesenia", "Villalobos", "Cruz", date(2001, 2, 14), "", "F", ""),
    ("Llesenia", "Biyalobos", "de la Cruz", date(2001, 2, 14), "+502 5555 0101", "F", ""),
]


def load(stdout) -> None:
    organization = Organization.objects.filter(slug=SLUG).first()
    if organization is None:
        return
    actor = system_principal("cli:demo-data")
    created = 0
    for index, (given, first, second, born, phone, sex, document) in enumerate(PEOPLE, start=1):
        source_id = f"demo-match-{index}"
        if Person.objects.filter(registering_organization=organization, source_record_id=source_id).exists():
            continue
        data = PersonData(
            given_names=given,
            first_surname=first,
            second_surname=second,
            birth_date=born,
            sex={"F": "female", "M": "male"}[sex],
            nationalities=["GT"],
            source_record_id=source_id,
            phones=[(phone, False)] if phone else [],
            documents=[{"document_type": "passport", "number": document, "issuing_country": "GT"}] if document else [],
            country="MX",
            subdivision="MX-CMX",
            municipality="Ciudad de México",
        )
        register_person(actor=actor, organization=organization, data=data, audit_event=False)
        created += 1
    stdout.write(f"matching: {created} demo people registered twice; looking for duplicates")
    call_command("dedupe", stdout=stdout)
    from amparo.matching.tasks import ensure_scheduled

    ensure_scheduled()
