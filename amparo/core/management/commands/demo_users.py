"""`amparo demo-users`: print the demo user names and what each one is (for `make run`)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from amparo.core.demo import USERS


class Command(BaseCommand):
    help = "List the demo users and the shared demo password."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo users (password for all: {settings.DEMO_PASSWORD}):")
        for username, slug, role, _first in USERS:
            self.stdout.write(f"  {username:<18} {role:<30} {slug}")
        self.stdout.write(f"  {'root':<18} {'Django admin (superuser)':<30} /admin/")
