from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Übersetzt die .po-Kataloge des Projekts in .mo-Dateien (ohne GNU gettext)."

    def handle(self, *args, **options):
        # Django's compilemessages needs msgfmt from GNU gettext, which a new machine may lack;
        # Babel does the same in pure Python. The .mo files are build output, not in git.
        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                with po_path.open("rb") as po_file:
                    catalog = read_po(po_file, locale=po_path.parts[-3])
                with mo_path.open("wb") as mo_file:
                    write_mo(mo_file, catalog)
                self.stdout.write(f"{po_path} → {mo_path.name}")
