"""Demo data of the drills app: the Guerrero earthquake scenario prepared for the Guatemalan
consulate in Mexico City, with 400 synthetic people, `consul-gt` as facilitator and `admin-gt` as a
participant. Not started: start it from its page (a worker must run: `make run` starts one).
Idempotent."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from amparo.accounts.models import Organization
from amparo.drills import services
from amparo.drills.forms import SCENARIOS
from amparo.drills.models import Drill

NAME = "Simulacro: sismo frente a Guerrero"


def load(stdout) -> dict:
    host = Organization.objects.filter(slug="gt-consulate-mexico-city").first()
    users = get_user_model().objects.in_bulk(["consul-gt", "admin-gt"], field_name="username")
    if host is None or "consul-gt" not in users or Drill.objects.filter(host=host, name=NAME).exists():
        return {"drills": 0}
    drill = services.create_drill(
        actor=users["consul-gt"], host=host, name=NAME, population_size=400, speed=60, seed=2026,
        scenario_text=(SCENARIOS / "guerrero_earthquake.yaml").read_text(encoding="utf-8"),
    )  # fmt: skip
    if "admin-gt" in users:
        services.add_participant(actor=users["consul-gt"], drill=drill, user=users["admin-gt"], role="org_admin")
    stdout.write(f"drills: {NAME} prepared with 400 synthetic people")
    return {"drills": 1}
