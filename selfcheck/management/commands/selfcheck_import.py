from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from selfcheck.yaml_io import ImportProblems, import_questionnaire


class Command(BaseCommand):
    help = (
        "Liest einen Selbstcheck-Fragebogen aus einer YAML-Datei als neue Version ein "
        "(Format: siehe selfcheck/yaml_io.py). Alles oder nichts."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="YAML-Datei, UTF-8")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Gleich veröffentlichen, auch wenn die Datei keinen „status: published“ hat.",
        )

    def handle(self, *args, file: Path, publish: bool = False, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(
                f"Die Datei {file} lässt sich nicht lesen: {error.strerror}"
            ) from error
        except UnicodeDecodeError as error:
            raise CommandError(f"Die Datei {file} ist nicht in UTF-8 gespeichert.") from error
        try:
            questionnaire = import_questionnaire(text, publish=publish)
        except ImportProblems as problems:
            raise CommandError(
                "\n".join([f"{file}: nichts importiert.", *problems.lines])
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Importiert: {questionnaire.title} (Version {questionnaire.version}), "
                f"{questionnaire.sections.count()} Handlungsfelder, "
                f"{questionnaire.indicators.count()} Indikatoren"
                + (" – veröffentlicht" if questionnaire.is_frozen else " – als Entwurf")
            )
        )
