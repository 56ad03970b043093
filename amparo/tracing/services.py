"""Every write of tracing: one function per use case, keyword-only, in a transaction, audited.

The consent gate lives here. Confirming a candidate never passes anything to the inquirer: it asks
the sought person (or, for a child, leaves the decision to the child-protection authority). Only a
`Disclosure` made under a given consent passes anything on, and each one is audited. A refusal
closes the inquiry as `closed_refused`, which the inquirer's side reads as "closed".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction, OrganizationKind, Role
from amparo.accounts.models import Organization
from amparo.registry.models import Person
from amparo.tracing import candidates as engine
from amparo.tracing.access import sees_person
from amparo.tracing.codes import (
    CLOSURE_KINDS,
    OPEN_STATES,
    AnswerSource,
    CandidateState,
    ConsentStatus,
    DisclosureKind,
    InquirySource,
    NoteKind,
    TracingState,
    Wish,
)
from amparo.tracing.models import (
    ConsentRequest,
    Disclosure,
    FoundNote,
    Inquiry,
    InquiryKey,
    MatchCandidate,
)

ADULT_AGE = 18
SYSTEM_LABEL = "task:tracing-match"


class TracingRefused(Exception):
    """A tracing step that cannot happen now (wrong state, no consent…); the message says why."""


# --- Inquiries ------------------------------------------------------------------------------------


@dataclass
class InquiryData:
    """What an inquiry carries; the form, the API and the PFIF import fill it the same way."""

    given_names: str
    inquirer_name: str
    first_surname: str = ""
    second_surname: str = ""
    nicknames: list[str] = field(default_factory=list)
    sex: str = "unknown"
    birth_date: date | None = None
    birth_date_precision: str = "day"
    age_min: int | None = None
    age_max: int | None = None
    nationality: str = ""
    last_seen_place: str = ""
    last_seen_country: str = ""
    last_seen_on: date | None = None
    route: list[str] = field(default_factory=list)
    distinguishing_features: str = ""
    inquirer_relationship: str = ""
    inquirer_phone: str = ""
    inquirer_email: str = ""
    inquirer_language: str = ""
    inquirer_consents_contact: bool = False
    inquirer_consents_share: bool = False
    crisis_id: int | None = None
    source_record_id: str = ""


_INQUIRY_FIELDS = tuple(name for name in InquiryData.__dataclass_fields__ if name != "crisis_id")


def _clean_text(value):
    if isinstance(value, str):
        return " ".join(value.split()) if "\n" not in value else value.strip()
    if isinstance(value, list):
        return [" ".join(str(v).split()) for v in value if str(v).strip()]
    return value


def can_record_inquiry(user, organization_id: int) -> bool:
    principal = policy.principal_for(user)
    return principal.is_system or organization_id in principal.organization_ids(policy.NAMING_ROLES)


def _inquiry_from(data: InquiryData, inquiry: Inquiry) -> Inquiry:
    for name in _INQUIRY_FIELDS:
        setattr(inquiry, name, _clean_text(getattr(data, name)))
    inquiry.nationality = (inquiry.nationality or "").upper()
    inquiry.last_seen_country = (inquiry.last_seen_country or "").upper()
    inquiry.crisis_id = data.crisis_id
    if inquiry.age_min is not None and inquiry.age_max is None:
        inquiry.age_max = inquiry.age_min
    if inquiry.age_max is not None and inquiry.age_min is None:
        inquiry.age_min = inquiry.age_max
    if not (inquiry.given_names or inquiry.first_surname):
        raise ValidationError({"given_names": _("Give at least one name of the sought person.")})
    if not inquiry.given_names:
        inquiry.given_names = inquiry.first_surname
        inquiry.first_surname = ""
    inquiry.full_clean(exclude=["organization", "created_by", "person", "crisis", "deceased_proposed_by",
                                "deceased_approved_by"])  # fmt: skip
    return inquiry


@transaction.atomic
def record_inquiry(
    *, actor, organization: Organization, data: InquiryData, source: str = InquirySource.STAFF, request=None
) -> Inquiry:
    """A new inquiry for a sought person on behalf of an inquirer; matched in the background."""
    principal = policy.principal_for(actor)
    if not can_record_inquiry(principal, organization.pk):
        raise PermissionDenied(_("You may not record inquiries for this organization."))
    inquiry = _inquiry_from(data, Inquiry(organization=organization, created_by=principal.user, source=source))
    inquiry.save()
    write_keys([inquiry])
    audit.record(principal, AuditAction.CREATE, inquiry, request=request, organization=organization,
                 summary=f"tracing inquiry ({source})")  # fmt: skip
    _match_later(inquiry_ids=[inquiry.pk])
    return inquiry


def write_keys(inquiries) -> None:
    """The blocking keys of these inquiries (open ones only; closed ones lose theirs)."""
    ids = [i.pk for i in inquiries]
    InquiryKey.objects.filter(inquiry_id__in=ids).delete()
    rows = [
        InquiryKey(inquiry_id=i.pk, key=key)
        for i in inquiries
        if i.state in OPEN_STATES
        for key in sorted(engine.inquiry_keys(i))
    ]
    InquiryKey.objects.bulk_create(rows, batch_size=5000)


def _match_later(*, inquiry_ids=(), person_ids=()) -> None:
    from amparo.tracing import tasks

    inquiry_ids, person_ids = list(inquiry_ids), list(person_ids)
    transaction.on_commit(lambda: tasks.enqueue_matching(inquiry_ids=inquiry_ids, person_ids=person_ids))


# --- Found-person notes ---------------------------------------------------------------------------


@transaction.atomic
def record_found_note(
    *,
    actor,
    person: Person,
    kind: str = NoteKind.FOUND,
    wish: str = Wish.ASK_ME,
    place: str = "",
    text: str = "",
    organization: Organization | None = None,
    author_name: str = "",
    request=None,
) -> FoundNote:
    """ "Found" or "looking for family" on a person the author's organization sees, with the
    person's own wish about who may be told."""
    principal = policy.principal_for(actor)
    if organization is None:
        org_id = policy.acting_organization_id(principal, person, policy.NAMING_ROLES)
        if org_id is None and not principal.is_system:
            raise PermissionDenied(_("You may not write notes about this person."))
        org_id = org_id or person.registering_organization_id
    else:
        org_id = organization.pk
        seats = policy.acting_seats(principal, person, policy.NAMING_ROLES)
        if not principal.is_system and org_id not in {s.organization_id for s in seats}:
            raise PermissionDenied(_("You may not write notes about this person."))
    if kind not in NoteKind.values or wish not in Wish.values:
        raise ValidationError(_("Unknown note kind or wish."))
    note = FoundNote.objects.create(
        person=person, organization_id=org_id, kind=kind, wish=wish, place=" ".join(place.split()),
        text=text.strip(), author_name=author_name or principal.label, created_by=principal.user,
    )  # fmt: skip
    audit.record(principal, AuditAction.CREATE, note, request=request, organization=org_id,
                 summary=f"found note {kind}", person=person.pk)  # fmt: skip
    _match_later(person_ids=[person.pk])
    return note


# --- Matching (runs as a task; the system proposes, staff decide) ---------------------------------


def match_inquiry(inquiry_id: int) -> int:
    """Propose candidates for one inquiry: registry people and other open inquiries."""
    inquiry = Inquiry.objects.select_related("organization").filter(pk=inquiry_id).first()
    if inquiry is None or inquiry.state not in OPEN_STATES:
        return 0
    found = engine.people_for_inquiry(inquiry) + engine.inquiries_for_inquiry(inquiry)
    return _propose([(inquiry, f) for f in found], found_by="inquiry")


def match_people(person_ids) -> int:
    """Propose the open inquiries that these people (registered, updated, noted) may answer."""
    ids = list(person_ids)
    if not ids or not InquiryKey.objects.exists():
        return 0
    created = 0
    for start in range(0, len(ids), 2000):
        created += _propose(engine.inquiries_for_people(ids[start : start + 2000]), found_by="person")
    return created


@transaction.atomic
def _propose(pairs, *, found_by: str) -> int:
    """Write candidates: new pairs proposed; proposed ones re-scored; decided ones (confirmed,
    rejected) left alone, so a rejected pair is never proposed again."""
    created = 0
    touched: set[int] = set()
    for inquiry, found in pairs:
        s = found.scored
        if found.person_id is not None:
            lookup = {"inquiry": inquiry, "person_id": found.person_id}
        else:
            a, b = sorted((inquiry.pk, found.other_inquiry_id))
            lookup = {"inquiry_id": a, "other_inquiry_id": b}
        existing = MatchCandidate.objects.filter(**lookup).first()
        if existing is not None:
            if existing.state == CandidateState.PROPOSED:
                existing.score, existing.reasons = s.probability, s.reasons_json()
                existing.note_id = existing.note_id or found.scored.note_id
                existing.save(update_fields=["score", "reasons", "note"])
            continue
        try:
            with transaction.atomic():
                MatchCandidate.objects.create(
                    **lookup, note_id=s.note_id, score=s.probability, reasons=s.reasons_json(), found_by=found_by
                )
        except IntegrityError:
            continue  # another worker proposed it meanwhile
        created += 1
        if found.person_id is not None:
            touched.add(inquiry.pk)
    if touched:
        Inquiry.objects.filter(pk__in=touched, state=TracingState.OPEN).update(
            state=TracingState.MATCH_PROPOSED, updated_at=timezone.now()
        )
    if created:
        audit.record(policy.system_principal(SYSTEM_LABEL), AuditAction.CREATE, object_type="tracing.matchcandidate",
                     summary=f"{created} tracing candidates proposed", found_by=found_by)  # fmt: skip
    return created


# --- Staff decide -------------------------------------------------------------------------------


def _may_decide(principal, candidate: MatchCandidate) -> bool:
    if principal.is_system:
        return True
    if candidate.person_id is not None:
        # The side that sees the person recognises them; the inquiry's side sees only the description.
        return sees_person(principal, candidate.person_id)
    own = principal.organization_ids(policy.NAMING_ROLES)
    return bool({candidate.inquiry.organization_id, candidate.other_inquiry.organization_id} & own)


@transaction.atomic
def decide_candidate(*, actor, candidate: MatchCandidate, confirm: bool, request=None) -> MatchCandidate:
    principal = policy.principal_for(actor)
    candidate = (
        MatchCandidate.objects.select_for_update(of=("self",))  # PostgreSQL: not the outer joins
        .select_related("inquiry", "other_inquiry", "note")
        .get(pk=candidate.pk)
    )
    if not _may_decide(principal, candidate):
        raise policy.Refused(candidate, _("Only an organization that sees this person may confirm or reject."))
    if candidate.state != CandidateState.PROPOSED:
        raise TracingRefused(_("This candidate was already decided."))
    inquiry = candidate.inquiry
    if candidate.person_id is not None and not inquiry.is_open:
        raise TracingRefused(_("This inquiry is closed."))
    if confirm and candidate.person_id is not None and inquiry.person_id not in (None, candidate.person_id):
        raise TracingRefused(_("Another person was already confirmed for this inquiry."))
    candidate.state = CandidateState.CONFIRMED if confirm else CandidateState.REJECTED
    candidate.decided_at = timezone.now()
    candidate.decided_by_label = principal.label[:150]
    candidate.save(update_fields=["state", "decided_at", "decided_by_label"])
    audit.record(principal, AuditAction.STATUS_CHANGE, candidate, request=request,
                 summary=f"tracing candidate {candidate.state}", inquiry=inquiry.pk, person=candidate.person_id,
                 other_inquiry=candidate.other_inquiry_id)  # fmt: skip
    if candidate.person_id is None:
        return candidate
    if confirm:
        inquiry.person_id = candidate.person_id
        inquiry.save(update_fields=["person", "updated_at"])
        ask_consent(actor=principal, candidate=candidate, request=request)
    elif (
        inquiry.state == TracingState.MATCH_PROPOSED
        and not inquiry.candidates.filter(person__isnull=False, state=CandidateState.PROPOSED).exists()
    ):
        _set_state(inquiry, TracingState.OPEN)
    return candidate


def _set_state(inquiry: Inquiry, state: str, *, closed_by: str = "") -> None:
    inquiry.state = state
    fields = ["state", "updated_at"]
    if state not in OPEN_STATES and inquiry.closed_at is None:
        inquiry.closed_at, inquiry.closed_by_label = timezone.now(), closed_by[:150]
        fields += ["closed_at", "closed_by_label"]
    inquiry.save(update_fields=fields)
    write_keys([inquiry])


def is_child(person: Person, inquiry: Inquiry) -> bool:
    """Under 18 by the registry's date of birth, else by the age the inquirer gave."""
    today = timezone.localdate()
    if person.birth_date:
        b = person.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day)) < ADULT_AGE
    return inquiry.age_max is not None and inquiry.age_max < ADULT_AGE


def person_language(person: Person) -> str:
    from amparo.messaging.models import LANGUAGES

    for tag in [person.preferred_language, *(person.languages or [])]:
        primary = (tag or "").split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return "es"


def consent_question(*, organization_name: str, relationship: str, language: str) -> str:
    """The question to the sought person, in their language. It names no inquirer and no place."""
    with translation.override(language):
        who = relationship or _("a relative")
        return _(
            "%(org)s: someone looking for you contacted us (%(who)s). May we tell them where you "
            "are, or pass on a message? Reply YES or NO. Nothing is shared without your answer."
        ) % {"org": organization_name, "who": who}


@transaction.atomic
def ask_consent(*, actor, candidate: MatchCandidate, request=None) -> ConsentRequest:
    """Ask the found person whether their whereabouts or a message may be passed on, through the
    messaging outbox on their channel and in their language; a child is never asked: the
    child-protection authority decides. A wish the person gave in a note answers at once."""
    principal = policy.principal_for(actor)
    inquiry, person = candidate.inquiry, Person.objects.get(pk=candidate.person_id)
    if ConsentRequest.objects.filter(candidate=candidate, status=ConsentStatus.ASKED).exists():
        raise TracingRefused(_("The person was already asked."))
    org_id = policy.acting_organization_id(principal, person, policy.NAMING_ROLES) or person.registering_organization_id
    child = is_child(person, inquiry)
    consent = ConsentRequest.objects.create(
        inquiry=inquiry, candidate=candidate, person=person, organization_id=org_id, is_child=child,
        language=person_language(person), asked_by_label=principal.label[:150],
    )  # fmt: skip
    _set_state(inquiry, TracingState.AWAITING_CONSENT)
    audit.record(principal, AuditAction.CREATE, consent, request=request, organization=org_id,
                 summary="tracing consent asked" + (" (child: authority decides)" if child else ""),
                 inquiry=inquiry.pk, person=person.pk)  # fmt: skip
    note = candidate.note
    if note is not None and note.wish == Wish.NOBODY:
        _answer(consent, given=False, source=AnswerSource.NOTE_WISH, by=principal, allows=[], request=request)
        return consent
    if child:
        return consent
    if note is not None and note.wish == Wish.FAMILY and inquiry.inquirer_relationship:
        _answer(consent, given=True, source=AnswerSource.NOTE_WISH, by=principal,
                allows=[DisclosureKind.WHEREABOUTS, DisclosureKind.MESSAGE], request=request)  # fmt: skip
        return consent
    consent.message = _send_question(consent, person, inquiry)
    if consent.message is not None:
        consent.save(update_fields=["message"])
    return consent


def _send_question(consent: ConsentRequest, person: Person, inquiry: Inquiry):
    from amparo.messaging.audience import _routes, org_channels
    from amparo.messaging.models import Message, TemplatePurpose
    from amparo.messaging.tasks import dispatch_after_commit

    channels = org_channels(consent.organization_id)
    contacts = list(person.contacts.filter(is_valid=True).values_list("kind", "value", "whatsapp"))
    route, _has_contact = _routes(contacts, person.preferred_channel, set(channels))
    if not route:
        return None  # staff ask in person and record the answer
    kind, address = route[0]
    body = consent_question(
        organization_name=Organization.objects.get(pk=consent.organization_id).name,
        relationship=inquiry.inquirer_relationship,
        language=consent.language,
    )
    message = Message.objects.create(
        organization_id=consent.organization_id, person=person, channel=channels[kind], kind=kind,
        to_address=address, language=consent.language, body=body, purpose=TemplatePurpose.INFO,
        idempotency_key=f"tracing-consent-{consent.pk}", fallback=[list(r) for r in route[1:]],
    )  # fmt: skip
    dispatch_after_commit(parallel=1)
    return message


def _answer(consent: ConsentRequest, *, given: bool, source: str, by, allows, request=None, **extra) -> None:
    consent.status = ConsentStatus.GIVEN if given else ConsentStatus.REFUSED
    consent.answer_source = source
    consent.allows = list(allows) if given else []
    consent.answered_at = timezone.now()
    consent.answered_by_label = by.label[:150]
    for name, value in extra.items():
        setattr(consent, name, value)
    consent.save()
    audit.record(by, AuditAction.STATUS_CHANGE, consent, request=request, organization=consent.organization_id,
                 summary=f"tracing consent {consent.status} ({source})", inquiry=consent.inquiry_id,
                 person=consent.person_id, allows=consent.allows)  # fmt: skip
    if not given:
        inquiry = consent.inquiry
        _set_state(inquiry, TracingState.CLOSED_REFUSED, closed_by=by.label)


def can_decide_for_child(user) -> bool:
    """A seat in a child-protection authority, or a supervisor recording that authority's decision."""
    principal = policy.principal_for(user)
    return principal.is_system or any(
        s.kind == OrganizationKind.CHILD_PROTECTION or s.role == Role.SUPERVISOR for s in principal.seats
    )


@transaction.atomic
def record_consent_answer(
    *,
    actor,
    consent: ConsentRequest,
    given: bool,
    allows=(DisclosureKind.WHEREABOUTS, DisclosureKind.MESSAGE),
    source: str = AnswerSource.STAFF,
    authority_name: str = "",
    authority_reference: str = "",
    note: str = "",
    request=None,
) -> ConsentRequest:
    """The sought person's answer (a reply, or told to staff); for a child, the child-protection
    authority's decision, recorded with its name and reference."""
    principal = policy.principal_for(actor)
    consent = ConsentRequest.objects.select_for_update(of=("self",)).select_related("inquiry").get(pk=consent.pk)
    if not principal.is_system and not sees_person(principal, consent.person_id):
        raise policy.NotVisible(consent)
    if consent.status != ConsentStatus.ASKED:
        raise TracingRefused(_("This request was already answered."))
    bad = [k for k in allows if k not in DisclosureKind.values]
    if bad:
        raise ValidationError(_("Unknown kind of disclosure: %(k)s") % {"k": ", ".join(bad)})
    extra = {"note": note.strip()}
    if consent.is_child:
        if source != AnswerSource.AUTHORITY:
            raise TracingRefused(_("For a child, the child-protection authority decides."))
        if not can_decide_for_child(principal):
            raise PermissionDenied(
                _(
                    "Only the child-protection authority, or a supervisor recording its decision, may answer for a child."
                )
            )
        if not authority_name.strip():
            raise ValidationError({"authority_name": _("Name the child-protection authority that decided.")})
        extra.update(authority_name=authority_name.strip(), authority_reference=authority_reference.strip())
    elif source == AnswerSource.AUTHORITY:
        raise TracingRefused(_("An adult decides for themselves."))
    _answer(consent, given=given, source=source, by=principal, allows=allows, request=request, **extra)
    return consent


# --- Disclosure -----------------------------------------------------------------------------------


@transaction.atomic
def disclose(
    *, actor, consent: ConsentRequest, kind: str, content: str, recipient: str = "", request=None
) -> Disclosure:
    """Pass something on to the inquirer under a given consent. Audited each time."""
    principal = policy.principal_for(actor)
    consent = ConsentRequest.objects.select_for_update(of=("self",)).select_related("inquiry").get(pk=consent.pk)
    if not principal.is_system and not sees_person(principal, consent.person_id):
        raise policy.NotVisible(consent)
    if consent.status != ConsentStatus.GIVEN:
        raise TracingRefused(_("Nothing may be passed on without the sought person's consent."))
    if kind not in consent.allows:
        raise TracingRefused(_("The sought person did not agree to this being passed on."))
    content = content.strip()
    if not content:
        raise ValidationError({"content": _("Write what is passed on.")})
    inquiry = consent.inquiry
    disclosure = Disclosure.objects.create(
        inquiry=inquiry, consent=consent, person_id=consent.person_id, kind=kind, content=content,
        recipient=(recipient or inquiry.inquirer_name)[:200], disclosed_by=principal.user,
        disclosed_by_label=principal.label[:150],
    )  # fmt: skip
    if inquiry.state in OPEN_STATES:
        _set_state(inquiry, TracingState.CONTACT_RESTORED, closed_by=principal.label)
    audit.record(principal, AuditAction.SHARE, disclosure, request=request, organization=consent.organization_id,
                 summary=f"tracing disclosure: {kind} to the inquirer", inquiry=inquiry.pk,
                 person=consent.person_id, consent=consent.pk, kind=kind)  # fmt: skip
    return disclosure


# --- Closure --------------------------------------------------------------------------------------


def can_manage_inquiry(user, inquiry: Inquiry) -> bool:
    principal = policy.principal_for(user)
    return principal.is_system or inquiry.organization_id in principal.organization_ids(policy.NAMING_ROLES)


@transaction.atomic
def close_inquiry(
    *, actor, inquiry: Inquiry, kind: str, note: str = "", informed_by: str = "", informed_how: str = "", request=None
) -> Inquiry:
    """Reunited, contact restored, found deceased (waits for a supervisor's approval), or closed
    without result. Reunited and contact restored need the sought person's consent."""
    principal = policy.principal_for(actor)
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if not can_manage_inquiry(principal, inquiry):
        raise policy.Refused(inquiry, _("Only the organization that recorded the inquiry closes it."))
    if kind not in CLOSURE_KINDS:
        raise ValidationError(_("Unknown closure."))
    if inquiry.state in (TracingState.CLOSED_DECEASED, TracingState.CLOSED_REFUSED, TracingState.CLOSED_NO_RESULT):
        raise TracingRefused(_("This inquiry is closed."))
    if (
        kind in (TracingState.REUNITED, TracingState.CONTACT_RESTORED)
        and not inquiry.consent_requests.filter(status=ConsentStatus.GIVEN).exists()
    ):
        raise TracingRefused(_("Reunification needs the sought person's consent first."))
    inquiry.closure_note = note.strip()
    if kind == TracingState.CLOSED_DECEASED:
        if not informed_by.strip() or not informed_how.strip():
            raise ValidationError(_("Say who informed the family and how."))
        inquiry.deceased_proposed_by = principal.user
        inquiry.deceased_proposed_at = timezone.now()
        inquiry.family_informed_by, inquiry.family_informed_how = informed_by.strip(), informed_how.strip()
        inquiry.save()
        audit.record(principal, AuditAction.STATUS_CHANGE, inquiry, request=request,
                     summary="tracing: found deceased, waiting for a supervisor's approval")  # fmt: skip
        return inquiry
    inquiry.save(update_fields=["closure_note", "updated_at"])
    _set_state(inquiry, kind, closed_by=principal.label)
    audit.record(principal, AuditAction.STATUS_CHANGE, inquiry, request=request, summary=f"tracing closed: {kind}")
    return inquiry


@transaction.atomic
def approve_deceased(*, actor, inquiry: Inquiry, request=None) -> Inquiry:
    principal = policy.principal_for(actor)
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    supervisors = principal.organization_ids([Role.SUPERVISOR])
    if not principal.is_system and inquiry.organization_id not in supervisors:
        raise PermissionDenied(_("A supervisor of the organization approves a closure as deceased."))
    if inquiry.deceased_proposed_at is None:
        raise TracingRefused(_("Nobody proposed this closure."))
    if principal.user is not None and inquiry.deceased_proposed_by_id == principal.user.pk:
        raise TracingRefused(_("A second person approves: not the one who proposed it."))
    inquiry.deceased_approved_by = principal.user
    inquiry.save(update_fields=["deceased_approved_by", "updated_at"])
    _set_state(inquiry, TracingState.CLOSED_DECEASED, closed_by=principal.label)
    audit.record(principal, AuditAction.STATUS_CHANGE, inquiry, request=request, summary="tracing closed: deceased")
    return inquiry


# --- What the inquirer is told --------------------------------------------------------------------


def inquirer_status(inquiry: Inquiry) -> str:
    """The only thing the inquirer learns from the state: handled, closed, or contact restored
    (with what the sought person allowed, in the disclosures)."""
    if inquiry.state in OPEN_STATES:
        return _("Your inquiry is being handled.")
    if inquiry.state in (TracingState.CONTACT_RESTORED, TracingState.REUNITED):
        return _("Contact has been restored.")
    return _("Your inquiry is closed.")
