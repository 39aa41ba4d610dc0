from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from selfcheck.models import Questionnaire
from selfcheck.yaml_io import export_questionnaire


class Command(BaseCommand):
    help = "Schreibt eine Version eines Selbstcheck-Fragebogens als YAML (zum Bearbeiten)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # "--version" means the questionnaire's version here, replacing Django's own option.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("key", help="Kennung des Fragebogens, z. B. integrierte-planung")
        parser.add_argument(
            "--version", type=int, dest="number", help="Version (Standard: die neueste)"
        )
        parser.add_argument(
            "-o", "--output", type=Path, help="In diese Datei schreiben statt auf die Konsole."
        )

    def handle(self, *args, key: str, number: int | None, output: Path | None, **options):
        versions = Questionnaire.objects.filter(key=key).order_by("-version")
        if number is not None:
            versions = versions.filter(version=number)
        questionnaire = versions.first()
        if questionnaire is None:
            which = f"Version {number} von „{key}“" if number else f"„{key}“"
            raise CommandError(f"Einen Fragebogen {which} gibt es nicht.")
        text = export_questionnaire(questionnaire)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{output} lässt sich nicht schreiben: {error.strerror}") from error
        self.stderr.write(f"{questionnaire} nach {output} geschrieben.")
