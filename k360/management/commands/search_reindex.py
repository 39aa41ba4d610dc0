from django.core.management.base import BaseCommand

from k360 import search


class Command(BaseCommand):
    help = "Baut den Suchindex aller registrierten Inhalte neu auf."

    def handle(self, *args, **options):
        total = search.reindex()
        self.stdout.write(self.style.SUCCESS(f"{total} Suchdokumente indexiert."))
