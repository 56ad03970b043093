"""Production settings pass `manage.py check --deploy` with no warning."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMPARO_", "DJANGO_"))}
    env.update(
        {
            "AMPARO_ENV": "production",
            "AMPARO_SECRET_KEY": "x" * 40 + "-production-secret-for-the-check-only-0123456789",
            "AMPARO_ALLOWED_HOSTS": "amparo.example.org",
            "AMPARO_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path}/check.sqlite3",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMPARO_", "DJANGO_"))}
    env.update({"AMPARO_ENV": "production", "AMPARO_VAR_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "AMPARO_SECRET_KEY" in result.stderr


def test_a_bad_boolean_is_a_clear_error(tmp_path):
    env = {**os.environ, "AMPARO_DEBUG": "maybe", "AMPARO_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "AMPARO_DEBUG='maybe' is not a boolean" in result.stderr
