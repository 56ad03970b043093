"""Server time of the screening form (issue 19: "up to 1.7 s"), next to references in the same run.

    DATABASE_URL=... .venv/bin/python bench/protection/screening.py [--requests 50]

Loads the demo data into the database named by DATABASE_URL when it has none (default: a fresh
SQLite file), then, as a consular officer of the demo, requests through Django's test client:
- GET  the screening form of one of their people, and POST a complete screening;
- the same GET with the questions drawn by Django's own RadioSelect templates (how the form
  was drawn before; the reference for what changed);
- GET the home page (the lightest page behind a login, the floor of any request).
For each: median and 95th percentile of wall time and of CPU time (CPU is what the server
spends; on a loaded machine wall time also counts waiting for a core).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/screening-bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
os.environ.setdefault("AMPARO_DEBUG", "1")  # demo-data refuses to run without DEBUG

import django  # noqa: E402

django.setup()

from django import forms  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def measure(label: str, request, count: int) -> None:
    request()  # warm-up
    walls, cpus = [], []
    for _ in range(count):
        wall, cpu = time.perf_counter(), time.process_time()
        request()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)

    def p95(values):
        return sorted(values)[max(0, int(len(values) * 0.95) - 1)] * 1000

    print(
        f"{label:<52} wall p50 {statistics.median(walls) * 1000:7.1f} ms  p95 {p95(walls):7.1f} ms   "
        f"CPU p50 {statistics.median(cpus) * 1000:6.1f} ms  p95 {p95(cpus):6.1f} ms",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from amparo.protection import access
    from amparo.protection.forms import ScreeningForm
    from amparo.registry.models import Person

    if not get_user_model().objects.filter(username="consul-gt").exists():
        call_command("demo_data", verbosity=0)
    user = get_user_model().objects.get(username="consul-gt")
    person = next(
        p for p in Person.objects.filter(registering_organization__memberships__user=user) if access.can_screen(user, p)
    )
    client = Client()
    client.force_login(user)
    url = f"/protection/people/{person.pk}/screen/"
    form = ScreeningForm(person_age=30)
    answers = {"wishes_asylum": "not_asked", "note": "bench"}
    for name, field in form.fields.items():
        if name.startswith("q_"):
            options = field.indicator.options
            answers[name] = options[0]["value"] if options else "yes" if isinstance(field, forms.ChoiceField) else "30"
    questions = sum(name.startswith("q_") for name in form.fields)
    print(
        f"{connection.vendor}, {Person.objects.count()} people, {questions} questions; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    def get():
        assert client.get(url, HTTP_HOST="localhost").status_code == 200

    def post():
        assert client.post(url, answers, HTTP_HOST="localhost").status_code == 302

    measure("GET screening form", get, args.requests)
    measure("POST a complete screening", post, args.requests)
    from amparo.core import forms as core_forms

    quick = core_forms.QuickRadioSelect.render
    core_forms.QuickRadioSelect.render = forms.RadioSelect.render
    try:
        measure("reference: GET with Django's RadioSelect templates", get, args.requests)
    finally:
        core_forms.QuickRadioSelect.render = quick
    measure("reference: GET the home page", lambda: client.get("/", HTTP_HOST="localhost"), args.requests)


if __name__ == "__main__":
    main()
