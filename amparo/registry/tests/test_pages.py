"""Registry pages: search and filters, detail (audited, sensitive fields by role), create and edit
with field-level errors, consent, location, contacts, documents, household; each page refuses
people of other organizations."""

import pytest
from django.urls import reverse

from amparo.accounts.models import AuditEvent
from amparo.registry.models import Consent, Household, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def maria(shelter, make_person):
    return make_person(
        shelter,
        given_names="María José",
        first_surname="López",
        nationality="GT",
        phones=[("+50255551234", True)],
        migratory_status="asylum_seeker",
        special_needs="embarazo",
        country="MX",
        subdivision="MX-GRO",
        consents={"crisis_alerts": (True, "verbal")},
    )


@pytest.fixture
def staff(client, shelter_user):
    client.force_login(shelter_user)
    return client


@pytest.fixture
def caseworker(client, make_user, shelter):
    client.force_login(make_user(shelter, "case_worker"))
    return client


def test_search_page_finds_by_name_in_any_order_and_audits_the_search(staff, maria):
    response = staff.get(reverse("registry:person_list"), {"q": "lopez maria"})
    assert response.status_code == 200
    assert "María José López" in response.content.decode()
    assert AuditEvent.objects.filter(action="search", summary="lopez maria").exists()


def test_search_page_filters_and_htmx_partial(staff, maria, shelter, make_person):
    make_person(shelter, given_names="José", first_surname="Hernández", nationality="HN")
    response = staff.get(reverse("registry:person_list"), {"nationality": "HN"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "José Hernández" in body and "María José" not in body
    assert "<html" not in body  # the partial only


def test_search_page_has_no_migratory_status_filter(staff):
    body = staff.get(reverse("registry:person_list")).content.decode()
    assert "migratory" not in body.lower()


def test_other_organizations_see_nothing(client, outsider, maria):
    client.force_login(outsider)
    assert "María José" not in client.get(reverse("registry:person_list"), {"q": "maria"}).content.decode()
    assert client.get(reverse("registry:person_detail", args=[maria.pk])).status_code == 404
    assert client.get(reverse("registry:person_edit", args=[maria.pk])).status_code == 404
    for name in ("person_consent", "person_location", "person_contact", "person_document", "person_household"):
        assert client.post(reverse(f"registry:{name}", args=[maria.pk]), {}).status_code == 404, name
    url = reverse("registry:consent_withdraw", args=[maria.pk, "crisis_alerts"])
    assert client.post(url).status_code == 404
    assert Consent.objects.active("crisis_alerts").filter(person=maria).exists()


def test_an_analyst_sees_no_names(client, make_user, shelter, maria):
    client.force_login(make_user(shelter, "analyst"))
    assert client.get(reverse("registry:person_list")).status_code == 403
    assert client.get(reverse("registry:person_detail", args=[maria.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, maria):
    response = client.get(reverse("registry:person_detail", args=[maria.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_detail_is_audited_and_hides_sensitive_fields_from_other_roles(staff, maria):
    body = staff.get(reverse("registry:person_detail", args=[maria.pk])).content.decode()
    assert "María José López" in body
    assert "embarazo" not in body  # provider staff: not a sensitive role
    assert AuditEvent.objects.filter(action="view", object_id=str(maria.pk)).exists()


def test_detail_shows_sensitive_fields_to_a_case_worker(caseworker, maria):
    body = caseworker.get(reverse("registry:person_detail", args=[maria.pk])).content.decode()
    assert "embarazo" in body
    assert AuditEvent.objects.filter(action="view_sensitive", object_id=str(maria.pk)).exists()


def test_register_a_person_with_contact_place_and_consent(staff, shelter):
    response = staff.post(
        reverse("registry:person_create"),
        {
            "given_names": "Ana",
            "first_surname": "Pérez",
            "sex": "female",
            "birth_date_precision": "day",
            "nationalities": "hondureña",
            "languages": "español",
            "phone": "9876-5432",
            "whatsapp": "on",
            "subdivision": "Oaxaca",
            "country": "MX",
            "consent_method": "verbal",
            "consent_crisis_alerts": "on",
        },
    )
    person = Person.objects.get(given_names="Ana")
    assert response.status_code == 302 and response["Location"] == reverse("registry:person_detail", args=[person.pk])
    assert person.nationality == "HN" and person.subdivision == "MX-OAX" and person.languages == ["es"]
    assert person.contacts.get().value == "+50498765432"
    assert Consent.objects.active("crisis_alerts").filter(person=person).exists()
    assert AuditEvent.objects.filter(action="create", object_id=str(person.pk)).exists()


def test_register_form_reports_errors_field_by_field_in_the_users_language(staff):
    response = staff.post(
        reverse("registry:person_create"),
        {
            "given_names": "",
            "nationalities": "marciana",
            "sex": "female",
            "birth_date_precision": "day",
            "consent_method": "verbal",
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert not Person.objects.exists()
    assert "marciana" in body  # the nationality error names the value
    assert "Este campo es obligatorio" in body  # Django's Spanish message for the missing name


def test_outsider_and_analyst_cannot_register(client, make_user, other_org):
    client.force_login(make_user(other_org, "analyst"))
    assert client.get(reverse("registry:person_create")).status_code == 403


def test_edit_changes_names_and_the_search_follows(staff, maria):
    form = {
        "given_names": "María Josefa",
        "first_surname": "López",
        "second_surname": "Ruiz",
        "sex": "female",
        "birth_date_precision": "day",
        "nationalities": "GT, MX",
        "languages": "es",
        "record_status": "active",
    }
    response = staff.post(reverse("registry:person_edit", args=[maria.pk]), form)
    assert response.status_code == 302
    maria.refresh_from_db()
    assert maria.second_surname == "Ruiz"
    assert sorted(maria.nationalities.values_list("country", flat=True)) == ["GT", "MX"]
    assert maria.migratory_status == "asylum_seeker"  # not in the form for this role: unchanged
    body = staff.get(reverse("registry:person_list"), {"q": "ruiz josefa"}).content.decode()
    assert "María Josefa López Ruiz" in body


def test_consent_is_recorded_and_withdrawn(staff, maria):
    url = reverse("registry:person_consent", args=[maria.pk])
    staff.post(url, {"purpose": "referrals", "given": "yes", "method": "written"})
    assert Consent.objects.active("referrals").filter(person=maria).exists()
    staff.post(reverse("registry:consent_withdraw", args=[maria.pk, "referrals"]))
    assert not Consent.objects.active("referrals").filter(person=maria).exists()
    assert Consent.objects.filter(person=maria, purpose="referrals").count() == 1  # kept, closed


def test_location_update_keeps_history(staff, maria):
    staff.post(
        reverse("registry:person_location", args=[maria.pk]),
        {
            "latitude": "16.85",
            "longitude": "-99.82",
            "country": "MX",
            "subdivision": "Guerrero",
            "source": "field_visit",
        },
    )
    maria.refresh_from_db()
    assert (maria.latitude, maria.subdivision, maria.location_source) == (16.85, "MX-GRO", "field_visit")
    assert maria.location_history.count() == 2


def test_location_form_errors_are_shown(staff, maria):
    response = staff.post(reverse("registry:person_location", args=[maria.pk]), {"latitude": "95", "source": "staff"})
    assert response.status_code == 302
    maria.refresh_from_db()
    assert maria.latitude is None


def test_contacts_and_documents(staff, maria):
    staff.post(reverse("registry:person_contact", args=[maria.pk]), {"kind": "phone", "value": "no sé"})
    flagged = maria.contacts.get(raw_value="no sé")
    assert flagged.is_valid is False
    staff.post(reverse("registry:contact_remove", args=[maria.pk, flagged.pk]))
    assert not maria.contacts.filter(pk=flagged.pk).exists()
    staff.post(reverse("registry:person_document", args=[maria.pk]), {"document_type": "passport", "number": "X-1"})
    assert maria.documents.get().number_normalized == "X1"


def test_household_view_shows_members_the_user_may_see(staff, maria, shelter, make_person):
    staff.post(
        reverse("registry:person_household", args=[maria.pk]),
        {"new_household": "Familia López", "is_travelling_group": "on", "role": "head"},
    )
    household = Household.objects.get()
    child = make_person(shelter, given_names="Luis", first_surname="López")
    staff.post(reverse("registry:person_household", args=[child.pk]), {"household": household.pk, "role": "child"})
    body = staff.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert "María José López" in body and "Luis López" in body


def test_household_of_another_organization_is_not_found(client, outsider, shelter):
    household = Household.objects.create(name="Otra", registering_organization=shelter)
    client.force_login(outsider)
    assert client.get(reverse("registry:household_detail", args=[household.pk])).status_code == 404


def test_export_from_the_page_is_scoped_and_audited(staff, maria, other_org, make_person):
    make_person(other_org, given_names="Secreta")
    response = staff.get(reverse("registry:person_export", args=["csv"]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "María José" in body and "Secreta" not in body
    assert AuditEvent.objects.filter(action="export", extra__count=1).exists()
    xlsx = staff.get(reverse("registry:person_export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_an_apparent_age_gives_an_estimated_date_of_birth(staff):
    staff.post(
        reverse("registry:person_create"),
        {"given_names": "Niño", "sex": "male", "birth_date_precision": "day", "age": "12", "consent_method": "verbal"},
    )
    person = Person.objects.get(given_names="Niño")
    assert person.birth_date_precision == "estimated"
    from datetime import date

    assert date.today().year - person.birth_date.year == 12
