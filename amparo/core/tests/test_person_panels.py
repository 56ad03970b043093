"""The person page's extension point: panels in order, filtered by role, left out when their
context says there is nothing for this user."""

import pytest

from amparo.accounts.codes import Role
from amparo.core import ui

pytestmark = pytest.mark.django_db


@pytest.fixture
def panels(monkeypatch):
    monkeypatch.setattr(ui, "_person_panels", [])
    ui.add_person_panel("b.html", order=20, context=lambda user, person: {"who": user.username})
    ui.add_person_panel("a.html", roles={Role.CASE_WORKER}, order=10)
    ui.add_person_panel("none.html", order=30, context=lambda user, person: None)
    ui.add_person_panel("b.html", order=1)  # registered twice (ready() may run twice): kept once


def test_panels_follow_their_order_and_the_users_roles(panels, make_org, make_user):
    org = make_org()
    worker = make_user(org, Role.CASE_WORKER, username="worker")
    officer = make_user(org, Role.MIGRATION_OFFICER, username="officer")

    assert [(p.template, p.data) for p in ui.person_panels_for(worker, None)] == [
        ("a.html", {}),
        ("b.html", {"who": "worker"}),
    ]
    assert [p.template for p in ui.person_panels_for(officer, None)] == ["b.html"]
    assert ui.person_panels_for(make_user(None, username="nobody"), None) == []
