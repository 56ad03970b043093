"""`amparo demo-data`: load the demo world (idempotent). Each app may ship a `demo` module with a
`load(stdout)` function; they run in INSTALLED_APPS order, core first, so later apps build on
earlier ones. Refuses to run when DEBUG is off: demo users share a published password."""

import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo organizations, users and data (idempotent; DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", help="app labels to load (default: all)")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo-data refuses to run with DEBUG off: demo users share a published password.")
        for config in apps.get_app_configs():
            if not config.name.startswith("amparo."):
                continue
            if options["only"] and config.label not in options["only"] and config.label != "core":
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            self.stdout.write(f"{config.label}: ", ending="")
            with transaction.atomic():
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("demo data ready"))
        self.stdout.write(f"demo password for every user: {settings.DEMO_PASSWORD}")
