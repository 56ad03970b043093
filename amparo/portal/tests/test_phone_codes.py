"""One-time codes: short-lived, few tries, used once, stored only as keyed hashes, rate-limited."""

from datetime import timedelta

import pytest
from django.utils import timezone

from amparo.portal import phone_codes
from amparo.portal.models import PhoneCode

PHONE = "+529621234567"


@pytest.mark.django_db
def test_a_code_works_once():
    issued = phone_codes.issue(purpose="my_data", phone=PHONE, address="10.0.0.1")
    assert phone_codes.verify(purpose="my_data", phone=PHONE, code=issued.secret).used_at is not None
    with pytest.raises(phone_codes.CodeRejected):
        phone_codes.verify(purpose="my_data", phone=PHONE, code=issued.secret)


@pytest.mark.django_db
def test_neither_phone_nor_code_is_stored():
    issued = phone_codes.issue(purpose="register", phone=PHONE, address="10.0.0.1")
    row = PhoneCode.objects.get()
    stored = " ".join(str(v) for v in PhoneCode.objects.values_list().get())
    assert PHONE not in stored and PHONE[1:] not in stored and issued.secret not in stored.replace(row.code_hash, "")
    assert len(row.phone_hash) == 64 and len(row.code_hash) == 64


@pytest.mark.django_db
def test_a_code_is_for_one_purpose_and_one_phone():
    issued = phone_codes.issue(purpose="register", phone=PHONE, address="10.0.0.1")
    with pytest.raises(phone_codes.CodeRejected):
        phone_codes.verify(purpose="my_data", phone=PHONE, code=issued.secret)
    with pytest.raises(phone_codes.CodeRejected):
        phone_codes.verify(purpose="register", phone="+529629999999", code=issued.secret)


@pytest.mark.django_db
def test_an_expired_code_is_refused():
    issued = phone_codes.issue(purpose="my_data", phone=PHONE, address="10.0.0.1")
    PhoneCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(phone_codes.CodeRejected, match="expired"):
        phone_codes.verify(purpose="my_data", phone=PHONE, code=issued.secret)


@pytest.mark.django_db
def test_wrong_tries_are_counted_and_the_last_one_kills_the_code(settings):
    settings.PORTAL_CODE_ATTEMPTS = 3
    issued = phone_codes.issue(purpose="my_data", phone=PHONE, address="10.0.0.1")
    wrong = "000000" if issued.secret != "000000" else "111111"
    for _ in range(3):
        with pytest.raises(phone_codes.CodeRejected):
            phone_codes.verify(purpose="my_data", phone=PHONE, code=wrong)
    assert PhoneCode.objects.get().attempts == 3
    with pytest.raises(phone_codes.CodeRejected):  # even the right code is dead now
        phone_codes.verify(purpose="my_data", phone=PHONE, code=issued.secret)


@pytest.mark.django_db
def test_a_new_code_replaces_the_previous_one():
    first = phone_codes.issue(purpose="my_data", phone=PHONE, address="10.0.0.1")
    second = phone_codes.issue(purpose="my_data", phone=PHONE, address="10.0.0.1")
    if first.secret != second.secret:
        with pytest.raises(phone_codes.CodeRejected):
            phone_codes.verify(purpose="my_data", phone=PHONE, code=first.secret)
    assert phone_codes.verify(purpose="my_data", phone=PHONE, code=second.secret)


@pytest.mark.django_db
def test_codes_are_limited_per_phone_and_per_address(settings):
    settings.PORTAL_CODES_PER_PHONE = 2
    settings.PORTAL_CODES_PER_ADDRESS = 3
    assert phone_codes.issue(purpose="my_data", phone=PHONE, address="10.0.0.1").code
    assert phone_codes.issue(purpose="register", phone=PHONE, address="10.0.0.1").code
    assert phone_codes.issue(purpose="my_data", phone=PHONE, address="10.0.0.2").code is None  # this phone: enough
    assert phone_codes.issue(purpose="my_data", phone="+529620000001", address="10.0.0.1").code
    assert phone_codes.issue(purpose="my_data", phone="+529620000002", address="10.0.0.1").code is None  # this address
