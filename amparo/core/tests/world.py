"""A small world with one record of every kind, for tests that sweep the whole application (every
URL pattern, every API operation): a "victim" Guatemalan consulate in Mexico with a person whose
data carries unmistakable markers, that person's household, contacts, documents, a crisis with
their welfare, a broadcast and its message, an inbound reply, a screening and a referral to a
partner shelter, a case, a duplicate pair, an import job; and one user of every role, each in an
organization of its own kind that shares nothing with the victim (the outsiders).

`build()` returns a `World`; callers wrap it in a transaction they roll back (it is built once per
test module)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model

from amparo.accounts.codes import OrganizationKind, Role
from amparo.accounts.models import APIToken, DataSharingAgreement, Membership, Organization
from amparo.accounts.policy import system_principal

SYSTEM = system_principal("test:world")
# Strings that only the victim's records hold: a page or an answer showing one leaks them.
MARKERS = (
    "Zacarías",
    "Quetzalmarker",
    "50255501234",
    "LEAKDOC7781",
    "zacarias@leak.example",
    "16.85123",
    "Casa Quetzalmarker",
)
OUTSIDER_KINDS = {
    Role.ORG_ADMIN: OrganizationKind.CONSULATE,
    Role.CONSULAR_OFFICER: OrganizationKind.CONSULATE,
    Role.MIGRATION_OFFICER: OrganizationKind.MIGRATION_AUTHORITY,
    Role.CIVIL_PROTECTION_COORDINATOR: OrganizationKind.CIVIL_PROTECTION,
    Role.CASE_WORKER: OrganizationKind.NGO,
    Role.SUPERVISOR: OrganizationKind.NGO,
    Role.PROVIDER_STAFF: OrganizationKind.SHELTER,
    Role.ANALYST: OrganizationKind.CONSULATE,
}


@dataclass
class World:
    victim: Organization
    officer: object  # the victim's consular officer
    objects: dict = field(default_factory=dict)  # kind -> the victim's record
    outsiders: dict = field(default_factory=dict)  # role -> user of an unrelated organization
    tokens: dict = field(default_factory=dict)  # role -> raw API token of that outsider


def _org(slug: str, kind: str, **fields) -> Organization:
    if kind == OrganizationKind.CONSULATE:
        fields.setdefault("served_nationality", "GT")
        fields.setdefault("jurisdiction_country", "MX")
    return Organization.objects.create(
        slug=slug, name=slug.replace("-", " ").title(), kind=kind, country="MX", **fields
    )


def _user(username: str, organization: Organization, role: str):
    user = get_user_model().objects.create_user(
        username=username, password="correct horse battery", email=f"{username}@example.org"
    )
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


def build() -> World:
    from amparo.crises.services import AreaSpec, create_crisis, update_welfare
    from amparo.matching import services as matching
    from amparo.matching.models import MatchPair
    from amparo.matching.scoring import score
    from amparo.messaging import services as messaging
    from amparo.messaging.models import Channel, InboundMessage, Template, TemplateVariant
    from amparo.protection.models import Service
    from amparo.protection.services import create_referral, screen_person
    from amparo.registry import services as registry
    from amparo.registry.models import ImportJob
    from amparo.registry.services import PersonData, register_person

    victim = _org("victim-gt-consulate", OrganizationKind.CONSULATE, email="victim@example.org")
    partner = _org("victim-partner-shelter", OrganizationKind.SHELTER)
    officer = _user("victim-officer", victim, Role.CONSULAR_OFFICER)
    _user("victim-admin", victim, Role.ORG_ADMIN)
    world = World(victim=victim, officer=officer)

    def person(given: str, surname: str, **extra):
        data = PersonData(
            given_names=given,
            first_surname=surname,
            nationalities=["GT"],
            birth_date=date(1988, 3, 12),
            latitude=16.85123,
            longitude=-99.88391,
            country="MX",
            subdivision="MX-GRO",
            municipality="Acapulco",
            migratory_status="irregular",
            special_needs="insulina diaria",
            **extra,
        )
        data.consents = {"crisis_alerts": (True, "written"), "referrals": (True, "written")}
        return register_person(actor=SYSTEM, organization=victim, data=data, audit_event=False)

    zacarias = person("Zacarías", "Quetzalmarker", phones=[("+50255501234", False)], emails=["zacarias@leak.example"])
    registry.add_document(actor=SYSTEM, person=zacarias, document_type="passport", number="LEAKDOC7781")
    twin = person("Zacarias", "Quetzalmarker")
    household = registry.create_household(actor=SYSTEM, organization=victim, name="Casa Quetzalmarker")
    registry.set_household(actor=SYSTEM, person=zacarias, household=household, role="head")
    built = matching.features_for([zacarias.pk, twin.pk])
    matching.record_pairs([(zacarias.pk, twin.pk, score(built[zacarias.pk][0], built[twin.pk][0]))], found_by="test")

    crisis = create_crisis(
        actor=SYSTEM,
        name="Sismo de prueba",
        kind="earthquake",
        organization=victim,
        areas=[AreaSpec(kind="administrative", subdivisions=["MX-GRO"])],
    )
    update_welfare(actor=officer, crisis=crisis, person=zacarias, status="needs_assistance", source="staff",
                   needs=["medical"], note="Zacarías necesita insulina")  # fmt: skip

    channel = Channel.objects.create(organization=victim, name="Consola", kind="sms", provider="console")
    template = Template.objects.create(organization=victim, name="Aviso", purpose="alert")
    TemplateVariant.objects.create(template=template, language="es", body="{given_name}, aviso de prueba")
    broadcast = messaging.create_broadcast(
        actor=officer, organization=victim, title="Aviso sismo", template=template, crisis=crisis
    )
    messaging.confirm_broadcast(actor=officer, broadcast=broadcast)
    message = broadcast.messages.first()
    inbound = InboundMessage.objects.create(
        organization=victim, channel=channel, kind="sms", from_address="+50255501234", person=zacarias,
        body="Soy Zacarías, necesito ayuda", status="needs_review", crisis=crisis,
    )  # fmt: skip

    screening = screen_person(actor=officer, person=zacarias, answers={}, note="Zacarías Quetzalmarker entrevistado")
    service = Service.objects.create(
        provider=partner, kind="shelter", name="Dormitorio", country="MX", subdivision="MX-GRO",
        capacity_total=10, capacity_free=3,
    )  # fmt: skip
    referral = create_referral(
        actor=officer, person=zacarias, to_organization=partner, service_kind="shelter", service=service,
        screening=screening, reason="Zacarías necesita albergue",
    )  # fmt: skip
    from amparo.cases.services import open_case

    case = open_case(
        actor=officer, person=zacarias, consent_method="verbal", summary="Seguimiento de Zacarías Quetzalmarker"
    )
    from amparo.cases.models import FollowUp, PlanAction
    from amparo.protection.models import PathwayStep

    action = PlanAction.objects.filter(case=case).first()
    follow_up = FollowUp.objects.filter(case=case).first()
    job = ImportJob.objects.create(
        organization=victim, created_by=officer, file_path="/nonexistent/victim.csv", original_name="victim.csv"
    )
    agreement = DataSharingAgreement.objects.create(provider=victim, recipient=partner, purpose="protection")
    token = APIToken.objects.issue(user=officer, name="victim token")[0]

    world.objects.update(
        person=zacarias,
        twin=twin,
        contact=zacarias.contacts.first(),
        document=zacarias.documents.first(),
        household=household,
        pair=MatchPair.objects.get(person_a_id=min(zacarias.pk, twin.pk)),
        crisis=crisis,
        channel=channel,
        template=template,
        broadcast=broadcast,
        message=message,
        inbound=inbound,
        screening=screening,
        suggestion=screening.suggestions.first(),
        service=service,
        step=PathwayStep.objects.order_by("pk").first(),
        referral=referral,
        case=case,
        action=action,
        follow_up=follow_up,
        import_job=job,
        agreement=agreement,
        membership=Membership.objects.get(user=officer),
        token=token,
    )
    for role, kind in OUTSIDER_KINDS.items():
        organization = _org(f"outsider-{role.replace('_', '-')}", kind, served_nationality="HN")
        world.outsiders[role] = _user(f"outsider-{role}", organization, role)
        world.tokens[role] = APIToken.objects.issue(user=world.outsiders[role], name="outsider")[1]
    return world
