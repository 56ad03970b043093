"""`amparo import-pfif FILE_OR_URL --org SLUG [--crisis ID] [--as USERNAME]`

Imports a PFIF 1.2-1.4 document (a file, or an http(s) URL) for the organization: all or nothing,
idempotent on person_record_id and note_record_id. Errors name the line and the record."""

from __future__ import annotations

import urllib.request

from django.core.management.base import BaseCommand, CommandError

from amparo.registry.management.commands._actor import actor_for, organization
from amparo.tracing import pfif


def _open(source: str):
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(source, headers={"User-Agent": "amparo-pfif"})  # noqa: S310
        return urllib.request.urlopen(request, timeout=60)  # noqa: S310 (http(s) only, checked above)
    if "://" in source:
        raise CommandError("Only files and http(s) URLs can be imported.")
    try:
        return open(source, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise CommandError(f"Cannot read {source}: {exc.strerror}") from exc


class Command(BaseCommand):
    help = "Import a PFIF document (people, found-person notes, inquiries)."

    def add_arguments(self, parser):
        parser.add_argument("source", help="a PFIF file or an http(s) URL")
        parser.add_argument("--org", required=True, help="the importing organization (slug)")
        parser.add_argument("--crisis", type=int, help="update welfare in this crisis from the notes' status")
        parser.add_argument("--as", dest="as_user", help="act as this user")

    def handle(self, *args, **options):
        actor = actor_for("import-pfif", options["as_user"])
        org = organization(options["org"])
        crisis = None
        if options["crisis"]:
            from amparo.crises.models import Crisis

            crisis = Crisis.objects.filter(pk=options["crisis"]).first()
            if crisis is None:
                raise CommandError(f"No crisis {options['crisis']}")
        handle = _open(options["source"])
        try:
            result = pfif.import_pfif(actor=actor, organization=org, source=handle, crisis=crisis)
        except pfif.PfifError as exc:
            raise CommandError("nothing was imported: " + "\n".join(exc.errors)) from exc
        except PermissionError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            handle.close()
        self.stdout.write(
            f"imported {result.people} people, {result.inquiries} inquiries, {result.notes} notes; "
            f"{result.unchanged} already imported; {result.welfare} welfare updates"
        )
