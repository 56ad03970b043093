"""Referral e-mails are read outside Amparo: absolute links (AMPARO_SITE_URL) and times in each
recipient's own zone, never the server's UTC (issue 12, Records)."""

from datetime import UTC, datetime

import pytest
from django.core import mail

from amparo.accounts.models import UserProfile
from amparo.protection import notices, services
from amparo.protection.models import Referral

pytestmark = pytest.mark.django_db

DUE = datetime(2026, 10, 24, 18, 0, tzinfo=UTC)


@pytest.fixture
def sent(caseworker, person, shelter, shelter_service, shelter_staff, settings):
    settings.SITE_URL = "https://amparo.example.org/"
    referral = services.create_referral(
        actor=caseworker,
        person=person,
        to_organization=shelter,
        service=shelter_service,
        service_kind="shelter",
        shared_fields=["full_name"],
    )
    services.send_referral(actor=caseworker, referral=referral, consent_method="verbal")
    Referral.objects.filter(pk=referral.pk).update(respond_by=DUE)
    mail.outbox.clear()
    return referral


def test_the_link_is_absolute(sent):
    notices.referral_sent(sent.pk)
    assert mail.outbox, "no e-mail sent"
    for message in mail.outbox:
        assert f"https://amparo.example.org/protection/referrals/{sent.pk}/" in message.body


def test_each_recipient_reads_the_due_time_in_their_own_zone(sent, shelter, shelter_staff, settings):
    settings.LANGUAGE_CODE = "en"
    shelter.time_zone = "America/Cancun"
    shelter.save(update_fields=["time_zone"])
    UserProfile.objects.update_or_create(
        user=shelter_staff, defaults={"time_zone": "America/Guatemala", "language": "es"}
    )
    notices.referral_sent(sent.pk)
    by_address = {address: m for m in mail.outbox for address in m.to}
    # 18:00 UTC is 13:00 in Cancún (UTC-5) and 12:00 in Guatemala (UTC-6), each zone named.
    assert "Oct. 24, 2026, 1 p.m. (EST, America/Cancun)" in by_address["shelter@example.org"].body
    staff = by_address[shelter_staff.email]
    assert "24 de octubre de 2026 a las 12:00 (CST, America/Guatemala)" in staff.body
    assert "recházela" in staff.body  # in the staff member's own language
    assert "18:00" not in staff.body and "UTC" not in staff.body
