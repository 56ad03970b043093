"""Registry pages. Every page starts from the access policy (a scoped fetch: 404 when the person
is not the user's to see, PermissionDenied when they may see but not change); reading a record,
searching, exporting and every change are audited."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import select_template
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amparo.accounts import audit, policy
from amparo.accounts.codes import AuditAction
from amparo.accounts.models import Organization
from amparo.core import ui
from amparo.core.files import open_private, private_folder
from amparo.registry import forms, services
from amparo.registry.access import can_change, can_enter_sensitive, can_see_position, can_see_sensitive
from amparo.registry.columns import column_for_header
from amparo.registry.exporting import export_people, stream_people_csv
from amparo.registry.importing.files import UnreadableFile, open_table
from amparo.registry.models import ContactPoint, Household, ImportJob, Person
from amparo.registry.queries import Page, PersonFilters, search_people
from amparo.registry.tasks import enqueue_import, ensure_cleanup_scheduled, fail_stalled_imports, read_progress

PER_PAGE = 50


def _require_names(request):
    if not policy.principal_for(request.user).sees_names:
        raise PermissionDenied


def _writer_organizations(user) -> list[Organization]:
    principal = policy.principal_for(user)
    return list(Organization.objects.filter(pk__in=principal.organization_ids(policy.REGISTRY_WRITERS)))


def _person(request, pk: int) -> Person:
    return policy.get_visible_or_404(request.user, Person.objects.select_related("registering_organization"), pk=pk)


def _changeable(request, pk: int) -> Person:
    person = _person(request, pk)
    if not can_change(request.user, person):
        raise PermissionDenied(_("Only the organization that registered this person may change the record."))
    return person


def _filters(form: forms.SearchForm) -> PersonFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return PersonFilters(
        q=data.get("q", ""),
        nationality=data.get("nationality", ""),
        country=data.get("country", ""),
        subdivision=data.get("subdivision", ""),
        municipality=data.get("municipality", ""),
        status=data.get("status", ""),
    )


@login_required
def person_list(request):
    _require_names(request)
    form = forms.SearchForm(request.GET or None)
    filters = _filters(form)
    people = search_people(request.user, filters).select_related("registering_organization")
    page = Page(people, request.GET.get("page"), PER_PAGE)
    # One event per list or search, naming the people shown (a list is a read of each of them).
    audit.record_many(
        request.user,
        AuditAction.SEARCH if not filters.is_empty else AuditAction.VIEW,
        Person,
        [p.pk for p in page],
        request=request,
        summary=filters.q[:100] if filters.q.strip() else "people list",
        page=page.number,
    )
    context = {
        "form": form,
        "page": page,
        "query_string": request.GET.urlencode(),
        "can_register": bool(_writer_organizations(request.user)),
    }
    template = "registry/_results.html" if request.headers.get("HX-Request") else "registry/person_list.html"
    return render(request, template, context)


@login_required
def person_export(request, fmt: str):
    _require_names(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filters = _filters(forms.SearchForm(request.GET or None))
    people = search_people(request.user, filters)
    people = Person.objects.filter(pk__in=people.values("pk"))  # one row per person, whatever matched
    if fmt == "csv":
        # Streamed: the rows are read while they are sent (audited before the first one).
        response = StreamingHttpResponse(
            stream_people_csv(actor=request.user, queryset=people, request=request),
            content_type="text/csv; charset=utf-8",
        )
    else:
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        export_people(actor=request.user, queryset=people, output=response, fmt="xlsx", request=request)
    response["Content-Disposition"] = f'attachment; filename="people.{fmt}"'
    return response


@login_required
def person_detail(request, pk: int):
    person = _person(request, pk)
    sensitive = can_see_sensitive(request.user, person)
    audit.record(
        request.user,
        AuditAction.VIEW_SENSITIVE if sensitive else AuditAction.VIEW,
        person,
        request=request,
        summary=person.full_name,
    )
    changeable = can_change(request.user, person)
    households = Household.objects.filter(registering_organization=person.registering_organization_id)
    context = {
        "person": person,
        "sensitive": sensitive,
        "position_visible": can_see_position(request.user, person),
        "can_change": changeable,
        "contacts": person.contacts.all(),
        "documents": person.documents.all(),
        "consents": person.consents.all(),
        "open_consents": person.consents.filter(withdrawn_at__isnull=True, given=True),
        "nationalities": person.nationalities.all(),
        "locations": person.location_history.all()[:10],
        "household_members": (
            person.household.members.visible_to(request.user).exclude(pk=person.pk) if person.household_id else []
        ),
        # Other apps' sections (screenings, referrals, cases), each scoped by the access policy.
        "person_panels": ui.person_panels_for(request.user, person),
    }
    if changeable:
        context.update(
            consent_form=forms.ConsentForm(),
            location_form=forms.LocationForm(initial={"country": person.country}),
            contact_form=forms.ContactForm(),
            document_form=forms.DocumentForm(),
            household_form=forms.HouseholdForm(
                households=households[:200],
                initial={"household": person.household_id or "", "role": person.household_role},
            ),
        )
    return render(request, "registry/person_detail.html", context)


def _matching_slot() -> str | None:
    try:
        return select_template(["matching/_duplicate_check_slot.html"]).template.name
    except Exception:  # matching not installed
        return None


@login_required
def person_create(request):
    organizations = _writer_organizations(request.user)
    if not organizations:
        raise PermissionDenied(_("Your role does not register people."))
    sensitive = any(can_enter_sensitive(request.user, o.pk) for o in organizations)
    form = forms.PersonForm(request.POST or None, sensitive=sensitive, creating=True)
    extras = forms.RegistrationExtrasForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and extras.is_valid():
        organization = organizations[0]
        chosen = request.POST.get("organization")
        if chosen:
            organization = next((o for o in organizations if str(o.pk) == chosen), None)
            if organization is None:
                raise PermissionDenied
        data, more = form.cleaned_data, extras.cleaned_data
        person_data = services.PersonData(
            given_names=data["given_names"],
            first_surname=data["first_surname"],
            second_surname=data["second_surname"],
            other_names=data["other_names"],
            sex=data["sex"],
            birth_date=data["birth_date"],
            birth_date_precision=data["birth_date_precision"],
            place_of_birth=data["place_of_birth"],
            nationalities=data["nationalities"],
            languages=data["languages"],
            preferred_channel=data["preferred_channel"],
            source_record_id=data["source_record_id"],
            migratory_status=data.get("migratory_status", "unknown"),
            special_needs=data.get("special_needs", ""),
            gender_identity=data.get("gender_identity", ""),
            phones=[(more["phone"], more["whatsapp"])] if more["phone"] else [],
            emails=[more["email"]] if more["email"] else [],
            documents=[{"document_type": more["document_type"], "number": more["document_number"]}]
            if more["document_number"]
            else [],
            country=more.get("country") or "",
            subdivision=more.get("subdivision") or "",
            municipality=more.get("municipality") or "",
        )
        for purpose in ("crisis_alerts", "referrals", "sharing_host_authorities"):
            if more.get(f"consent_{purpose}"):
                person_data.consents[purpose] = (True, more["consent_method"])
        if (
            person_data.source_record_id
            and Person.objects.filter(
                registering_organization=organization, source_record_id=person_data.source_record_id
            ).exists()
        ):
            form.add_error("source_record_id", _("Your organization already has a person with this record id."))
        else:
            from django.core.exceptions import ValidationError

            try:
                person = services.register_person(
                    actor=request.user, organization=organization, data=person_data, request=request
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    target = form if field in form.fields else None
                    for error in errors:
                        (target or form).add_error(field if target else None, error)
            else:
                messages.success(request, _("%(name)s is registered.") % {"name": person.full_name})
                return redirect("registry:person_detail", pk=person.pk)
    return render(
        request,
        "registry/person_form.html",
        {
            "form": form,
            "extras": extras,
            "organizations": organizations,
            "creating": True,
            "matching_slot": _matching_slot(),
        },
    )


@login_required
def person_edit(request, pk: int):
    person = _changeable(request, pk)
    sensitive = can_see_sensitive(request.user, person)
    form = forms.PersonForm(request.POST or None, sensitive=sensitive, initial=forms.PersonForm.initial_for(person))
    if request.method == "GET":
        audit.record(
            request.user,
            AuditAction.VIEW_SENSITIVE if sensitive else AuditAction.VIEW,
            person,
            request=request,
            summary=f"edit form: {person.full_name}",
        )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        nationalities = data.pop("nationalities")
        changes = {k: v for k, v in data.items() if k in services.EDITABLE_FIELDS}
        if (
            changes.get("source_record_id")
            and Person.objects.filter(
                registering_organization=person.registering_organization_id,
                source_record_id=changes["source_record_id"],
            )
            .exclude(pk=person.pk)
            .exists()
        ):
            form.add_error("source_record_id", _("Your organization already has a person with this record id."))
        else:
            changes["languages"] = data["languages"]
            if data["languages"]:
                changes["preferred_language"] = data["languages"][0]
            services.update_person(
                actor=request.user, person=person, changes=changes, nationalities=nationalities, request=request
            )
            messages.success(request, _("Changes saved."))
            return redirect("registry:person_detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": person, "creating": False})


def _back(person: Person):
    return redirect("registry:person_detail", pk=person.pk)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@login_required
@require_POST
def person_consent(request, pk: int):
    person = _changeable(request, pk)
    form = forms.ConsentForm(request.POST)
    if form.is_valid():
        services.record_consent(
            actor=request.user,
            person=person,
            purpose=form.cleaned_data["purpose"],
            given=form.cleaned_data["given"],
            method=form.cleaned_data["method"],
        )
        messages.success(request, _("Consent recorded."))
    else:
        _form_errors(request, form)
    return _back(person)


@login_required
@require_POST
def consent_withdraw(request, pk: int, purpose: str):
    person = _changeable(request, pk)
    services.withdraw_consent(actor=request.user, person=person, purpose=purpose)
    messages.success(request, _("Consent withdrawn: no message or sharing relies on it from now."))
    return _back(person)


@login_required
@require_POST
def person_location(request, pk: int):
    person = _changeable(request, pk)
    form = forms.LocationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        services.record_location(
            actor=request.user,
            person=person,
            latitude=data["latitude"],
            longitude=data["longitude"],
            precision_m=data.get("precision_m"),
            country=data.get("country") or "",
            subdivision=data.get("subdivision") or "",
            municipality=data.get("municipality") or "",
            source=data["source"],
        )
        messages.success(request, _("Location updated."))
    else:
        _form_errors(request, form)
    return _back(person)


@login_required
@require_POST
def person_contact(request, pk: int):
    person = _changeable(request, pk)
    form = forms.ContactForm(request.POST)
    if form.is_valid():
        contact = services.add_contact(
            actor=request.user,
            person=person,
            kind=form.cleaned_data["kind"],
            value=form.cleaned_data["value"],
            whatsapp=form.cleaned_data["whatsapp"],
            request=request,
        )
        if contact is not None and not contact.is_valid:
            messages.warning(request, _("The phone does not parse; it is kept as written and flagged."))
        else:
            messages.success(request, _("Contact added."))
    else:
        _form_errors(request, form)
    return _back(person)


@login_required
@require_POST
def contact_remove(request, pk: int, contact_pk: int):
    person = _changeable(request, pk)
    contact = get_object_or_404(ContactPoint, pk=contact_pk, person=person)
    services.remove_contact(actor=request.user, contact=contact, request=request)
    messages.success(request, _("Contact removed."))
    return _back(person)


@login_required
@require_POST
def person_document(request, pk: int):
    person = _changeable(request, pk)
    form = forms.DocumentForm(request.POST)
    if form.is_valid():
        services.add_document(actor=request.user, person=person, request=request, **form.cleaned_data)
        messages.success(request, _("Document added."))
    else:
        _form_errors(request, form)
    return _back(person)


@login_required
@require_POST
def person_household(request, pk: int):
    person = _changeable(request, pk)
    households = Household.objects.filter(registering_organization=person.registering_organization_id)
    form = forms.HouseholdForm(request.POST, households=households)
    if form.is_valid():
        data = form.cleaned_data
        household = None
        if data["new_household"].strip():
            household = services.create_household(
                actor=request.user,
                organization=person.registering_organization,
                name=data["new_household"],
                is_travelling_group=data["is_travelling_group"],
            )
        elif data["household"]:
            household = households.get(pk=data["household"])
        services.set_household(actor=request.user, person=person, household=household, role=data["role"])
        messages.success(request, _("Household updated."))
    else:
        _form_errors(request, form)
    return _back(person)


@login_required
def household_detail(request, pk: int):
    household = policy.get_visible_or_404(request.user, Household, pk=pk)
    members = household.members.visible_to(request.user).order_by("household_role", "given_names")
    audit.record(
        request.user,
        AuditAction.VIEW,
        household,
        request=request,
        summary=str(household),
        ids=[str(pk) for pk in members.values_list("pk", flat=True)[:1000]],
    )
    return render(request, "registry/household_detail.html", {"household": household, "members": members})


# --- Import in the web UI: upload → column mapping → background task with a progress bar -------


def _job(request, pk: int) -> ImportJob:
    return policy.get_visible_or_404(request.user, ImportJob.objects.select_related("organization"), pk=pk)


@login_required
def import_start(request):
    organizations = _writer_organizations(request.user)
    if not organizations:
        raise PermissionDenied(_("Your role does not register people."))
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        private_folder(Path(settings.MEDIA_ROOT) / "imports")
        folder = private_folder(Path(settings.MEDIA_ROOT) / "imports" / uuid.uuid4().hex)
        path = folder / Path(upload.name).name
        with open_private(path, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            table = open_table(path)
            headers = table.headers
            table.close()
        except UnreadableFile as exc:
            form.add_error("file", str(exc))
        else:
            organization = next(o for o in organizations if str(o.pk) == form.cleaned_data["organization"])
            job = ImportJob.objects.create(
                organization=organization,
                created_by=request.user,
                file_path=str(path),
                original_name=upload.name[:255],
                headers=headers,
                mapping={h: column_for_header(h) or "" for h in headers if h},
                language=get_language() or "",
            )
            return redirect("registry:import_mapping", pk=job.pk)
    ensure_cleanup_scheduled()
    jobs = policy.visible(request.user, ImportJob)
    fail_stalled_imports(jobs)
    return render(request, "registry/import_start.html", {"form": form, "jobs": jobs[:10]})


@login_required
def import_mapping(request, pk: int):
    job = _job(request, pk)
    if job.status != ImportJob.Status.MAPPING:
        return redirect("registry:import_status", pk=job.pk)
    choices = forms.mapping_choices()
    valid = {c for c, _label in choices}
    rows = [{"index": i, "header": h, "column": job.mapping.get(h, "")} for i, h in enumerate(job.headers) if h]
    error = ""
    if request.method == "POST":
        mapping = {}
        for row in rows:
            value = request.POST.get(f"col-{row['index']}", "")
            if value not in valid:
                value = ""
            mapping[row["header"]] = value
            row["column"] = value
        used = [c for c in mapping.values() if c]
        if "given_names" not in used:
            error = _("Choose the column that holds the given names.")
        elif len(used) != len(set(used)) and any(
            used.count(c) > 1 for c in used if c not in ("phone", "email", "nationality", "languages")
        ):
            error = _(
                "Each field may come from one column only (phones, e-mails, nationalities and languages excepted)."
            )
        else:
            job.mapping = mapping
            job.dry_run = bool(request.POST.get("dry_run"))
            job.save(update_fields=["mapping", "dry_run"])
            enqueue_import(job)
            return redirect("registry:import_status", pk=job.pk)
    return render(
        request, "registry/import_mapping.html", {"job": job, "rows": rows, "choices": choices, "error": error}
    )


@login_required
def import_status(request, pk: int):
    job = _job(request, pk)
    if job.status == ImportJob.Status.RUNNING and fail_stalled_imports(ImportJob.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    if job.status == ImportJob.Status.RUNNING:
        job.rows_done, _beat = read_progress(job)
    template = "registry/_import_progress.html" if request.headers.get("HX-Request") else "registry/import_status.html"
    return render(request, template, {"job": job})


@login_required
def import_report(request, pk: int):
    job = _job(request, pk)
    if not job.report_path or not Path(job.report_path).is_file():
        raise Http404
    audit.record(
        request.user, AuditAction.EXPORT, job, request=request, summary=f"rejected rows of {job.original_name}"
    )
    return FileResponse(open(job.report_path, "rb"), as_attachment=True, filename="rejected-rows.csv")  # noqa: SIM115
