"""Default profiles, indicator questions, screening rules and referral pathways (DOMAIN.md).

This is seed DATA: `load_defaults()` writes it into admin-editable tables once (after `migrate`
on an empty database, and after a test flush), and a country then adapts the rows in the admin.
Authorities are the demo table of DOMAIN.md: verify them locally before real use.

Wording is trauma-informed: ask only what the route needs, say why, and accept "prefers not to
say". Observations (`obs`) are noted by staff and never asked aloud.
"""

from __future__ import annotations

from django.db import transaction

from amparo.protection import screening_defaults
from amparo.protection.codes import RESPONSE_HOURS, ServiceKind, Urgency

# Profiles, questions and rules: amparo/protection/screening_defaults.py (five languages).
PROFILES = screening_defaults.PROFILES
INDICATORS = screening_defaults.INDICATORS
RULES = screening_defaults.RULES

K = ServiceKind
# The competent-authorities table of DOMAIN.md: country → (asylum, child protection, trafficking).
AUTHORITIES = {
    "MX": ("COMAR", "Procuraduría de Protección de NNA (sistema DIF)", "FEVIMTRA / fiscalía estatal"),
    "GT": ("IGM (Unidad de Refugiados)", "PGN", "SVET"),
    "HN": ("INM", "DINAF", "CICESCT"),
    "SV": ("DGME (CODER)", "CONAPINA", "Consejo Nacional contra la Trata de Personas"),
    "CR": ("DGME (Unidad de Refugio)", "PANI", "CONATT"),
    "PA": ("ONPAR", "SENNIAF", "CONATT"),
}
PUBLIC_PROSECUTOR = {
    "MX": "Fiscalía (Ministerio Público)",
    "GT": "Ministerio Público",
    "HN": "Ministerio Público",
    "SV": "Fiscalía General de la República",
    "CR": "Ministerio Público",
    "PA": "Ministerio Público",
}


# (profile, country, subdivision, urgency, legal note en, legal note es, steps [(kind, authority, note)])
def _pathways() -> list[tuple]:
    out = []
    for country, (asylum, child, trafficking) in AUTHORITIES.items():
        out.append(
            (
                "international_protection",
                country,
                "",
                Urgency.URGENT,
                "The person decides whether to apply for asylum; the screener only records the wish. Refer to the asylum authority and UNHCR, not to an ordinary case.",
                "La persona decide si solicita asilo; quien entrevista solo registra su deseo. Se canaliza a la autoridad de asilo y al ACNUR, no a un caso ordinario.",
                [(K.ASYLUM_PROCEDURE, asylum, ""), (K.LEGAL_AID, "ACNUR / UNHCR", "")],
            )
        )
        out.append(
            (
                "unaccompanied_child",
                country,
                "",
                Urgency.IMMEDIATE,
                "Children are protected by the child protection authority whatever their status; notify it at once and never detain a child.",
                "Las niñas, niños y adolescentes son protegidos por la autoridad de protección de la niñez sea cual sea su situación; notifique de inmediato y nunca los detenga.",
                [(K.CHILD_PROTECTION, child, ""), (K.CONSULAR_ASSISTANCE, "Consulado", "")],
            )
        )
        out.append(
            (
                "trafficking",
                country,
                "",
                Urgency.IMMEDIATE,
                "Victims of trafficking are not punished for acts they were forced to commit; refer with consent, except where the law requires notification.",
                "Las víctimas de trata no son castigadas por actos que fueron obligadas a cometer; se canaliza con consentimiento, salvo donde la ley obliga a notificar.",
                [(K.ANTI_TRAFFICKING, trafficking, ""), (K.LEGAL_AID, PUBLIC_PROSECUTOR[country], "")],
            )
        )
    out += [
        (
            "unaccompanied_child",
            "MX",
            "MX-GRO",
            Urgency.IMMEDIATE,
            "In Guerrero the state Procuraduría de Protección (DIF Guerrero) takes the case.",
            "En Guerrero toma el caso la Procuraduría de Protección estatal (DIF Guerrero).",
            [
                (K.CHILD_PROTECTION, "Procuraduría de Protección de NNA (DIF Guerrero)", ""),
                (K.CONSULAR_ASSISTANCE, "Consulado", ""),
            ],
        ),
        (
            "urgent_health",
            "MX",
            "",
            Urgency.IMMEDIATE,
            "Emergency care may not be refused on grounds of migratory status.",
            "La atención de urgencia no puede negarse por la situación migratoria.",
            [(K.HEALTH, "Centro de salud / clínica", ""), (K.MHPSS, "Apoyo psicosocial", "")],
        ),
        (
            "sgbv",
            "MX",
            "",
            Urgency.IMMEDIATE,
            "Post-exposure care within 72 hours; reporting to the prosecutor is the survivor's choice.",
            "Atención de profilaxis dentro de 72 horas; denunciar es decisión de la sobreviviente.",
            [
                (K.HEALTH, "Centro de salud / clínica", ""),
                (K.MHPSS, "Apoyo psicosocial", ""),
                (K.LEGAL_AID, "Asistencia jurídica", ""),
            ],
        ),
        (
            "crime_in_transit",
            "MX",
            "",
            Urgency.URGENT,
            "Victims may obtain a humanitarian visa (Ley de Migración, art. 52).",
            "Las víctimas pueden obtener una visa por razones humanitarias (Ley de Migración, art. 52).",
            [(K.LEGAL_AID, "Asistencia jurídica", ""), (K.MHPSS, "Apoyo psicosocial", "")],
        ),
        (
            "stranded",
            "MX",
            "",
            Urgency.STANDARD,
            "",
            "",
            [
                (K.SHELTER, "Albergue", ""),
                (K.CONSULAR_ASSISTANCE, "Consulado", ""),
                (K.RETURN_REINTEGRATION, "OIM (retorno voluntario asistido)", ""),
            ],
        ),
        (
            "stateless_undocumented",
            "MX",
            "",
            Urgency.STANDARD,
            "",
            "",
            [(K.DOCUMENTS, "Consulado / Registro Civil", ""), (K.LEGAL_AID, "Asistencia jurídica", "")],
        ),
    ]
    return out


PATHWAYS = _pathways()


@transaction.atomic
def load_defaults(*, only_if_empty: bool = True) -> dict[str, int]:
    """Write the defaults. With `only_if_empty`, do nothing once any profile exists (a country's
    edits in the admin are never overwritten); otherwise add what is missing, by code."""
    from amparo.protection.models import Indicator, PathwayStep, Profile, ReferralPathway, ScreeningRule

    if only_if_empty and Profile.objects.exists():
        return {}
    counts, profiles = screening_defaults.load(Profile, Indicator, ScreeningRule)
    counts["pathways"] = 0
    for profile, country, subdivision, urgency, note, note_es, steps in PATHWAYS:
        pathway, created = ReferralPathway.objects.get_or_create(
            profile=profiles[profile],
            country=country,
            subdivision=subdivision,
            defaults={
                "urgency": urgency,
                "response_hours": RESPONSE_HOURS[urgency],
                "legal_note": note,
                "translations": {"es": {"legal_note": note_es}} if note_es else {},
            },
        )
        if created:
            PathwayStep.objects.bulk_create(
                [
                    PathwayStep(pathway=pathway, order=i, service_kind=kind, authority=authority, note=step_note)
                    for i, (kind, authority, step_note) in enumerate(steps, 1)
                ]
            )
        counts["pathways"] += created
    return counts
