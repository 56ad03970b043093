"""Merging two person records moves their messages, replies and check-in answers; unmerging puts
them back."""

import pytest
from django.apps import apps

from amparo.messaging import services
from amparo.messaging.models import InboundMessage, Message

pytestmark = pytest.mark.django_db


def test_merge_and_unmerge_move_messages_and_replies(officer, consulate, twilio_sms, checkin_template, migrant):
    survivor = migrant(phone="+525512340001")
    merged = migrant(phone="+525512340002")
    broadcast = services.create_broadcast(actor=officer, organization=consulate, title="x", template=checkin_template)
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    reply = InboundMessage.objects.create(
        organization=consulate, kind="sms", from_address="+525512340002", person=merged
    )
    config = apps.get_app_config("messaging")
    moved = config.merge_person(survivor=survivor, merged=merged, actor=officer)
    assert Message.objects.filter(person=survivor).count() == 2
    assert InboundMessage.objects.get(pk=reply.pk).person == survivor
    config.unmerge_person(survivor=survivor, merged=merged, moved=moved, actor=officer)
    assert Message.objects.filter(person=merged).count() == 1
    assert InboundMessage.objects.get(pk=reply.pk).person == merged
