"""A thesis with 100, 1,000 and 5,000 comments: server time per page and query count.

Goal (issue 4): the same query count for all three, at most 10; median under 60 ms per page
at 1,000 comments on the 2-core development machine.
"""

from datetime import timedelta

from bench.common import bench_database, measure, print_table


def seed_comments(thesis, authors, total: int) -> None:
    """Threads of five: a root with a chain and a sibling reply, like a lively discussion."""
    from django.utils import timezone

    from forums.models import Comment
    from forums.services import comment_insert

    have = Comment.objects.filter(object_id=thesis.pk).count()
    start = timezone.now() - timedelta(days=30)
    stances = ["zustimmung", "ergaenzung", "gegenrede"]
    n = have
    while n < total:
        author = authors[n % len(authors)]
        root = comment_insert(
            target=thesis,
            author=author,
            source=f"Beitrag {n} mit *Betonung*.",
            stance=stances[n % 3],
            created_at=start + timedelta(minutes=n),
        )
        n += 1
        parent = root
        for depth in range(3):
            if n >= total:
                break
            parent = comment_insert(
                target=thesis,
                author=authors[(n + depth) % len(authors)],
                source=f"Antwort {n} auf Ebene {depth + 1}.",
                parent=parent,
                created_at=start + timedelta(minutes=n),
            )
            n += 1
        if n < total:
            comment_insert(
                target=thesis,
                author=authors[n % len(authors)],
                source=f"Noch eine Antwort {n}.",
                parent=root,
                created_at=start + timedelta(minutes=n),
            )
            n += 1


def main() -> list[dict]:
    from django.test import Client
    from django.utils import timezone

    from forums.models import Thesis
    from network.models import Sector
    from tests.factories import UserFactory

    with bench_database():
        thesis = Thesis.objects.create(
            number=1,
            title="Bench-These",
            slug="bench",
            lead="Lead",
            body="Text",
            opens_at=timezone.now() - timedelta(days=60),
        )
        sectors = list(Sector.values)
        authors = [UserFactory(sector=sectors[i % len(sectors)]) for i in range(40)]
        visitor, member = Client(), Client()
        member.force_login(UserFactory(name="Bench Mitglied"))
        rows = []
        for total in (100, 1_000, 5_000):
            seed_comments(thesis, authors, total)
            url = thesis.get_absolute_url()
            for label, client, path in [
                ("Besucher:in, Seite 1", visitor, url),
                ("Mitglied, Seite 1", member, url),
                ("Mitglied, letzte Seite", member, f"{url}?seite=999"),
            ]:
                result = measure(lambda client=client, path=path: client.get(path), runs=40)
                rows.append({"Kommentare": total, "Ansicht": label, **result})
        print_table("These mit Diskussion: Serverzeit je Seite (ms) und Abfragen", rows)
    return rows


if __name__ == "__main__":
    main()
