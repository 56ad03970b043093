"""'I'm safe / I need help' without a personal link: the phone proves who answers; the answer
updates the records holding that phone in the crisis, or reaches the staff inbox."""

import re

import pytest
from django.urls import reverse

from amparo.crises.models import WelfareHistory, WelfareStatus
from amparo.messaging.models import InboundMessage

PHONE = "+529621234567"


def _answer(client, sms, world, *, answer="safe", phone="962 123 4567", needs=(), lang="es"):
    url = reverse("portal:report", args=[lang, world["crisis"].pk])
    response = client.post(url, {"answer": answer, "needs": list(needs), "note": "", "country": "MX", "phone": phone})
    assert response.status_code == 302, response.content.decode()[:2000]
    code_page = client.get(reverse("portal:code", args=[lang]))
    assert code_page.status_code == 200
    e164 = "+52" + phone.replace(" ", "")
    return client.post(reverse("portal:code", args=[lang]), {"code": sms.last_code(e164)})


@pytest.mark.django_db
def test_safe_updates_the_welfare_of_the_record_holding_the_phone(client, world, sms):
    response = _answer(client, sms, world, answer="safe")
    assert response.status_code == 200
    assert "Registramos: está a salvo" in response.content.decode()
    welfare = WelfareStatus.objects.get(crisis=world["crisis"], person=world["maria"])
    assert (welfare.status, welfare.source) == ("safe", "self_report")
    assert WelfareHistory.objects.filter(welfare=welfare, source="self_report", applied=True).exists()


@pytest.mark.django_db
def test_help_with_needs_in_french(client, world, sms):
    response = _answer(client, sms, world, answer="help", needs=["food", "shelter"], lang="fr")
    assert "besoin d" in response.content.decode()
    welfare = WelfareStatus.objects.get(crisis=world["crisis"], person=world["maria"])
    assert welfare.status == "needs_assistance" and set(welfare.needs) == {"food", "shelter"}


@pytest.mark.django_db
def test_an_unknown_phone_goes_to_the_inbox(client, world, sms):
    _answer(client, sms, world, answer="help", phone="962 999 8877", needs=["medical"])
    item = InboundMessage.objects.get(kind="portal")
    assert (item.status, item.from_address, item.person, item.crisis) == (
        "needs_review",
        "+529629998877",
        None,
        world["crisis"],
    )
    assert item.organization == world["crisis"].organization and item.needs == ["medical"]


@pytest.mark.django_db
def test_a_self_report_never_touches_a_deceased_record(client, world, sms):
    from amparo.crises.services import update_welfare
    from amparo.portal.tests.conftest import SYSTEM

    update_welfare(actor=SYSTEM, crisis=world["crisis"], person=world["maria"], status="deceased", source="staff")
    _answer(client, sms, world, answer="safe")
    assert WelfareStatus.objects.get(crisis=world["crisis"], person=world["maria"]).status == "deceased"
    assert InboundMessage.objects.filter(kind="portal", status="needs_review").exists()


@pytest.mark.django_db
def test_a_shared_phone_asks_whom_the_answer_is_about(client, world, sms, make_person):
    brother = make_person(world["consulate"], given_names="José", first_surname="López", phones=[(PHONE, False)],
                          latitude=14.9, longitude=-92.25, country="MX")  # fmt: skip
    from amparo.crises.services import recompute_affected

    recompute_affected(crisis=world["crisis"])
    response = _answer(client, sms, world, answer="safe")
    assert response.status_code == 302 and response.url == reverse("portal:report_who", args=["es"])
    page = client.get(response.url).content.decode()
    assert "José L." in page and "María L." in page and "López" not in page  # initials only
    client.post(response.url, {"people": [str(brother.pk)]})
    assert WelfareStatus.objects.get(crisis=world["crisis"], person=brother).status == "safe"
    assert WelfareStatus.objects.get(crisis=world["crisis"], person=world["maria"]).status != "safe"


@pytest.mark.django_db
def test_a_wrong_code_changes_nothing(client, world, sms):
    client.post(reverse("portal:report", args=["es", world["crisis"].pk]),
                {"answer": "safe", "note": "", "country": "MX", "phone": "962 123 4567"})  # fmt: skip
    right = sms.last_code(PHONE)
    response = client.post(reverse("portal:code", args=["es"]), {"code": "000000" if right != "000000" else "111111"})
    assert "no es correcto" in response.content.decode()
    assert WelfareStatus.objects.get(crisis=world["crisis"], person=world["maria"]).status != "safe"


@pytest.mark.django_db
def test_the_page_says_the_same_for_a_known_and_an_unknown_number(client, world, sms):
    pages = []
    for phone in ("962 123 4567", "962 555 0000"):
        client.post(reverse("portal:report", args=["es", world["crisis"].pk]),
                    {"answer": "safe", "note": "", "country": "MX", "phone": phone})  # fmt: skip
        pages.append(client.get(reverse("portal:code", args=["es"])).content.decode())
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert strip(pages[0]) == strip(pages[1])


@pytest.mark.django_db
def test_exercises_are_not_public(client, world):
    crisis = world["crisis"]
    crisis.is_exercise = True
    crisis.save(update_fields=["is_exercise"])
    assert client.get(reverse("portal:report", args=["es", crisis.pk])).status_code == 404
    page = client.get(reverse("portal:crisis", args=["es"]), {"q": "Tapachula"}).content.decode()
    assert crisis.name not in page
