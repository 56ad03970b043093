"""A check-in answer with a location accuracy no device reports (1e308 m, negative) is recorded
without that accuracy instead of failing the page: the person's answer is never lost."""

import re

import pytest
from django.core.cache import cache

from amparo.messaging import services
from amparo.messaging.audience import body_to_send
from amparo.messaging.models import CheckInAnswer
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
    return url, person, the_crisis


@pytest.mark.parametrize("accuracy", ["1e308", "-5", "inf"])
def test_an_impossible_accuracy_is_dropped_and_the_answer_kept(client, link, accuracy):
    url, person, crisis = link
    response = client.post(url, {"answer": "safe", "latitude": "17.0", "longitude": "-99.8", "accuracy": accuracy})
    assert response.status_code in (200, 400)
    if accuracy == "inf":  # not a number at all: the form says so, nothing breaks
        return
    assert response.status_code == 200
    assert welfare_of(crisis, person).status == "safe"
    assert CheckInAnswer.objects.get().accuracy_m is None
