from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from network.demo import ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Lädt die Demo-Inhalte (idempotent: ein zweiter Lauf ändert nichts)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Auch mit DEBUG=False laden (nur für Tests, nie in Produktion).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo legt Demo-Konten mit bekanntem Passwort an und läuft nur mit DEBUG=True."
            )
        # Each of our apps may ship a demo module with seed(stdout); they run in app order,
        # so later apps can rely on the network's members and municipalities.
        with transaction.atomic():
            for app_name in settings.K360_APPS:
                module_name = f"{app_name}.demo"
                if find_spec(module_name):
                    import_module(module_name).seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo-Inhalte geladen. Demo-Zugänge:"))
        for email, _name, *_rest in ACCOUNTS:
            self.stdout.write(f"  {email} / {DEMO_PASSWORD}")
