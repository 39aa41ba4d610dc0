"""The search (/suche/) over 50,000 documents: time per query, including page 1's snippets.

Goal (issue 5): p95 under 50 ms per query on the development machine, and EXPLAIN shows the
GIN indexes in use: the full-text index on the documents, the trigram index on the word list.
The seeded texts are harsh: "Planung" stands in almost every document.
"""

import random
from datetime import timedelta

from bench.common import bench_database, measure, print_table
from k360.scale import Texts

DOCUMENTS = 50_000
QUERIES = [
    "Planungen",
    "Jugendhilfe",
    "Präventionskette",
    "Beteiligung Kinder",
    '"integrierte Planung"',
    "Kita -Schule",
    "Sozialraum or Quartier",
    "Monitoring Datenbasis",
    "Ehrenamt",
    "Digitalisierung Verwaltung",
    "Familienzentrum Stadtteil",
    "Evaluation Wirkung",
    "Kinderarmut",
    "Ganztag Übergang",
    "ressortübergreifend",
    "Barcamp",
    "Gesundheitsamt",
    "Leitbild Haltung",
    "Raumfahrt",
    "Schulentwicklung",
]


def seed(count: int) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from k360 import search
    from k360.models import SearchDocument

    texts = Texts(random.Random(5))
    rng = texts.rng
    content_type = ContentType.objects.get_for_model(SearchDocument)
    kinds = ["comment"] * 6 + ["topic", "thesis", "statement", "post"]
    audiences = ["public"] * 7 + ["members"] * 3
    now = timezone.now()
    batch = []
    for n in range(count):
        batch.append(
            SearchDocument(
                content_type=content_type,
                object_id=n,
                kind=rng.choice(kinds),
                title=texts.title(6),
                lead=texts.words(20) if n % 3 == 0 else "",
                body=texts.words(rng.randint(40, 300)),
                url=f"/dokument/{n}/",
                published_at=now - timedelta(minutes=n),
                audience=rng.choice(audiences),
            )
        )
        if len(batch) == 1000:
            SearchDocument.objects.bulk_create(batch)
            batch = []
    SearchDocument.objects.bulk_create(batch)
    search._add_words(SearchDocument.objects.all())


def explain(sql_params: tuple[str, tuple]) -> str:
    from django.db import connection

    sql, params = sql_params
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> list[dict]:
    from django.contrib.auth.models import AnonymousUser
    from django.core.paginator import Paginator
    from django.db import connection

    from k360 import search
    from tests.factories import UserFactory

    with bench_database():
        seed(DOCUMENTS)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE k360_searchdocument")
        member = UserFactory(name="Bench Mitglied")
        rows = []
        p95s = []
        for query in QUERIES:
            for who, user in [("Besucher:in", AnonymousUser()), ("Mitglied", member)]:

                def run(query=query, user=user):
                    results = search.search(query, user)
                    page = Paginator(results.hits, search.PAGE_SIZE).get_page(1)
                    return [hit.snippet for hit in page.object_list], results.total

                _, total = run()
                figures = measure(run, runs=30)
                p95s.append(figures["p95_ms"])
                rows.append({"query": query, "who": who, "hits": total, **figures})
        print_table(f"Suche über {DOCUMENTS:,} Dokumente (Seite 1 mit Snippets)", rows)
        p95s.sort()
        print(
            f"\nüber alle Anfragen: höchstes p95 {p95s[-1]:.1f} ms, Median der p95 "
            f"{p95s[len(p95s) // 2]:.1f} ms"
        )

        print("\nEXPLAIN Zählung für „Planungen“ (trifft fast jedes Dokument; gekappt):")
        print(explain_search("Planungen", AnonymousUser()))
        print("\nEXPLAIN Zählung für „Ehrenamt“ (Mitglied):")
        print(explain_search("Ehrenamt", member))
        print("\nEXPLAIN Teilwortsuche im Wortverzeichnis (pg_trgm) für „Jugendhilfe“:")
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS) " + search._EXPAND,
                [["Jugendhilfe"], search.MIN_COMPOUND_PART, search.MAX_EXPANSIONS],
            )
            print("\n".join(row[0] for row in cursor.fetchall()))
        print("\nDaraus die Volltextanfrage:", search._compound_query("Jugendhilfe"))
    return rows


def explain_search(query: str, user) -> str:
    """The plan of the search's count query, as the search runs it (index scans pinned)."""
    from django.db import connection, transaction

    from k360 import search

    found = search._Search(query, user, None)
    counts = found.matching.order_by().values_list("pk", "kind")[: search.COUNT_LIMIT + 1]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        return explain(counts.query.sql_with_params())


if __name__ == "__main__":
    main()
