"""`amparo check --deploy` reports DEBUG, a short secret key and demo data as errors with their ids,
and a production process refuses to start while any of them fails."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from amparo.core.checks import deployment_errors

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "k" * 30 + "-a-production-secret-long-enough-0123456789"


def _ids():
    return {m.id for m in deployment_errors()}


@pytest.mark.django_db
def test_a_clean_production_configuration_has_no_error(settings):
    settings.DEBUG, settings.SECRET_KEY = False, GOOD_KEY
    assert _ids() == set()


@pytest.mark.django_db
def test_debug_is_an_error(settings):
    settings.DEBUG, settings.SECRET_KEY = True, GOOD_KEY
    assert _ids() == {"amparo.E001"}


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["short-key", "amparo-insecure-development-key", "x" * 49])
def test_a_short_or_development_secret_key_is_an_error(settings, key):
    settings.DEBUG, settings.SECRET_KEY = False, key
    assert _ids() == {"amparo.E002"}


@pytest.mark.django_db
def test_demo_users_or_organizations_are_an_error(settings, make_org, make_user):
    settings.DEBUG, settings.SECRET_KEY = False, GOOD_KEY
    make_user(make_org(), username="someone")
    assert _ids() == set()
    make_org("demo-like", email="x@demo.amparo.local")
    assert _ids() == {"amparo.E003"}


@pytest.mark.django_db
def test_check_deploy_reports_each_id(settings, make_user):
    settings.DEBUG, settings.SECRET_KEY = True, "short"
    user = make_user(username="consul-gt")
    user.email = "consul-gt@demo.amparo.local"
    user.save()
    with pytest.raises(SystemCheckError) as raised:
        call_command("check", "--deploy")
    for check_id in ("amparo.E001", "amparo.E002", "amparo.E003"):
        assert check_id in str(raised.value)
    assert "consul-gt" in str(raised.value)


def _production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMPARO_", "DJANGO_"))}
    env.update(
        {
            "AMPARO_ENV": "production",
            "AMPARO_SECRET_KEY": GOOD_KEY,
            "AMPARO_ALLOWED_HOSTS": "127.0.0.1",
            "AMPARO_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3",
        }
    )
    env.update(extra)
    return env


def test_the_production_wsgi_application_refuses_to_start_with_debug_on(tmp_path):
    env = _production_env(tmp_path, AMPARO_DEBUG="true")
    result = subprocess.run(
        [sys.executable, "-c", "import amparo.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "refuses to start" in result.stderr and "amparo.E001" in result.stderr


def test_a_production_worker_refuses_to_start_with_a_short_key(tmp_path):
    env = _production_env(tmp_path, AMPARO_SECRET_KEY="too-short")
    result = subprocess.run(
        [sys.executable, "-m", "amparo.cli", "db_worker", "--batch"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "amparo.E002" in result.stderr
