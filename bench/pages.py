"""Small pages with the demo content: server time and query count (anonymous and member)."""

from bench.common import bench_database, measure, print_table


def main() -> list[dict]:
    from django.core.management import call_command
    from django.test import Client

    from network.models import User

    with bench_database():
        call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
        visitor, member = Client(), Client()
        member.force_login(User.objects.get(email="mitglied@example.org"))
        rows = []
        for label, url in [
            ("Startseite", "/"),
            ("Impressum", "/impressum/"),
            ("Netzwerk", "/netzwerk/"),
            ("Thesen", "/thesen/"),
            ("Foren", "/foren/"),
            ("healthz", "/healthz"),
        ]:
            for who, client in [("Besucher:in", visitor), ("Mitglied", member)]:
                rows.append(
                    {"Seite": label, "wer": who, **measure(lambda c=client, u=url: c.get(u))}
                )
        print_table("Seiten mit Demo-Inhalten: Serverzeit (ms) und Abfragen", rows)
    return rows


if __name__ == "__main__":
    main()
