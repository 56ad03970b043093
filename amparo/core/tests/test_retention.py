"""Retention: each consent purpose and record type has a period (settings.RETENTION_DAYS);
`amparo purge --dry-run` lists what would go and changes nothing; the purge (command or daily task)
deletes a person with everything about them leaving only an audit tombstone, lapses old consents
and anonymizes old message texts; what a crisis in course or an open case holds stays."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from amparo.accounts.codes import AuditAction, OrganizationKind
from amparo.accounts.models import AuditEvent
from amparo.accounts.policy import system_principal
from amparo.core import retention
from amparo.registry.models import Consent, ContactPoint, LocationHistory, Person

pytestmark = pytest.mark.django_db
SYSTEM = system_principal("test")
LONG_AGO = timezone.now() - timedelta(days=6 * 365)


@pytest.fixture
def org(make_org):
    return make_org("ngo", kind=OrganizationKind.NGO)


def aged(person, when=LONG_AGO):
    Person.objects.filter(pk=person.pk).update(updated_at=when, location_observed_at=None)
    return person


def test_every_rule_has_a_period_from_the_settings(settings):
    names = {rule.name for rule in retention.rules()}
    assert {"person", "message", "inbound_message", "checkin_answer", "location_history"} <= names
    assert {f"consent.{p}" for p in ("crisis_alerts", "referrals", "sharing_host_authorities")} <= names
    assert names <= set(settings.RETENTION_DAYS)


def test_dry_run_lists_what_would_go_and_changes_nothing(org, make_person):
    old = aged(make_person(org, given_names="Antigua", phones=[("+525512340001", False)]))
    make_person(org, given_names="Reciente")
    out = StringIO()
    call_command("purge", "--dry-run", stdout=out)
    assert f"person (1825 days): 1 would go [{old.pk}]" in out.getvalue()
    assert "nothing was changed" in out.getvalue()
    assert Person.objects.count() == 2


def test_a_purge_leaves_only_the_audit_tombstone(org, make_person, client, make_user):
    old = aged(
        make_person(
            org, given_names="Antigua", phones=[("+525512340001", False)], consents={"referrals": (True, "written")}
        )
    )
    keep = make_person(org, given_names="Reciente")
    # A read of the person before the purge: the log names them by id only.
    user = make_user(org, "case_worker")
    client.force_login(user)
    client.get(f"/registry/people/{old.pk}/")
    call_command("purge", stdout=StringIO())
    assert list(Person.objects.all()) == [keep]
    assert not ContactPoint.objects.filter(person_id=old.pk).exists()
    assert not Consent.objects.filter(person_id=old.pk).exists()
    tombstone = AuditEvent.objects.get(action=AuditAction.DELETE, object_type="registry.person", object_id=str(old.pk))
    assert tombstone.extra["tombstone"] and tombstone.extra["rule"] == "person"
    assert not AuditEvent.objects.filter(summary__contains="Antigua").exists()
    assert not AuditEvent.objects.filter(extra__icontains="Antigua").exists()
    call_command("verify_audit", stdout=StringIO())


def test_a_crisis_in_course_and_an_open_case_hold_a_person(org, make_person, make_user):
    from amparo.cases.services import open_case
    from amparo.crises.services import AreaSpec, create_crisis

    in_crisis = make_person(org, given_names="Afectada", country="MX", subdivision="MX-GRO")
    with_case = make_person(org, given_names="Acompañada")
    create_crisis(
        actor=SYSTEM, name="Sismo", kind="earthquake", areas=[AreaSpec(kind="administrative", subdivisions=["MX-GRO"])]
    )
    worker = make_user(org, "case_worker")
    open_case(actor=worker, person=with_case, consent_method="verbal")
    aged(in_crisis)
    aged(with_case)
    retention.run(dry_run=False, principal=SYSTEM)
    assert set(Person.objects.all()) == {in_crisis, with_case}


def test_consent_to_be_kept_after_the_case_holds_a_person(org, make_person):
    kept = aged(make_person(org, consents={"retention_after_case": (True, "written")}))
    retention.run(dry_run=False, principal=SYSTEM)
    assert Person.objects.filter(pk=kept.pk).exists()


def test_consents_lapse_after_their_purposes_period(org, make_person, settings):
    person = make_person(
        org, consents={"sharing_host_authorities": (True, "written"), "crisis_alerts": (True, "written")}
    )
    Consent.objects.filter(person=person).update(recorded_at=timezone.now() - timedelta(days=800))
    retention.run(dry_run=False, principal=SYSTEM)
    lapsed = Consent.objects.get(person=person, purpose="sharing_host_authorities")
    assert lapsed.withdrawn_at is not None and lapsed.withdrawn_by_label == "retention"
    assert Consent.objects.get(person=person, purpose="crisis_alerts").withdrawn_at is None  # 3 years


def test_earlier_positions_go_and_the_latest_stays(org, make_person):
    person = make_person(org, country="MX", subdivision="MX-GRO", latitude=17.0, longitude=-99.8)
    first = LocationHistory.objects.get(person=person)
    LocationHistory.objects.filter(pk=first.pk).update(observed_at=timezone.now() - timedelta(days=1000))
    LocationHistory.objects.create(
        person=person,
        latitude=17.1,
        longitude=-99.7,
        country="MX",
        observed_at=timezone.now() - timedelta(days=900),
        source="staff",
    )
    retention.run(dry_run=False, principal=SYSTEM)
    assert LocationHistory.objects.filter(person=person).count() == 1
    assert LocationHistory.objects.get(person=person).latitude == 17.1


def test_old_message_texts_are_anonymized(org, make_person):
    from amparo.messaging.models import Channel, Message

    person = make_person(org)
    channel = Channel.objects.create(organization=org, name="c", kind="sms", provider="console")
    message = Message.objects.create(
        organization=org, person=person, channel=channel, kind="sms", to_address="+525512340001",
        body="María, ¿está a salvo?", status="delivered", idempotency_key="k1",
        created_at=timezone.now() - timedelta(days=400),
    )  # fmt: skip
    retention.run(dry_run=False, principal=SYSTEM)
    message.refresh_from_db()
    assert (message.body, message.to_address, message.status) == ("", "", "delivered")


def test_the_daily_task_purges_and_schedules_itself(org, make_person, settings):
    from amparo.core.tasks import purge_expired

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    old = aged(make_person(org))
    result = purge_expired.enqueue(0)
    assert result.return_value["person"] == 1
    assert not Person.objects.filter(pk=old.pk).exists()
