"""Broadcasts: the audience, the preview, language fallback, confirmation and four eyes."""

import pytest
from django.core.exceptions import PermissionDenied

from amparo.accounts.models import AuditEvent
from amparo.messaging import services
from amparo.messaging.models import Broadcast, BroadcastStatus, Message
from amparo.messaging.tests.conftest import make_template

pytestmark = pytest.mark.django_db


def test_preview_counts_by_channel_language_and_reason(
    officer, consulate, twilio_sms, twilio_whatsapp, checkin_template, migrant
):
    migrant(phone="+525512340001", language="es")
    migrant(phone="+525512340002", language="en", whatsapp=True)
    migrant(phone="+525512340003", language="fr-CA")
    migrant(phone="+525512340004", language="ht")  # no Haitian text: falls back to es
    migrant(phone="+525512340005", consent=False)
    migrant(phone="", email="ana@example.org")  # e-mail only, and no e-mail channel
    migrant(phone="")  # no contact at all
    broadcast = services.create_broadcast(
        actor=officer, organization=consulate, title="Otis", template=checkin_template
    )
    preview = broadcast.preview
    assert preview["reachable"] == 4
    assert preview["by_channel"] == {"sms": 3, "whatsapp": 1}
    assert preview["by_language"] == {"es": 2, "en": 1, "fr": 1}
    assert preview["by_channel_language"] == {"sms": {"es": 2, "fr": 1}, "whatsapp": {"en": 1}}
    assert preview["other_language"] == 1
    assert preview["unreachable"] == {"no_consent": 1, "no_contact": 1, "no_channel": 1, "no_language": 0}


def test_without_a_fallback_language_people_without_their_language_are_unreachable(
    officer, consulate, twilio_sms, checkin_template, migrant
):
    migrant(phone="+525512340004", language="ht")
    broadcast = services.create_broadcast(
        actor=officer, organization=consulate, title="x", template=checkin_template, language_fallback=[]
    )
    assert broadcast.preview["unreachable"]["no_language"] == 1 and broadcast.preview["reachable"] == 0


def test_each_person_gets_their_language(officer, consulate, twilio_sms, checkin_template, migrant):
    fr = migrant(phone="+525512340003", language="fr", given_names="Jean")
    ht = migrant(phone="+525512340004", language="ht", languages=["ht", "fr"], given_names="Wilna")
    broadcast = services.create_broadcast(actor=officer, organization=consulate, title="x", template=checkin_template)
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    bodies = {m.person_id: (m.language, m.body) for m in broadcast.messages.all()}
    assert bodies[fr.pk][0] == "fr" and bodies[fr.pk][1].startswith("Jean, etes-vous")  # an SMS: GSM-7
    assert bodies[ht.pk][0] == "fr"  # Haitian Creole first, then French, which the template has


def test_the_preferred_channel_comes_first_and_the_others_are_the_fallback(
    officer, consulate, twilio_sms, twilio_whatsapp, smtp_email, checkin_template, migrant
):
    person = migrant(phone="+525512340001", whatsapp=True, email="ana@example.org", preferred_channel="sms")
    broadcast = services.create_broadcast(actor=officer, organization=consulate, title="x", template=checkin_template)
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    message = broadcast.messages.get(person=person)
    assert message.kind == "sms"
    assert message.fallback == [["whatsapp", "+525512340001"], ["email", "ana@example.org"]]


def test_a_crisis_audience_is_its_affected_people_with_welfare_filters(
    officer, consulate, twilio_sms, checkin_template, migrant, crisis
):
    from amparo.accounts.policy import system_principal
    from amparo.crises.services import update_welfare

    inside = migrant(phone="+525512340001", subdivision="MX-GRO")
    safe = migrant(phone="+525512340002", subdivision="MX-GRO")
    migrant(phone="+525512340003", subdivision="MX-OAX")
    the_crisis = crisis()
    update_welfare(
        actor=system_principal("t"), crisis=the_crisis, person=safe, status="safe", source="reply", from_answer=True
    )
    everyone = services.create_broadcast(
        actor=officer, organization=consulate, title="a", template=checkin_template, crisis=the_crisis
    )
    assert everyone.preview["reachable"] == 2
    unknown = services.create_broadcast(
        actor=officer, organization=consulate, title="b", template=checkin_template, crisis=the_crisis,
        audience={"welfare_status": ["unknown"]},
    )  # fmt: skip
    no_reply = services.create_broadcast(
        actor=officer, organization=consulate, title="c", template=checkin_template, crisis=the_crisis,
        audience={"no_reply": True},
    )  # fmt: skip
    for broadcast in (unknown, no_reply):
        assert broadcast.preview["reachable"] == 1
        services.confirm_broadcast(actor=officer, broadcast=broadcast)
        assert list(broadcast.messages.values_list("person_id", flat=True)) == [inside.pk]
        assert broadcast.messages.get().crisis == the_crisis


def test_a_registry_search_audience(officer, consulate, twilio_sms, checkin_template, migrant):
    gt = migrant(phone="+525512340001", nationality="GT", subdivision="MX-CHP")
    migrant(phone="+525512340002", nationality="HN", subdivision="MX-CHP")
    migrant(phone="+525512340003", nationality="GT", subdivision="MX-GRO")
    broadcast = services.create_broadcast(
        actor=officer, organization=consulate, title="x", template=checkin_template,
        audience={"nationality": "GT", "subdivisions": ["MX-CHP"]},
    )  # fmt: skip
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    assert list(broadcast.messages.values_list("person_id", flat=True)) == [gt.pk]


def test_the_audience_never_includes_people_the_sender_cannot_see(
    officer, consulate, twilio_sms, checkin_template, make_person, make_org
):
    other = make_org("other-ngo")
    make_person(other, phones=[("+525512340009", False)], consents={"crisis_alerts": (True, "written")})
    broadcast = services.create_broadcast(actor=officer, organization=consulate, title="x", template=checkin_template)
    assert broadcast.preview["reachable"] == 0


def test_confirming_twice_queues_once(officer, consulate, twilio_sms, checkin_template, migrant):
    migrant()
    broadcast = services.create_broadcast(actor=officer, organization=consulate, title="x", template=checkin_template)
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    with pytest.raises(services.BroadcastRefused):
        services.confirm_broadcast(actor=officer, broadcast=broadcast)
    assert Message.objects.count() == 1
    assert AuditEvent.objects.filter(action="send", object_id=str(broadcast.pk)).count() == 1


def test_four_eyes_a_second_person_approves(officer, consulate, twilio_sms, checkin_template, migrant, make_user):
    migrant()
    supervisor = make_user(consulate, "org_admin", username="rodrigo")
    broadcast = services.create_broadcast(
        actor=officer, organization=consulate, title="x", template=checkin_template, requires_approval=True
    )
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    assert broadcast.status == BroadcastStatus.AWAITING_APPROVAL and not Message.objects.exists()
    with pytest.raises(PermissionDenied):
        services.approve_broadcast(actor=officer, broadcast=broadcast)
    services.approve_broadcast(actor=supervisor, broadcast=broadcast)
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.SENDING and broadcast.approved_by == supervisor
    assert Message.objects.count() == 1


def test_an_analyst_cannot_send(consulate, make_user, checkin_template):
    analyst = make_user(consulate, "analyst")
    with pytest.raises(PermissionDenied):
        services.create_broadcast(actor=analyst, organization=consulate, title="x", template=checkin_template)


def test_another_organizations_template_cannot_be_used(officer, consulate, make_org):
    foreign = make_template(organization=make_org("other"), es="hola {given_name}")
    with pytest.raises(PermissionDenied):
        services.create_broadcast(actor=officer, organization=consulate, title="x", template=foreign)


def test_cancel_stops_what_has_not_left(officer, consulate, twilio_sms, checkin_template, migrant):
    migrant(phone="+525512340001")
    migrant(phone="+525512340002")
    broadcast = services.create_broadcast(actor=officer, organization=consulate, title="x", template=checkin_template)
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    assert services.cancel_broadcast(actor=officer, broadcast=broadcast) == 2
    assert Broadcast.objects.get().status == BroadcastStatus.CANCELLED


def test_the_outbox_is_filled_in_bulk(
    officer, consulate, twilio_sms, checkin_template, migrant, django_assert_max_num_queries
):
    for i in range(30):
        migrant(phone=f"+5255123400{i:02d}")
    broadcast = services.create_broadcast(actor=officer, organization=consulate, title="x", template=checkin_template)
    with django_assert_max_num_queries(30):
        services.confirm_broadcast(actor=officer, broadcast=broadcast)
    assert broadcast.messages.count() == 30
    keys = set(broadcast.messages.values_list("idempotency_key", flat=True))
    assert len(keys) == 30


def test_a_saved_registry_search_audience(officer, consulate, twilio_sms, checkin_template, migrant):
    wanted = migrant(phone="+525512340001", given_names="Wilna", first_surname="Pierre")
    migrant(phone="+525512340002", given_names="María", first_surname="López")
    broadcast = services.create_broadcast(
        actor=officer,
        organization=consulate,
        title="x",
        template=checkin_template,
        audience={"search": {"q": "pierre"}},
    )
    services.confirm_broadcast(actor=officer, broadcast=broadcast)
    assert list(broadcast.messages.values_list("person_id", flat=True)) == [wanted.pk]


def test_the_outbox_rows_are_stored_exactly_as_planned(
    officer, consulate, twilio_sms, smtp_email, checkin_template, migrant
):
    """COPY on PostgreSQL, bulk_create elsewhere: every column as the plan built it, defaults for
    the rest (texts with tabs, new lines and backslashes, JSON fallback routes, times)."""
    from amparo.messaging import audience
    from amparo.messaging.models import EPOCH

    checkin_template.sms_alphabet = "unicode"  # every character as written (GSM-7 spelling: test_sms_cost.py)
    checkin_template.save()
    migrant(phone="+525512340001", email="ana@example.org", given_names="Ana\tMaría \\ O'Brien\nLópez")
    migrant(phone="+525512340002", language="fr", languages=["fr", "es"])
    migrant(phone="+525512340003", language="", languages=[])
    broadcast = services.create_broadcast(actor=officer, organization=consulate, title="x", template=checkin_template)
    rows = audience.outbox_rows(broadcast, audience.plan_broadcast(officer, broadcast))
    assert audience.write_outbox(rows) == 3
    stored = {m.person_id: m for m in Message.objects.filter(broadcast=broadcast)}
    for row in rows:
        message = stored[row["person_id"]]
        assert {name: getattr(message, name) for name in row} == row
        assert (message.status, message.attempts, message.claimed_until, message.history) == ("queued", 0, EPOCH, [])
    assert any("Ana\tMaría \\ O'Brien\nLópez" in m.body for m in stored.values())
    assert any(m.fallback == [["email", "ana@example.org"]] for m in stored.values())


def test_checkin_tokens_are_distinct_urlsafe_and_secret(settings):
    from amparo.messaging.audience import checkin_token

    tokens = [checkin_token(f"b1-p{n}") for n in range(2000)]
    assert len(set(tokens)) == 2000
    assert all(len(t) == 24 and t.replace("-", "").replace("_", "").isalnum() for t in tokens)
    assert checkin_token("b1-p1") == tokens[1]  # the same link at every attempt
    settings.SECRET_KEY = "another-secret-key-" * 4
    assert checkin_token("b1-p1") != tokens[1]  # not derivable without the secret key


def test_welfare_filters_without_a_crisis_are_refused(officer, consulate, twilio_sms, checkin_template, migrant):
    from django.core.exceptions import ValidationError

    migrant()
    for audience in ({"welfare_status": ["unknown"]}, {"no_reply": True}):
        with pytest.raises(ValidationError):
            services.create_broadcast(
                actor=officer, organization=consulate, title="x", template=checkin_template, audience=audience
            )
    assert not Broadcast.objects.exists()
