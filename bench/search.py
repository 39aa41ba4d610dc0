"""The search (/suche/) over 50,000 documents: time per query, including page 1's snippets.

Goal (issue 5): p95 under 50 ms per query on the development machine, and EXPLAIN shows the
GIN indexes (full text and trigram) in use.
"""

import random
from datetime import timedelta

from bench.common import bench_database, measure, print_table

DOCUMENTS = 50_000
VOCABULARY = [
    "Planung",
    "Planungen",
    "Jugendhilfeplanung",
    "Sozialplanung",
    "Schulentwicklungsplanung",
    "Präventionskette",
    "Präventionsketten",
    "Beteiligung",
    "Kinder",
    "Familien",
    "Jugendliche",
    "Kommune",
    "Kommunen",
    "Landkreis",
    "Verwaltung",
    "Politik",
    "Netzwerk",
    "Kooperation",
    "Steuerung",
    "Sozialraum",
    "Sozialraumorientierung",
    "Kindertagesstätte",
    "Kita",
    "Schule",
    "Ganztag",
    "Jugendamt",
    "Gesundheitsamt",
    "Familienzentrum",
    "Armut",
    "Kinderarmut",
    "Teilhabe",
    "Bildung",
    "Übergang",
    "Elternarbeit",
    "Frühe",
    "Hilfen",
    "Datenbasis",
    "Monitoring",
    "Haushalt",
    "Ressourcen",
    "Fachkräfte",
    "Qualifizierung",
    "Ehrenamt",
    "Vereine",
    "Stadtteil",
    "Quartier",
    "Integration",
    "Inklusion",
    "Gesundheit",
    "Bewegung",
    "Ernährung",
    "Wohnen",
    "Mobilität",
    "Digitalisierung",
    "Dokumentation",
    "Werkstatt",
    "Barcamp",
    "Austausch",
    "Erfahrung",
    "Praxis",
    "Wissenschaft",
    "Forschung",
    "Evaluation",
    "Wirkung",
    "Ziele",
    "Strategie",
    "Leitbild",
    "Haltung",
    "Verantwortung",
    "gemeinsam",
    "integriert",
    "ressortübergreifend",
    "nachhaltig",
]
FILLER = [
    "der",
    "die",
    "das",
    "und",
    "mit",
    "für",
    "von",
    "zu",
    "im",
    "auf",
    "ist",
    "wird",
    "werden",
    "eine",
    "einen",
    "nicht",
    "auch",
    "mehr",
]
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


def _filler(rng: random.Random, count: int) -> list[str]:
    # Pseudo-words: a realistic long tail, so a topic word is in some documents, not in all.
    syllables = ["ka", "ro", "te", "mi", "sun", "ber", "lo", "va", "gen", "dorf", "hau", "ni"]
    return ["".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(count)]


def _text(rng: random.Random, words: int, filler: list[str]) -> str:
    # About one word in twelve is a topic word; the first topic words are the most frequent.
    weights = [1 / (rank + 1) for rank in range(len(VOCABULARY))]
    return " ".join(
        rng.choices(VOCABULARY, weights)[0] if rng.random() < 0.08 else rng.choice(filler)
        for _ in range(words)
    )


def seed(count: int) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from k360 import search
    from k360.models import SearchDocument

    rng = random.Random(5)
    filler = _filler(rng, 20_000)
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
                title=_text(rng, 6, filler).capitalize(),
                lead=_text(rng, 20, filler) if n % 3 == 0 else "",
                body=_text(rng, rng.randint(40, 300), filler),
                url=f"/dokument/{n}/",
                published_at=now - timedelta(minutes=n),
                audience=rng.choice(audiences),
            )
        )
        if len(batch) == 1000:
            SearchDocument.objects.bulk_create(batch)
            batch = []
    SearchDocument.objects.bulk_create(batch)
    search._update_vectors(SearchDocument.objects.all())


def explain(sql_params: tuple[str, tuple]) -> str:
    from django.db import connection

    sql, params = sql_params
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.core.paginator import Paginator
    from django.db import connection
    from django.db.models import Count

    from k360 import search
    from k360.models import SearchDocument
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
                figures = measure(run, runs=15)
                p95s.append(figures["p95_ms"])
                rows.append({"query": query, "who": who, "hits": total, **figures})
        print_table(f"Suche über {DOCUMENTS:,} Dokumente (Seite 1 mit Snippets)", rows)
        p95s.sort()
        print(
            f"\nüber alle Anfragen: höchstes p95 {p95s[-1]:.1f} ms, Median der p95 "
            f"{p95s[len(p95s) // 2]:.1f} ms"
        )

        from django.contrib.postgres.search import SearchQuery

        fts = SearchDocument.objects.filter(
            search_vector=SearchQuery("Präventionsketten", search_type="websearch", config="german")
        ).values("pk")
        print("\nEXPLAIN Volltext (search_vector @@ websearch_to_tsquery):")
        print(explain(fts.query.sql_with_params()))
        trigram = SearchDocument.objects.filter(search._contains_all(["Jugendhilfe"])).values("pk")
        print("\nEXPLAIN Trigramm (Teilwort, UPPER(…) LIKE):")
        print(explain(trigram.query.sql_with_params()))
        found = search._Search("Jugendhilfe", AnonymousUser(), None)
        print("\nEXPLAIN Zählung je Art für „Jugendhilfe“ (die Suche selbst):")
        counts = found.matching.order_by().values("kind").annotate(n=Count("pk"))
        print(explain(counts.query.sql_with_params()))


if __name__ == "__main__":
    main()
