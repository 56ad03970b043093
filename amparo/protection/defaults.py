"""Default profiles, indicator questions, screening rules and referral pathways (DOMAIN.md).

This is seed DATA: `load_defaults()` writes it into admin-editable tables once (after `migrate`
on an empty database, and after a test flush), and a country then adapts the rows in the admin.
Authorities are the demo table of DOMAIN.md: verify them locally before real use.

Wording is trauma-informed: ask only what the route needs, say why, and accept "prefers not to
say". Observations (`obs`) are noted by staff and never asked aloud.
"""

from __future__ import annotations

from django.db import transaction

from amparo.protection.codes import RESPONSE_HOURS, Priority, ServiceKind, Urgency, UrgentFlag

# code, English name, Spanish name, urgent when, asylum regime
PROFILES = [
    (
        "unaccompanied_child",
        "Unaccompanied or separated child",
        "Niña, niño o adolescente no acompañado o separado",
        "always",
        False,
    ),
    (
        "trafficking",
        "Possible victim of trafficking",
        "Posible víctima de trata de personas",
        "in the presence of the suspected trafficker, or in danger",
        False,
    ),
    (
        "international_protection",
        "Person in need of international protection",
        "Persona con necesidad de protección internacional",
        "immediate danger",
        True,
    ),
    (
        "crime_in_transit",
        "Victim of crime or violence in transit",
        "Víctima de delito o violencia en tránsito",
        "injury, or sexual violence within 72 hours",
        False,
    ),
    (
        "sgbv",
        "Survivor of sexual or gender-based violence",
        "Sobreviviente de violencia sexual o de género",
        "within 72 hours of the assault",
        False,
    ),
    (
        "urgent_health",
        "Person with urgent health needs",
        "Persona con necesidades de salud urgentes",
        "medical emergency",
        False,
    ),
    ("older_person", "Older person", "Persona mayor", "without care", False),
    ("disability", "Person with a disability", "Persona con discapacidad", "without assistive device or carer", False),
    ("lgbtiq", "LGBTIQ+ person at risk", "Persona LGBTIQ+ en riesgo", "in danger", False),
    ("stateless_undocumented", "Stateless person or without documents", "Persona apátrida o sin documentos", "", False),
    ("stranded", "Stranded migrant", "Persona migrante varada", "crisis under way", False),
    (
        "extra_continental",
        "Extra-continental migrant",
        "Persona migrante extracontinental",
        "stranded, or without interpretation in a procedure",
        False,
    ),
    (
        "smuggled",
        "Smuggled migrant",
        "Persona migrante objeto de tráfico ilícito",
        "abandoned in a dangerous place",
        False,
    ),
]

IND, H, C, ST = "individual", "household", "community", "structural"
R, P = "risk", "protective"
# code, group (profile), level, factor, kind, observation, question (en), why (en), question (es), why (es)
INDICATORS = [
    (
        "age",
        None,
        IND,
        R,
        "number",
        False,
        "How old are you?",
        "Children and older people have special protection; we only need the age.",
        "¿Qué edad tiene?",
        "Las niñas, niños y personas mayores tienen protección especial; solo necesitamos la edad.",
    ),
    (
        "immediate_danger",
        None,
        IND,
        R,
        "yes_no",
        False,
        "Do you feel in danger right now, here or where you are staying?",
        "So we can act first on what cannot wait.",
        "¿Se siente en peligro ahora mismo, aquí o donde se queda?",
        "Para atender primero lo que no puede esperar.",
    ),
    (
        "medical_emergency",
        "urgent_health",
        IND,
        R,
        "yes_no",
        False,
        "Are you hurt or ill and need a doctor today?",
        "So we can get you medical care now.",
        "¿Está herida/o o enferma/o y necesita un médico hoy?",
        "Para conseguirle atención médica ahora.",
    ),
    (
        "without_guardian",
        "unaccompanied_child",
        H,
        R,
        "yes_no",
        False,
        "Are you travelling without your mother, father or legal guardian?",
        "Children travelling alone have the right to protection by the child protection authority.",
        "¿Viaja sin su mamá, papá o tutor legal?",
        "Las niñas y niños que viajan solos tienen derecho a la protección de la Procuraduría de Protección.",
    ),
    (
        "with_unrelated_adults",
        "unaccompanied_child",
        H,
        R,
        "yes_no",
        False,
        "Are the adults you travel with people other than your parents or guardian?",
        "So we know who is responsible for your care.",
        "¿Los adultos con quienes viaja son personas distintas a sus padres o tutor?",
        "Para saber quién es responsable de su cuidado.",
    ),
    (
        "deceived_recruitment",
        "trafficking",
        IND,
        R,
        "yes_no",
        False,
        "Were you promised a job or something else that turned out to be different?",
        "Some people are deceived on the way; there is help for them.",
        "¿Le prometieron un trabajo u otra cosa que resultó ser diferente?",
        "A algunas personas las engañan en el camino; hay ayuda para ellas.",
    ),
    (
        "debt_to_recruiter",
        "trafficking",
        IND,
        R,
        "yes_no",
        False,
        "Do you owe money to the person who arranged your trip or your work?",
        "Debts can be used to control people; you can get advice.",
        "¿Debe dinero a quien organizó su viaje o su trabajo?",
        "Las deudas pueden usarse para controlar a las personas; puede recibir orientación.",
    ),
    (
        "documents_held",
        "trafficking",
        IND,
        R,
        "yes_no",
        False,
        "Does someone else keep your identity documents?",
        "Your documents are yours; we can help you recover them.",
        "¿Alguien más guarda sus documentos de identidad?",
        "Sus documentos son suyos; podemos ayudarle a recuperarlos.",
    ),
    (
        "not_free_to_leave",
        "trafficking",
        IND,
        R,
        "yes_no",
        False,
        "Is anyone stopping you from leaving where you live or work?",
        "So we can make sure you are safe.",
        "¿Alguien le impide salir de donde vive o trabaja?",
        "Para asegurarnos de que esté a salvo.",
    ),
    (
        "wages_withheld",
        "trafficking",
        IND,
        R,
        "yes_no",
        False,
        "Has someone kept the pay for your work?",
        "You have labour rights whatever your status.",
        "¿Alguien se ha quedado con el pago de su trabajo?",
        "Usted tiene derechos laborales, sin importar su situación migratoria.",
    ),
    (
        "someone_speaks_for_them",
        "trafficking",
        IND,
        R,
        "yes_no",
        True,
        "Observation: someone else answers for the person or seems to control them.",
        "Noted by staff; never asked aloud.",
        "Observación: otra persona responde por ella o parece controlarla.",
        "Lo anota el personal; nunca se pregunta en voz alta.",
    ),
    (
        "fears_return",
        "international_protection",
        ST,
        R,
        "yes_no",
        False,
        "Are you afraid of what could happen to you if you went back to your country?",
        "People who fear returning may have the right to international protection.",
        "¿Tiene miedo de lo que podría pasarle si regresara a su país?",
        "Las personas que temen regresar pueden tener derecho a protección internacional.",
    ),
    (
        "threats_persecution",
        "international_protection",
        ST,
        R,
        "yes_no",
        False,
        "Were you threatened, persecuted, extorted or forced to join a group?",
        "You do not need to give details now.",
        "¿Le amenazaron, persiguieron, extorsionaron u obligaron a unirse a un grupo?",
        "No necesita dar detalles ahora.",
    ),
    (
        "relatives_harmed",
        "international_protection",
        H,
        R,
        "yes_no",
        False,
        "Have members of your family been harmed because of the same threat?",
        "You do not need to give details now.",
        "¿Han dañado a miembros de su familia por la misma amenaza?",
        "No necesita dar detalles ahora.",
    ),
    (
        "crime_in_transit",
        "crime_in_transit",
        C,
        R,
        "yes_no",
        False,
        "During the journey, were you robbed, kidnapped, extorted or attacked?",
        "Victims of crime have rights to care and to report, if they wish.",
        "Durante el viaje, ¿le robaron, secuestraron, extorsionaron o agredieron?",
        "Las víctimas de delitos tienen derecho a atención y a denunciar, si así lo desean.",
    ),
    (
        "sexual_violence_72h",
        "sgbv",
        IND,
        R,
        "yes_no",
        False,
        "Has someone hurt you sexually in the last three days?",
        "Care within 72 hours can prevent infections and pregnancy; it is confidential.",
        "¿Alguien le agredió sexualmente en los últimos tres días?",
        "La atención dentro de 72 horas puede prevenir infecciones y embarazo; es confidencial.",
    ),
    (
        "sgbv_disclosed",
        "sgbv",
        IND,
        R,
        "yes_no",
        False,
        "Has someone hurt you because of your gender, or do you fear a partner or a group?",
        "There are safe places and confidential support.",
        "¿Alguien le ha hecho daño por su género, o teme a una pareja o a un grupo?",
        "Hay lugares seguros y apoyo confidencial.",
    ),
    (
        "chronic_no_medicine",
        "urgent_health",
        IND,
        R,
        "yes_no",
        False,
        "Do you have an illness that needs medicine you do not have now?",
        "So we can find a clinic or medicine.",
        "¿Tiene una enfermedad que necesita un medicamento que ahora no tiene?",
        "Para buscar una clínica o el medicamento.",
    ),
    (
        "pregnant",
        "urgent_health",
        IND,
        R,
        "yes_no",
        False,
        "Are you pregnant?",
        "Pregnant women have a right to prenatal care.",
        "¿Está embarazada?",
        "Las mujeres embarazadas tienen derecho a atención prenatal.",
    ),
    (
        "acute_distress",
        "urgent_health",
        IND,
        R,
        "yes_no",
        True,
        "Observation: the person shows acute distress.",
        "Noted by staff to offer psychosocial support.",
        "Observación: la persona muestra angustia aguda.",
        "Lo anota el personal para ofrecer apoyo psicosocial.",
    ),
    (
        "alone_or_dependent",
        "older_person",
        H,
        R,
        "yes_no",
        False,
        "Are you alone, or do you depend on someone for daily care?",
        "So we know whether you need a carer.",
        "¿Está sola/o, o depende de alguien para su cuidado diario?",
        "Para saber si necesita quien le cuide.",
    ),
    (
        "disability",
        "disability",
        IND,
        R,
        "yes_no",
        False,
        "Do you have a disability or difficulty seeing, hearing, walking, remembering or communicating?",
        "So services can be accessible to you.",
        "¿Tiene alguna discapacidad o dificultad para ver, oír, caminar, recordar o comunicarse?",
        "Para que los servicios le sean accesibles.",
    ),
    (
        "without_device_or_carer",
        "disability",
        H,
        R,
        "yes_no",
        False,
        "Are you without the device, medicine or person who usually helps you?",
        "So we can replace what you lost.",
        "¿Está sin el aparato, medicamento o persona que normalmente le ayuda?",
        "Para reponer lo que perdió.",
    ),
    (
        "lgbtiq_violence",
        "lgbtiq",
        C,
        R,
        "yes_no",
        False,
        "Have you faced discrimination or violence because of who you love or your gender identity?",
        "There are services that are safe for LGBTIQ+ people; answering is optional.",
        "¿Ha sufrido discriminación o violencia por a quién ama o por su identidad de género?",
        "Hay servicios seguros para personas LGBTIQ+; responder es opcional.",
    ),
    (
        "no_documents",
        "stateless_undocumented",
        ST,
        R,
        "yes_no",
        False,
        "Are you without identity documents (lost, stolen or never had them)?",
        "Your consulate or the civil registry can help with documents.",
        "¿Está sin documentos de identidad (perdidos, robados o nunca los tuvo)?",
        "Su consulado o el registro civil pueden ayudar con documentos.",
    ),
    (
        "no_nationality",
        "stateless_undocumented",
        ST,
        R,
        "yes_no",
        False,
        "Does no country recognise you as its national, or were you never registered at birth?",
        "Stateless people have specific protection.",
        "¿Ningún país le reconoce como nacional, o nunca le registraron al nacer?",
        "Las personas apátridas tienen protección específica.",
    ),
    (
        "cannot_move",
        "stranded",
        ST,
        R,
        "yes_no",
        False,
        "Are you unable to continue your journey or to go back (no money, documents, or because of a crisis)?",
        "So we can look at return or support options with you.",
        "¿No puede continuar su viaje ni regresar (sin dinero, documentos o por una crisis)?",
        "Para revisar con usted opciones de retorno o apoyo.",
    ),
    (
        "affected_by_crisis",
        "stranded",
        ST,
        R,
        "yes_no",
        False,
        "Are you affected by a disaster or emergency where you are?",
        "So we can include you in the response.",
        "¿Le afecta un desastre o emergencia donde se encuentra?",
        "Para incluirle en la respuesta.",
    ),
    (
        "from_outside_americas",
        "extra_continental",
        IND,
        R,
        "yes_no",
        True,
        "Observation: the person comes from outside the Americas.",
        "Noted by staff, to offer interpretation and consular contacts.",
        "Observación: la persona viene de fuera del continente americano.",
        "Lo anota el personal para ofrecer interpretación y contactos consulares.",
    ),
    (
        "needs_interpretation",
        "extra_continental",
        IND,
        R,
        "yes_no",
        False,
        "Would you like an interpreter in your language?",
        "Everyone has the right to understand procedures.",
        "¿Desea un intérprete en su idioma?",
        "Toda persona tiene derecho a entender los trámites.",
    ),
    (
        "paid_smuggler",
        "smuggled",
        IND,
        R,
        "yes_no",
        False,
        "Did you pay someone to take you across borders?",
        "Smuggled migrants are not punished for it; it helps us understand the risks.",
        "¿Pagó a alguien para cruzar fronteras?",
        "A las personas migrantes no se les castiga por ello; nos ayuda a entender los riesgos.",
    ),
    (
        "abandoned_or_held",
        "smuggled",
        C,
        R,
        "yes_no",
        False,
        "Were you abandoned, held or extorted by the people who took you?",
        "So we can protect you from them.",
        "¿Le abandonaron, retuvieron o extorsionaron quienes le trasladaban?",
        "Para protegerle de ellos.",
    ),
    (
        "family_support",
        None,
        H,
        P,
        "yes_no",
        False,
        "Do you have family or friends here who support you?",
        "Support from people you trust protects you.",
        "¿Tiene familia o amistades aquí que le apoyan?",
        "El apoyo de personas de confianza le protege.",
    ),
    (
        "safe_place_tonight",
        None,
        C,
        P,
        "yes_no",
        False,
        "Do you have a safe place to sleep tonight?",
        "If not, we look for a shelter with free places.",
        "¿Tiene un lugar seguro para dormir esta noche?",
        "Si no, buscamos un albergue con lugares libres.",
    ),
    (
        "can_contact_consulate",
        None,
        ST,
        P,
        "yes_no",
        False,
        "Can you contact your consulate if you want to?",
        "Consular assistance is your right; contacting it is your choice.",
        "¿Puede contactar a su consulado si así lo desea?",
        "La asistencia consular es su derecho; contactarla es su decisión.",
    ),
]


def _c(q, op="eq", value="yes"):
    return {"q": q, "op": op, "value": value}


# code, profile, conditions, min_matches (0 = all), urgent flag, priority
RULES = [
    # The person's own wish to seek asylum (recorded, never decided by the screener) routes like an answer.
    ("asylum_wish", "international_protection", [_c("wishes_asylum")], 0, "", Priority.HIGH),
    ("immediate_danger", None, [_c("immediate_danger")], 0, UrgentFlag.IMMEDIATE_DANGER, Priority.CRITICAL),
    (
        "child_alone",
        "unaccompanied_child",
        [_c("age", "lt", 18), _c("without_guardian")],
        0,
        UrgentFlag.UNACCOMPANIED_CHILD,
        Priority.CRITICAL,
    ),
    (
        "child_separated",
        "unaccompanied_child",
        [_c("age", "lt", 18), _c("with_unrelated_adults")],
        0,
        UrgentFlag.UNACCOMPANIED_CHILD,
        Priority.CRITICAL,
    ),
    (
        "trafficking_indicators",
        "trafficking",
        [
            _c("deceived_recruitment"),
            _c("debt_to_recruiter"),
            _c("documents_held"),
            _c("not_free_to_leave"),
            _c("wages_withheld"),
            _c("someone_speaks_for_them"),
        ],
        2,
        "",
        Priority.HIGH,
    ),
    (
        "trafficking_in_danger",
        "trafficking",
        [_c("not_free_to_leave"), _c("immediate_danger")],
        0,
        UrgentFlag.IMMEDIATE_DANGER,
        Priority.CRITICAL,
    ),
    (
        "international_protection",
        "international_protection",
        [_c("fears_return"), _c("threats_persecution"), _c("relatives_harmed")],
        1,
        "",
        Priority.HIGH,
    ),
    (
        "medical_emergency",
        "urgent_health",
        [_c("medical_emergency")],
        0,
        UrgentFlag.MEDICAL_EMERGENCY,
        Priority.CRITICAL,
    ),
    (
        "health_needs",
        "urgent_health",
        [_c("chronic_no_medicine"), _c("pregnant"), _c("acute_distress")],
        1,
        "",
        Priority.MEDIUM,
    ),
    ("crime_in_transit", "crime_in_transit", [_c("crime_in_transit")], 0, "", Priority.MEDIUM),
    ("sexual_violence_72h", "sgbv", [_c("sexual_violence_72h")], 0, UrgentFlag.MEDICAL_EMERGENCY, Priority.CRITICAL),
    ("sgbv_disclosed", "sgbv", [_c("sgbv_disclosed")], 0, "", Priority.HIGH),
    ("older_person", "older_person", [_c("age", "gte", 60)], 0, "", Priority.LOW),
    ("older_person_alone", "older_person", [_c("age", "gte", 60), _c("alone_or_dependent")], 0, "", Priority.MEDIUM),
    ("disability", "disability", [_c("disability")], 0, "", Priority.MEDIUM),
    (
        "disability_without_support",
        "disability",
        [_c("disability"), _c("without_device_or_carer")],
        0,
        "",
        Priority.HIGH,
    ),
    ("lgbtiq_at_risk", "lgbtiq", [_c("lgbtiq_violence")], 0, "", Priority.MEDIUM),
    (
        "stateless_undocumented",
        "stateless_undocumented",
        [_c("no_documents"), _c("no_nationality")],
        1,
        "",
        Priority.LOW,
    ),
    ("stranded", "stranded", [_c("cannot_move")], 0, "", Priority.MEDIUM),
    ("stranded_in_crisis", "stranded", [_c("cannot_move"), _c("affected_by_crisis")], 0, "", Priority.HIGH),
    ("extra_continental", "extra_continental", [_c("from_outside_americas")], 0, "", Priority.LOW),
    (
        "extra_continental_interpretation",
        "extra_continental",
        [_c("from_outside_americas"), _c("needs_interpretation")],
        0,
        "",
        Priority.MEDIUM,
    ),
    ("smuggled", "smuggled", [_c("paid_smuggler")], 0, "", Priority.LOW),
    ("smuggled_abandoned", "smuggled", [_c("abandoned_or_held")], 0, "", Priority.HIGH),
]

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
    counts = {"profiles": 0, "indicators": 0, "rules": 0, "pathways": 0}
    profiles = {}
    for order, (code, name, name_es, urgent, asylum) in enumerate(PROFILES, 1):
        profiles[code], created = Profile.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "urgent_when": urgent,
                "asylum_regime": asylum,
                "order": order * 10,
                "translations": {"es": {"name": name_es}},
            },
        )
        counts["profiles"] += created
    for order, (code, group, level, factor, kind, obs, q, why, q_es, why_es) in enumerate(INDICATORS, 1):
        _, created = Indicator.objects.get_or_create(
            code=code,
            defaults={
                "profile": profiles.get(group) if group else None,
                "level": level,
                "factor": factor,
                "answer_kind": kind,
                "observation": obs,
                "question": q,
                "why": why,
                "order": order * 10,
                "translations": {"es": {"question": q_es, "why": why_es}},
            },
        )
        counts["indicators"] += created
    for code, profile, conditions, min_matches, flag, priority in RULES:
        _, created = ScreeningRule.objects.get_or_create(
            code=code,
            defaults={
                "profile": profiles.get(profile) if profile else None,
                "conditions": conditions,
                "min_matches": min_matches,
                "urgent_flag": str(flag),
                "priority": int(priority),
            },
        )
        counts["rules"] += created
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
