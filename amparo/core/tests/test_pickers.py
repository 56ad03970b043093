"""Place and user pickers (core/pickers.py): the endpoints answer only signed-in users, find
places by name without accents, give coordinates, list only the asker's own colleagues; and the
forms that use them still post (and store) the same codes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from amparo.core import pickers


def results(client, name, **params):
    response = client.get(reverse(f"core:picker_{name}"), params)
    assert response.status_code == 200
    return response.json()["results"]


@pytest.mark.parametrize("name", ["subdivisions", "places", "users"])
def test_the_endpoints_require_login(client, db, name):
    response = client.get(reverse(f"core:picker_{name}"), {"q": "gu"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_subdivision_is_found_by_its_name_without_accents(client, make_org, make_user):
    client.force_login(make_user(make_org()))
    found = results(client, "subdivisions", q="peten", country="GT")
    assert [(r["value"], r["label"]) for r in found] == [("GT-17", "Petén")]
    assert found[0]["lat"] and found[0]["lon"] and found[0]["precision_m"] == 50_000
    assert results(client, "subdivisions", q="GUERR", country="MX")[0]["value"] == "MX-GRO"
    # Without a country: the region's subdivisions.
    assert "MX-OAX" in [r["value"] for r in results(client, "subdivisions", q="oaxa")]


def test_a_town_comes_with_where_it_lies_and_its_coordinates(client, make_org, make_user):
    client.force_login(make_user(make_org()))
    town = results(client, "places", q="tapachula", country="MX")[0]
    assert (town["label"], town["municipality"], town["subdivision"], town["country"]) == (
        "Tapachula", "Tapachula", "MX-CHP", "MX",
    )  # fmt: skip
    assert abs(town["lat"] - 14.9) < 0.1 and abs(town["lon"] + 92.26) < 0.1 and town["precision_m"] == 5_000
    assert any("Juchitán" in r["label"] for r in results(client, "places", q="juchitan"))
    assert results(client, "places", q="tapachula", subdivision="MX-GRO") == []


def test_the_user_picker_lists_only_the_askers_own_organization(client, make_org, make_user):
    mine, other = make_org("mine"), make_org("other")
    asker = make_user(mine, "case_worker", username="asker", first_name="Ana")
    make_user(mine, "case_worker", username="sofia-m", first_name="Sofía", last_name="Méndez")
    make_user(other, "case_worker", username="sofia-o", first_name="Sofía", last_name="Ortiz")
    client.force_login(asker)
    assert [r["value"] for r in results(client, "users", q="sofia")] == ["sofia-m"]  # accents ignored
    assert results(client, "users", q="sofia")[0]["label"] == "Sofía Méndez (sofia-m)"
    assert results(client, "users", q="ortiz") == []
    assert results(client, "users", q="sofia", organization=other.pk) == []
    assert results(client, "users", q="sofia", organization="not-a-number") == []


def test_the_widget_shows_names_and_keeps_codes(db):
    from amparo.registry.forms import LocationForm

    with translation.override("es"):
        form = LocationForm(initial={"country": "MX", "subdivision": "MX-GRO", "municipality": "Acapulco de Juárez"})
        html = str(form["subdivision"])
    assert 'value="MX-GRO"' in html and 'data-picker="subdivision"' in html
    assert "Guerrero" in html and 'data-picker-country="id_country"' in html
    municipality = str(form["municipality"])
    assert 'data-fill-lat="id_latitude"' in municipality and 'data-fill-subdivision="id_subdivision"' in municipality


def test_the_location_form_takes_names(db):
    from amparo.registry.forms import LocationForm

    form = LocationForm(
        {"country": "", "subdivision": "Guerrero", "municipality": "Acapulco de Juárez", "source": "staff"}
    )
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["subdivision"], form.cleaned_data["country"]) == ("MX-GRO", "MX")


def test_a_crisis_area_by_subdivision_names_or_codes(db):
    from amparo.crises.forms import AreasForm

    form = AreasForm({"subdivisions": "Guerrero, oaxaca, MX-CHP"})
    assert form.is_valid(), form.errors
    (spec,) = form.cleaned_data["specs"]
    assert spec.subdivisions == ["MX-GRO", "MX-OAX", "MX-CHP"]
    assert spec.label == "Guerrero, Oaxaca, Chiapas"
    bad = AreasForm({"subdivisions": "Guerrero, Narnia"})
    assert not bad.is_valid() and "Narnia" in str(bad.errors["subdivisions"])


def test_broadcast_audience_filters_by_place_names_posting_codes(db):
    from amparo.messaging.forms import BroadcastForm

    data = {"title": "t", "template": "1", "country": "MX", "nationality": "GT", "subdivisions": "Chiapas, MX-TAB",
            "checkin_valid_hours": 72, "language_fallback": "es"}  # fmt: skip
    form = BroadcastForm(data, templates=[type("T", (), {"pk": 1, "name": "x", "get_purpose_display": str})()])
    assert form.is_valid(), form.errors
    assert form.audience() == {"nationality": "GT", "country": "MX", "subdivisions": ["MX-CHP", "MX-TAB"]}
    with translation.override("es"):
        html = str(BroadcastForm(templates=[])["country"])
    assert '<option value="MX">México</option>' in html


def test_services_near_a_town_chosen_by_name_or_id(db):
    from amparo.core import gazetteer
    from amparo.protection.forms import DirectorySearchForm

    town = gazetteer.search("Tapachula", country="MX")[0]
    by_id = DirectorySearchForm({"place": str(town.id)})
    assert by_id.is_valid(), by_id.errors
    assert (by_id.cleaned_data["lat"], by_id.cleaned_data["lon"]) == (town.lat, town.lon)
    by_name = DirectorySearchForm(
        {"place": "tapachula", "lat": "1", "lon": "1"}
    )  # the town wins over stale hidden values
    assert by_name.is_valid() and by_name.cleaned_data["lat"] == town.lat
    assert not DirectorySearchForm({"place": "Narnia"}).is_valid()
    assert DirectorySearchForm({"lat": "14.9", "lon": "-92.26"}).is_valid()  # "near me" as before


def test_case_transfer_picks_a_colleague_by_name(client, make_org, make_user, make_person):
    from amparo.cases import services
    from amparo.cases.models import Case

    org = make_org("ngo")
    worker = make_user(org, "case_worker", username="worker", first_name="Sofía")
    other = make_user(org, "case_worker", username="other-worker", first_name="Tomás")
    case = services.open_case(
        actor=worker, person=make_person(org), consent_method="verbal", organization=org, case_worker=worker
    )
    client.force_login(worker)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert 'data-picker="user"' in page and 'data-picker-organization="id_to_organization"' in page
    assert results(client, "users", q="tomas", organization=org.pk) == [
        {"value": "other-worker", "label": "Tomás (other-worker)"}
    ]
    client.post(
        reverse("cases:case_transfer", args=[case.pk]), {"to_organization": org.pk, "to_worker": "other-worker"}
    )
    assert Case.objects.get(pk=case.pk).case_worker == other


def test_subdivision_codes_reads_names_and_codes():
    assert pickers.subdivision_codes("Guerrero; MX-OAX, guerrero") == (["MX-GRO", "MX-OAX"], [])
    assert pickers.subdivision_codes("Narnia") == ([], ["Narnia"])
    assert pickers.subdivision_code("peten", "GT") == "GT-17"


def test_a_crisis_names_its_countries_in_words(db):
    from amparo.crises.forms import CrisisForm
    from amparo.crises.models import Crisis

    data = {"name": "Huracán", "kind": "tropical_cyclone", "severity": "severe", "phase": "response",
            "started_at": "2026-10-01T08:00", "countries_text": "méxico, Guatemala, HN, Belice"}  # fmt: skip
    form = CrisisForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["countries_text"] == ["MX", "GT", "HN", "BZ"]
    bad = CrisisForm({**data, "countries_text": "México, Narnia"})
    assert not bad.is_valid() and "Narnia" in str(bad.errors["countries_text"])
    crisis = Crisis(pk=1, name="x", countries=["MX", "GT"])  # an existing crisis, being edited
    with translation.override("fr"):
        assert CrisisForm(instance=crisis).fields["countries_text"].initial == "Mexique, Guatemala"
