"""`amparo demo-users`: print the demo user names and what each one is (for `make run`): the
demo world's (amparo/core/demo.py), then those an app's demo module adds with `demo_users()` (the
directory's shelter and clinic staff in every country)."""

import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand

from amparo.core.demo import USERS


def _app_users():
    for config in apps.get_app_configs():
        if not config.name.startswith("amparo.") or config.label == "core":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        if hasattr(module, "demo_users"):
            yield from module.demo_users()


class Command(BaseCommand):
    help = "List the demo users and the shared demo password."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo users (password for all: {settings.DEMO_PASSWORD}):")
        for username, slug, role, _first in [*USERS, *_app_users()]:
            self.stdout.write(f"  {username:<18} {role:<30} {slug}")
        self.stdout.write(f"  {'root':<18} {'Django admin (superuser)':<30} /admin/")
