from django.core.management.base import BaseCommand, CommandError

from k360 import scale as network


class Command(BaseCommand):
    help = (
        "Baut ein großes Netzwerk für Lasttests in eine leere PostgreSQL-Datenbank: 500 Kommunen, "
        "10.000 Mitglieder, 4 Thesen mit je 1.000 Kommentaren, 2.000 Beiträge, "
        "300 Veranstaltungen, 50.000 Suchdokumente, 10.000 Newsletter-Abonnent:innen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Faktor für alle Mengen (Standard 1.0; z. B. 0.01 für einen schnellen Test).",
        )

    def handle(self, *args, scale: float = 1.0, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale muss größer als 0 und höchstens 10 sein.")
        if refusal := network.refusal():
            raise CommandError(refusal)
        self.stdout.write(f"Baue das Skalen-Netzwerk (Faktor {scale:g}) …")
        written = network.seed(network.Counts().scaled(scale), self.stdout.write)
        n = {key: network.german_number(value) for key, value in written.items()}
        seconds = f"{written['seconds']:.1f}".replace(".", ",")
        self.stdout.write(
            self.style.SUCCESS(
                f"Skalen-Netzwerk steht nach {seconds} s: {n['municipalities']} Kommunen, "
                f"{n['members']} Mitglieder, {n['theses']} Thesen, {n['posts']} Beiträge, "
                f"{n['events']} Veranstaltungen, {n['documents']} Suchdokumente, "
                f"{n['subscribers']} Abonnent:innen."
            )
        )
