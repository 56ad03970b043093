"""The portal's flows that need a one-time code: "I'm safe / I need help", self-registration and
"My data". Each asks for a phone, sends a code (or, silently, does not: rate limits, unknown
numbers for "My data"), and says the same thing either way, so nobody learns whether a number
or a person is registered."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from amparo.accounts import audit
from amparo.accounts.codes import AuditAction, ConsentPurpose, OrganizationKind
from amparo.accounts.models import Organization
from amparo.core import gazetteer
from amparo.crises.models import Crisis, WelfareStatus
from amparo.portal import phone_codes, queries, services, session
from amparo.portal.codes import CodePurpose
from amparo.portal.forms import (
    CONSENT_TEXTS,
    ChoosePeopleForm,
    CodeForm,
    DeletionForm,
    EmailForm,
    PhoneForm,
    RegistrationForm,
    ReportForm,
)
from amparo.portal.sms import send_code
from amparo.portal.views import in_language, render_portal, resolve_place
from amparo.registry.models import Consent


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _send(request, *, purpose: str, phone: str, lang: str, organization=None, really: bool = True) -> None:
    """Issue and send a code unless a limit or the purpose says not to; the caller shows the same
    page in every case."""
    if not really:
        return
    issued = phone_codes.issue(purpose=purpose, phone=phone, address=_client(request))
    if issued.code is None:
        return
    sent = send_code(phone=phone, code=issued.secret, language=lang, organization=organization)
    if sent.demo_code:
        messages.info(request, _("Demo: the SMS went to the server's console. The code is %(code)s.") % {
            "code": sent.demo_code})  # fmt: skip


def _active_crisis(crisis_id: int) -> Crisis:
    return get_object_or_404(Crisis, pk=crisis_id, is_exercise=False, phase__in=("watch", "response"))


# --- "I'm safe / I need help" ------------------------------------------------------------------


@never_cache
@in_language
def report(request, lang: str, crisis_id: int):
    crisis = _active_crisis(crisis_id)
    answer = request.GET.get("answer", "")
    form = ReportForm(request.POST or None, initial={"answer": answer} if answer in ("safe", "help") else None)
    phone_form = PhoneForm(request.POST or None, language=lang, default_country=(crisis.countries or [""])[0])
    if request.method == "POST" and form.is_valid() and phone_form.is_valid():
        phone = phone_form.cleaned_data["phone"]
        data = form.cleaned_data
        session.start(request, purpose=CodePurpose.SELF_REPORT, phone=phone,
                      payload={"crisis": crisis.pk, "answer": data["answer"], "needs": data["needs"], "note": data["note"]})  # fmt: skip
        _send(request, purpose=CodePurpose.SELF_REPORT, phone=phone, lang=lang, organization=crisis.organization)
        return redirect("portal:code", lang=lang)
    return render_portal(request, "portal/report.html", {"crisis": crisis, "form": form, "phone_form": phone_form})


def _apply_report(request, lang: str, phone: str, payload: dict, person_ids=None):
    crisis = _active_crisis(payload["crisis"])
    people = queries.people_with_phone(phone)
    outcome = services.self_report(
        phone=phone, crisis=crisis, answer=payload["answer"], needs=payload["needs"], note=payload["note"],
        person_ids=person_ids, people=people, request=request,
    )  # fmt: skip
    session.end(request)
    return render_portal(
        request, "portal/report_done.html",
        {"crisis": crisis, "answer": payload["answer"], "needs": payload["needs"], "outcome": outcome},
    )  # fmt: skip


@never_cache
@in_language
def report_who(request, lang: str):
    """A shared phone: the person says whom the answer is about (names shown only to whoever
    proved they hold the phone)."""
    phone = session.verified_phone(request, CodePurpose.SELF_REPORT)
    payload = request.session.get("portal_report")
    if not phone or not payload:
        return redirect("portal:home", lang=lang)
    people = queries.people_with_phone(phone)
    in_crisis = set(
        WelfareStatus.objects.filter(crisis_id=payload["crisis"], person__in=people).values_list("person_id", flat=True)
    )
    choices = [(str(p.pk), _short_name(p)) for p in people if p.pk in in_crisis]
    form = ChoosePeopleForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        request.session.pop("portal_report", None)
        return _apply_report(request, lang, phone, payload, person_ids=[int(v) for v in form.cleaned_data["people"]])
    return render_portal(request, "portal/report_who.html", {"form": form})


def _short_name(person) -> str:
    initial = (person.first_surname or "")[:1]
    return f"{person.given_names} {initial}." if initial else person.given_names


# --- the code step, shared by every flow ------------------------------------------------------


@never_cache
@in_language
def code(request, lang: str):
    pending = request.session.get(session.PENDING)
    if not pending or session.pending(request, pending.get("purpose")) is None:
        messages.info(request, _("That step has expired. Please start again."))
        return redirect("portal:home", lang=lang)
    purpose, phone = pending["purpose"], pending["phone"]
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            phone_codes.verify(purpose=purpose, phone=phone, code=form.cleaned_data["code"])
        except phone_codes.CodeRejected as exc:
            form.add_error("code", _("This code has expired or was used too many times. Ask for a new one.")
                           if str(exc) in ("expired", "attempts") else _("This code is not right. Try again."))  # fmt: skip
        else:
            payload = pending["payload"]
            session.verified(request, purpose=purpose, phone=phone)
            return _after_code(request, lang, purpose, phone, payload)
    return render_portal(request, "portal/code.html", {"form": form, "purpose": purpose})


def _after_code(request, lang, purpose, phone, payload):
    if purpose == CodePurpose.SELF_REPORT:
        people = queries.people_with_phone(phone)
        in_crisis = WelfareStatus.objects.filter(crisis_id=payload["crisis"], person__in=people).count()
        if in_crisis > 1:
            request.session["portal_report"] = payload
            return redirect("portal:report_who", lang=lang)
        return _apply_report(request, lang, phone, payload)
    if purpose == CodePurpose.REGISTER:
        return _finish_registration(request, lang, phone, payload)
    return redirect("portal:me", lang=lang)


# --- self-registration ------------------------------------------------------------------------


def _served_nationalities() -> list[str]:
    return sorted(
        set(
            Organization.objects.filter(kind=OrganizationKind.CONSULATE, is_active=True)
            .exclude(served_nationality="")
            .values_list("served_nationality", flat=True)
        )
    )


@never_cache
@in_language
def register(request, lang: str):
    form = RegistrationForm(request.POST or None, language=lang, nationalities=_served_nationalities())
    where, choices, typed = resolve_place(request, lang) if request.method == "POST" else (None, [], "")
    consulates = []
    if request.method == "POST" and form.is_valid():
        if where is None or not where.country:
            form.add_error(
                None, _("Tell us the town where you are now.") if not choices else _("Choose your town in the list.")
            )
        else:
            consulates = services.consulates_for(form.cleaned_data["nationality"], where.country)
            chosen = request.POST.get("consulate", "")
            consulate = next(
                (c for c in consulates if str(c.pk) == chosen), consulates[0] if len(consulates) == 1 else None
            )
            if not consulates:
                form.add_error(
                    None, _("Your consulate does not use Amparo in this country yet. Please contact it directly.")
                )
            elif consulate is not None:
                data = form.cleaned_data
                payload = {
                    "given_names": data["given_names"], "surnames": data["surnames"], "nationality": data["nationality"],
                    "language": data["language"], "consents": form.consents(), "consulate": consulate.pk,
                    "country": where.country, "subdivision": where.subdivision,
                    "municipality": typed if not request.POST.get("place") else where.label.split(",")[0],
                    "lat": where.lat, "lon": where.lon, "precision_m": where.precision_m,
                }  # fmt: skip
                session.start(request, purpose=CodePurpose.REGISTER, phone=data["phone"], payload=payload)
                _send(request, purpose=CodePurpose.REGISTER, phone=data["phone"], lang=lang, organization=consulate)
                return redirect("portal:code", lang=lang)
    return render_portal(
        request, "portal/register.html",
        {"form": form, "choices": choices, "typed": typed, "where": where, "consulates": consulates,
         "consent_texts": CONSENT_TEXTS},
    )  # fmt: skip


def _finish_registration(request, lang, phone, payload):
    consulate = get_object_or_404(Organization, pk=payload["consulate"], kind=OrganizationKind.CONSULATE)
    registration = services.self_register(
        data=services.Registration(
            given_names=payload["given_names"], surnames=payload["surnames"], phone=phone,
            nationality=payload["nationality"], country=payload["country"], subdivision=payload["subdivision"],
            municipality=payload["municipality"], latitude=payload["lat"], longitude=payload["lon"],
            precision_m=payload["precision_m"], language=payload["language"], consents=payload["consents"],
        ),
        organization=consulate, request=request,
    )  # fmt: skip
    return render_portal(request, "portal/register_done.html", {"consulate": consulate, "registration": registration})


# --- My data ----------------------------------------------------------------------------------


@never_cache
@in_language
def me(request, lang: str):
    phone = session.verified_phone(request, CodePurpose.MY_DATA, CodePurpose.REGISTER)
    if phone is None:
        form = PhoneForm(request.POST or None, language=lang)
        if request.method == "POST" and form.is_valid():
            phone = form.cleaned_data["phone"]
            session.start(request, purpose=CodePurpose.MY_DATA, phone=phone)
            # Only numbers the registry holds get an SMS: the page says the same for any number.
            _send(request, purpose=CodePurpose.MY_DATA, phone=phone, lang=lang, really=queries.phone_is_known(phone))
            return redirect("portal:code", lang=lang)
        return render_portal(request, "portal/me_phone.html", {"form": form})
    people = queries.people_with_phone(phone)
    for person in people:
        audit.record(services.self_service_actor(), AuditAction.VIEW, person, request=request,
                     organization=person.registering_organization_id, summary="seen by the person in My data")  # fmt: skip
    records = [_record_view(p) for p in people]
    return render_portal(request, "portal/me.html", {"records": records, "phone": phone, "email_form": EmailForm(),
                                                     "deletion_form": DeletionForm()})  # fmt: skip


def _record_view(person) -> dict:
    """What the person sees of their own record: who holds it, identity, contacts, where, and
    consents. Protection notes, screenings and cases are not shown here (a phone can be in
    someone else's hands); the organization can show them in person."""
    open_consents = {c.purpose: c.given for c in Consent.objects.filter(person=person, withdrawn_at__isnull=True)}
    place = ", ".join(part for part in (person.municipality, getattr(gazetteer.subdivision(person.subdivision), "name", ""))
                      if part)  # fmt: skip
    return {
        "person": person,
        "contacts": list(person.contacts.all()),
        "place": place,
        "consents": [
            {"purpose": purpose, "label": ConsentPurpose(purpose).label, "given": open_consents.get(purpose)}
            for purpose in (
                ConsentPurpose.CRISIS_ALERTS,
                ConsentPurpose.REFERRALS,
                ConsentPurpose.SHARING_HOST_AUTHORITIES,
            )
        ],
        "deletion_requested": person.data_requests.filter(kind="deletion", status="open").exists(),
    }


@never_cache
@in_language
def me_action(request, lang: str):
    if request.method != "POST":
        raise Http404
    phone = session.verified_phone(request, CodePurpose.MY_DATA, CodePurpose.REGISTER)
    if phone is None:
        messages.info(request, _("For your safety, we closed your page after a few minutes. Ask for a new code."))
        return redirect("portal:me", lang=lang)
    action = request.POST.get("action", "")
    if action == "logout":
        session.end(request)
        messages.info(request, _("You left your page. Nobody can see your data from this phone now."))
        return redirect("portal:home", lang=lang)
    people = queries.people_with_phone(phone)
    person = next((p for p in people if str(p.pk) == request.POST.get("person", "")), None)
    if person is None:
        raise PermissionDenied
    try:
        _do(request, lang, action, person, people, phone)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("portal:me", args=[lang]) + f"#r{person.pk}")


def _do(request, lang, action, person, people, phone) -> None:
    post = request.POST
    if action in ("consent_yes", "consent_no"):
        services.set_consent(person=person, people=people, purpose=post.get("purpose", ""), given=action == "consent_yes",
                             request=request)  # fmt: skip
        messages.success(request, _("Saved. Your consulate has been told."))
    elif action == "email":
        form = EmailForm(post)
        if not form.is_valid():
            raise ValidationError(_("Enter a valid e-mail address."))
        services.add_email(person=person, people=people, email=form.cleaned_data["email"], request=request)
        messages.success(request, _("Saved. Your consulate has been told."))
    elif action == "remove_contact":
        services.remove_contact(person=person, people=people, contact_id=int(post.get("contact") or 0),
                                verified_phone=phone, request=request)  # fmt: skip
        messages.success(request, _("Removed. Your consulate has been told."))
    elif action == "location":
        where, choices, _typed = resolve_place(request, lang)
        if where is None:
            raise ValidationError(
                _("We could not find that town. Write its name as on a sign, or choose it in the list.")
            )
        services.change_location(
            person=person, people=people, country=where.country, subdivision=where.subdivision,
            municipality=where.label.split(",")[0], latitude=where.lat, longitude=where.lon,
            precision_m=where.precision_m, request=request,
        )  # fmt: skip
        messages.success(request, _("Saved. Your consulate has been told."))
    elif action == "delete":
        form = DeletionForm(post)
        form.is_valid()
        services.request_deletion(
            person=person, people=people, reason=form.cleaned_data.get("reason", ""), request=request
        )
        messages.success(request, _("Your request was sent. Your consulate will answer you."))
    else:
        raise ValidationError(_("Unknown action."))
