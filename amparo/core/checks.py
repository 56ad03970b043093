"""Deployment checks of Amparo (`amparo check --deploy`), and the guard that refuses to start a
production server while any of them fails.

Django's own deployment checks only warn about DEBUG and a weak secret key; for a registry of
vulnerable people these are errors, and so are the demo users, who share a published password.
Each problem has its own id so an operator can look it up in docs/operators.md:

- amparo.E001: DEBUG is on.
- amparo.E002: the secret key is shorter than 50 characters (or is the development key).
- amparo.E003: demo organizations or users are in the database.

`refuse_unsafe_start()` runs the same checks when a production web server or worker starts
(amparo/wsgi.py, `amparo db_worker`, `amparo runserver`) and stops it with their messages.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

TAG = "amparo_deploy"
MIN_SECRET_KEY_LENGTH = 50
DEVELOPMENT_SECRET_KEY = "amparo-insecure-development-key"  # noqa: S105 (the known key, to refuse it)


@checks.register(TAG, deploy=True)
def check_debug(app_configs=None, **kwargs):
    if settings.DEBUG:
        return [
            checks.Error(
                "DEBUG is on: error pages would show settings and personal data to anyone.",
                hint="Unset AMPARO_DEBUG (production turns it off) or set AMPARO_DEBUG=false.",
                id="amparo.E001",
            )
        ]
    return []


@checks.register(TAG, deploy=True)
def check_secret_key(app_configs=None, **kwargs):
    key = settings.SECRET_KEY or ""
    if len(key) < MIN_SECRET_KEY_LENGTH or key == DEVELOPMENT_SECRET_KEY:
        return [
            checks.Error(
                f"The secret key has {len(key)} characters; it needs at least {MIN_SECRET_KEY_LENGTH} random ones.",
                hint="Set AMPARO_SECRET_KEY or AMPARO_SECRET_KEY_FILE, e.g. from "
                "`python3 -c 'import secrets; print(secrets.token_urlsafe(64))'`.",
                id="amparo.E002",
            )
        ]
    return []


@checks.register(TAG, deploy=True)
def check_no_demo_data(app_configs=None, **kwargs):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from amparo.accounts.models import Organization
    from amparo.core.demo import DEMO_EMAIL_DOMAIN

    User = get_user_model()
    tables = set(connection.introspection.table_names())
    if User._meta.db_table not in tables or Organization._meta.db_table not in tables:
        return []  # a database not migrated yet holds no demo data
    suffix = "@" + DEMO_EMAIL_DOMAIN
    users = list(User.objects.filter(email__iendswith=suffix).values_list("username", flat=True)[:5])
    organizations = list(Organization.objects.filter(email__iendswith=suffix).values_list("slug", flat=True)[:5])
    if not users and not organizations:
        return []
    named = ", ".join(users + organizations)
    return [
        checks.Error(
            f"Demo data is in the database ({named}…): demo users share a published password.",
            hint="Start production from an empty database (amparo migrate); never run demo-data on it.",
            id="amparo.E003",
        )
    ]


def deployment_errors() -> list[checks.CheckMessage]:
    messages = checks.run_checks(tags=[TAG], include_deployment_checks=True)
    return [m for m in messages if m.level >= checks.ERROR]


def refuse_unsafe_start() -> None:
    """Stop a production process that fails a deployment check (no-op in development)."""
    if not getattr(settings, "PRODUCTION", False):
        return
    errors = deployment_errors()
    if errors:
        lines = [f"{m.id}: {m.msg} {m.hint or ''}".strip() for m in errors]
        raise ImproperlyConfigured("Amparo refuses to start in production:\n  " + "\n  ".join(lines))
