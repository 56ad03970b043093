"""The default screening: profiles, questions (indicators) and rules, in five languages (DATA).

Seeded into admin-editable tables by `defaults.load_defaults()` on an empty database, and brought
into an existing one by migration 0002 (`sync_screening`): missing rows are added, missing
languages filled, questions that were split are retired (kept for the history of old answers).

Written for first-contact staff (RCM, "Lineamientos regionales para la identificación preliminar
de perfiles y mecanismos de referencia de poblaciones migrantes en condición de vulnerabilidad",
2013): one fact per question, asked only of whom it concerns (`ask_when`), grouped under neutral
section titles that never name a profile (the person may read the screen), each with why we ask,
and "prefers not to say" always possible. Observations are noted by staff, never asked aloud.

`ask_when` is a list of clauses, all of which must allow the question; a clause is a condition
({"q", "op", "value"}, as in rules) or a list of conditions of which one is enough. A condition
on an unanswered fact blocks the question, unless it says "unknown": "ask" (age and sex: when we
do not know, we ask rather than skip).
"""

from __future__ import annotations

from amparo.protection.codes import Priority, UrgentFlag

LANGUAGES = ("en", "es", "fr", "ht", "pt")

# code → names in en, es, fr, ht, pt; urgent when (en); asylum regime
PROFILES = {
    "unaccompanied_child": (
        (
            "Unaccompanied or separated child",
            "Niña, niño o adolescente no acompañado o separado",
            "Enfant non accompagné ou séparé",
            "Timoun ki pa akonpaye oswa ki separe ak fanmi l",
            "Criança ou adolescente desacompanhado ou separado",
        ),
        "always",
        False,
    ),
    "trafficking": (
        (
            "Possible victim of trafficking",
            "Posible víctima de trata de personas",
            "Victime possible de la traite des personnes",
            "Posib viktim trafik moun",
            "Possível vítima de tráfico de pessoas",
        ),
        "in the presence of the suspected trafficker, or in danger",
        False,
    ),
    "international_protection": (
        (
            "Person in need of international protection",
            "Persona con necesidad de protección internacional",
            "Personne ayant besoin d'une protection internationale",
            "Moun ki bezwen pwoteksyon entènasyonal",
            "Pessoa com necessidade de proteção internacional",
        ),
        "immediate danger",
        True,
    ),
    "crime_in_transit": (
        (
            "Victim of crime or violence in transit",
            "Víctima de delito o violencia en tránsito",
            "Victime d'un délit ou de violence pendant le trajet",
            "Viktim krim oswa vyolans pandan vwayaj la",
            "Vítima de crime ou violência em trânsito",
        ),
        "injury, or sexual violence within 72 hours",
        False,
    ),
    "sgbv": (
        (
            "Survivor of sexual or gender-based violence",
            "Sobreviviente de violencia sexual o de género",
            "Survivant·e de violence sexuelle ou basée sur le genre",
            "Sivivan vyolans seksyèl oswa vyolans ki baze sou sèks",
            "Sobrevivente de violência sexual ou de gênero",
        ),
        "within 72 hours of the assault",
        False,
    ),
    "urgent_health": (
        (
            "Person with urgent health needs",
            "Persona con necesidades de salud urgentes",
            "Personne ayant des besoins de santé urgents",
            "Moun ki gen bezwen sante ijan",
            "Pessoa com necessidades de saúde urgentes",
        ),
        "medical emergency, late pregnancy, chronic illness without medicine",
        False,
    ),
    "older_person": (
        ("Older person", "Persona mayor", "Personne âgée", "Moun ki aje", "Pessoa idosa"),
        "without care",
        False,
    ),
    "disability": (
        (
            "Person with a disability",
            "Persona con discapacidad",
            "Personne handicapée",
            "Moun ki andikape",
            "Pessoa com deficiência",
        ),
        "without assistive device or carer",
        False,
    ),
    "lgbtiq": (
        (
            "LGBTIQ+ person at risk",
            "Persona LGBTIQ+ en riesgo",
            "Personne LGBTIQ+ en danger",
            "Moun LGBTIQ+ ki an danje",
            "Pessoa LGBTIQ+ em risco",
        ),
        "in danger",
        False,
    ),
    "stateless_undocumented": (
        (
            "Stateless person or without documents",
            "Persona apátrida o sin documentos",
            "Personne apatride ou sans papiers",
            "Moun ki san nasyonalite oswa san papye",
            "Pessoa apátrida ou sem documentos",
        ),
        "",
        False,
    ),
    "stranded": (
        (
            "Stranded migrant",
            "Persona migrante varada",
            "Migrant·e bloqué·e",
            "Migran ki bloke",
            "Migrante retido sem poder seguir",
        ),
        "crisis under way",
        False,
    ),
    "extra_continental": (
        (
            "Extra-continental migrant",
            "Persona migrante extracontinental",
            "Migrant·e extracontinental·e",
            "Migran ki soti andeyò kontinan Amerik la",
            "Migrante extracontinental",
        ),
        "stranded, or without interpretation in a procedure",
        False,
    ),
    "smuggled": (
        (
            "Smuggled migrant",
            "Persona migrante objeto de tráfico ilícito",
            "Migrant·e objet de trafic illicite",
            "Migran yo te fè pase fwontyè an kachèt",
            "Migrante objeto de contrabando",
        ),
        "abandoned in a dangerous place",
        False,
    ),
}

IND, H, C, ST = "individual", "household", "community", "structural"
R, P = "risk", "protective"


def _c(q, op="eq", value="yes", **extra):
    return {"q": q, "op": op, "value": value, **extra}


MINOR = [_c("age", "lt", 18, unknown="ask"), _c("appears_minor")]  # stated or apparent (any of them)
ADULT = _c("age", "gte", 18, unknown="ask")
OLDER = _c("age", "gte", 60, unknown="ask")
MAY_BE_PREGNANT = [_c("sex", "in", ["female", "intersex_other"], unknown="ask"), _c("age", "gte", 10, unknown="ask")]


def Q(
    code, group, section, level, factor, texts, *, kind="yes_no", obs=False, ask_when=(), options=None, max_value=None
):
    return {
        "code": code,
        "group": group,
        "section": section,
        "level": level,
        "factor": factor,
        "kind": kind,
        "observation": obs,
        "ask_when": list(ask_when),
        "options": options or {},
        "max_value": max_value,
        "texts": texts,
    }


# Each question: texts = {language: (question, why we ask)}; options = {value: {language: label}}.
INDICATORS = [
    # --- About you ---
    Q(
        "age",
        None,
        "about_you",
        IND,
        R,
        {
            "en": ("How old are you?", "Children and older people have special protection; we only need the age."),
            "es": (
                "¿Qué edad tiene?",
                "Las niñas, niños y personas mayores tienen protección especial; solo necesitamos la edad.",
            ),
            "fr": (
                "Quel âge avez-vous ?",
                "Les enfants et les personnes âgées ont une protection spéciale ; nous avons seulement besoin de l'âge.",
            ),
            "ht": ("Ki laj ou?", "Timoun ak moun ki aje gen pwoteksyon espesyal; nou bezwen laj la sèlman."),
            "pt": (
                "Quantos anos você tem?",
                "Crianças e pessoas idosas têm proteção especial; só precisamos da idade.",
            ),
        },
        kind="number",
        max_value=130,
    ),
    Q(
        "immediate_danger",
        None,
        "about_you",
        IND,
        R,
        {
            "en": (
                "Do you feel in danger right now, here or where you are staying?",
                "So we can act first on what cannot wait.",
            ),
            "es": (
                "¿Se siente en peligro ahora mismo, aquí o donde se queda?",
                "Para atender primero lo que no puede esperar.",
            ),
            "fr": (
                "Vous sentez-vous en danger en ce moment, ici ou là où vous logez ?",
                "Pour nous occuper d'abord de ce qui ne peut pas attendre.",
            ),
            "ht": (
                "Èske ou santi ou an danje kounye a, isit la oswa kote w ap dòmi an?",
                "Pou nou okipe sa ki pa ka tann anvan.",
            ),
            "pt": (
                "Você se sente em perigo agora, aqui ou onde está hospedado?",
                "Para cuidarmos primeiro do que não pode esperar.",
            ),
        },
    ),
    Q(
        "medical_emergency",
        "urgent_health",
        "about_you",
        IND,
        R,
        {
            "en": ("Do you need to see a doctor today?", "So we can get you medical care now."),
            "es": ("¿Necesita ver a un médico hoy?", "Para conseguirle atención médica ahora."),
            "fr": (
                "Avez-vous besoin de voir un médecin aujourd'hui ?",
                "Pour vous trouver des soins médicaux tout de suite.",
            ),
            "ht": ("Èske ou bezwen wè yon doktè jodi a?", "Pou nou jwenn swen medikal pou ou kounye a."),
            "pt": ("Você precisa ver um médico hoje?", "Para conseguirmos atendimento médico agora."),
        },
    ),
    # --- Language ---
    Q(
        "needs_interpretation",
        None,
        "language",
        IND,
        R,
        {
            "en": (
                "Would you like an interpreter in your language?",
                "Everyone has the right to understand what is said and decided.",
            ),
            "es": (
                "¿Desea un intérprete en su idioma?",
                "Toda persona tiene derecho a entender lo que se dice y se decide.",
            ),
            "fr": (
                "Souhaitez-vous un interprète dans votre langue ?",
                "Toute personne a le droit de comprendre ce qui est dit et décidé.",
            ),
            "ht": (
                "Èske ou ta renmen yon entèprèt nan lang pa w?",
                "Tout moun gen dwa konprann sa yo di ak sa yo deside.",
            ),
            "pt": (
                "Você gostaria de um intérprete no seu idioma?",
                "Toda pessoa tem direito de entender o que é dito e decidido.",
            ),
        },
    ),
    Q(
        "interpretation_language",
        None,
        "language",
        IND,
        R,
        {
            "en": ("In which language?", "So we look for the right interpreter."),
            "es": ("¿En qué idioma?", "Para buscar al intérprete adecuado."),
            "fr": ("Dans quelle langue ?", "Pour chercher le bon interprète."),
            "ht": ("Nan ki lang?", "Pou nou chèche bon entèprèt la."),
            "pt": ("Em qual idioma?", "Para procurarmos o intérprete certo."),
        },
        kind="choice",
        ask_when=[_c("needs_interpretation")],
        options={
            "es": {"en": "Spanish", "es": "Español", "fr": "Espagnol", "ht": "Panyòl", "pt": "Espanhol"},
            "en": {"en": "English", "es": "Inglés", "fr": "Anglais", "ht": "Angle", "pt": "Inglês"},
            "fr": {"en": "French", "es": "Francés", "fr": "Français", "ht": "Franse", "pt": "Francês"},
            "ht": {
                "en": "Haitian Creole",
                "es": "Criollo haitiano",
                "fr": "Créole haïtien",
                "ht": "Kreyòl ayisyen",
                "pt": "Crioulo haitiano",
            },
            "pt": {"en": "Portuguese", "es": "Portugués", "fr": "Portugais", "ht": "Pòtigè", "pt": "Português"},
            "ar": {"en": "Arabic", "es": "Árabe", "fr": "Arabe", "ht": "Arab", "pt": "Árabe"},
            "indigenous": {
                "en": "An indigenous language",
                "es": "Una lengua indígena",
                "fr": "Une langue autochtone",
                "ht": "Yon lang endijèn",
                "pt": "Uma língua indígena",
            },
            "sign": {
                "en": "Sign language",
                "es": "Lengua de señas",
                "fr": "Langue des signes",
                "ht": "Lang siy",
                "pt": "Língua de sinais",
            },
            "other": {
                "en": "Another language",
                "es": "Otro idioma",
                "fr": "Une autre langue",
                "ht": "Yon lòt lang",
                "pt": "Outro idioma",
            },
        },
    ),
    # --- Family and people with you ---
    Q(
        "without_guardian",
        "unaccompanied_child",
        "family",
        H,
        R,
        {
            "en": (
                "Are you travelling without your mother, father or legal guardian?",
                "Children travelling alone have the right to protection by the child protection authority.",
            ),
            "es": (
                "¿Viaja sin su mamá, papá o tutor legal?",
                "Las niñas y niños que viajan solos tienen derecho a la protección de la autoridad de protección de la niñez.",
            ),
            "fr": (
                "Voyages-tu sans ta mère, ton père ou ton tuteur légal ?",
                "Les enfants qui voyagent seuls ont droit à la protection de l'autorité de protection de l'enfance.",
            ),
            "ht": (
                "Èske w ap vwayaje san manman w, papa w oswa gadyen legal ou?",
                "Timoun ki vwayaje poukont yo gen dwa pou otorite ki pwoteje timoun yo pwoteje yo.",
            ),
            "pt": (
                "Você está viajando sem sua mãe, seu pai ou seu responsável legal?",
                "Crianças que viajam sozinhas têm direito à proteção da autoridade de proteção da infância.",
            ),
        },
        ask_when=[MINOR],
    ),
    Q(
        "with_unrelated_adults",
        "unaccompanied_child",
        "family",
        H,
        R,
        {
            "en": (
                "Are the adults you travel with people other than your parents or guardian?",
                "So we know who is responsible for your care.",
            ),
            "es": (
                "¿Los adultos con quienes viaja son personas distintas a sus padres o tutor?",
                "Para saber quién es responsable de su cuidado.",
            ),
            "fr": (
                "Les adultes avec qui tu voyages sont-ils d'autres personnes que tes parents ou ton tuteur ?",
                "Pour savoir qui est responsable de toi.",
            ),
            "ht": (
                "Èske granmoun w ap vwayaje avè yo se lòt moun ki pa paran w ni gadyen w?",
                "Pou nou konnen kiyès ki responsab pou pran swen w.",
            ),
            "pt": (
                "Os adultos com quem você viaja são pessoas diferentes dos seus pais ou responsável?",
                "Para sabermos quem é responsável pelo seu cuidado.",
            ),
        },
        ask_when=[MINOR],
    ),
    Q(
        "travelling_with_children",
        None,
        "family",
        H,
        R,
        {
            "en": (
                "Are children travelling with you?",
                "Children who travel with you also have rights to protection and care.",
            ),
            "es": (
                "¿Viajan niñas o niños con usted?",
                "Las niñas y niños que viajan con usted también tienen derecho a protección y cuidado.",
            ),
            "fr": (
                "Des enfants voyagent-ils avec vous ?",
                "Les enfants qui voyagent avec vous ont aussi droit à la protection et aux soins.",
            ),
            "ht": (
                "Èske gen timoun k ap vwayaje avè w?",
                "Timoun k ap vwayaje avè w yo gen dwa pou yo pwoteje yo e pran swen yo tou.",
            ),
            "pt": (
                "Há crianças viajando com você?",
                "As crianças que viajam com você também têm direito a proteção e cuidado.",
            ),
        },
    ),
    Q(
        "dependants",
        None,
        "family",
        H,
        R,
        {
            "en": (
                "Is an adult who depends on you for care travelling with you?",
                "So that help reaches everyone in your family.",
            ),
            "es": (
                "¿Viaja con usted una persona adulta que depende de usted para su cuidado?",
                "Para que la ayuda llegue a toda su familia.",
            ),
            "fr": (
                "Un adulte qui dépend de vous pour ses soins voyage-t-il avec vous ?",
                "Pour que l'aide arrive à toute votre famille.",
            ),
            "ht": (
                "Èske gen yon granmoun ki depann de ou pou swen l k ap vwayaje avè w?",
                "Pou èd la rive jwenn tout fanmi w.",
            ),
            "pt": (
                "Viaja com você um adulto que depende de você para cuidados?",
                "Para que a ajuda chegue a toda a sua família.",
            ),
        },
    ),
    Q(
        "sole_caregiver",
        None,
        "family",
        H,
        R,
        {
            "en": (
                "Are you the only adult caring for them?",
                "A person caring alone for others may need more support.",
            ),
            "es": (
                "¿Es usted la única persona adulta que los cuida?",
                "Quien cuida sola o solo a otras personas puede necesitar más apoyo.",
            ),
            "fr": (
                "Êtes-vous le seul adulte à vous occuper d'eux ?",
                "Une personne qui s'occupe seule d'autres personnes peut avoir besoin de plus de soutien.",
            ),
            "ht": (
                "Èske se ou menm sèl granmoun k ap okipe yo?",
                "Yon moun k ap okipe lòt moun poukont li ka bezwen plis sipò.",
            ),
            "pt": (
                "Você é o único adulto que cuida deles?",
                "Quem cuida sozinho de outras pessoas pode precisar de mais apoio.",
            ),
        },
        ask_when=[[_c("travelling_with_children"), _c("dependants")]],
    ),
    Q(
        "family_support",
        None,
        "family",
        H,
        P,
        {
            "en": (
                "Do you have family or friends here who support you?",
                "Support from people you trust protects you.",
            ),
            "es": ("¿Tiene familia o amistades aquí que le apoyan?", "El apoyo de personas de confianza le protege."),
            "fr": (
                "Avez-vous ici de la famille ou des amis qui vous soutiennent ?",
                "Le soutien de personnes de confiance vous protège.",
            ),
            "ht": ("Èske ou gen fanmi oswa zanmi isit la ki ba w sipò?", "Sipò moun ou fè konfyans pwoteje w."),
            "pt": ("Você tem família ou amigos aqui que te apoiam?", "O apoio de pessoas de confiança protege você."),
        },
    ),
    Q(
        "travelling_alone",
        "older_person",
        "family",
        H,
        R,
        {
            "en": ("Are you travelling without family or friends?", "So we know whether someone is with you."),
            "es": ("¿Viaja sin familia ni amistades?", "Para saber si alguien le acompaña."),
            "fr": ("Voyagez-vous sans famille ni amis ?", "Pour savoir si quelqu'un est avec vous."),
            "ht": ("Èske w ap vwayaje san fanmi ni zanmi?", "Pou nou konnen si gen yon moun avè w."),
            "pt": ("Você está viajando sem família nem amigos?", "Para sabermos se alguém está com você."),
        },
        ask_when=[OLDER],
    ),
    Q(
        "needs_daily_care",
        "older_person",
        "family",
        H,
        R,
        {
            "en": ("Do you need someone's help for daily care?", "So we know whether you need a carer."),
            "es": ("¿Necesita ayuda de alguien para su cuidado diario?", "Para saber si necesita quien le cuide."),
            "fr": (
                "Avez-vous besoin de l'aide de quelqu'un pour les soins de tous les jours ?",
                "Pour savoir si vous avez besoin d'une personne pour s'occuper de vous.",
            ),
            "ht": (
                "Èske ou bezwen èd yon moun pou swen chak jou?",
                "Pou nou konnen si ou bezwen yon moun pou okipe w.",
            ),
            "pt": (
                "Você precisa da ajuda de alguém para os cuidados do dia a dia?",
                "Para sabermos se você precisa de um cuidador.",
            ),
        },
        ask_when=[OLDER],
    ),
    # --- Health ---
    Q(
        "chronic_no_medicine",
        "urgent_health",
        "health",
        IND,
        R,
        {
            "en": (
                "Do you have an illness that needs medicine you do not have now?",
                "So we can find a clinic or the medicine.",
            ),
            "es": (
                "¿Tiene una enfermedad que necesita un medicamento que ahora no tiene?",
                "Para buscar una clínica o el medicamento.",
            ),
            "fr": (
                "Avez-vous une maladie qui demande un médicament que vous n'avez pas en ce moment ?",
                "Pour trouver une clinique ou le médicament.",
            ),
            "ht": (
                "Èske ou gen yon maladi ki bezwen yon medikaman ou pa genyen kounye a?",
                "Pou nou jwenn yon klinik oswa medikaman an.",
            ),
            "pt": (
                "Você tem uma doença que precisa de um remédio que não tem agora?",
                "Para encontrarmos uma clínica ou o remédio.",
            ),
        },
    ),
    Q(
        "pregnant",
        "urgent_health",
        "health",
        IND,
        R,
        {
            "en": ("Are you pregnant?", "Pregnant women have a right to prenatal care."),
            "es": ("¿Está embarazada?", "Las mujeres embarazadas tienen derecho a atención prenatal."),
            "fr": ("Êtes-vous enceinte ?", "Les femmes enceintes ont droit aux soins prénatals."),
            "ht": ("Èske ou ansent?", "Fanm ansent gen dwa pou swen prenatal."),
            "pt": ("Você está grávida?", "Gestantes têm direito ao pré-natal."),
        },
        ask_when=MAY_BE_PREGNANT,
    ),
    Q(
        "pregnancy_late",
        "urgent_health",
        "health",
        IND,
        R,
        {
            "en": (
                "Are you seven months pregnant or more?",
                "Late in pregnancy, travelling is riskier and a check-up cannot wait.",
            ),
            "es": (
                "¿Tiene siete meses de embarazo o más?",
                "Al final del embarazo viajar es más riesgoso y la revisión no puede esperar.",
            ),
            "fr": (
                "Êtes-vous enceinte de sept mois ou plus ?",
                "En fin de grossesse, voyager est plus risqué et un contrôle ne peut pas attendre.",
            ),
            "ht": (
                "Èske ou ansent sèt mwa oswa plis?",
                "Nan dènye mwa gwosès yo, vwayaje pi danjere e yon konsiltasyon pa ka tann.",
            ),
            "pt": (
                "Você está com sete meses de gravidez ou mais?",
                "No fim da gravidez, viajar é mais arriscado e a consulta não pode esperar.",
            ),
        },
        ask_when=[_c("pregnant")],
    ),
    Q(
        "disability",
        "disability",
        "health",
        IND,
        R,
        {
            "en": (
                "Do you have a disability or a lasting difficulty with daily activities?",
                "So services can be accessible to you.",
            ),
            "es": (
                "¿Tiene una discapacidad o una dificultad permanente para las actividades diarias?",
                "Para que los servicios le sean accesibles.",
            ),
            "fr": (
                "Avez-vous un handicap ou une difficulté durable dans les activités de tous les jours ?",
                "Pour que les services vous soient accessibles.",
            ),
            "ht": (
                "Èske ou gen yon andikap oswa yon difikilte ki dire pou fè aktivite chak jou?",
                "Pou sèvis yo ka aksesib pou ou.",
            ),
            "pt": (
                "Você tem uma deficiência ou uma dificuldade permanente nas atividades diárias?",
                "Para que os serviços sejam acessíveis a você.",
            ),
        },
    ),
    Q(
        "disability_type",
        "disability",
        "health",
        IND,
        R,
        {
            "en": (
                "What kind of difficulty?",
                "So the help fits: a ramp, a sign-language interpreter, written information…",
            ),
            "es": (
                "¿Qué tipo de dificultad?",
                "Para que la ayuda sea adecuada: una rampa, un intérprete de señas, información escrita…",
            ),
            "fr": (
                "Quel type de difficulté ?",
                "Pour que l'aide soit adaptée : une rampe, un interprète en langue des signes, une information écrite…",
            ),
            "ht": ("Ki kalite difikilte?", "Pou èd la bon pou ou: yon ranp, yon entèprèt lang siy, enfòmasyon ekri…"),
            "pt": (
                "Que tipo de dificuldade?",
                "Para que a ajuda seja adequada: uma rampa, um intérprete de sinais, informação escrita…",
            ),
        },
        kind="multi",
        ask_when=[_c("disability")],
        options={
            "mobility": {
                "en": "Walking or moving",
                "es": "Caminar o moverse",
                "fr": "Marcher ou se déplacer",
                "ht": "Mache oswa deplase",
                "pt": "Andar ou se mover",
            },
            "seeing": {"en": "Seeing", "es": "Ver", "fr": "Voir", "ht": "Wè", "pt": "Enxergar"},
            "hearing": {"en": "Hearing", "es": "Oír", "fr": "Entendre", "ht": "Tande", "pt": "Ouvir"},
            "communicating": {
                "en": "Speaking or communicating",
                "es": "Hablar o comunicarse",
                "fr": "Parler ou communiquer",
                "ht": "Pale oswa kominike",
                "pt": "Falar ou se comunicar",
            },
            "intellectual": {
                "en": "Learning or understanding",
                "es": "Aprender o comprender",
                "fr": "Apprendre ou comprendre",
                "ht": "Aprann oswa konprann",
                "pt": "Aprender ou compreender",
            },
            "psychosocial": {
                "en": "Mental health (psychosocial)",
                "es": "Salud mental (psicosocial)",
                "fr": "Santé mentale (psychosociale)",
                "ht": "Sante mantal (psikososyal)",
                "pt": "Saúde mental (psicossocial)",
            },
        },
    ),
    Q(
        "without_device",
        "disability",
        "health",
        H,
        R,
        {
            "en": (
                "Are you without a device you need, such as a wheelchair, glasses or a hearing aid?",
                "So we can replace what you lost.",
            ),
            "es": (
                "¿Está sin un aparato que necesita, como silla de ruedas, lentes o audífono?",
                "Para reponer lo que perdió.",
            ),
            "fr": (
                "Êtes-vous sans un appareil dont vous avez besoin, comme un fauteuil roulant, des lunettes ou un appareil auditif ?",
                "Pour remplacer ce que vous avez perdu.",
            ),
            "ht": (
                "Èske ou san yon aparèy ou bezwen, tankou yon chèz woulant, linèt oswa yon aparèy pou tande?",
                "Pou nou ranplase sa ou pèdi.",
            ),
            "pt": (
                "Você está sem um aparelho de que precisa, como cadeira de rodas, óculos ou aparelho auditivo?",
                "Para repormos o que você perdeu.",
            ),
        },
        ask_when=[_c("disability")],
    ),
    Q(
        "without_carer",
        "disability",
        "health",
        H,
        R,
        {
            "en": ("Are you without the person who usually helps you?", "So we can find someone to help you."),
            "es": ("¿Está sin la persona que normalmente le ayuda?", "Para buscar a alguien que le ayude."),
            "fr": ("Êtes-vous sans la personne qui vous aide d'habitude ?", "Pour trouver quelqu'un qui vous aide."),
            "ht": ("Èske ou san moun ki konn ede w la?", "Pou nou jwenn yon moun ki ka ede w."),
            "pt": ("Você está sem a pessoa que normalmente te ajuda?", "Para encontrarmos alguém que te ajude."),
        },
        ask_when=[_c("disability")],
    ),
    # --- The journey ---
    Q(
        "robbed_in_transit",
        "crime_in_transit",
        "journey",
        C,
        R,
        {
            "en": (
                "During the journey, were you robbed?",
                "Victims of crime have rights to care and to report, if they wish.",
            ),
            "es": (
                "Durante el viaje, ¿le robaron?",
                "Las víctimas de delitos tienen derecho a atención y a denunciar, si así lo desean.",
            ),
            "fr": (
                "Pendant le trajet, avez-vous été volé·e ?",
                "Les victimes de délits ont droit à une aide et peuvent porter plainte si elles le veulent.",
            ),
            "ht": (
                "Pandan vwayaj la, èske yo te vòlè w?",
                "Viktim krim gen dwa pou yo jwenn swen e pou yo fè plent si yo vle.",
            ),
            "pt": (
                "Durante a viagem, você foi roubado?",
                "Vítimas de crimes têm direito a atendimento e a denunciar, se quiserem.",
            ),
        },
    ),
    Q(
        "kidnapped_in_transit",
        "crime_in_transit",
        "journey",
        C,
        R,
        {
            "en": (
                "During the journey, were you kidnapped or held against your will?",
                "Victims of crime have rights to care and to report, if they wish.",
            ),
            "es": (
                "Durante el viaje, ¿le secuestraron o retuvieron contra su voluntad?",
                "Las víctimas de delitos tienen derecho a atención y a denunciar, si así lo desean.",
            ),
            "fr": (
                "Pendant le trajet, avez-vous été enlevé·e ou retenu·e contre votre volonté ?",
                "Les victimes de délits ont droit à une aide et peuvent porter plainte si elles le veulent.",
            ),
            "ht": (
                "Pandan vwayaj la, èske yo te kidnape w oswa kenbe w kont volonte w?",
                "Viktim krim gen dwa pou yo jwenn swen e pou yo fè plent si yo vle.",
            ),
            "pt": (
                "Durante a viagem, você foi sequestrado ou mantido contra a sua vontade?",
                "Vítimas de crimes têm direito a atendimento e a denunciar, se quiserem.",
            ),
        },
    ),
    Q(
        "extorted_in_transit",
        "crime_in_transit",
        "journey",
        C,
        R,
        {
            "en": (
                "During the journey, were you forced to pay money under threat?",
                "Victims of crime have rights to care and to report, if they wish.",
            ),
            "es": (
                "Durante el viaje, ¿le obligaron a pagar dinero con amenazas?",
                "Las víctimas de delitos tienen derecho a atención y a denunciar, si así lo desean.",
            ),
            "fr": (
                "Pendant le trajet, vous a-t-on forcé·e à payer sous la menace ?",
                "Les victimes de délits ont droit à une aide et peuvent porter plainte si elles le veulent.",
            ),
            "ht": (
                "Pandan vwayaj la, èske yo te fòse w peye lajan anba menas?",
                "Viktim krim gen dwa pou yo jwenn swen e pou yo fè plent si yo vle.",
            ),
            "pt": (
                "Durante a viagem, você foi obrigado a pagar dinheiro sob ameaça?",
                "Vítimas de crimes têm direito a atendimento e a denunciar, se quiserem.",
            ),
        },
    ),
    Q(
        "attacked_in_transit",
        "crime_in_transit",
        "journey",
        C,
        R,
        {
            "en": (
                "During the journey, were you beaten or physically attacked?",
                "Victims of crime have rights to care and to report, if they wish.",
            ),
            "es": (
                "Durante el viaje, ¿le golpearon o agredieron físicamente?",
                "Las víctimas de delitos tienen derecho a atención y a denunciar, si así lo desean.",
            ),
            "fr": (
                "Pendant le trajet, avez-vous été frappé·e ou agressé·e physiquement ?",
                "Les victimes de délits ont droit à une aide et peuvent porter plainte si elles le veulent.",
            ),
            "ht": (
                "Pandan vwayaj la, èske yo te bat ou oswa atake w?",
                "Viktim krim gen dwa pou yo jwenn swen e pou yo fè plent si yo vle.",
            ),
            "pt": (
                "Durante a viagem, você foi espancado ou agredido fisicamente?",
                "Vítimas de crimes têm direito a atendimento e a denunciar, se quiserem.",
            ),
        },
    ),
    Q(
        "sexual_violence",
        "sgbv",
        "journey",
        IND,
        R,
        {
            "en": (
                "Has someone hurt you sexually or forced you into a sexual act?",
                "It is confidential; there is medical and psychological care for you.",
            ),
            "es": (
                "¿Alguien le hizo daño sexualmente o le obligó a un acto sexual?",
                "Es confidencial; hay atención médica y psicológica para usted.",
            ),
            "fr": (
                "Quelqu'un vous a-t-il fait du mal sexuellement ou forcé·e à un acte sexuel ?",
                "C'est confidentiel ; il existe des soins médicaux et psychologiques pour vous.",
            ),
            "ht": (
                "Èske yon moun te fè w mal seksyèlman oswa fòse w fè yon zak seksyèl?",
                "Sa rete konfidansyèl; gen swen medikal ak sikolojik pou ou.",
            ),
            "pt": (
                "Alguém te machucou sexualmente ou te obrigou a um ato sexual?",
                "É confidencial; há atendimento médico e psicológico para você.",
            ),
        },
    ),
    Q(
        "sexual_violence_hours",
        "sgbv",
        "journey",
        IND,
        R,
        {
            "en": (
                "About how many hours ago did it happen? (an estimate is enough)",
                "Within 72 hours, medicine can prevent HIV and pregnancy: every hour counts.",
            ),
            "es": (
                "¿Hace cuántas horas, más o menos, ocurrió? (basta un cálculo)",
                "Dentro de 72 horas, hay medicamentos que previenen el VIH y el embarazo: cada hora cuenta.",
            ),
            "fr": (
                "Il y a environ combien d'heures cela s'est-il passé ? (une estimation suffit)",
                "Dans les 72 heures, des médicaments peuvent éviter le VIH et une grossesse : chaque heure compte.",
            ),
            "ht": (
                "Apeprè konbyen èdtan sa genyen depi sa te rive? (yon estimasyon ase)",
                "Anvan 72 èdtan pase, gen medikaman ki ka anpeche VIH ak gwosès: chak èdtan konte.",
            ),
            "pt": (
                "Há mais ou menos quantas horas isso aconteceu? (uma estimativa basta)",
                "Em até 72 horas, há remédios que previnem o HIV e a gravidez: cada hora conta.",
            ),
        },
        kind="number",
        max_value=8760,
        ask_when=[_c("sexual_violence")],
    ),
    Q(
        "gender_violence",
        "sgbv",
        "journey",
        IND,
        R,
        {
            "en": ("Has someone hurt you because of your gender?", "There are safe places and confidential support."),
            "es": ("¿Alguien le ha hecho daño por su género?", "Hay lugares seguros y apoyo confidencial."),
            "fr": (
                "Quelqu'un vous a-t-il fait du mal à cause de votre genre ?",
                "Il existe des lieux sûrs et un soutien confidentiel.",
            ),
            "ht": (
                "Èske yon moun te fè w mal poutèt sèks ou oswa jan ou ye?",
                "Gen kote ki an sekirite ak sipò konfidansyèl.",
            ),
            "pt": ("Alguém te machucou por causa do seu gênero?", "Há lugares seguros e apoio confidencial."),
        },
    ),
    Q(
        "fears_partner",
        "sgbv",
        "journey",
        IND,
        R,
        {
            "en": ("Are you afraid of a partner or former partner?", "There are safe places and confidential support."),
            "es": ("¿Tiene miedo de una pareja o expareja?", "Hay lugares seguros y apoyo confidencial."),
            "fr": (
                "Avez-vous peur d'un ou d'une partenaire, actuel ou ancien ?",
                "Il existe des lieux sûrs et un soutien confidentiel.",
            ),
            "ht": (
                "Èske ou pè mennaj ou, mari ou, madanm ou oswa ansyen moun ou te avè l?",
                "Gen kote ki an sekirite ak sipò konfidansyèl.",
            ),
            "pt": ("Você tem medo de um parceiro ou ex-parceiro?", "Há lugares seguros e apoio confidencial."),
        },
    ),
    Q(
        "lgbtiq_violence",
        "lgbtiq",
        "journey",
        C,
        R,
        {
            "en": (
                "Have you faced discrimination or violence because of who you love or your gender identity?",
                "There are services that are safe for LGBTIQ+ people; answering is optional.",
            ),
            "es": (
                "¿Ha sufrido discriminación o violencia por a quién ama o por su identidad de género?",
                "Hay servicios seguros para personas LGBTIQ+; responder es opcional.",
            ),
            "fr": (
                "Avez-vous subi de la discrimination ou de la violence à cause de qui vous aimez ou de votre identité de genre ?",
                "Il existe des services sûrs pour les personnes LGBTIQ+ ; répondre est facultatif.",
            ),
            "ht": (
                "Èske yo te diskrimine w oswa fè w vyolans poutèt moun ou renmen oswa idantite jan ou?",
                "Gen sèvis ki an sekirite pou moun LGBTIQ+; ou pa oblije reponn.",
            ),
            "pt": (
                "Você sofreu discriminação ou violência por causa de quem você ama ou da sua identidade de gênero?",
                "Há serviços seguros para pessoas LGBTIQ+; responder é opcional.",
            ),
        },
    ),
    Q(
        "paid_smuggler",
        "smuggled",
        "journey",
        IND,
        R,
        {
            "en": (
                "Did you pay someone to take you across borders?",
                "Smuggled migrants are not punished for it; it helps us understand the risks.",
            ),
            "es": (
                "¿Pagó a alguien para cruzar fronteras?",
                "A las personas migrantes no se les castiga por ello; nos ayuda a entender los riesgos.",
            ),
            "fr": (
                "Avez-vous payé quelqu'un pour passer des frontières ?",
                "Les migrants ne sont pas punis pour cela ; cela nous aide à comprendre les risques.",
            ),
            "ht": (
                "Èske ou te peye yon moun pou fè w travèse fwontyè?",
                "Yo pa pini migran pou sa; sa ede nou konprann risk yo.",
            ),
            "pt": (
                "Você pagou alguém para atravessar fronteiras?",
                "Migrantes não são punidos por isso; isso nos ajuda a entender os riscos.",
            ),
        },
    ),
    Q(
        "abandoned_by_smuggler",
        "smuggled",
        "journey",
        C,
        R,
        {
            "en": ("Did the people taking you leave you behind on the way?", "So we can protect you from them."),
            "es": ("¿Quienes le trasladaban le abandonaron en el camino?", "Para protegerle de ellos."),
            "fr": (
                "Les personnes qui vous transportaient vous ont-elles abandonné·e en route ?",
                "Pour vous protéger d'eux.",
            ),
            "ht": ("Èske moun ki t ap mennen w yo te lage w nan wout la?", "Pou nou pwoteje w kont yo."),
            "pt": ("As pessoas que te levavam te abandonaram no caminho?", "Para protegermos você deles."),
        },
    ),
    Q(
        "held_by_smuggler",
        "smuggled",
        "journey",
        C,
        R,
        {
            "en": (
                "Did the people taking you keep you locked up or ask for more money?",
                "So we can protect you from them.",
            ),
            "es": ("¿Quienes le trasladaban le encerraron o le pidieron más dinero?", "Para protegerle de ellos."),
            "fr": (
                "Les personnes qui vous transportaient vous ont-elles enfermé·e ou demandé plus d'argent ?",
                "Pour vous protéger d'eux.",
            ),
            "ht": ("Èske moun ki t ap mennen w yo te fèmen w oswa mande w plis lajan?", "Pou nou pwoteje w kont yo."),
            "pt": ("As pessoas que te levavam te prenderam ou pediram mais dinheiro?", "Para protegermos você deles."),
        },
    ),
    Q(
        "cannot_move",
        "stranded",
        "journey",
        ST,
        R,
        {
            "en": (
                "Are you unable either to continue your journey or to go back?",
                "So we can look at return or support options with you.",
            ),
            "es": (
                "¿No puede ni continuar su viaje ni regresar?",
                "Para revisar con usted opciones de retorno o apoyo.",
            ),
            "fr": (
                "Êtes-vous dans l'impossibilité de continuer votre voyage comme de rentrer ?",
                "Pour voir avec vous les possibilités de retour ou de soutien.",
            ),
            "ht": (
                "Èske ou pa ka ni kontinye vwayaj ou ni tounen?",
                "Pou nou gade avè w ki posiblite retou oswa sipò ki genyen.",
            ),
            "pt": (
                "Você não consegue nem continuar a viagem nem voltar?",
                "Para vermos com você opções de retorno ou de apoio.",
            ),
        },
    ),
    Q(
        "affected_by_crisis",
        "stranded",
        "journey",
        ST,
        R,
        {
            "en": (
                "Are you affected by a disaster or emergency where you are?",
                "So we can include you in the response.",
            ),
            "es": ("¿Le afecta un desastre o emergencia donde se encuentra?", "Para incluirle en la respuesta."),
            "fr": (
                "Êtes-vous touché·e par une catastrophe ou une urgence là où vous êtes ?",
                "Pour vous inclure dans l'aide.",
            ),
            "ht": ("Èske yon dezas oswa yon ijans kote ou ye a afekte w?", "Pou nou mete w nan repons lan."),
            "pt": ("Você foi afetado por um desastre ou emergência onde está?", "Para incluirmos você na resposta."),
        },
    ),
    # --- Before you left ---
    Q(
        "fears_return",
        "international_protection",
        "before_leaving",
        ST,
        R,
        {
            "en": (
                "Are you afraid of what could happen to you if you went back to your country?",
                "People who fear returning may have the right to international protection.",
            ),
            "es": (
                "¿Tiene miedo de lo que podría pasarle si regresara a su país?",
                "Las personas que temen regresar pueden tener derecho a protección internacional.",
            ),
            "fr": (
                "Avez-vous peur de ce qui pourrait vous arriver si vous retourniez dans votre pays ?",
                "Les personnes qui craignent de rentrer peuvent avoir droit à une protection internationale.",
            ),
            "ht": (
                "Èske ou pè sa ki ka rive w si ou ta tounen nan peyi w?",
                "Moun ki pè tounen ka gen dwa pou pwoteksyon entènasyonal.",
            ),
            "pt": (
                "Você tem medo do que poderia te acontecer se voltasse ao seu país?",
                "Pessoas que temem voltar podem ter direito à proteção internacional.",
            ),
        },
    ),
    Q(
        "threats_persecution",
        "international_protection",
        "before_leaving",
        ST,
        R,
        {
            "en": ("Were you threatened or persecuted before you left?", "You do not need to give details now."),
            "es": ("¿Le amenazaron o persiguieron antes de salir?", "No necesita dar detalles ahora."),
            "fr": (
                "Avez-vous été menacé·e ou persécuté·e avant de partir ?",
                "Vous n'avez pas besoin de donner de détails maintenant.",
            ),
            "ht": ("Èske yo te menase w oswa pèsekite w anvan ou te pati?", "Ou pa bezwen bay detay kounye a."),
            "pt": ("Você foi ameaçado ou perseguido antes de sair?", "Você não precisa dar detalhes agora."),
        },
    ),
    Q(
        "forced_recruitment",
        "international_protection",
        "before_leaving",
        ST,
        R,
        {
            "en": ("Did a gang or armed group try to force you to join it?", "You do not need to give details now."),
            "es": ("¿Una pandilla o grupo armado intentó obligarle a unirse?", "No necesita dar detalles ahora."),
            "fr": (
                "Un gang ou un groupe armé a-t-il essayé de vous forcer à le rejoindre ?",
                "Vous n'avez pas besoin de donner de détails maintenant.",
            ),
            "ht": (
                "Èske yon gang oswa yon gwoup ame te eseye fòse w antre ladan l?",
                "Ou pa bezwen bay detay kounye a.",
            ),
            "pt": (
                "Uma gangue ou grupo armado tentou obrigar você a se juntar a ele?",
                "Você não precisa dar detalhes agora.",
            ),
        },
    ),
    Q(
        "extortion_home",
        "international_protection",
        "before_leaving",
        ST,
        R,
        {
            "en": ("Were you made to pay extortion money before you left?", "You do not need to give details now."),
            "es": ("¿Le obligaban a pagar extorsión antes de salir?", "No necesita dar detalles ahora."),
            "fr": (
                "Vous obligeait-on à payer de l'argent (extorsion) avant votre départ ?",
                "Vous n'avez pas besoin de donner de détails maintenant.",
            ),
            "ht": ("Èske yo te fòse w peye lajan (rakèt) anvan ou te pati?", "Ou pa bezwen bay detay kounye a."),
            "pt": ("Obrigavam você a pagar extorsão antes de sair?", "Você não precisa dar detalhes agora."),
        },
    ),
    Q(
        "relatives_harmed",
        "international_protection",
        "before_leaving",
        H,
        R,
        {
            "en": (
                "Have members of your family been harmed because of the same threat?",
                "You do not need to give details now.",
            ),
            "es": ("¿Han dañado a miembros de su familia por la misma amenaza?", "No necesita dar detalles ahora."),
            "fr": (
                "Des membres de votre famille ont-ils subi des violences à cause de la même menace ?",
                "Vous n'avez pas besoin de donner de détails maintenant.",
            ),
            "ht": ("Èske yo te fè moun nan fanmi w mal poutèt menm menas la?", "Ou pa bezwen bay detay kounye a."),
            "pt": (
                "Membros da sua família foram feridos por causa da mesma ameaça?",
                "Você não precisa dar detalhes agora.",
            ),
        },
    ),
    # --- Work and money ---
    Q(
        "deceived_recruitment",
        "trafficking",
        "work",
        IND,
        R,
        {
            "en": (
                "Were you promised a job that turned out to be different?",
                "Some people are deceived on the way; there is help for them.",
            ),
            "es": (
                "¿Le prometieron un trabajo que resultó ser diferente?",
                "A algunas personas las engañan en el camino; hay ayuda para ellas.",
            ),
            "fr": (
                "Vous a-t-on promis un travail qui s'est révélé différent ?",
                "Certaines personnes sont trompées en chemin ; il existe de l'aide pour elles.",
            ),
            "ht": (
                "Èske yo te pwomèt ou yon travay ki te vin diferan?",
                "Gen moun yo twonpe sou wout la; gen èd pou yo.",
            ),
            "pt": (
                "Prometeram a você um trabalho que acabou sendo diferente?",
                "Algumas pessoas são enganadas no caminho; há ajuda para elas.",
            ),
        },
    ),
    Q(
        "debt_to_recruiter",
        "trafficking",
        "work",
        IND,
        R,
        {
            "en": (
                "Do you owe money to the person who arranged your trip?",
                "Debts can be used to control people; you can get advice.",
            ),
            "es": (
                "¿Debe dinero a quien organizó su viaje?",
                "Las deudas pueden usarse para controlar a las personas; puede recibir orientación.",
            ),
            "fr": (
                "Devez-vous de l'argent à la personne qui a organisé votre voyage ?",
                "Les dettes peuvent servir à contrôler les personnes ; vous pouvez recevoir des conseils.",
            ),
            "ht": (
                "Èske ou dwe moun ki te òganize vwayaj ou a lajan?",
                "Yo ka sèvi ak dèt pou kontwole moun; ou ka jwenn konsèy.",
            ),
            "pt": (
                "Você deve dinheiro a quem organizou a sua viagem?",
                "Dívidas podem ser usadas para controlar pessoas; você pode receber orientação.",
            ),
        },
    ),
    Q(
        "documents_held",
        "trafficking",
        "work",
        IND,
        R,
        {
            "en": (
                "Does someone else keep your identity documents?",
                "Your documents are yours; we can help you recover them.",
            ),
            "es": (
                "¿Alguien más guarda sus documentos de identidad?",
                "Sus documentos son suyos; podemos ayudarle a recuperarlos.",
            ),
            "fr": (
                "Quelqu'un d'autre garde-t-il vos papiers d'identité ?",
                "Vos papiers vous appartiennent ; nous pouvons vous aider à les récupérer.",
            ),
            "ht": ("Èske se yon lòt moun ki kenbe papye idantite w?", "Papye w se pou ou; nou ka ede w jwenn yo ankò."),
            "pt": (
                "Outra pessoa guarda os seus documentos de identidade?",
                "Os seus documentos são seus; podemos ajudar você a recuperá-los.",
            ),
        },
    ),
    Q(
        "not_free_to_leave",
        "trafficking",
        "work",
        IND,
        R,
        {
            "en": ("Is anyone stopping you from leaving where you live or work?", "So we can make sure you are safe."),
            "es": ("¿Alguien le impide salir de donde vive o trabaja?", "Para asegurarnos de que esté a salvo."),
            "fr": (
                "Quelqu'un vous empêche-t-il de quitter l'endroit où vous vivez ou travaillez ?",
                "Pour nous assurer que vous êtes en sécurité.",
            ),
            "ht": (
                "Èske gen yon moun k ap anpeche w soti kote w ap viv oswa travay la?",
                "Pou nou asire nou ou an sekirite.",
            ),
            "pt": ("Alguém impede você de sair de onde mora ou trabalha?", "Para garantirmos que você está seguro."),
        },
    ),
    Q(
        "wages_withheld",
        "trafficking",
        "work",
        IND,
        R,
        {
            "en": ("Has someone kept the pay for your work?", "You have labour rights whatever your status."),
            "es": (
                "¿Alguien se ha quedado con el pago de su trabajo?",
                "Usted tiene derechos laborales, sin importar su situación migratoria.",
            ),
            "fr": (
                "Quelqu'un a-t-il gardé le salaire de votre travail ?",
                "Vous avez des droits au travail, quelle que soit votre situation.",
            ),
            "ht": ("Èske yon moun te kenbe lajan travay ou?", "Ou gen dwa kòm travayè, kèlkeswa sitiyasyon w."),
            "pt": (
                "Alguém ficou com o pagamento do seu trabalho?",
                "Você tem direitos trabalhistas, seja qual for a sua situação.",
            ),
        },
    ),
    # --- Documents and nationality ---
    Q(
        "no_documents",
        "stateless_undocumented",
        "documents",
        ST,
        R,
        {
            "en": (
                "Are you without identity documents (lost, stolen or never had them)?",
                "Your consulate or the civil registry can help with documents.",
            ),
            "es": (
                "¿Está sin documentos de identidad (perdidos, robados o nunca los tuvo)?",
                "Su consulado o el registro civil pueden ayudar con documentos.",
            ),
            "fr": (
                "Êtes-vous sans papiers d'identité (perdus, volés ou jamais eus) ?",
                "Votre consulat ou l'état civil peuvent aider pour les papiers.",
            ),
            "ht": (
                "Èske ou san papye idantite (pèdi, yo vòlè yo oswa ou pa t janm genyen)?",
                "Konsila w oswa biwo eta sivil ka ede w ak papye.",
            ),
            "pt": (
                "Você está sem documentos de identidade (perdidos, roubados ou nunca teve)?",
                "O seu consulado ou o registro civil podem ajudar com documentos.",
            ),
        },
    ),
    Q(
        "no_nationality",
        "stateless_undocumented",
        "documents",
        ST,
        R,
        {
            "en": ("Does no country recognise you as its national?", "Stateless people have specific protection."),
            "es": (
                "¿Ningún país le reconoce como su nacional?",
                "Las personas apátridas tienen protección específica.",
            ),
            "fr": (
                "Aucun pays ne vous reconnaît-il comme son ressortissant ?",
                "Les personnes apatrides ont une protection particulière.",
            ),
            "ht": (
                "Èske pa gen okenn peyi ki rekonèt ou kòm sitwayen li?",
                "Moun ki san nasyonalite gen yon pwoteksyon espesyal.",
            ),
            "pt": ("Nenhum país reconhece você como seu nacional?", "Pessoas apátridas têm proteção específica."),
        },
    ),
    Q(
        "no_birth_registration",
        "stateless_undocumented",
        "documents",
        ST,
        R,
        {
            "en": (
                "Were you never registered at birth?",
                "Without a birth record it is hard to prove a nationality; there is help.",
            ),
            "es": (
                "¿Nunca le registraron al nacer?",
                "Sin registro de nacimiento es difícil probar una nacionalidad; hay ayuda.",
            ),
            "fr": (
                "N'avez-vous jamais été déclaré·e à la naissance ?",
                "Sans acte de naissance, il est difficile de prouver une nationalité ; il existe de l'aide.",
            ),
            "ht": (
                "Èske yo pa t janm deklare w lè ou te fèt?",
                "San batistè li difisil pou pwouve nasyonalite w; gen èd.",
            ),
            "pt": (
                "Você nunca foi registrado ao nascer?",
                "Sem registro de nascimento é difícil provar uma nacionalidade; há ajuda.",
            ),
        },
    ),
    # --- Support and next steps ---
    Q(
        "safe_place_tonight",
        None,
        "support",
        C,
        P,
        {
            "en": ("Do you have a safe place to sleep tonight?", "If not, we look for a shelter with free places."),
            "es": ("¿Tiene un lugar seguro para dormir esta noche?", "Si no, buscamos un albergue con lugares libres."),
            "fr": (
                "Avez-vous un endroit sûr pour dormir cette nuit ?",
                "Sinon, nous cherchons un refuge avec des places libres.",
            ),
            "ht": (
                "Èske ou gen yon kote ki an sekirite pou dòmi aswè a?",
                "Si ou pa genyen, n ap chèche yon abri ki gen plas.",
            ),
            "pt": ("Você tem um lugar seguro para dormir esta noite?", "Se não, procuramos um abrigo com vagas."),
        },
    ),
    Q(
        "can_contact_consulate",
        None,
        "support",
        ST,
        P,
        {
            "en": (
                "Can you contact your consulate if you want to?",
                "Consular assistance is your right; contacting it is your choice.",
            ),
            "es": (
                "¿Puede contactar a su consulado si así lo desea?",
                "La asistencia consular es su derecho; contactarla es su decisión.",
            ),
            "fr": (
                "Pouvez-vous contacter votre consulat si vous le souhaitez ?",
                "L'assistance consulaire est un droit ; la contacter est votre choix.",
            ),
            "ht": (
                "Èske ou ka kontakte konsila w si ou vle?",
                "Asistans konsila a se dwa w; se ou ki chwazi si w kontakte l.",
            ),
            "pt": (
                "Você pode contatar o seu consulado, se quiser?",
                "A assistência consular é seu direito; contatá-la é escolha sua.",
            ),
        },
    ),
    # --- Staff observations (never asked aloud) ---
    Q(
        "appears_minor",
        "unaccompanied_child",
        "observations",
        IND,
        R,
        {
            "en": (
                "Observation: the person appears to be under 18, whatever age they state.",
                "When in doubt, treat the person as a child until the competent authority decides.",
            ),
            "es": (
                "Observación: la persona parece menor de 18 años, diga la edad que diga.",
                "Ante la duda, se trata a la persona como niña o niño hasta que decida la autoridad competente.",
            ),
            "fr": (
                "Observation : la personne semble avoir moins de 18 ans, quel que soit l'âge déclaré.",
                "En cas de doute, la personne est traitée comme un enfant jusqu'à la décision de l'autorité compétente.",
            ),
            "ht": (
                "Obsèvasyon: moun nan sanble li gen mwens pase 18 an, kèlkeswa laj li di a.",
                "Si gen dout, trete moun nan tankou yon timoun jiskaske otorite ki responsab la deside.",
            ),
            "pt": (
                "Observação: a pessoa parece ter menos de 18 anos, seja qual for a idade que declara.",
                "Na dúvida, a pessoa é tratada como criança até a autoridade competente decidir.",
            ),
        },
        obs=True,
    ),
    Q(
        "someone_speaks_for_them",
        "trafficking",
        "observations",
        IND,
        R,
        {
            "en": (
                "Observation: someone else answers for the person or seems to control them.",
                "Noted by staff; never asked aloud.",
            ),
            "es": (
                "Observación: otra persona responde por ella o parece controlarla.",
                "Lo anota el personal; nunca se pregunta en voz alta.",
            ),
            "fr": (
                "Observation : quelqu'un d'autre répond à la place de la personne ou semble la contrôler.",
                "Noté par le personnel ; jamais demandé à voix haute.",
            ),
            "ht": (
                "Obsèvasyon: yon lòt moun ap reponn pou moun nan oswa sanble l ap kontwole l.",
                "Se anplwaye a ki note sa; yo pa janm mande l fò.",
            ),
            "pt": (
                "Observação: outra pessoa responde por ela ou parece controlá-la.",
                "Anotado pela equipe; nunca perguntado em voz alta.",
            ),
        },
        obs=True,
    ),
    Q(
        "controller_present",
        "trafficking",
        "observations",
        IND,
        R,
        {
            "en": (
                "Observation: the person who seems to control them is here now.",
                "Urgent: speak with the person alone and in a safe place; call the competent authority.",
            ),
            "es": (
                "Observación: la persona que parece controlarla está aquí ahora.",
                "Urgente: hable con la persona a solas y en un lugar seguro; llame a la autoridad competente.",
            ),
            "fr": (
                "Observation : la personne qui semble la contrôler est présente en ce moment.",
                "Urgent : parlez à la personne seule et dans un lieu sûr ; appelez l'autorité compétente.",
            ),
            "ht": (
                "Obsèvasyon: moun ki sanble ap kontwole l la la a kounye a.",
                "Ijan: pale ak moun nan apa, nan yon kote ki an sekirite; rele otorite ki responsab la.",
            ),
            "pt": (
                "Observação: a pessoa que parece controlá-la está aqui agora.",
                "Urgente: fale com a pessoa a sós e em um lugar seguro; chame a autoridade competente.",
            ),
        },
        obs=True,
        ask_when=[_c("someone_speaks_for_them")],
    ),
    Q(
        "acute_distress",
        "urgent_health",
        "observations",
        IND,
        R,
        {
            "en": ("Observation: the person shows acute distress.", "Noted by staff to offer psychosocial support."),
            "es": (
                "Observación: la persona muestra angustia aguda.",
                "Lo anota el personal para ofrecer apoyo psicosocial.",
            ),
            "fr": (
                "Observation : la personne montre une détresse aiguë.",
                "Noté par le personnel pour proposer un soutien psychosocial.",
            ),
            "ht": ("Obsèvasyon: moun nan parèt nan gwo detrès.", "Se anplwaye a ki note sa pou ofri sipò psikososyal."),
            "pt": (
                "Observação: a pessoa mostra angústia aguda.",
                "Anotado pela equipe para oferecer apoio psicossocial.",
            ),
        },
        obs=True,
    ),
    Q(
        "from_outside_americas",
        "extra_continental",
        "observations",
        IND,
        R,
        {
            "en": (
                "Observation: the person comes from outside the Americas.",
                "Noted by staff, to offer interpretation and consular contacts.",
            ),
            "es": (
                "Observación: la persona viene de fuera del continente americano.",
                "Lo anota el personal para ofrecer interpretación y contactos consulares.",
            ),
            "fr": (
                "Observation : la personne vient de l'extérieur du continent américain.",
                "Noté par le personnel, pour proposer un interprète et des contacts consulaires.",
            ),
            "ht": (
                "Obsèvasyon: moun nan soti andeyò kontinan Amerik la.",
                "Se anplwaye a ki note sa, pou ofri entèpretasyon ak kontak konsila.",
            ),
            "pt": (
                "Observação: a pessoa vem de fora do continente americano.",
                "Anotado pela equipe, para oferecer interpretação e contatos consulares.",
            ),
        },
        obs=True,
    ),
]

# Questions that were split into one question per item: retired (kept for old answers), never asked.
RETIRED = {
    "crime_in_transit": ["robbed_in_transit", "kidnapped_in_transit", "extorted_in_transit", "attacked_in_transit"],
    "sexual_violence_72h": ["sexual_violence", "sexual_violence_hours"],
    "sgbv_disclosed": ["gender_violence", "fears_partner"],
    "alone_or_dependent": ["travelling_alone", "needs_daily_care"],
    "without_device_or_carer": ["without_device", "without_carer"],
    "abandoned_or_held": ["abandoned_by_smuggler", "held_by_smuggler"],
}

F = UrgentFlag
# code, profile, conditions, min_matches (0 = all), urgent flag, priority, why (the guidelines' reasoning)
RULES = [
    (
        "asylum_wish",
        "international_protection",
        [_c("wishes_asylum")],
        0,
        "",
        Priority.HIGH,
        "The person's own wish to seek asylum routes to the asylum authority (non-refoulement).",
    ),
    (
        "immediate_danger",
        None,
        [_c("immediate_danger")],
        0,
        F.IMMEDIATE_DANGER,
        Priority.CRITICAL,
        "Safety first: immediate danger is attended before any interview.",
    ),
    (
        "child_alone",
        "unaccompanied_child",
        [_c("age", "lt", 18), _c("without_guardian")],
        0,
        F.UNACCOMPANIED_CHILD,
        Priority.CRITICAL,
        "An unaccompanied child is notified at once to the child protection authority.",
    ),
    (
        "child_separated",
        "unaccompanied_child",
        [_c("age", "lt", 18), _c("with_unrelated_adults")],
        0,
        F.UNACCOMPANIED_CHILD,
        Priority.CRITICAL,
        "A separated child (with adults who are not guardians) is protected as unaccompanied.",
    ),
    (
        "child_apparent_alone",
        "unaccompanied_child",
        [_c("appears_minor"), _c("without_guardian")],
        0,
        F.UNACCOMPANIED_CHILD,
        Priority.CRITICAL,
        "Presumption of minority: an apparent child is treated as a child.",
    ),
    (
        "child_apparent_separated",
        "unaccompanied_child",
        [_c("appears_minor"), _c("with_unrelated_adults")],
        0,
        F.UNACCOMPANIED_CHILD,
        Priority.CRITICAL,
        "Presumption of minority: an apparent child is treated as a child.",
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
        "Two or more trafficking indicators: refer to the anti-trafficking authority.",
    ),
    (
        "trafficking_in_danger",
        "trafficking",
        [_c("not_free_to_leave"), _c("immediate_danger")],
        0,
        F.IMMEDIATE_DANGER,
        Priority.CRITICAL,
        "Not free to leave and in danger: protect first.",
    ),
    (
        "trafficking_controller_present",
        "trafficking",
        [_c("controller_present")],
        0,
        F.CONTROLLER_PRESENT,
        Priority.CRITICAL,
        "The suspected trafficker is present: separate the person, ensure safety, call the authority.",
    ),
    (
        "international_protection",
        "international_protection",
        [
            _c("fears_return"),
            _c("threats_persecution"),
            _c("forced_recruitment"),
            _c("extortion_home"),
            _c("relatives_harmed"),
        ],
        1,
        "",
        Priority.HIGH,
        "Fear of return or persecution: refer to the asylum authority; never return before it decides.",
    ),
    (
        "medical_emergency",
        "urgent_health",
        [_c("medical_emergency")],
        0,
        F.MEDICAL_EMERGENCY,
        Priority.CRITICAL,
        "Emergency care comes before the interview, whatever the status.",
    ),
    (
        "late_pregnancy",
        "urgent_health",
        [_c("pregnant"), _c("pregnancy_late")],
        0,
        F.LATE_PREGNANCY,
        Priority.HIGH,
        "Late pregnancy: prenatal check-up without delay; avoid further travel.",
    ),
    (
        "chronic_without_medicine",
        "urgent_health",
        [_c("chronic_no_medicine")],
        0,
        F.CHRONIC_WITHOUT_MEDICINE,
        Priority.HIGH,
        "A chronic illness without its medicine can become an emergency within days.",
    ),
    (
        "health_needs",
        "urgent_health",
        [_c("pregnant"), _c("acute_distress")],
        1,
        "",
        Priority.MEDIUM,
        "Pregnancy or acute distress: health and psychosocial care.",
    ),
    (
        "crime_in_transit",
        "crime_in_transit",
        [_c("robbed_in_transit"), _c("kidnapped_in_transit"), _c("extorted_in_transit"), _c("attacked_in_transit")],
        1,
        "",
        Priority.MEDIUM,
        "Victims of crime have rights to care and to report if they wish.",
    ),
    (
        "kidnapped_in_transit",
        "crime_in_transit",
        [_c("kidnapped_in_transit")],
        0,
        "",
        Priority.HIGH,
        "Kidnapping survivors need medical, psychological and legal care soon.",
    ),
    (
        "sexual_violence",
        "sgbv",
        [_c("sexual_violence")],
        0,
        "",
        Priority.HIGH,
        "Sexual violence: confidential medical and psychosocial care, reporting is the survivor's choice.",
    ),
    (
        "sexual_violence_72h",
        "sgbv",
        [_c("sexual_violence"), _c("sexual_violence_hours", "lt", 72)],
        0,
        F.PEP_WINDOW,
        Priority.CRITICAL,
        "Within 72 hours: post-exposure prophylaxis and emergency contraception.",
    ),
    (
        "sexual_violence_120h",
        "sgbv",
        [_c("sexual_violence"), _c("sexual_violence_hours", "gte", 72), _c("sexual_violence_hours", "lt", 120)],
        0,
        F.CONTRACEPTION_WINDOW,
        Priority.HIGH,
        "Between 72 and 120 hours: some emergency contraception still works.",
    ),
    (
        "gender_violence",
        "sgbv",
        [_c("gender_violence"), _c("fears_partner")],
        1,
        "",
        Priority.HIGH,
        "Gender-based violence: safe space and confidential support.",
    ),
    (
        "older_person",
        "older_person",
        [_c("age", "gte", 60)],
        0,
        "",
        Priority.LOW,
        "Older people have special protection.",
    ),
    (
        "older_person_alone",
        "older_person",
        [_c("age", "gte", 60), _c("travelling_alone")],
        0,
        "",
        Priority.MEDIUM,
        "An older person travelling alone needs follow-up.",
    ),
    (
        "older_person_dependent",
        "older_person",
        [_c("age", "gte", 60), _c("needs_daily_care")],
        0,
        "",
        Priority.MEDIUM,
        "An older person who depends on others for care needs follow-up.",
    ),
    (
        "older_person_without_care",
        "older_person",
        [_c("age", "gte", 60), _c("travelling_alone"), _c("needs_daily_care")],
        0,
        "",
        Priority.HIGH,
        "An older person who needs care and travels alone is without care.",
    ),
    (
        "disability",
        "disability",
        [_c("disability")],
        0,
        "",
        Priority.MEDIUM,
        "Reasonable accommodation in every service.",
    ),
    (
        "disability_without_device",
        "disability",
        [_c("disability"), _c("without_device")],
        0,
        "",
        Priority.HIGH,
        "Without an assistive device: replace it.",
    ),
    (
        "disability_without_carer",
        "disability",
        [_c("disability"), _c("without_carer")],
        0,
        "",
        Priority.HIGH,
        "Without the usual carer: find support.",
    ),
    (
        "family_without_shelter",
        None,
        [_c("sole_caregiver"), _c("safe_place_tonight", "eq", "no")],
        0,
        F.FAMILY_WITHOUT_SHELTER,
        Priority.HIGH,
        "A lone carer with children or dependants and no safe place tonight.",
    ),
    ("lgbtiq_at_risk", "lgbtiq", [_c("lgbtiq_violence")], 0, "", Priority.MEDIUM, "Safe services for LGBTIQ+ people."),
    (
        "stateless_undocumented",
        "stateless_undocumented",
        [_c("no_documents"), _c("no_nationality"), _c("no_birth_registration")],
        1,
        "",
        Priority.LOW,
        "Documents through the consulate or civil registry; statelessness procedure.",
    ),
    ("stranded", "stranded", [_c("cannot_move")], 0, "", Priority.MEDIUM, "Stranded: return or support options."),
    (
        "stranded_in_crisis",
        "stranded",
        [_c("cannot_move"), _c("affected_by_crisis")],
        0,
        "",
        Priority.HIGH,
        "Stranded during a crisis: include in the response.",
    ),
    (
        "extra_continental",
        "extra_continental",
        [_c("from_outside_americas")],
        0,
        "",
        Priority.LOW,
        "Interpretation and consular contacts.",
    ),
    (
        "extra_continental_interpretation",
        "extra_continental",
        [_c("from_outside_americas"), _c("needs_interpretation")],
        0,
        "",
        Priority.MEDIUM,
        "Without interpretation a procedure is not understood.",
    ),
    ("smuggled", "smuggled", [_c("paid_smuggler")], 0, "", Priority.LOW, "Smuggled migrants are not punished for it."),
    (
        "smuggled_abandoned",
        "smuggled",
        [_c("abandoned_by_smuggler"), _c("held_by_smuggler")],
        1,
        "",
        Priority.HIGH,
        "Abandoned or held by smugglers: protect from them.",
    ),
]

# The English wording of questions before they were reworded to one fact each (issue 14): a row
# still holding it was never edited by its country, so the migration may reword it.
PREVIOUS_ENGLISH = {
    "medical_emergency": "Are you hurt or ill and need a doctor today?",
    "deceived_recruitment": "Were you promised a job or something else that turned out to be different?",
    "debt_to_recruiter": "Do you owe money to the person who arranged your trip or your work?",
    "threats_persecution": "Were you threatened, persecuted, extorted or forced to join a group?",
    "disability": "Do you have a disability or difficulty seeing, hearing, walking, remembering or communicating?",
    "no_nationality": "Does no country recognise you as its national, or were you never registered at birth?",
    "cannot_move": "Are you unable to continue your journey or to go back (no money, documents, or because of a crisis)?",
}


def profile_fields(code: str, order: int) -> dict:
    names, urgent, asylum = PROFILES[code]
    return {
        "name": names[0],
        "urgent_when": urgent,
        "asylum_regime": asylum,
        "order": order,
        "translations": {lang: {"name": n} for lang, n in zip(LANGUAGES, names, strict=True) if lang != "en"},
    }


def indicator_fields(spec: dict, order: int, profiles: dict) -> dict:
    texts = spec["texts"]
    return {
        "profile": profiles.get(spec["group"]) if spec["group"] else None,
        "section": spec["section"],
        "level": spec["level"],
        "factor": spec["factor"],
        "answer_kind": spec["kind"],
        "observation": spec["observation"],
        "ask_when": spec["ask_when"],
        "options": [{"value": v, "labels": labels} for v, labels in spec["options"].items()],
        "max_value": spec["max_value"],
        "question": texts["en"][0],
        "why": texts["en"][1],
        "order": order,
        "translations": {lang: {"question": q, "why": w} for lang, (q, w) in texts.items() if lang != "en"},
    }


def rule_fields(rule: tuple, profiles: dict) -> dict:
    _code, profile, conditions, min_matches, flag, priority, why = rule
    return {
        "profile": profiles.get(profile) if profile else None,
        "conditions": conditions,
        "min_matches": min_matches,
        "urgent_flag": str(flag),
        "priority": int(priority),
        "note": why[:200],
    }


def load(Profile, Indicator, ScreeningRule) -> tuple[dict, dict]:
    """Add the default profiles, questions and rules that are missing, by code (existing rows
    are never changed). Returns (counts, {code: profile})."""
    counts = {"profiles": 0, "indicators": 0, "rules": 0}
    profiles = {}
    for order, code in enumerate(PROFILES, 1):
        profiles[code], created = Profile.objects.get_or_create(code=code, defaults=profile_fields(code, order * 10))
        counts["profiles"] += created
    for order, spec in enumerate(INDICATORS, 1):
        _, created = Indicator.objects.get_or_create(
            code=spec["code"], defaults=indicator_fields(spec, order * 10, profiles)
        )
        counts["indicators"] += created
    for rule in RULES:
        _, created = ScreeningRule.objects.get_or_create(code=rule[0], defaults=rule_fields(rule, profiles))
        counts["rules"] += created
    return counts, profiles


def _merge_languages(current: dict, new: dict) -> dict:
    """The row's translations with the languages (and fields) it lacks taken from `new`."""
    out = {lang: dict(fields) for lang, fields in (current or {}).items()}
    for lang, fields in new.items():
        for name, text in fields.items():
            out.setdefault(lang, {}).setdefault(name, text)
    return out


def sync(Profile, Indicator, ScreeningRule) -> None:
    """Bring a database seeded with the earlier defaults to these ones (migration 0002). Nothing
    to do on an empty database (the defaults are seeded after migrate). A country's own edits
    are kept: missing rows are added; profile names and questions gain the languages they lack;
    a question still worded as before is reworded and gets its section and skip logic; split
    questions are retired (kept for old answers) and the rules that used them follow the new ones."""
    if not Profile.objects.exists():
        return
    load(Profile, Indicator, ScreeningRule)
    profiles = {p.code: p for p in Profile.objects.all()}
    for order, code in enumerate(PROFILES, 1):
        if code in profiles:
            p = profiles[code]
            p.translations = _merge_languages(p.translations, profile_fields(code, order)["translations"])
            p.save(update_fields=["translations"])
    for order, spec in enumerate(INDICATORS, 1):
        ind = Indicator.objects.filter(code=spec["code"]).first()
        if ind is None:
            continue
        fields = indicator_fields(spec, order * 10, profiles)
        unedited = ind.question in (fields["question"], PREVIOUS_ENGLISH.get(spec["code"]))
        if unedited:
            for name, value in fields.items():
                if name != "translations":
                    setattr(ind, name, value)
            ind.translations = _merge_languages(fields["translations"], {})
        else:
            ind.section = fields["section"]
            ind.ask_when = ind.ask_when or fields["ask_when"]
            ind.translations = _merge_languages(ind.translations, fields["translations"])
        ind.save()
    Indicator.objects.filter(code__in=RETIRED).update(is_active=False)
    for rule in ScreeningRule.objects.all():
        if not any(c.get("q") in RETIRED for c in rule.conditions or ()):
            continue
        spec = next((r for r in RULES if r[0] == rule.code), None)
        if spec is None:
            rule.is_active = False
            rule.save(update_fields=["is_active"])
            continue
        for name, value in rule_fields(spec, profiles).items():
            setattr(rule, name, value)
        rule.save()
