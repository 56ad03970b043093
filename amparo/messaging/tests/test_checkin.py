"""The personal check-in link: unguessable, stored hashed, expiring, in the person's language,
rate-limited and audited; answers update welfare (source "checkin_link") and the location."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from amparo.accounts.models import AuditEvent
from amparo.messaging import services
from amparo.messaging.audience import body_to_send, token_hash
from amparo.messaging.models import CheckInAnswer, Message
from amparo.messaging.tests.conftest import welfare_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


@pytest.fixture
def link(officer, consulate, twilio_sms, checkin_template, migrant, crisis):
    person = migrant(phone="+525512340001", subdivision="MX-GRO", given_names="Ana", language="en")
    the_crisis = crisis()
    broadcast = services.create_broadcast(
        actor=officer, organization=consulate, title="Otis", template=checkin_template, crisis=the_crisis
    )
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    message = broadcast.messages.get()
    url = re.search(r"http://testserver(/messaging/c/[\w-]+/)", body_to_send(message)).group(1)
    return url, message, person, the_crisis


def test_the_token_is_long_random_and_only_its_hash_is_stored(link):
    url, message, *_ = link
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 24
    assert message.checkin_hash == token_hash(token) != token
    assert "{checkin_link}" in message.body  # the link is written in when sending, never stored
    assert not Message.objects.filter(body__contains=token).exists()
    assert not Message.objects.filter(body__contains="/messaging/c/").exists()


def test_the_page_opens_without_login_in_the_persons_language(client, link):
    url, *_ = link
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html and "Ana, are you safe?" in html
    assert "<script>" not in html  # CSP: scripts come from static files only
    assert '<a href="tel:+525550000000">+52 55 5000 0000</a>' in html  # the consulate, one tap away


def test_answering_safe_updates_welfare_from_the_link(client, link):
    url, message, person, crisis = link
    response = client.post(url, {"answer": "safe"})
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    welfare = welfare_of(crisis, person)
    assert welfare.status == "safe"
    assert welfare.history.order_by("-id").first().source == "checkin_link"
    message.refresh_from_db()
    assert message.checkin_answered_at is not None


def test_asking_for_help_records_needs_people_and_location(client, link):
    url, message, person, crisis = link
    client.post(
        url,
        {"answer": "help", "needs": ["shelter", "medical"], "people_with": "3", "latitude": "16.8531",
         "longitude": "-99.8237", "accuracy": "25"},
    )  # fmt: skip
    welfare = welfare_of(crisis, person)
    assert welfare.status == "needs_assistance" and set(welfare.needs) == {"shelter", "medical"}
    answer = CheckInAnswer.objects.get()
    assert answer.people_with == 3 and answer.welfare_applied
    person.refresh_from_db()
    assert (person.latitude, person.longitude, person.location_source) == (16.8531, -99.8237, "checkin_link")


def test_every_answer_is_audited(client, link):
    url, message, person, _ = link
    client.post(url, {"answer": "safe"})
    event = AuditEvent.objects.filter(actor_label="checkin-link", summary="check-in answer safe").get()
    assert event.object_id == str(person.pk) and event.extra["message_id"] == message.pk


def test_an_expired_link_says_so_and_changes_nothing(client, link):
    url, message, person, crisis = link
    Message.objects.filter(pk=message.pk).update(checkin_expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(url).status_code == 410
    assert client.post(url, {"answer": "safe"}).status_code == 410
    assert welfare_of(crisis, person).status == "unknown"


def test_an_unknown_link_is_404(client, link):
    assert client.get("/messaging/c/not-a-real-token-at-all/").status_code == 404


def test_the_link_is_rate_limited(client, link, settings):
    settings.MESSAGING_CHECKIN_RATE = 3
    url, *_ = link
    codes = [client.get(url).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


def test_bad_input_is_explained(client, link):
    url, *_ = link
    response = client.post(url, {"answer": "maybe"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not CheckInAnswer.objects.exists()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("es", "Ana, ¿está a salvo?"), ("fr", "Ana, êtes-vous en sécurité ?"), ("ht", "Ana, èske ou an sekirite?"),
     ("pt", "Ana, você está em segurança?")],
)  # fmt: skip
def test_the_page_speaks_the_persons_language(client, link, language, heading):
    url, message, *_ = link
    Message.objects.filter(pk=message.pk).update(language=language)
    html = client.get(url).content.decode()
    assert f'lang="{language}"' in html and heading in html
