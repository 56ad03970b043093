"""The crises API: token-authenticated, scoped like the pages."""

import pytest

from amparo.accounts.models import APIToken
from amparo.crises.models import WelfareStatus
from amparo.crises.tests.conftest import circle


@pytest.fixture
def scene(world, make_org, make_person, make_crisis):
    at = {"latitude": 16.3, "longitude": -98.8, "country": "MX", "subdivision": "MX-GRO"}
    own = make_person(world["consulate"], given_names="Propia", **at)
    theirs = make_person(make_org("mx-shelter", kind="shelter"), given_names="Ajena", nationality="HN", **at)
    crisis = make_crisis(circle(16.2, -98.8, 100))
    return world, crisis, own, theirs


def bearer(user) -> dict:
    _token, raw = APIToken.objects.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_lists_counts_and_names_what_the_caller_may_see(client, scene):
    world, crisis, own, theirs = scene
    auth = bearer(world["officer"])
    assert [c["id"] for c in client.get("/api/crises/", **auth).json()] == [crisis.pk]
    assert client.get(f"/api/crises/{crisis.pk}/counts", **auth).json()["affected"] == 1
    rows = client.get(f"/api/crises/{crisis.pk}/affected", **auth).json()
    assert [r["person_id"] for r in rows] == [own.pk]
    civil = bearer(world["civil"])
    assert client.get(f"/api/crises/{crisis.pk}/counts", **civil).json()["affected"] == 2
    assert client.get(f"/api/crises/{crisis.pk}/affected", **civil).json() == []


def test_api_welfare_update_and_refusals(client, scene):
    world, crisis, own, theirs = scene
    auth = bearer(world["officer"])
    url = f"/api/crises/{crisis.pk}/welfare/{own.pk}"
    response = client.post(
        url, {"status": "needs_assistance", "needs": ["medical"]}, content_type="application/json", **auth
    )
    assert response.status_code == 200 and response.json()["needs"] == ["medical"]
    bad = client.post(url, {"status": "fine"}, content_type="application/json", **auth)
    assert bad.status_code == 422
    client.post(url, {"status": "deceased"}, content_type="application/json", **auth)
    # Staff never claim that the person answered (a reply about a deceased person is a 409 from the
    # reply flows, in test_welfare_rules): the source is refused before any rule runs.
    refused = client.post(url, {"status": "safe", "source": "reply"}, content_type="application/json", **auth)
    assert refused.status_code == 422
    assert WelfareStatus.objects.get(crisis=crisis, person=own).status == "deceased"
    other = client.post(
        f"/api/crises/{crisis.pk}/welfare/{theirs.pk}", {"status": "safe"}, content_type="application/json", **auth
    )
    assert other.status_code == 404
    assert WelfareStatus.objects.get(crisis=crisis, person=theirs).status == "unknown"


def test_api_needs_authentication(client, scene):
    world, crisis, *_ = scene
    assert client.get("/api/crises/").status_code == 401
