"""Matching API: the online check, the review queue, one pair, merge / not the same / undo, with
the pages' access rules (both people visible; changing both records to merge), token
authentication, audited reads and the OpenAPI schema."""

from datetime import date

import pytest

from amparo.accounts.codes import AuditAction, RecordStatus
from amparo.accounts.models import APIToken, AuditEvent
from amparo.matching import services
from amparo.matching.models import MatchPair, Merge, PairStatus
from amparo.matching.scoring import score
from amparo.registry.models import Person

pytestmark = pytest.mark.django_db


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {APIToken.objects.issue(user=user, name='t')[1]}"}


def post(client, url, user, body=None):
    return client.post(url, body or {}, content_type="application/json", **bearer(user))


def make_pair(a, b):
    built = services.features_for([a.pk, b.pk])
    services.record_pairs([(a.pk, b.pk, score(built[a.pk][0], built[b.pk][0]))], found_by="test")
    return MatchPair.objects.get(person_a_id=min(a.pk, b.pk), person_b_id=max(a.pk, b.pk))


@pytest.fixture
def jose(make_person, shelter):
    person = make_person(
        shelter,
        given_names="José María",
        first_surname="Hernández",
        second_surname="López",
        birth_date=date(1988, 3, 12),
        phones=[("+52 55 1234 5678", False)],
    )
    services.refresh_keys([person.pk])
    return person


@pytest.fixture
def pair(make_person, shelter):
    a = make_person(shelter, given_names="Pepe", first_surname="Luna", birth_date=date(1980, 1, 2))
    b = make_person(shelter, given_names="José", first_surname="Luna", birth_date=date(1980, 1, 2))
    return make_pair(a, b)


def test_matching_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path, method in [
        ("/api/matching/check", "post"),
        ("/api/matching/pairs", "get"),
        ("/api/matching/pairs/{pair_id}", "get"),
        ("/api/matching/pairs/{pair_id}/merge", "post"),
        ("/api/matching/pairs/{pair_id}/distinct", "post"),
        ("/api/matching/merges/{merge_id}", "get"),
        ("/api/matching/merges/{merge_id}/undo", "post"),
    ]:
        assert method in paths[path], path


def test_no_token_no_data(client, pair):
    assert client.get("/api/matching/pairs").status_code == 401
    assert client.post("/api/matching/check", {}, content_type="application/json").status_code == 401


def test_check_returns_candidates_with_reasons(client, officer, jose, make_person, shelter):
    make_person(shelter, given_names="Rosa", first_surname="Hernández", second_surname="López")
    response = post(
        client,
        "/api/matching/check",
        officer,
        {
            "given_names": "Chema",
            "first_surname": "Hernandez",
            "date_of_birth": "12/03/1988",
            "phone": "55 1234 5678",
            "nationality": "guatemalteco",
        },
    )
    assert response.status_code == 200, response.content
    [candidate] = response.json()["candidates"]
    assert candidate["person"]["id"] == jose.pk and candidate["person"]["given_names"] == "José María"
    assert candidate["probability"] > 0.95 and candidate["band"] == "automatic"
    assert "'Chema' is a nickname of 'José María'" in candidate["explanation"]
    texts = [reason["text"] for reason in candidate["reasons"]]
    assert "'Chema' is a nickname of 'José María'" in texts
    assert "; ".join(texts) == candidate["explanation"]
    event = AuditEvent.objects.get(action=AuditAction.SEARCH, summary="duplicate check")
    assert event.extra["via"] == "api" and event.extra["ids"] == [str(jose.pk)]


def test_check_without_given_names_and_with_the_birth_date_alias(client, officer, jose):
    body = post(
        client,
        "/api/matching/check",
        officer,
        {"first_surname": "Hernández", "date_of_birth": "1988-03-12", "phone": "+52 55 1234 5678"},
    ).json()
    assert [c["person"]["id"] for c in body["candidates"]] == [jose.pk]
    body = post(
        client,
        "/api/matching/check",
        officer,
        {"given_names": "José María", "first_surname": "Hernández", "birth_date": "1988-03-12"},
    ).json()
    assert body["candidates"][0]["person"]["id"] == jose.pk


def test_check_reports_bad_fields_where_they_are(client, officer, jose):
    response = post(
        client,
        "/api/matching/check",
        officer,
        {"given_names": "Chema", "birth_date": "31/02/1988", "nationality": "marciano"},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"birth_date", "nationality"}
    empty = post(client, "/api/matching/check", officer, {"sex": "F"})
    assert empty.status_code == 400 and "__all__" in empty.json()["errors"]
    assert not AuditEvent.objects.filter(summary="duplicate check").exists()


def test_another_organization_sees_no_candidates_and_no_pair(client, outsider, jose, pair):
    body = post(
        client, "/api/matching/check", outsider, {"given_names": "José María", "first_surname": "Hernández"}
    ).json()
    assert body["candidates"] == []
    auth = bearer(outsider)
    assert client.get("/api/matching/pairs", **auth).json()["results"] == []
    assert client.get(f"/api/matching/pairs/{pair.pk}", **auth).status_code == 404
    assert post(client, f"/api/matching/pairs/{pair.pk}/merge", outsider).status_code == 404
    assert post(client, f"/api/matching/pairs/{pair.pk}/distinct", outsider).status_code == 404
    pair.refresh_from_db()
    assert pair.status == PairStatus.PENDING


def test_a_pair_with_one_person_of_another_organization_is_hidden(client, make_person, shelter, other_org, officer):
    a = make_person(shelter, given_names="Pepe", first_surname="Luna", birth_date=date(1980, 1, 2))
    b = make_person(other_org, given_names="José", first_surname="Luna", birth_date=date(1980, 1, 2))
    hidden = make_pair(a, b)
    auth = bearer(officer)
    assert client.get("/api/matching/pairs", **auth).json()["results"] == []
    assert client.get(f"/api/matching/pairs/{hidden.pk}", **auth).status_code == 404


def test_queue_and_pair_detail(client, officer, pair):
    auth = bearer(officer)
    body = client.get("/api/matching/pairs", **auth).json()
    assert body["page"] == 1 and body["has_next"] is False
    [row] = body["results"]
    assert row["id"] == pair.pk and row["status"] == "pending"
    assert {row["person_a"]["given_names"], row["person_b"]["given_names"]} == {"Pepe", "José"}
    assert "'Pepe' is a nickname of 'José'" in row["explanation"]
    assert AuditEvent.objects.filter(summary="duplicate review queue", extra__via="api").exists()
    assert client.get("/api/matching/pairs", {"status": "merged"}, **auth).json()["results"] == []
    assert client.get("/api/matching/pairs", {"band": pair.band}, **auth).json()["results"][0]["id"] == pair.pk
    assert client.get("/api/matching/pairs", {"status": "nonsense"}, **auth).status_code == 422

    detail = client.get(f"/api/matching/pairs/{pair.pk}", **auth).json()
    assert detail["can_merge"] is True and detail["open_merge"] is None
    assert detail["probability"] == pytest.approx(pair.probability)
    assert any(r["text"] == "'Pepe' is a nickname of 'José'" for r in detail["reasons"])
    viewed = AuditEvent.objects.filter(
        action=AuditAction.VIEW, extra__via="api", summary=f"duplicate review #{pair.pk}"
    )
    assert set(viewed.values_list("object_id", flat=True)) == {str(pair.person_a_id), str(pair.person_b_id)}


def test_merge_and_undo_round_trip(client, officer, pair):
    survivor_id, merged_id = pair.person_b_id, pair.person_a_id
    response = post(client, f"/api/matching/pairs/{pair.pk}/merge", officer, {"survivor": survivor_id})
    assert response.status_code == 201, response.content
    merge = response.json()
    assert (merge["survivor"], merge["merged"], merge["pair"]) == (survivor_id, merged_id, pair.pk)
    assert merge["undone_at"] is None
    merged = Person.objects.get(pk=merged_id)
    assert merged.record_status == RecordStatus.MERGED and merged.merged_into_id == survivor_id
    auth = bearer(officer)
    detail = client.get(f"/api/matching/pairs/{pair.pk}", **auth).json()
    assert detail["status"] == "merged" and detail["open_merge"] == merge["id"]
    assert client.get("/api/matching/pairs", **auth).json()["results"] == []
    assert client.get(f"/api/matching/merges/{merge['id']}", **auth).json()["id"] == merge["id"]
    again = post(client, f"/api/matching/pairs/{pair.pk}/merge", officer, {"survivor": survivor_id})
    assert again.status_code == 400

    undone = post(client, f"/api/matching/merges/{merge['id']}/undo", officer)
    assert undone.status_code == 200 and undone.json()["undone_at"] is not None
    merged.refresh_from_db()
    assert merged.record_status != RecordStatus.MERGED and merged.merged_into_id is None
    pair.refresh_from_db()
    assert pair.status == PairStatus.PENDING
    assert client.get(f"/api/matching/pairs/{pair.pk}", **auth).json()["open_merge"] is None
    assert post(client, f"/api/matching/merges/{merge['id']}/undo", officer).status_code == 400
    assert AuditEvent.objects.filter(action=AuditAction.MERGE).count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.UNMERGE).count() == 2
    # the services record the events; the audit trail still says they came through the API
    assert (
        not AuditEvent.objects.filter(action__in=[AuditAction.MERGE, AuditAction.UNMERGE])
        .exclude(extra__via="api")
        .exists()
    )


def test_merge_survivor_must_be_one_of_the_pair(client, officer, pair, make_person, shelter):
    stranger = make_person(shelter, given_names="Ana", first_surname="Ruiz")
    response = post(client, f"/api/matching/pairs/{pair.pk}/merge", officer, {"survivor": stranger.pk})
    assert response.status_code == 400 and "survivor" in response.json()["errors"]
    assert not Merge.objects.exists()


def test_distinct_takes_the_pair_out_of_the_queue(client, officer, pair):
    response = post(client, f"/api/matching/pairs/{pair.pk}/distinct", officer)
    assert response.status_code == 200 and response.json()["status"] == "distinct"
    assert client.get("/api/matching/pairs", **bearer(officer)).json()["results"] == []
    assert post(client, f"/api/matching/pairs/{pair.pk}/distinct", officer).status_code == 400


def test_a_role_that_may_not_change_records_cannot_merge_or_undo(client, make_user, shelter, officer, pair):
    admin = make_user(shelter, role="org_admin")
    assert client.get(f"/api/matching/pairs/{pair.pk}", **bearer(admin)).json()["can_merge"] is False
    refused = post(client, f"/api/matching/pairs/{pair.pk}/merge", admin)
    assert refused.status_code == 403 and refused.json()["detail"]
    assert not Merge.objects.exists()
    merge_id = post(client, f"/api/matching/pairs/{pair.pk}/merge", officer).json()["id"]
    assert post(client, f"/api/matching/merges/{merge_id}/undo", admin).status_code == 403
    assert Merge.objects.get(pk=merge_id).undone_at is None


def test_analysts_get_403(client, make_user, shelter, pair):
    analyst = make_user(shelter, role="analyst")
    assert client.get("/api/matching/pairs", **bearer(analyst)).status_code == 403
    assert post(client, "/api/matching/check", analyst, {"given_names": "Pepe"}).status_code == 403
    assert client.get(f"/api/matching/pairs/{pair.pk}", **bearer(analyst)).status_code == 404


def test_another_organization_cannot_read_or_undo_a_merge(client, officer, outsider, pair):
    merge_id = post(client, f"/api/matching/pairs/{pair.pk}/merge", officer).json()["id"]
    assert client.get(f"/api/matching/merges/{merge_id}", **bearer(outsider)).status_code == 404
    assert post(client, f"/api/matching/merges/{merge_id}/undo", outsider).status_code == 404
    assert Merge.objects.get(pk=merge_id).undone_at is None


def test_sentences_follow_the_request_language(client, officer, pair):
    body = client.get(f"/api/matching/pairs/{pair.pk}", HTTP_ACCEPT_LANGUAGE="es", **bearer(officer)).json()
    assert "'Pepe' es un hipocorístico de 'José'" in body["explanation"]
