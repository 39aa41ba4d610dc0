"""Member directory and municipality page with 10 and 500 members: time and query count."""

from bench.common import bench_database, measure, print_table


def main() -> list[dict]:
    from django.test import Client

    from tests.factories import MunicipalityFactory, UserFactory, bulk_members

    with bench_database():
        municipality = MunicipalityFactory(name="Jena", slug="jena")
        viewer = UserFactory(name="Bench Viewer")
        client = Client()
        client.force_login(viewer)
        rows = []
        for total in (10, 500):
            have = municipality.members.count()
            bulk_members(
                total - have, ("Präventionsketten", "Steuerung"), municipality=municipality
            )
            for label, url in [
                ("Mitgliederverzeichnis", "/netzwerk/mitglieder/"),
                ("Verzeichnis gefiltert", "/netzwerk/mitglieder/?land=05&q=Mitglied"),
                ("Kommunenseite", "/netzwerk/kommunen/jena/"),
                ("Netzwerk mit Karte", "/netzwerk/"),
            ]:
                result = measure(lambda url=url: client.get(url))
                rows.append({"Seite": label, "Mitglieder": total, **result})
        print_table("Netzwerk: Serverzeit je Seite (ms) und Abfragen", rows)
    return rows


if __name__ == "__main__":
    main()
