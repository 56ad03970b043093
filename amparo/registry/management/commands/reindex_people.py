"""`amparo reindex-people`: rebuild the name search index (Person.search_name, NameKey, NameWord)
for every person, in batches. Needed only after names were changed outside the registry's
services (a raw SQL fix, a restore from an old backup)."""

from django.core.management.base import BaseCommand

from amparo.registry import indexing


class Command(BaseCommand):
    help = "Rebuild the name search index of every person."

    def handle(self, *args, **options):
        done = indexing.reindex_all(progress=lambda n: self.stderr.write(f"\r{n} people", ending=""))
        indexing.analyze()
        self.stderr.write("")
        self.stdout.write(f"reindexed {done} people")
