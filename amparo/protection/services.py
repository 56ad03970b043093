"""Every write of the protection app: screen, decide, refer, answer, update capacity.

Each function is keyword-only, runs in one transaction, checks access, writes its audit event,
and sends its notices after commit. Domain errors name what is wrong and where.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction, ConsentPurpose
from amparo.accounts.models import Organization
from amparo.protection import access, notices
from amparo.protection.codes import (
    RESPONSE_HOURS,
    TRANSITIONS,
    Answer,
    AnswerKind,
    AsylumWish,
    Decision,
    FactorKind,
    ReferralStatus,
    SuggestionSource,
)
from amparo.protection.models import (
    CountryDirectory,
    DirectoryReview,
    Indicator,
    Profile,
    Referral,
    ReferralEvent,
    ReferralPathway,
    Screening,
    ScreeningDraft,
    ScreeningRule,
    ScreeningSuggestion,
    Service,
)
from amparo.protection.rules import asked_questions, evaluate, rule_specs
from amparo.protection.sharing import DEFAULT_SHARED_FIELDS, UnknownField, age_on, build_snapshot
from amparo.registry.models import Consent, ConsentMethod, Person
from amparo.registry.services import record_consent


class ProtectionError(ValidationError):
    """A domain rule refused the action (the message says which and why)."""


class InvalidTransition(ProtectionError):
    pass


class ConsentRequired(ProtectionError):
    pass


# --- Screening -----------------------------------------------------------------------------


def _acting_organization(principal, person: Person) -> Organization:
    """The organization whose sensitive seat sees `person` (its registering organization's seat
    first): the one that screens or refers, never a guess from the user's first seat."""
    organization_id = policy.acting_organization_id(principal, person, policy.SENSITIVE_ROLES)
    if organization_id is None and not principal.is_system:
        # First-contact staff screen for the shelter or clinic that serves the person.
        organization_id = access.first_contact_organization_id(principal, person)
    if organization_id is None:  # the system principal
        return person.registering_organization
    return Organization.objects.get(pk=organization_id)


def person_facts(person: Person) -> dict:
    """What the registry already says that the skip logic needs: sex and age (None when unknown)."""
    return {"sex": person.sex, "age": age_on(person.birth_date)}


def _clean_answers(answers: dict, facts: dict | None = None) -> dict:
    """Answers checked against their questions (errors name the question), then only those the
    skip logic asks of this person: a question that does not apply is neither asked nor stored
    (pregnancy of a man, a child's questions of an adult)."""
    indicators = {i.code: i for i in Indicator.objects.filter(is_active=True)}
    clean, errors = {}, []
    for code, value in answers.items():
        if code == "wishes_asylum":
            continue
        indicator = indicators.get(code)
        if indicator is None:
            errors.append(_("Unknown question “%(code)s”.") % {"code": code})
            continue
        if value in ("", None, []):
            continue
        kind = indicator.answer_kind
        if kind == AnswerKind.NUMBER:
            try:
                number = int(value)
            except (TypeError, ValueError):
                errors.append(_("“%(code)s” needs a whole number, not “%(value)s”.") % {"code": code, "value": value})
                continue
            if not 0 <= number <= indicator.number_limit:
                errors.append(
                    _("“%(code)s” must be between 0 and %(max)s.") % {"code": code, "max": indicator.number_limit}
                )
                continue
            clean[code] = number
        elif kind in (AnswerKind.CHOICE, AnswerKind.MULTI):
            values = [value] if isinstance(value, str) else list(value) if isinstance(value, list | tuple) else [value]
            unknown = [str(v) for v in values if v not in indicator.option_values]
            if unknown or (kind == AnswerKind.CHOICE and len(values) != 1):
                errors.append(
                    _("“%(code)s” has no answer “%(value)s”.") % {"code": code, "value": ", ".join(unknown) or value}
                )
                continue
            clean[code] = values[0] if kind == AnswerKind.CHOICE else sorted(set(values))
        else:
            if value not in Answer.values:
                errors.append(_("“%(code)s” has no answer “%(value)s”.") % {"code": code, "value": value})
                continue
            clean[code] = value
    if errors:
        raise ProtectionError(errors)
    known = {k: v for k, v in (facts or {}).items() if v is not None}
    asked = asked_questions({c: i.ask_when for c, i in indicators.items()}, {**known, **clean})
    return {code: value for code, value in clean.items() if code in asked}


def _factors(answers: dict) -> list[dict]:
    """The IOM determinants the answers point to: each indicator answered "yes", with its level
    (individual, household, community, structural) and kind (risk or protective)."""
    out = []
    for ind in Indicator.objects.filter(code__in=[c for c, v in answers.items() if v == Answer.YES]):
        out.append({"code": ind.code, "level": ind.level, "factor": ind.factor})
    return out


@transaction.atomic
def screen_person(
    *,
    actor,
    person: Person,
    answers: dict,
    wishes_asylum: str = AsylumWish.NOT_ASKED,
    note: str = "",
    organization: Organization | None = None,
    draft: ScreeningDraft | None = None,
    request=None,
) -> Screening:
    """Record a screening and what the rules suggest. Staff then confirm or reject each profile.
    A draft being completed (`draft`) is replaced by the screening."""
    principal = policy.principal_for(actor)
    if not access.can_identify(principal, person):
        raise PermissionDenied(_("You may not screen this person."))
    if wishes_asylum not in AsylumWish.values:
        raise ProtectionError(_("Unknown answer about asylum: “%(value)s”.") % {"value": wishes_asylum})
    clean = _clean_answers(answers, person_facts(person))
    if organization is None:
        organization = _acting_organization(principal, person)
    if draft is not None:
        _check_draft(principal, draft, person)
        draft.delete()
    # The wish is an answer like any other, so rules (data) can route on it.
    evaluated = dict(clean, wishes_asylum=wishes_asylum)
    result = evaluate(rule_specs(ScreeningRule.objects.all()), evaluated)
    previous = Screening.objects.filter(person=person).order_by("-screened_at", "-id").first()
    screening = Screening.objects.create(
        person=person,
        organization=organization,
        screened_by=principal.user,
        screened_by_label=principal.label,
        answers=clean,
        wishes_asylum=wishes_asylum,
        urgent_flags=result.urgent_flags,
        priority=result.priority,
        factors=_factors(clean),
        note=note,
        previous=previous,
    )
    profiles = {p.code: p for p in Profile.objects.filter(code__in=result.suggestions)}
    ScreeningSuggestion.objects.bulk_create(
        [
            ScreeningSuggestion(
                screening=screening,
                profile=profiles[code],
                indicators=s.indicators,
                rules=s.rules,
                priority=s.priority,
            )
            for code, s in result.suggestions.items()
            if code in profiles
        ]
    )
    if _profiles_changed(previous, set(profiles)):
        flag_profile_change(person=person, screening=screening, actor=principal)
    audit.record(
        principal,
        AuditAction.CREATE,
        screening,
        request=request,
        organization=organization,
        summary=f"screening of person {person.pk}",
        person_id=person.pk,
        suggestions=len(result.suggestions),
        priority=result.priority,
        urgent=bool(result.urgent_flags),
    )
    return screening


def profile_codes(screening: Screening | None) -> set[str]:
    """The profiles a screening stands for: those suggested or added, unless staff rejected them."""
    if screening is None:
        return set()
    return set(screening.suggestions.exclude(decision=Decision.REJECTED).values_list("profile__code", flat=True))


def _profiles_changed(previous: Screening | None, new_codes: set[str]) -> bool:
    return profile_codes(previous) != new_codes


def flag_profile_change(*, person: Person, screening: Screening, actor) -> list[int]:
    """A new screening changed the person's profiles: their open referrals (drafts included) are
    flagged "profiles changed since referral: review", and each app declaring the hook
    `profiles_changed(*, person, screening, actor)` on its AppConfig (cases: open cases) is told,
    in the same transaction. Returns the flagged referral ids."""
    from django.apps import apps

    principal = policy.principal_for(actor)
    ids = list(Referral.objects.open().filter(person=person).values_list("pk", flat=True))
    if ids:
        Referral.objects.filter(pk__in=ids).update(
            profiles_changed_at=timezone.now(), profiles_changed_screening=screening
        )
        for pk in ids:  # a person has a few open referrals: one event each, like any status change
            audit.record(
                principal,
                AuditAction.STATUS_CHANGE,
                object_type="protection.referral",
                object_id=pk,
                summary=f"profiles changed by screening {screening.pk}",
            )
    for config in apps.get_app_configs():
        hook = getattr(config, "profiles_changed", None)
        if callable(hook):
            hook(person=person, screening=screening, actor=principal)
    return ids


@transaction.atomic
def review_profile_change(*, actor, referral: Referral, note: str = "", request=None) -> Referral:
    """The referring organization has looked at the new profiles (and, if needed, closed this
    referral or made another): the flag is cleared, the review kept in the audit trail."""
    principal = policy.principal_for(actor)
    if not access.is_sender(principal, referral):
        raise PermissionDenied(_("Only the referring organization may do this."))
    if referral.profiles_changed_at is None:
        raise ProtectionError(_("Nothing to review: the profiles have not changed."))
    screening_id = referral.profiles_changed_screening_id
    Referral.objects.filter(pk=referral.pk).update(profiles_changed_at=None, profiles_changed_screening=None)
    referral.profiles_changed_at, referral.profiles_changed_screening = None, None
    audit.record(
        principal,
        AuditAction.UPDATE,
        referral,
        request=request,
        organization=referral.from_organization_id,
        summary=f"profile change reviewed (screening {screening_id})",
        note=note[:300],
    )
    return referral


def _check_draft(principal, draft: ScreeningDraft, person: Person) -> None:
    if draft.person_id != person.pk or not policy.visible(principal, ScreeningDraft).filter(pk=draft.pk).exists():
        raise PermissionDenied(_("This draft is not yours to complete."))


@transaction.atomic
def save_draft(
    *,
    actor,
    person: Person,
    answers: dict,
    wishes_asylum: str = AsylumWish.NOT_ASKED,
    note: str = "",
    request=None,
) -> ScreeningDraft:
    """Keep a half-done screening to resume later (one per person and organization): the answers
    are checked as for a screening, nothing is suggested and nothing else changes."""
    principal = policy.principal_for(actor)
    if not access.can_identify(principal, person):
        raise PermissionDenied(_("You may not screen this person."))
    if wishes_asylum not in AsylumWish.values:
        raise ProtectionError(_("Unknown answer about asylum: “%(value)s”.") % {"value": wishes_asylum})
    clean = _clean_answers(answers, person_facts(person))
    organization = _acting_organization(principal, person)
    draft, created = ScreeningDraft.objects.update_or_create(
        person=person,
        organization=organization,
        defaults={
            "answers": clean,
            "wishes_asylum": wishes_asylum,
            "note": note,
            "saved_by": principal.user,
            "saved_by_label": principal.label,
            "saved_at": timezone.now(),
        },
    )
    audit.record(
        principal,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        person,
        request=request,
        organization=organization,
        summary=f"screening draft of person {person.pk}",
        answers=len(clean),
    )
    return draft


def draft_for(actor, person: Person) -> ScreeningDraft | None:
    """The draft the user's acting organization keeps for this person, if any."""
    principal = policy.principal_for(actor)
    if not access.can_identify(principal, person):
        return None
    organization = _acting_organization(principal, person)
    return policy.visible(principal, ScreeningDraft).filter(person=person, organization=organization).first()


@transaction.atomic
def decide_suggestion(
    *, actor, suggestion: ScreeningSuggestion, decision: str, note: str = "", request=None
) -> ScreeningSuggestion:
    """Staff confirm or reject a suggested profile (a rejection keeps the suggestion, marked)."""
    principal = policy.principal_for(actor)
    if not access.can_review(principal, suggestion.screening):
        raise PermissionDenied(_("You may not review this screening."))
    if decision not in (Decision.CONFIRMED, Decision.REJECTED):
        raise ProtectionError(_("A profile is either confirmed or rejected."))
    before = suggestion.decision
    suggestion.decision = decision
    suggestion.decided_at = timezone.now()
    suggestion.decided_by_label = principal.label
    suggestion.decision_note = note[:300]
    suggestion.save(update_fields=["decision", "decided_at", "decided_by_label", "decision_note"])
    screening = suggestion.screening
    if not screening.suggestions.filter(decision=Decision.PENDING).exists():
        screening.reviewed_at = timezone.now()
        screening.save(update_fields=["reviewed_at"])
    audit.record(
        principal,
        AuditAction.UPDATE,
        screening,
        request=request,
        summary=f"profile {suggestion.profile.code}: {decision}",
        profile=suggestion.profile.code,
        before=before,
        after=decision,
    )
    return suggestion


@transaction.atomic
def add_profile(*, actor, screening: Screening, profile: Profile, note: str = "", request=None) -> ScreeningSuggestion:
    """Staff add a profile the rules did not suggest (confirmed at once, marked as added by staff)."""
    principal = policy.principal_for(actor)
    if not access.can_review(principal, screening):
        raise PermissionDenied(_("You may not review this screening."))
    suggestion, created = ScreeningSuggestion.objects.get_or_create(
        screening=screening,
        profile=profile,
        defaults={"source": SuggestionSource.STAFF, "decided_at": timezone.now(), "decision": Decision.CONFIRMED},
    )
    if not created:
        return decide_suggestion(actor=principal, suggestion=suggestion, decision=Decision.CONFIRMED, note=note)
    suggestion.decided_by_label = principal.label
    suggestion.decision_note = note[:300]
    suggestion.save(update_fields=["decided_by_label", "decision_note"])
    audit.record(principal, AuditAction.UPDATE, screening, request=request, summary=f"profile {profile.code} added")
    return suggestion


# --- Service directory ---------------------------------------------------------------------


@transaction.atomic
def update_capacity(*, actor, service: Service, free: int, total: int | None = None, request=None) -> Service:
    """The provider's own staff say how many places are free right now."""
    principal = policy.principal_for(actor)
    if not access.can_update_capacity(principal, service):
        raise PermissionDenied(_("Only the provider's staff update its capacity."))
    total = service.capacity_total if total is None else total
    if free < 0 or (total is not None and free > total):
        raise ProtectionError(
            _("Free places must be between 0 and %(total)s.") % {"total": total if total is not None else "…"}
        )
    before = service.capacity_free
    service.capacity_free, service.capacity_total = free, total
    service.capacity_updated_at = timezone.now()
    service.capacity_updated_by_label = principal.label
    service.save(update_fields=["capacity_free", "capacity_total", "capacity_updated_at", "capacity_updated_by_label"])
    audit.record(
        principal, AuditAction.UPDATE, service, request=request, summary=f"capacity {before} → {free}", free=free
    )
    return service


# --- Referrals -----------------------------------------------------------------------------


def _event(referral: Referral, principal, from_status: str, to_status: str, note: str = "", organization_id=None):
    ReferralEvent.objects.create(
        referral=referral,
        actor_label=principal.label,
        organization_id=organization_id,
        from_status=from_status,
        to_status=to_status,
        note=note[:300],
    )


@transaction.atomic
def create_referral(
    *,
    actor,
    person: Person,
    to_organization: Organization,
    service_kind: str,
    service: Service | None = None,
    profile: Profile | None = None,
    pathway: ReferralPathway | None = None,
    screening: Screening | None = None,
    reason: str = "",
    shared_fields=DEFAULT_SHARED_FIELDS,
    urgency: str | None = None,
    from_organization: Organization | None = None,
    request=None,
) -> Referral:
    """A draft referral: nothing reaches the provider until it is sent with consent."""
    principal = policy.principal_for(actor)
    if not access.can_screen(principal, person):
        raise PermissionDenied(_("You may not refer this person."))
    if from_organization is None:
        from_organization = _acting_organization(principal, person)
    elif not principal.is_system and from_organization.pk not in access.sending_organizations(principal):
        raise PermissionDenied(_("You may only refer on behalf of your own organization."))
    if from_organization.pk == to_organization.pk:
        raise ProtectionError(_("A referral goes to another organization."))
    urgency = urgency or (pathway.urgency if pathway else "standard")
    hours = pathway.response_hours if pathway and pathway.urgency == urgency else RESPONSE_HOURS[urgency]
    shared_fields = list(dict.fromkeys(shared_fields))
    profiles = screening.confirmed_profiles if screening else ([profile] if profile else [])
    try:
        snapshot = build_snapshot(person, shared_fields, screening=screening, profiles=profiles)
    except UnknownField as exc:
        raise ProtectionError(_("These fields cannot be shared: %(fields)s.") % {"fields": exc}) from None
    referral = Referral.objects.create(
        person=person,
        from_organization=from_organization,
        created_by=principal.user,
        created_by_label=principal.label,
        to_organization=to_organization,
        service=service,
        service_kind=service_kind,
        profile=profile,
        pathway=pathway,
        screening=screening,
        urgency=urgency,
        response_hours=hours,
        reason=reason,
        shared_fields=shared_fields,
        shared_data=snapshot,
    )
    _event(referral, principal, "", ReferralStatus.DRAFT, organization_id=from_organization.pk)
    audit.record(
        principal,
        AuditAction.CREATE,
        referral,
        request=request,
        organization=from_organization,
        summary=f"referral of person {person.pk} to {to_organization.slug}",
        person_id=person.pk,
    )
    return referral


def _claim(referral: Referral, from_status: str, **changes) -> None:
    """Move the row only if it is still in `from_status` (two people answering at once: one wins)."""
    changed = Referral.objects.filter(pk=referral.pk, status=from_status).update(**changes)
    if changed != 1:
        raise InvalidTransition(_("This referral changed meanwhile; reload the page."))
    for name, value in changes.items():
        setattr(referral, name, value)


def _check_transition(principal, referral: Referral, to_status: str) -> None:
    side = TRANSITIONS.get((referral.status, to_status))
    if side is None:
        raise InvalidTransition(
            _("A referral cannot go from “%(from)s” to “%(to)s”.")
            % {"from": referral.get_status_display(), "to": ReferralStatus(to_status).label}
        )
    allowed = access.is_sender(principal, referral) if side == "sender" else access.is_receiver(principal, referral)
    if not allowed:
        raise PermissionDenied(
            _("Only the referring organization may do this.")
            if side == "sender"
            else _("Only the receiving organization may do this.")
        )


@transaction.atomic
def send_referral(
    *, actor, referral: Referral, consent_method: str = "", shared_fields=None, reason: str | None = None, request=None
) -> Referral:
    """Send a draft. Needs the person's active consent to referrals: when none is on record, the
    sender records it here (`consent_method`: how the person gave it), else the send is refused."""
    principal = policy.principal_for(actor)
    _check_transition(principal, referral, ReferralStatus.SENT)
    person = referral.person
    consent = Consent.objects.active(ConsentPurpose.REFERRALS).filter(person=person).first()
    if consent is None:
        if not consent_method:
            raise ConsentRequired(
                _("%(name)s has not consented to referrals: ask, and record how they consented.")
                % {"name": person.full_name}
            )
        if consent_method not in ConsentMethod.values:
            raise ConsentRequired(_("Unknown consent method “%(method)s”.") % {"method": consent_method})
        consent = record_consent(
            actor=principal, person=person, purpose=ConsentPurpose.REFERRALS, given=True, method=consent_method
        )
    fields = list(dict.fromkeys(shared_fields if shared_fields is not None else referral.shared_fields))
    profiles = (
        referral.screening.confirmed_profiles
        if referral.screening
        else ([referral.profile] if referral.profile else [])
    )
    try:
        snapshot = build_snapshot(person, fields, screening=referral.screening, profiles=profiles)
    except UnknownField as exc:
        raise ProtectionError(_("These fields cannot be shared: %(fields)s.") % {"fields": exc}) from None
    now = timezone.now()
    _claim(
        referral,
        ReferralStatus.DRAFT,
        status=ReferralStatus.SENT,
        sent_at=now,
        respond_by=now + timedelta(hours=referral.response_hours),
        consent=consent,
        shared_fields=fields,
        shared_data=snapshot,
        reason=referral.reason if reason is None else reason,
    )
    _event(
        referral, principal, ReferralStatus.DRAFT, ReferralStatus.SENT, organization_id=referral.from_organization_id
    )
    audit.record(
        principal,
        AuditAction.SHARE,
        referral,
        request=request,
        organization=referral.from_organization,
        summary=f"referral sent to {referral.to_organization.slug}",
        person_id=person.pk,
        shared_fields=fields,
    )
    transaction.on_commit(lambda: notices.referral_sent(referral.pk))
    transaction.on_commit(lambda: notices.schedule_overdue_check(referral.respond_by))
    return referral


@transaction.atomic
def transition_referral(*, actor, referral: Referral, to_status: str, note: str = "", request=None) -> Referral:
    """Accept, decline (with a reason), start, complete or close a referral."""
    principal = policy.principal_for(actor)
    if to_status == ReferralStatus.SENT:
        raise InvalidTransition(_("Use send to send a referral."))
    _check_transition(principal, referral, to_status)
    note = (note or "").strip()
    changes: dict = {"status": to_status}
    now = timezone.now()
    if to_status == ReferralStatus.DECLINED:
        if not note:
            raise ProtectionError(_("Say why the referral is declined."))
        changes.update(decline_reason=note[:300], answered_at=now)
    elif to_status == ReferralStatus.ACCEPTED:
        changes["answered_at"] = now
    elif to_status in (ReferralStatus.COMPLETED, ReferralStatus.CLOSED):
        changes.update(finished_at=now, outcome=note[:300])
    before = referral.status
    _claim(referral, before, **changes)
    side_org = (
        referral.from_organization_id if TRANSITIONS[(before, to_status)] == "sender" else referral.to_organization_id
    )
    _event(referral, principal, before, to_status, note, organization_id=side_org)
    audit.record(
        principal,
        AuditAction.STATUS_CHANGE,
        referral,
        request=request,
        organization=side_org,
        summary=f"referral {before} → {to_status}",
        before=before,
        after=to_status,
    )
    if to_status in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.COMPLETED):
        transaction.on_commit(lambda: notices.referral_answered(referral.pk))
    return referral


def flag_overdue_referrals(*, now=None) -> list[int]:
    """Flag sent referrals whose answer is overdue, once each (a conditional update claims them),
    and tell both organizations. Returns the flagged ids."""
    now = now or timezone.now()
    principal = policy.system_principal("task:flag_overdue_referrals")
    flagged = []
    candidates = Referral.objects.filter(
        status=ReferralStatus.SENT, respond_by__lt=now, overdue_flagged_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(candidates[:1000]):
        with transaction.atomic():
            if Referral.objects.filter(pk=pk, overdue_flagged_at__isnull=True).update(overdue_flagged_at=now) != 1:
                continue
            audit.record(
                principal,
                AuditAction.STATUS_CHANGE,
                object_type="protection.referral",
                object_id=pk,
                summary="referral overdue",
            )
            flagged.append(pk)
            transaction.on_commit(lambda pk=pk: notices.referral_overdue(pk))
    return flagged


def has_open_referrals_to_watch() -> bool:
    return Referral.objects.filter(status=ReferralStatus.SENT, overdue_flagged_at__isnull=True).exists()


def factor_summary(screening: Screening) -> dict[str, dict[str, list[str]]]:
    """Factors grouped by level, then risk/protective: what a case plan aims to change."""
    out: dict[str, dict[str, list[str]]] = {}
    for f in screening.factors:
        out.setdefault(f["level"], {FactorKind.RISK: [], FactorKind.PROTECTIVE: []})[f["factor"]].append(f["code"])
    return out


# --- The directory, per country ------------------------------------------------------------


@transaction.atomic
def review_directory(*, actor, country: str, note: str = "", request=None) -> DirectoryReview:
    """An organization administrator of `country` confirms its directory (pathways, authorities,
    contacts) as loaded: who, when, and which version of the data files. A later change of the
    files makes the review out of date, and the page says so."""
    principal = policy.principal_for(actor)
    organization_id = access.reviewing_organization_id(principal, country)
    if organization_id is None:
        raise PermissionDenied(_("Only an administrator of an organization in this country reviews its directory."))
    directory = CountryDirectory.objects.select_for_update().filter(country=country.upper()).first()
    if directory is None:
        raise ProtectionError(_("There is no directory for %(country)s.") % {"country": country})
    now = timezone.now()
    review = DirectoryReview.objects.create(
        directory=directory,
        organization_id=organization_id,
        reviewed_by=principal.user,
        reviewed_by_label=principal.label,
        reviewed_at=now,
        data_digest=directory.data_digest,
        note=note[:500],
    )
    directory.reviewed_at, directory.reviewed_by_label = now, principal.label
    directory.reviewed_digest = directory.data_digest
    directory.save(update_fields=["reviewed_at", "reviewed_by_label", "reviewed_digest"])
    audit.record(
        principal,
        AuditAction.UPDATE,
        directory,
        request=request,
        organization=Organization.objects.get(pk=organization_id),
        summary=f"directory of {directory.country} reviewed",
        digest=directory.data_digest[:12],
    )
    return review
