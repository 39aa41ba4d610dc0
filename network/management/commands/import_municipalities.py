from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from network.imports import COLUMNS, municipalities_import


class Command(BaseCommand):
    help = (
        f"Importiert Kommunen aus einer CSV-Datei (Spalten: {', '.join(COLUMNS)}); "
        "bestehende Gemeindeschlüssel werden aktualisiert. Alles oder nichts."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV-Datei, UTF-8, Komma oder Semikolon")
        parser.add_argument(
            "--partner", action="store_true", help="Alle Kommunen als Partnerkommunen markieren."
        )

    def handle(self, *args, file: Path, partner: bool = False, **options):
        try:
            # newline="" leaves line breaks inside quoted cells to the csv module.
            with file.open(encoding="utf-8-sig", newline="") as csv_file:
                result = municipalities_import(file=csv_file, mark_partner=partner)
        except OSError as error:
            raise CommandError(
                f"Die Datei {file} lässt sich nicht lesen: {error.strerror}"
            ) from error
        except ValidationError as error:
            raise CommandError(
                "\n".join([f"{file}: nichts importiert.", *error.messages])
            ) from error
        self.stdout.write(self.style.SUCCESS(result.message))
