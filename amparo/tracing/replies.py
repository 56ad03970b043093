"""Reading the found person's answer to the consent question (messaging hands tracing the replies
to the messages it sent, `TracingConfig.inbound_reply`). Only a clear yes or no in one of the five
languages is taken; anything else waits in the staff inbox, and staff record the answer."""

from __future__ import annotations

from django.utils.translation import gettext as _

from amparo.accounts import policy
from amparo.matching.normalize import fold
from amparo.tracing.codes import AnswerSource, ConsentStatus

YES = frozenset({"si", "yes", "y", "oui", "wi", "sim", "ok", "de acuerdo", "claro", "dakò", "dako", "yes please"})
NO = frozenset({"no", "non", "nao", "n", "pa", "non mesi", "no gracias", "no thanks", "nunca", "jamais"})


def read_yes_no(text: str) -> bool | None:
    words = fold(text or "").strip()
    if words in YES:
        return True
    if words in NO:
        return False
    tokens = words.split()
    yes = any(t in YES for t in tokens)
    no = any(t in NO for t in tokens)
    if yes != no and len(tokens) <= 4:
        return yes
    return None


def consent_reply(*, item, person, message) -> bool:
    from amparo.messaging.models import InboundStatus
    from amparo.tracing.models import ConsentRequest
    from amparo.tracing.services import record_consent_answer

    consent = ConsentRequest.objects.filter(message_id=message.pk, person=person).first()
    if consent is None:
        return False
    answer = read_yes_no(item.body) if consent.status == ConsentStatus.ASKED else None
    if answer is None:
        item.status = InboundStatus.NEEDS_REVIEW
        item.review_reason = _("An answer to a tracing consent question: staff must read it and record the answer.")[
            :200
        ]
        item.save(update_fields=["status", "review_reason"])
        return True
    record_consent_answer(
        actor=policy.system_principal("messaging:reply"),
        consent=consent,
        given=answer,
        source=AnswerSource.REPLY,
        note=item.body[:500],
    )
    item.status = InboundStatus.PROCESSED
    item.save(update_fields=["status"])
    return True
