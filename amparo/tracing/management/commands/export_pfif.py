"""`amparo export-pfif --output FILE [--crisis ID] [--as USERNAME]`

Writes a PFIF 1.4 document of the people the actor may see who consented to sharing (places, never
positions), with their notes, and the inquiries whose inquirer agreed to share."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from amparo.registry.management.commands._actor import actor_for
from amparo.tracing import pfif


class Command(BaseCommand):
    help = "Export people and inquiries as PFIF 1.4."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument("--crisis", type=int, help="only people in this crisis (with their welfare)")
        parser.add_argument("--as", dest="as_user", help="act as this user (exports only what they may see)")

    def handle(self, *args, **options):
        actor = actor_for("export-pfif", options["as_user"])
        crisis = None
        if options["crisis"]:
            from amparo.crises.models import Crisis

            crisis = Crisis.objects.filter(pk=options["crisis"]).first()
            if crisis is None:
                raise CommandError(f"No crisis {options['crisis']}")
        count = pfif.export_pfif(actor=actor, output=options["output"], crisis=crisis)
        self.stdout.write(f"exported {count} records to {options['output']}")
