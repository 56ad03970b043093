"""Reading a reply to "are you safe?": safe, needs help (with which needs), a question, a keyword
(INFO, ALBERGUE, CONSULADO, STOP), or unclear, in Spanish, English, French, Haitian Creole and
Portuguese, with the vocabulary kept as data (`reply_vocabulary`, `data/replies/`).

A wrong "safe" is the worst mistake the reader can make: it hides a person in danger. So a reply
is read as safe only when the evidence is unambiguous, and anything uncertain goes to the staff
inbox with the reason. The reader works clause by clause, with the language's structure:

- the menu answers first ("1", "2", "SI", "AYUDA", "MWEN BYEN");
- the language is guessed from the words only it knows (the person's language breaks ties), and
  words another language knows are read in that language ("estoy ok pero need agua");
- clauses are cut at punctuation and contrast words ("estoy bien pero mi hermano está herido": the
  second clause carries a need, so the reply is "needs help", never plain "safe");
- negation covers what follows it in its clause: "no estoy bien" is not safe, "no nos pasó nada"
  and "nadie salió herido" say nothing happened, "no tenemos agua" names a missing need;
- "bien" before a bad word means "very" ("bien mal", "bien atrapados"; "bem mal"; "ça va mal");
- a question is not an answer ("¿ya es seguro?", "is it safe?", "c'est sûr ?");
- a reply read as safe in its language is read again in every other language that knows some of its
  words: if one of them sees help or a question, a person must look.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from amparo.messaging.reply_vocabulary import (
    EMOJI_PREFIX,
    LANGUAGES,
    NEED_CODES,
    PUNCTUATION,
    Lexicon,
    Tag,
    is_word,
    lexicon,
    tokenize,
    word_languages,
)

# More words than this that no list knows, and a reply that looks safe goes to a person.
UNKNOWN_WORDS_ALLOWED = 2
# Categories that never negate, ask or need: what may follow "bien" when it means "fine".
_CALM = frozenset({"neutral", "copula", "safe", "safe_or_very", "yes", "location", "contrast"})
_EMOJI = {"yes": "yes", "help": "help", "distress": "distress", "neutral": "neutral"}


@dataclass(frozen=True)
class Reading:
    intent: str  # safe, help, question, unclear, info, shelters, consulate, stop
    needs: tuple[str, ...] = ()
    people_with: int | None = None
    reason: str = ""  # why a person must look (REASONS in inbound.py give it words)
    language: str = ""  # the language the reply was read in
    tokens: tuple[str, ...] = field(default=(), compare=False)


@dataclass
class _Word:
    text: str
    tag: Tag | None  # None: no list knows it


@dataclass
class _Clause:
    words: list[_Word] = field(default_factory=list)
    question: bool = False
    after_contrast: bool = False


@dataclass
class _Sense:
    """What one clause says."""

    safe: bool = False
    yes: bool = False
    no_harm: bool = False
    not_safe: bool = False
    bad: bool = False
    help: bool = False
    no_need: bool = False
    needs: set[str] = field(default_factory=set)
    question: bool = False
    after_contrast: bool = False
    answer_no: bool = False
    unsure: bool = False
    negated_bad: bool = False
    distress: bool = False
    resources: set[str] = field(default_factory=set)  # named, needed or not
    uncertain: bool = False  # "bien" before a word no list knows: "bien" or "very"?
    unknown: int = 0
    tagged: int = 0


# --- words -------------------------------------------------------------------------------------


def _spell(tokens: list[str], lex: Lexicon) -> list[str]:
    out: list[str] = []
    for token in tokens:
        if token in lex.spellings:
            out.extend(lex.spellings[token])
            continue
        if "_" in token:  # an English ending no list names: "everyone's" → everyone
            base, _sep, ending = token.partition("_")
            out.extend(_spell([base] if ending == "s" else [base, ending], lex))
            continue
        shorter = _single_letters(token)
        if shorter != token and shorter in lex.spellings:
            out.extend(lex.spellings[shorter])
        elif shorter != token and (shorter,) in lex.phrases and (token,) not in lex.phrases:
            out.append(shorter)  # "holaa" → "hola", "ayudaa" → "ayuda"
        else:
            out.append(token)
    return out


def _single_letters(token: str) -> str:
    out = []
    for ch in token:
        if not out or out[-1] != ch or ch.isdigit():
            out.append(ch)
    return "".join(out)


def _match(tokens: list[str], lex: Lexicon) -> list[_Word]:
    """Longest phrase first, never across punctuation."""
    words: list[_Word] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not is_word(token):
            category = _EMOJI.get(token[len(EMOJI_PREFIX) :]) if token.startswith(EMOJI_PREFIX) else None
            words.append(_Word(token, Tag(category) if category else None))
            i += 1
            continue
        found = None
        for n in range(min(lex.longest, len(tokens) - i), 0, -1):
            window = tuple(tokens[i : i + n])
            if any(not is_word(t) for t in window):
                continue
            tag = lex.phrases.get(window)
            if tag is not None:
                found = (n, tag)
                break
        if found:
            n, tag = found
            words.append(_Word(" ".join(tokens[i : i + n]), tag))
            i += n
        else:
            words.append(_Word(token, None))
            i += 1
    return words


def _score(tokens: list[str], language: str) -> float:
    """How much of the reply this language knows (its words and texting spellings as written), each
    word weighted by how few languages know it."""
    known = word_languages()
    score = 0.0
    for token in tokens:
        languages = known.get(token) or known.get(_single_letters(token))
        if languages and language in languages:
            score += 1 / len(languages)
    return score


def _languages(tokens: list[str], hint: str) -> list[tuple[str, float]]:
    scores = [(language, _score(tokens, language) + (0.75 if language == hint else 0)) for language in LANGUAGES]
    order = {language: i for i, language in enumerate(LANGUAGES)}
    return sorted(scores, key=lambda pair: (-pair[1], pair[0] != hint, order[pair[0]]))


def _tag(tokens: list[str], ranked: list[str]) -> list[_Word]:
    """Tag with the first language, then read the runs of words it does not know in the others
    (mixed-language replies)."""
    words = _match(_spell(tokens, lexicon(ranked[0])), lexicon(ranked[0]))
    for language in ranked[1:]:
        words = _retag_unknown(words, lexicon(language))
    return words


def _retag_unknown(words: list[_Word], lex: Lexicon) -> list[_Word]:
    merged: list[_Word] = []
    run: list[str] = []
    for word in [*words, None]:  # None: the end, which closes the last run
        if word is not None and word.tag is None and is_word(word.text):
            run.append(word.text)
            continue
        if run:
            merged.extend(_match(_spell(run, lex), lex))
            run = []
        if word is not None:
            merged.append(word)
    return merged


# --- clauses ------------------------------------------------------------------------------------


def _clauses(words: list[_Word]) -> list[_Clause]:
    clauses = [_Clause()]
    for word in words:
        current = clauses[-1]
        if word.text in PUNCTUATION:
            if word.text == "?":
                current.question = True
            if word.text == "¿":
                if current.words:
                    clauses.append(_Clause())
                clauses[-1].question = True
            elif current.words or current.question:
                clauses.append(_Clause())
            continue
        if word.tag is not None and word.tag.category == "contrast":
            clauses.append(_Clause(after_contrast=True))
            continue
        current.words.append(word)
    return [c for c in clauses if c.words]


def _sense(clause: _Clause) -> _Sense:
    sense = _Sense(question=clause.question, after_contrast=clause.after_contrast)
    negated = False  # a negation (or "nothing", "nobody", "without") is in force
    negation_used = False  # it has already negated something: a new verb ends its reach
    lacking = False  # something is missing: "sin", "no tenemos", "se acabó"
    happened = nothing = nobody = asked = False
    resources: set[str] = set()
    words = clause.words
    skip = set()
    first_meaningful = next((w for w in words if not (w.tag and w.tag.category == "neutral")), None)
    for i, word in enumerate(words):
        if i in skip:
            continue
        tag = word.tag
        if tag is None:
            sense.unknown += 1
            continue
        category = tag.category
        if category != "neutral":
            sense.tagged += 1
        following = words[i + 1] if i + 1 < len(words) else None
        if category == "negation":
            negated, negation_used = True, False
        elif category == "nothing":
            negated, nothing = True, True
        elif category == "nobody":
            negated, nobody = True, True
        elif category == "copula":
            if negation_used:
                negated = False
        elif category == "have":
            if negated:
                lacking = True
        elif category == "lack":
            lacking, negated = True, True
        elif category == "location":
            if following is not None and following.tag and following.tag.category in ("resource", "need"):
                skip.add(i + 1)  # "en el albergue", "at home": a place, not a need
        elif category == "safe":
            if negated:
                sense.not_safe, negation_used = True, True
            else:
                sense.safe = True
        elif category == "safe_or_very":
            after = following.tag.category if following is not None and following.tag else None
            if negated:
                sense.not_safe, negation_used = True, True
            elif following is None or after in _CALM:
                sense.safe = True
            elif after is None and is_word(following.text):
                sense.uncertain = True  # "bien cansados"? "bien" + a word we do not know
        elif category == "bad":
            if negated:
                sense.negated_bad, negation_used = True, True
            else:
                sense.bad = True
        elif category == "harm":
            if negated:
                sense.no_harm, negation_used = True, True
            else:
                sense.bad = True
        elif category == "happen":
            happened = True
        elif category == "help":
            if negated:
                sense.no_need, negation_used = True, True
            else:
                sense.help = True
        elif category == "need_verb":
            if negated:
                sense.no_need, negation_used = True, True
            else:
                asked = True
        elif category == "need":
            if negated:
                sense.no_harm, negation_used = True, True
            else:
                sense.needs.add(tag.code)
        elif category == "resource":
            resources.add(tag.code)
            if negated:
                lacking, negation_used = True, True
        elif category == "missing":
            sense.needs.add("family_contact")
        elif category == "question":
            if word is first_meaningful:
                sense.question = True
        elif category == "yes":
            sense.yes = True
        elif category == "no":
            sense.answer_no = True
        elif category == "unsure":
            sense.unsure = True
        elif category == "distress":
            sense.distress = True
    sense.resources = resources
    if happened and (nothing or nobody) and not sense.needs and not sense.bad:
        sense.no_harm = True
    if resources and (lacking or asked or sense.help):
        sense.needs |= resources
    elif lacking and nothing and not happened and not asked and not sense.no_need:
        sense.needs.add("other")  # "no tenemos nada", "nou pa gen anyen"
    elif lacking and not (resources or sense.needs or sense.no_harm or sense.no_need or nothing):
        sense.uncertain = True  # "sin" + a word we do not know, "nos robaron todo"
    if asked and not sense.needs and not sense.no_need and not nothing:
        sense.help = True  # "necesitamos…": they need something
    if asked and nothing:
        sense.no_need = True  # "no necesito nada", "je n'ai besoin de rien"
    if sense.bad or sense.needs:
        sense.safe = False  # "ça va très mal", "estamos bien atrapados": the bad word wins
    words_only = [w for w in words if w.tag is None or w.tag.category != "neutral"]
    last = words_only[-1] if words_only else None
    if last is not None and last.tag and last.tag.category == "negation" and not negation_used:
        sense.answer_no = True  # "no" on its own, or negating nothing: "yes and no"
    return sense


# --- the reply ----------------------------------------------------------------------------------


def _people(tokens: list[str], lex: Lexicon) -> int | None:
    words = _spell([t for t in tokens if is_word(t)], lex)
    for i, token in enumerate(words):
        if not token.isdigit() or not 0 < int(token) <= 200:
            continue
        before = {tuple(words[max(0, i - n) : i]) for n in (1, 2, 3)}
        after = {tuple(words[i + 1 : i + 1 + n]) for n in (1, 2, 3)}
        if before & lex.people_before or after & lex.people_after:
            return int(token)
    return None


def _keyword(tokens: list[str], ranked: list[str]) -> str | None:
    """A reply that is only a keyword (plus "please", "thanks"…)."""
    words = [t for t in tokens if is_word(t)]
    if not words or len(words) > 4:
        return None
    for language in ranked:
        intent = lexicon(language).keywords.get(words[0])
        if intent is None:
            continue
        rest = _match(_spell(words[1:], lexicon(language)), lexicon(language))
        if all(w.tag is not None and w.tag.category == "neutral" for w in rest):
            return intent
    return None


def _decide(tokens: list[str], ranked: list[str]) -> tuple[str, set[str], str]:
    words = [t for t in tokens if is_word(t)]
    menu = words[0] if words and words[0] in ("1", "2") else None
    rest = tokens[tokens.index(menu) + 1 :] if menu else tokens
    senses = [_sense(c) for c in _clauses(_tag(rest, ranked))]
    if menu == "1" and "2" in words[1:2]:
        return "unclear", set(), "both_menu"
    needs = set().union(*(s.needs for s in senses)) if senses else set()
    if menu == "2" and senses:
        needs |= senses[0].resources  # "2 medico", "2 agua"
    safe = menu == "1" or any(s.safe or s.yes or s.no_harm for s in senses)
    asked = menu == "2" or any(s.help for s in senses)
    bad = any(s.bad or s.not_safe for s in senses)
    if needs:
        return "help", needs, ""
    if asked or bad:
        if safe:
            return "unclear", needs, "safe_and_help"
        return "help", needs, ""
    if any(s.question for s in senses):
        return "question", needs, "question"
    for flag, reason in (
        ("answer_no", "answer_no"), ("unsure", "unsure"), ("negated_bad", "negated_bad"),
        ("distress", "distress"), ("uncertain", "uncertain_word"),
    ):  # fmt: skip
        if any(getattr(s, flag) for s in senses):
            return "unclear", needs, reason
    if safe:
        # Words no list knows are allowed only in a clause that says safe itself ("estamos bien
        # en Tapachula"): "Estamos bien. La casa quedó destruida" must reach a person.
        unknown = sum(s.unknown for s in senses)
        unexplained = any(s.unknown and not (s.safe or s.yes or s.no_harm) for s in senses)
        # "todos bien menos yo", "all fine except my brother": what follows the contrast matters.
        unexplained = unexplained or any(s.after_contrast and not s.tagged for s in senses)
        if unknown > UNKNOWN_WORDS_ALLOWED or unexplained:
            return "unclear", needs, "more_to_say"
        return "safe", needs, ""
    if any(s.no_need for s in senses):
        return "unclear", needs, "no_safe_word"
    return "unclear", needs, "not_understood"


def read_reply(text: str, *, language: str = "") -> Reading:
    """Read one reply; `language` is the person's (or the message's) language, used to break ties."""
    tokens = tokenize(text)
    if not any(is_word(t) or t.startswith(EMOJI_PREFIX) for t in tokens):
        return Reading("unclear", reason="empty", tokens=tuple(tokens))
    hint = (language or "").split("-")[0].lower()
    scores = _languages(tokens, hint)
    ranked = [lang for lang, _score in scores]
    lex = lexicon(ranked[0])
    people = _people(tokens, lex)
    words = [t for t in tokens if is_word(t)]
    if not (words and words[0] in ("1", "2")):
        keyword = _keyword(tokens, ranked)
        if keyword:
            return Reading(keyword, people_with=people, language=ranked[0], tokens=tuple(tokens))
    intent, needs, reason = _decide(tokens, ranked)
    if intent == "safe":
        # Read again in every other language that knows some of these words: a reply is safe
        # only if none of them sees help or a question in it.
        for other, score in scores[1:]:
            if score >= 1:
                order = [other] + [lang for lang in ranked if lang != other]
                if _decide(tokens, order)[0] in ("help", "question"):
                    intent, reason = "unclear", "languages_disagree"
                    break
    ordered = tuple(code for code in NEED_CODES if code in needs)
    return Reading(intent, ordered if intent == "help" else (), people, reason, ranked[0], tuple(tokens))
