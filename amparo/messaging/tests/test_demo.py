"""The demo data: channels, templates, and a check-in with a realistic mix of outcomes."""

import io

import pytest

from amparo.messaging import demo
from amparo.messaging.models import Broadcast, InboundMessage, Message

pytestmark = pytest.mark.django_db


def test_demo_builds_a_sent_checkin_with_replies_and_is_idempotent(make_person, crisis):
    from amparo.accounts.models import Organization
    from amparo.core import demo as core_demo

    core_demo.load(io.StringIO())
    consulate = Organization.objects.get(slug=demo.DEMO_CONSULATE)
    for i in range(20):
        make_person(
            consulate, given_names=f"P{i}", phones=[(f"+5274410000{i:02d}", i % 3 == 0)], subdivision="MX-GRO",
            country="MX", preferred_language=["es", "ht", "en"][i % 3], consents={"crisis_alerts": (True, "written")},
        )  # fmt: skip
    crisis()
    demo.load(io.StringIO())
    demo.load(io.StringIO())
    broadcast = Broadcast.objects.get()
    statuses = set(Message.objects.filter(broadcast=broadcast).values_list("status", flat=True))
    assert statuses == {"delivered", "sent", "failed"}
    assert Message.objects.filter(broadcast=broadcast, replied_at__isnull=False).exists()
    assert InboundMessage.objects.filter(status="needs_review").count() >= 2
    assert InboundMessage.objects.filter(status="processed", intent="safe").exists()
