"""Each channel adapter against a real server on loopback: the provider emulator (Twilio's
Messages API and the generic HTTP gateway) and an SMTP server (aiosmtpd)."""

from email import message_from_bytes
from email.policy import default as email_policy

import pytest

from amparo.messaging.channels import Outgoing, SendError, adapter_for

pytestmark = pytest.mark.django_db


def _out(**kw):
    base = {"key": "b1-p1", "kind": "sms", "to": "+525512345678", "body": "¿Está a salvo? Responda 1 o 2"}
    return Outgoing(**{**base, **kw})


# --- Twilio -----------------------------------------------------------------------------------


def test_twilio_sends_a_form_post_with_basic_auth_and_gets_a_message_sid(twilio_sms, emulator):
    result = adapter_for(twilio_sms).send(_out(status_callback="http://testserver/cb?m=b1-p1"))
    assert result.provider_id.startswith("SM") and len(result.provider_id) == 34
    [accepted] = emulator.accepted()
    assert (accepted.to, accepted.sender, accepted.body) == ("+525512345678", "+15005550006", _out().body)
    assert accepted.status_callback == "http://testserver/cb?m=b1-p1"


def test_twilio_whatsapp_addresses_carry_the_prefix(twilio_whatsapp, emulator):
    adapter_for(twilio_whatsapp).send(_out(kind="whatsapp"))
    [accepted] = emulator.accepted()
    assert accepted.to == "whatsapp:+525512345678"
    assert accepted.sender == "whatsapp:+15005550006"


def test_twilio_wrong_token_is_retried_not_lost(twilio_sms, emulator, settings):
    settings.MESSAGING_SECRETS = {"TEST_TWILIO_TOKEN": "wrong"}
    with pytest.raises(SendError) as exc:
        adapter_for(twilio_sms).send(_out())
    assert exc.value.transient and exc.value.code == "20003"
    assert emulator.accepted() == []


def test_twilio_invalid_number_is_a_permanent_failure(twilio_sms, emulator):
    with pytest.raises(SendError) as exc:
        adapter_for(twilio_sms).send(_out(to="12345"))
    assert (exc.value.code, exc.value.transient) == ("21211", False)


def test_twilio_429_is_transient_with_retry_after(twilio_sms, emulator):
    emulator.fail_next("429", retry_after=7)
    with pytest.raises(SendError) as exc:
        adapter_for(twilio_sms).send(_out())
    assert exc.value.transient and exc.value.retry_after == 7 and not exc.value.uncertain
    assert emulator.accepted() == []


@pytest.mark.parametrize("status", ["500", "503"])
def test_twilio_5xx_is_transient(twilio_sms, emulator, status):
    emulator.fail_next(status)
    with pytest.raises(SendError) as exc:
        adapter_for(twilio_sms).send(_out())
    assert exc.value.transient and not exc.value.uncertain


def test_a_slow_provider_times_out_and_the_attempt_is_uncertain(twilio_sms, emulator):
    twilio_sms.options = {"timeout": 0.3}
    emulator.fail_next("slow", delay=1.0)
    with pytest.raises(SendError) as exc:
        adapter_for(twilio_sms).send(_out())
    assert exc.value.transient and exc.value.uncertain


def test_a_dropped_connection_after_acceptance_is_uncertain_and_lookup_finds_the_message(twilio_sms, emulator):
    from django.utils import timezone

    started = timezone.now()
    emulator.fail_next("drop")
    adapter = adapter_for(twilio_sms)
    with pytest.raises(SendError) as exc:
        adapter.send(_out())
    assert exc.value.uncertain
    [accepted] = emulator.accepted()
    found = adapter.lookup(_out(), started)
    assert found is not None and found.provider_id == accepted.id
    assert adapter.lookup(_out(body="another text"), started) is None


def test_an_unreachable_provider_is_transient_and_certain(twilio_sms):
    twilio_sms.base_url = "http://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(SendError) as exc:
        adapter_for(twilio_sms).send(_out())
    assert exc.value.transient and not exc.value.uncertain


# --- HTTP gateway -------------------------------------------------------------------------------


def test_gateway_posts_json_with_bearer_token_and_idempotency_key(gateway_sms, emulator):
    adapter = adapter_for(gateway_sms)
    first = adapter.send(_out())
    again = adapter.send(_out())  # the same key: the gateway answers the same message
    assert first.provider_id == again.provider_id
    [accepted] = emulator.accepted()
    assert (accepted.key, accepted.to, accepted.sender) == ("b1-p1", "+525512345678", "AMPARO")


def test_gateway_rejects_a_wrong_token(gateway_sms, emulator, settings):
    settings.MESSAGING_SECRETS = {"TEST_GATEWAY_TOKEN": "nope"}
    with pytest.raises(SendError) as exc:
        adapter_for(gateway_sms).send(_out())
    assert exc.value.code == "401"


def test_gateway_unreachable_number_is_permanent(gateway_sms, emulator):
    emulator.permanent_failures["+525500000000"] = 1
    with pytest.raises(SendError) as exc:
        adapter_for(gateway_sms).send(_out(to="+525500000000"))
    assert (exc.value.code, exc.value.transient) == ("unreachable_number", False)


def test_gateway_dropped_connection_is_resent_safely_with_the_same_key(gateway_sms, emulator):
    emulator.fail_next("drop")
    adapter = adapter_for(gateway_sms)
    with pytest.raises(SendError) as exc:
        adapter.send(_out())
    assert exc.value.uncertain and adapter.on_uncertain == "resend"
    adapter.send(_out())
    assert len(emulator.accepted()) == 1
    assert emulator.duplicates() == []


def test_a_gateway_without_idempotency_gives_up_on_uncertain_attempts(gateway_sms):
    gateway_sms.options = {"idempotent": False}
    assert adapter_for(gateway_sms).on_uncertain == "give_up"


# --- SMTP ---------------------------------------------------------------------------------------


def test_smtp_delivers_to_a_real_server_with_a_stable_message_id(smtp_email, smtp_server):
    adapter = adapter_for(smtp_email)
    result = adapter.send(_out(kind="email", to="maria@example.org", subject="¿Está a salvo?"))
    adapter.close()
    [envelope] = smtp_server.inbox.messages
    email = message_from_bytes(envelope.content, policy=email_policy)
    assert envelope.rcpt_tos == ["maria@example.org"]
    assert email["Message-ID"] == result.provider_id == "<b1-p1@consulado.example>"
    assert email["Subject"] == "¿Está a salvo?"
    assert "Responda 1 o 2" in email.get_content()


def test_smtp_refused_recipient_is_permanent(smtp_email, smtp_server):
    with pytest.raises(SendError) as exc:
        adapter_for(smtp_email).send(_out(kind="email", to="ghost@nowhere.example"))
    assert (exc.value.code, exc.value.transient) == ("550", False)


def test_smtp_server_down_is_transient(smtp_email):
    smtp_email.options = {"host": "127.0.0.1", "port": 9, "timeout": 1}
    with pytest.raises(SendError) as exc:
        adapter_for(smtp_email).send(_out(kind="email", to="maria@example.org"))
    assert exc.value.transient
