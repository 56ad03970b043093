"""What simulated people answer, in their language: plain, texted, emotional, sometimes a
question or something a person must read (the drill exercises the real reply reader and inbox).
`{need}` is replaced by a word for one of the person's needs."""

SAFE = {
    "es": [
        "1",
        "Estoy bien, gracias",
        "SI estamos bien todos",
        "a salvo, gracias a Dios",
        "Bien, estamos en casa de mi prima",
        "toy bn",
        "Sí, estamos bien, no nos pasó nada",
    ],
    "en": ["1", "I am safe, thank you", "yes we are ok", "safe, at my cousin's place"],
    "fr": ["1", "Je vais bien, merci", "oui tout va bien", "nous sommes en sécurité"],
    "ht": ["1", "Mwen byen, mèsi", "wi nou an sekirite", "mwen byen gras a Dye"],
    "pt": ["1", "Estou bem, obrigado", "sim estamos bem", "estou em segurança"],
}
HELP = {
    "es": [
        "2 necesito {need}",
        "AYUDA no tenemos {need}",
        "Necesito ayuda, {need} por favor",
        "2, somos 4 y necesitamos {need}",
    ],
    "en": ["2 need {need}", "HELP we have no {need}", "I need help, {need} please"],
    "fr": ["2 besoin de {need}", "AIDE nous n'avons pas de {need}", "J'ai besoin d'aide, {need}"],
    "ht": ["2 mwen bezwen {need}", "ÈD nou pa gen {need}", "Mwen bezwen èd, {need} souple"],
    "pt": ["2 preciso de {need}", "AJUDA não temos {need}", "Preciso de ajuda, {need} por favor"],
}
AMBIGUOUS = {
    "es": [
        "¿ya es seguro volver a la casa?",
        "mi hermano no contesta",
        "estoy bien pero mi casa se cayó",
        "no sé",
        "😢",
    ],
    "en": ["is it safe to go back?", "my brother does not answer", "not sure"],
    "fr": ["c'est sûr de rentrer ?", "mon frère ne répond pas", "je ne sais pas"],
    "ht": ["èske li san danje pou m tounen?", "frè m pa reponn", "m pa konnen"],
    "pt": ["já é seguro voltar?", "meu irmão não responde", "não sei"],
}
NEED_WORDS = {
    "shelter": {"es": "albergue", "en": "shelter", "fr": "abri", "ht": "abri", "pt": "abrigo"},
    "food": {"es": "comida y agua", "en": "food and water", "fr": "nourriture et eau", "ht": "manje ak dlo", "pt": "comida e água"},
    "medical": {"es": "un médico", "en": "a doctor", "fr": "un médecin", "ht": "yon doktè", "pt": "um médico"},
    "documents": {"es": "mis papeles", "en": "my papers", "fr": "mes papiers", "ht": "papye m", "pt": "meus documentos"},
    "family_contact": {"es": "hablar con mi familia", "en": "to call my family", "fr": "appeler ma famille",
                       "ht": "rele fanmi m", "pt": "falar com minha família"},
    "evacuation": {"es": "salir de aquí", "en": "to get out of here", "fr": "sortir d'ici", "ht": "soti isit la",
                   "pt": "sair daqui"},
}  # fmt: skip
