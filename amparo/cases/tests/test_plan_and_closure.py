"""Plan actions refer through the protection app's service (its rules, not copies); the person's
referrals show on the case; closure checks open actions and referrals (refused with the list, or
a reason per item) and plans a follow-up after closure, listed when due."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from amparo.accounts.codes import OrganizationKind, Role
from amparo.cases import queries, services
from amparo.cases.models import FollowUp, PlanAction
from amparo.protection import services as protection
from amparo.protection.models import Referral, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelter(make_org):
    return make_org("shelter", kind=OrganizationKind.SHELTER, name="Albergue Belén")


@pytest.fixture
def bed(shelter):
    return Service.objects.create(
        provider=shelter, kind="shelter", name="Dormitorio", country="MX", capacity_total=10, capacity_free=2
    )


@pytest.fixture
def action(worker, case):
    return services.add_action(actor=worker, case=case, description="Safe place to sleep tonight")


def in_days(n):
    return timezone.localdate() + timedelta(days=n)


def test_an_action_refers_through_the_protection_service(worker, case, action, bed):
    referral = services.refer_from_action(actor=worker, action=action, service=bed, reason="Sleeping outside")
    action.refresh_from_db()
    assert action.referral == referral
    assert (referral.status, referral.from_organization, referral.to_organization) == (
        "draft",
        case.organization,
        bed.provider,
    )
    # The protection app's own rules made it: minimum-necessary default sharing, its audit row.
    assert referral.shared_fields == ["full_name", "age", "sex", "languages"]
    assert referral.events.get().to_status == "draft"
    with pytest.raises(services.CaseError, match="already has a referral"):
        services.refer_from_action(actor=worker, action=action, service=bed)


def test_refusals_of_the_protection_service_are_not_bypassed(make_user, ngo, person, bed):
    """First-contact staff hold cases but do not refer (protection's rule): the action cannot."""
    staff = make_user(ngo, Role.PROVIDER_STAFF)
    own = services.open_case(actor=staff, person=person, consent_method="verbal")
    act = services.add_action(actor=staff, case=own, description="Shelter")
    with pytest.raises(PermissionDenied):
        services.refer_from_action(actor=staff, action=act, service=bed)
    assert not Referral.objects.exists()


def test_the_case_page_refers_and_lists_the_persons_referrals(client, worker, case, action, bed):
    client.force_login(worker)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert f'value="{bed.pk}"' in page and "Dormitorio" in page
    response = client.post(reverse("cases:action_refer", args=[action.pk]), {"service": bed.pk, "reason": "tonight"})
    referral = Referral.objects.get()
    assert response.url == reverse("protection:referral_detail", args=[referral.pk])
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert 'id="referrals"' in page and referral.reference in page and "Albergue Belén" in page


def test_closure_is_refused_with_the_list_of_open_items(worker, case, action, bed):
    referral = services.refer_from_action(actor=worker, action=action, service=bed)
    other = services.add_action(actor=worker, case=case, description="Call the consulate")
    with pytest.raises(services.ClosureBlocked) as refused:
        services.close_case(actor=worker, case=case, reason="lost_contact", no_follow_up_reason="no phone")
    assert {i.key for i in refused.value.items} == {
        f"action:{action.pk}",
        f"action:{other.pk}",
        f"referral:{referral.pk}",
    }
    assert "Call the consulate" in " ".join(refused.value.messages)
    case.refresh_from_db()
    assert case.is_open
    # A reason for only some items is still refused, naming the one left.
    with pytest.raises(services.ClosureBlocked) as refused:
        services.close_case(
            actor=worker,
            case=case,
            reason="lost_contact",
            no_follow_up_reason="no phone",
            open_item_reasons={f"action:{action.pk}": "no longer reachable", f"action:{other.pk}": "idem"},
        )
    assert [i.key for i in refused.value.items] == [f"referral:{referral.pk}"]


def test_closure_with_a_reason_per_open_item(worker, case, action, bed):
    referral = services.refer_from_action(actor=worker, action=action, service=bed)
    reasons = {f"action:{action.pk}": "The shelter takes it from here", f"referral:{referral.pk}": "Shelter continues"}
    services.close_case(
        actor=worker,
        case=case,
        reason="lost_contact",
        open_item_reasons=reasons,
        follow_up_date=in_days(14),
        follow_up_kind="call",
    )
    action.refresh_from_db()
    assert (action.status, action.closure_note) == ("cancelled", "The shelter takes it from here")
    referral.refresh_from_db()
    assert referral.status == "draft"  # the referral is the provider's process; the case keeps the reason
    left = dict(case.events.filter(kind="left_open").values_list("from_value", "note"))
    assert left == reasons


def test_settled_items_do_not_block(worker, case, action):
    services.finish_action(actor=worker, action=action)
    services.close_case(actor=worker, case=case, reason="lost_contact", no_follow_up_reason="no phone")
    assert not queries.open_items(case)


def test_a_follow_up_after_closure_or_the_reason_for_none(worker, case):
    with pytest.raises(services.CaseError, match="Plan a follow-up"):
        services.close_case(actor=worker, case=case, reason="lost_contact")
    with pytest.raises(services.CaseError, match="past"):
        services.close_case(actor=worker, case=case, reason="lost_contact", follow_up_date=in_days(-1))
    services.close_case(actor=worker, case=case, reason="lost_contact", follow_up_date=in_days(3))
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.after_closure and follow_up.due_date == in_days(3)


def test_no_follow_up_is_asked_after_a_death(worker, case):
    services.close_case(actor=worker, case=case, reason="deceased")
    assert not FollowUp.objects.exists()


def test_due_follow_ups_are_listed_for_the_worker_even_after_closure(client, worker, colleague, supervisor, case):
    services.close_case(actor=worker, case=case, reason="lost_contact", follow_up_date=in_days(2))
    later = services.open_case(actor=colleague, person=case.person, consent_method="verbal")
    services.add_follow_up(actor=colleague, case=later, due_date=in_days(30))
    assert [f.case for f in queries.follow_ups_due(worker, worker=worker)] == [case]
    assert list(queries.follow_ups_due(colleague, worker=colleague)) == []  # due in 30 days: not yet
    client.force_login(worker)
    page = client.get(reverse("cases:follow_ups_due")).content.decode()
    assert case.reference in page and "after closure" in page
    # The case page shows the follow-up as the current stage; recording it completes it.
    assert (
        'class="current" data-step="follow_up"'
        in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    )
    services.record_follow_up(actor=worker, follow_up=FollowUp.objects.get(case=case), outcome="working in Puebla")
    assert {s["code"]: s["state"] for s in queries.stages(case)}["follow_up"] == "done"
    assert case.reference not in client.get(reverse("cases:follow_ups_due")).content.decode()


def test_due_follow_ups_of_another_organization_stay_hidden(make_org, make_user, worker, case):
    services.close_case(actor=worker, case=case, reason="lost_contact", follow_up_date=in_days(1))
    outsider = make_user(make_org("other"), Role.SUPERVISOR)
    assert list(queries.follow_ups_due(outsider)) == []


def test_the_close_form_asks_a_reason_per_open_item(client, worker, case, action):
    client.force_login(worker)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert f'name="close-open_action_{action.pk}"' in page
    response = client.post(
        reverse("cases:case_close", args=[case.pk]),
        {"close-reason": "lost_contact", "close-no_follow_up_reason": "no phone"},
        follow=True,
    )
    assert "Still open: action “Safe place to sleep tonight”" in response.content.decode()
    client.post(
        reverse("cases:case_close", args=[case.pk]),
        {
            "close-reason": "lost_contact",
            "close-follow_up_date": in_days(7).isoformat(),
            "close-follow_up_kind": "visit",
            f"close-open_action_{action.pk}": "Not reachable",
        },
    )
    case.refresh_from_db()
    assert not case.is_open and PlanAction.objects.get().status == "cancelled"
    assert FollowUp.objects.get().kind == "visit"


def test_a_screening_is_needed_for_nothing_here_but_protection_rules_apply(worker, case, bed, shelter):
    """Referring to the case's own organization is refused by the protection service."""
    own_service = Service.objects.create(provider=case.organization, kind="food", name="Comedor", country="MX")
    act = services.add_action(actor=worker, case=case, description="Meals")
    with pytest.raises(protection.ProtectionError, match="another organization"):
        services.refer_from_action(actor=worker, action=act, service=own_service)


def test_an_existing_referral_of_the_person_links_to_an_action(worker, case, action, bed, make_person, ngo):
    from amparo.protection.services import create_referral

    own = create_referral(actor=worker, person=case.person, to_organization=bed.provider, service_kind="shelter")
    services.link_referral(actor=worker, action=action, referral=own)
    assert PlanAction.objects.get(pk=action.pk).referral == own
    someone_else = make_person(ngo, given_names="Otra")
    theirs = create_referral(actor=worker, person=someone_else, to_organization=bed.provider, service_kind="food")
    with pytest.raises(services.CaseError, match="not one of"):
        services.link_referral(actor=worker, action=action, referral=theirs)
    with pytest.raises(services.CaseError, match="not one of"):
        services.add_action(actor=worker, case=case, description="Meals", referral=theirs)


def test_the_caseload_shows_a_profile_change(client, worker, case, person):
    protection.screen_person(actor=worker, person=person, answers={"kidnapped_in_transit": "yes"})
    client.force_login(worker)
    assert "profiles changed" in client.get(reverse("cases:caseload")).content.decode()
