"""Messaging settings: from Django settings when set there, else from the environment, with safe
defaults (see docs/messaging.md for what each one does)."""

from __future__ import annotations

from django.conf import settings

from amparo.env import env_int, env_str

_DEFAULTS = {
    "MESSAGING_LEASE_S": lambda: float(env_str("AMPARO_MESSAGING_LEASE_S", "5")),
    "MESSAGING_BATCH": lambda: env_int("AMPARO_MESSAGING_BATCH", 50),
    "MESSAGING_SEND_GROUP": lambda: env_int("AMPARO_MESSAGING_SEND_GROUP", 10),
    "MESSAGING_MAX_ATTEMPTS": lambda: env_int("AMPARO_MESSAGING_MAX_ATTEMPTS", 8),
    "MESSAGING_RETRY_BASE_S": lambda: float(env_str("AMPARO_MESSAGING_RETRY_BASE_S", "5")),
    "MESSAGING_RETRY_CAP_S": lambda: float(env_str("AMPARO_MESSAGING_RETRY_CAP_S", "900")),
    "MESSAGING_DISPATCH_BUDGET_S": lambda: float(env_str("AMPARO_MESSAGING_DISPATCH_BUDGET_S", "30")),
    "MESSAGING_DISPATCH_PARALLELISM": lambda: env_int("AMPARO_MESSAGING_DISPATCH_PARALLELISM", 2),
    "MESSAGING_CHECKIN_RATE": lambda: env_int("AMPARO_MESSAGING_CHECKIN_RATE", 30),  # requests / 10 min / link
    "MESSAGING_REPLY_WINDOW_DAYS": lambda: env_int("AMPARO_MESSAGING_REPLY_WINDOW_DAYS", 14),
}


def get(name: str):
    if hasattr(settings, name):
        return getattr(settings, name)
    return _DEFAULTS[name]()
