"""The review queue lists only pairs where the user may see both people."""

from datetime import date

from amparo.accounts.codes import AuditAction
from amparo.accounts.models import AuditEvent
from amparo.matching import services
from amparo.matching.models import MatchPair, PairStatus
from amparo.matching.queries import review_queue
from amparo.matching.scoring import score
from amparo.matching.services import features_for


def make_pair(a, b):
    built = features_for([a.pk, b.pk])
    s = score(built[a.pk][0], built[b.pk][0])
    services.record_pairs([(a.pk, b.pk, s)], found_by="test")
    return MatchPair.objects.get()


def test_queue_shows_own_pairs_with_reasons(client, make_person, shelter, officer):
    a = make_person(shelter, given_names="Pepe", first_surname="Luna", birth_date=date(1980, 1, 2))
    b = make_person(shelter, given_names="José", first_surname="Luna", birth_date=date(1980, 1, 2))
    make_pair(a, b)
    client.force_login(officer)
    page = client.get("/matching/review/").content.decode()
    assert "Pepe Luna" in page and "José Luna" in page
    assert "&#x27;Pepe&#x27; is a nickname of &#x27;José&#x27;" in page
    assert AuditEvent.objects.filter(action=AuditAction.SEARCH, summary="duplicate review queue").exists()


def test_another_organizations_people_never_appear(client, make_person, shelter, other_org, officer, outsider):
    a = make_person(shelter, given_names="Pepe", first_surname="Luna", birth_date=date(1980, 1, 2))
    b = make_person(other_org, given_names="José", first_surname="Luna", birth_date=date(1980, 1, 2))
    pair = make_pair(a, b)
    assert list(review_queue(officer)) == []
    assert list(review_queue(outsider)) == []
    client.force_login(outsider)
    page = client.get("/matching/review/").content.decode()
    assert "Luna" not in page
    assert client.get(f"/matching/pairs/{pair.pk}/").status_code == 404
    assert client.post(f"/matching/pairs/{pair.pk}/merge/").status_code == 404
    assert client.post(f"/matching/pairs/{pair.pk}/distinct/").status_code == 404


def test_pair_of_another_organization_is_404_even_when_both_are_theirs(client, make_person, other_org, officer):
    a = make_person(other_org, given_names="Pepe", first_surname="Luna", birth_date=date(1980, 1, 2))
    b = make_person(other_org, given_names="José", first_surname="Luna", birth_date=date(1980, 1, 2))
    pair = make_pair(a, b)
    client.force_login(officer)
    assert client.get(f"/matching/pairs/{pair.pk}/").status_code == 404
    assert "Luna" not in client.get("/matching/review/").content.decode()


def test_marking_distinct_takes_the_pair_out_of_the_queue(client, make_person, shelter, officer):
    a = make_person(shelter, given_names="Pepe", first_surname="Luna", birth_date=date(1980, 1, 2))
    b = make_person(shelter, given_names="José", first_surname="Luna", birth_date=date(1980, 1, 2))
    pair = make_pair(a, b)
    client.force_login(officer)
    client.post(f"/matching/pairs/{pair.pk}/distinct/")
    pair.refresh_from_db()
    assert pair.status == PairStatus.DISTINCT
    assert list(review_queue(officer)) == []


def test_analysts_see_no_queue(client, make_user, shelter):
    analyst = make_user(shelter, role="analyst")
    client.force_login(analyst)
    assert client.get("/matching/review/").status_code == 403
