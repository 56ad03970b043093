"""The reply reader as it was before issue 12 (main at f90d8e4, amparo/messaging/replies.py),
kept unchanged as the named reference for bench/replies/bench_replies.py. Not used by Amparo."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

SAFE_PHRASES = [
    "1", "SI", "SI ESTOY BIEN", "ESTOY BIEN", "ESTAMOS BIEN", "BIEN", "A SALVO", "ESTOY A SALVO",
    "ESTAMOS A SALVO", "TODO BIEN", "OK", "OKAY", "YES", "SAFE", "I AM SAFE", "IM SAFE", "WE ARE SAFE",
    "I AM OK", "IM OK", "FINE", "I AM FINE", "IM FINE", "ALL GOOD",
    "OUI", "JE VAIS BIEN", "NOUS ALLONS BIEN", "EN SECURITE", "JE SUIS EN SECURITE", "SAIN ET SAUF", "CA VA",
    "WI", "MWEN BYEN", "NOU BYEN", "BYEN", "MWEN AN SEKIRITE", "NOU AN SEKIRITE", "MWEN OK",
    "SIM", "ESTOU BEM", "ESTAMOS BEM", "BEM", "TUDO BEM", "ESTOU SEGURO", "ESTOU SEGURA", "ESTOU A SALVO",
]  # fmt: skip
HELP_PHRASES = [
    "2", "AYUDA", "NECESITO AYUDA", "NECESITAMOS AYUDA", "AUXILIO", "SOCORRO", "EMERGENCIA", "SOS",
    "HELP", "NEED HELP", "I NEED HELP", "WE NEED HELP", "EMERGENCY",
    "AIDE", "AU SECOURS", "BESOIN D AIDE", "J AI BESOIN D AIDE", "URGENCE",
    "ED", "MWEN BEZWEN ED", "NOU BEZWEN ED", "ANMWE", "IJANS",
    "AJUDA", "PRECISO DE AJUDA", "PRECISAMOS DE AJUDA", "URGENCIA",
]  # fmt: skip
NEGATIONS = {"NO", "NOT", "DONT", "PAS", "NE", "PA", "NAO", "NUNCA", "NEVER", "SIN", "WITHOUT"}
KEYWORDS = {
    "info": {"INFO", "INFORMACION", "INFORMATION", "ENFO", "ENFOMASYON", "INFORMACAO", "INFORMACOES"},
    "shelters": {"ALBERGUE", "ALBERGUES", "SHELTER", "SHELTERS", "REFUGIO", "ABRI", "ABRIS", "ABRIGO", "LOJMAN"},
    "consulate": {"CONSULADO", "CONSULATE", "CONSULAT", "KONSILA", "KONSILAR", "EMBAJADA", "EMBASSY"},
    "stop": {"STOP", "BAJA", "ALTO", "ARRET", "ARRETER", "DESINSCRIRE", "SISPANN", "PARAR", "SAIR", "UNSUBSCRIBE"},
}
NEED_WORDS = {
    "shelter": {"ALBERGUE", "REFUGIO", "SHELTER", "ABRI", "LOJMAN", "ABRIGO", "TECHO", "CASA", "KAY", "LOGEMENT"},
    "medical": {
        "MEDICO", "MEDICA", "MEDICAL", "MEDICINA", "MEDICINE", "DOCTOR", "HERIDO", "HERIDA", "HERIDOS", "INJURED",
        "HURT", "MEDECIN", "BLESSE", "DOKTE", "BLESE", "MALAD", "ENFERMO", "ENFERMA", "SICK", "FERIDO", "HOSPITAL",
    },
    "food": {"COMIDA", "ALIMENTO", "ALIMENTOS", "FOOD", "NOURRITURE", "MANJE", "AGUA", "WATER", "EAU", "DLO"},
    "documents": {"DOCUMENTOS", "DOCUMENTO", "PAPELES", "DOCUMENTS", "PAPERS", "PASAPORTE", "PASSPORT", "PAPYE"},
    "evacuation": {"EVACUAR", "EVACUACION", "EVACUATE", "EVACUATION", "EVAKYE", "EVACUACAO", "SALIR", "ATRAPADO"},
    "family_contact": {"FAMILIA", "FAMILY", "FAMILLE", "FANMI", "FAMILIARES"},
    "repatriation": {"REPATRIACION", "REPATRIATION", "REGRESAR", "VOLVER", "RETOUR", "RETOUNEN", "REPATRIACAO"},
}  # fmt: skip
PEOPLE_WORDS = {"PERSONAS", "PEOPLE", "PERSONS", "PERSONNES", "MOUN", "PESSOAS", "SOMOS", "NOUS SOMMES"}
FILLER = {
    "GRACIAS", "THANKS", "THANK", "YOU", "MERCI", "MESI", "OBRIGADO", "OBRIGADA", "TODOS", "ALL", "DE", "LA",
    "POR", "FAVOR", "PLEASE", "SVP", "TANPRI", "Y", "AND", "ET", "E", "EK", "DIOS", "GOD", "BENDIGA",
}  # fmt: skip


@dataclass(frozen=True)
class Reading:
    intent: str  # safe, help, info, shelters, consulate, stop, unclear
    needs: tuple[str, ...] = ()
    people_with: int | None = None
    reason: str = ""
    tokens: tuple[str, ...] = field(default=(), compare=False)


def normalize(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    plain = plain.replace("'", " ").replace("\u2019", " ")
    return re.findall(r"[A-Z]+|\d+", plain)


def _phrases(phrases: list[str]) -> list[tuple[str, ...]]:
    return sorted((tuple(p.split()) for p in phrases), key=len, reverse=True)


_SAFE = _phrases(SAFE_PHRASES)
_HELP = _phrases(HELP_PHRASES)


def _find(tokens: list[str], phrases: list[tuple[str, ...]]) -> set[int]:
    """Indexes of the tokens covered by any phrase."""
    covered: set[int] = set()
    for phrase in phrases:
        n = len(phrase)
        for i in range(len(tokens) - n + 1):
            if tuple(tokens[i : i + n]) == phrase:
                covered.update(range(i, i + n))
    return covered


def read_reply(text: str) -> Reading:
    tokens = normalize(text)
    if not tokens:
        return Reading("unclear", reason="empty")
    words = set(tokens)
    needs = tuple(need for need, vocabulary in NEED_WORDS.items() if words & vocabulary)
    people = None
    for i, token in enumerate(tokens[1:], start=1):
        if token in PEOPLE_WORDS and tokens[i - 1].isdigit():
            people = int(tokens[i - 1])
    if len(tokens) <= 2 and tokens[0] in KEYWORDS["stop"]:
        return Reading("stop", tokens=tuple(tokens))
    safe = _find(tokens, _SAFE)
    help_ = _find(tokens, _HELP)
    # A lone number is only an answer at the start ("1", "2"), not a count ("somos 2 personas").
    if tokens[0] != "1":
        safe = {i for i in safe if tokens[i] != "1"}
    if tokens[0] != "2":
        help_ = {i for i in help_ if tokens[i] != "2"}
    if tokens[0] in ("1", "2") and {"1", "2"} <= words:
        return Reading("unclear", needs, people, reason="both 1 and 2", tokens=tuple(tokens))
    if words & NEGATIONS:
        return Reading("unclear", needs, people, reason="negation", tokens=tuple(tokens))
    if safe and help_:
        return Reading("unclear", needs, people, reason="both safe and help", tokens=tuple(tokens))
    if help_:
        return Reading("help", needs, people, tokens=tuple(tokens))
    if safe:
        others = [t for i, t in enumerate(tokens) if i not in safe and t not in FILLER and not t.isdigit()]
        if needs or len(others) > 3:
            return Reading("unclear", needs, people, reason="safe with more to say", tokens=tuple(tokens))
        return Reading("safe", (), people, tokens=tuple(tokens))
    if len(tokens) <= 3:
        for keyword in ("info", "shelters", "consulate"):
            if tokens[0] in KEYWORDS[keyword]:
                return Reading(keyword, tokens=tuple(tokens))
    return Reading("unclear", needs, people, reason="not understood", tokens=tuple(tokens))
