from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from forums.models import Comment, Forum, Statement
from forums.services import comment_delete, comment_flag, comment_hide
from k360 import search
from k360.models import SearchDocument
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


def urls(query, user=ANONYMOUS, kind=None) -> list[str]:
    results = search.search(query, user, kind)
    return [hit.url for hit in results.hits[0 : results.total]]


def test_stemming_finds_other_word_forms(make_thesis):
    thesis = make_thesis(title="Steuerung", body="Die Planung gelingt gemeinsam.")
    assert urls("Planungen") == [thesis.get_absolute_url()]


def test_a_title_hit_ranks_above_a_body_hit(make_thesis):
    in_body = make_thesis(number=1, title="Vorwort", body="Es geht um Präventionsketten.")
    in_title = make_thesis(number=2, title="Präventionskette", body="Ein Text.")
    assert urls("Präventionskette") == [in_title.get_absolute_url(), in_body.get_absolute_url()]


def test_a_lead_hit_ranks_above_a_body_hit(make_thesis):
    in_body = make_thesis(number=1, body="Beteiligung von Kindern.")
    in_lead = make_thesis(number=2, lead="Beteiligung zählt.")
    assert urls("Beteiligung") == [in_lead.get_absolute_url(), in_body.get_absolute_url()]


def test_part_of_a_compound_word_is_found(make_thesis):
    compound = make_thesis(number=1, body="Die Jugendhilfeplanung verbindet Ämter.")
    plain = make_thesis(number=2, title="Jugendhilfe", body="Ein Text.")
    assert urls("Jugendhilfe") == [plain.get_absolute_url(), compound.get_absolute_url()]


def test_statements_are_found_and_link_to_their_anchor(thesis):
    statement = Statement.objects.create(
        thesis=thesis, name="Dr. Eva Beispiel", role="Jugendamt", text="Sozialraumorientierung!"
    )
    results = search.search("Sozialraumorientierung", ANONYMOUS)
    (hit,) = results.hits[0:1]
    assert hit.url == f"/thesen/these-1/#stellungnahme-{statement.pk}"
    assert hit.title == "Stellungnahme von Dr. Eva Beispiel zu These #1"
    assert hit.kind_label == "Stellungnahmen"


def test_an_unpublished_thesis_and_its_statements_are_not_found(make_thesis):
    draft = make_thesis(title="Entwurf Kinderarmut", is_published=False)
    Statement.objects.create(thesis=draft, name="N", role="R", text="Kinderarmut bekämpfen")
    assert urls("Kinderarmut") == []
    draft.is_published = True
    draft.save()
    assert len(urls("Kinderarmut")) == 2


def test_a_thesis_opening_in_the_future_is_not_found_yet(make_thesis):
    make_thesis(title="Zukunftsthese", opens_at=timezone.now() + timedelta(days=3))
    assert urls("Zukunftsthese") == []


def test_unpublishing_removes_the_thesis_and_its_comments(thesis, make_comment):
    make_comment(thesis, text="Netzwerkarbeit hilft.")
    assert len(urls("Netzwerkarbeit")) == 1
    thesis.is_published = False
    thesis.save()
    assert urls("Netzwerkarbeit") == []
    assert urls("Planung") == []


def test_private_forum_content_is_found_only_by_its_members(make_forum, make_topic, make_comment):
    insider, outsider = UserFactory(), UserFactory()
    forum = make_forum(Forum.Visibility.PRIVATE, members=[insider])
    topic = make_topic(forum, title="Geheimplan")
    comment = make_comment(topic, text="Vertrauliche Haushaltsplanung", author=insider)
    assert urls("Geheimplan", insider) == [topic.get_absolute_url()]
    assert urls("Haushaltsplanung", insider) == [comment.get_absolute_url()]
    for user in (outsider, ANONYMOUS):
        assert urls("Geheimplan", user) == []
        assert urls("Haushaltsplanung", user) == []


def test_moderators_find_private_forum_content(make_forum, make_topic, moderator):
    topic = make_topic(make_forum(Forum.Visibility.PRIVATE), title="Geheimplan")
    assert urls("Geheimplan", moderator) == [topic.get_absolute_url()]


def test_members_only_content_is_not_found_anonymously(make_forum, make_topic, make_comment):
    topic = make_topic(make_forum(Forum.Visibility.MEMBERS), title="Mitgliederthema")
    make_comment(topic, text="Mitgliederbeitrag Sozialplanung")
    assert urls("Mitgliederthema") == []
    assert urls("Sozialplanung") == []
    member = UserFactory()
    assert urls("Mitgliederthema", member) == [topic.get_absolute_url()]
    assert len(urls("Sozialplanung", member)) == 1


def test_a_forum_turning_private_takes_its_content_along(make_forum, make_topic, make_comment):
    forum = make_forum(Forum.Visibility.PUBLIC)
    make_comment(make_topic(forum, title="Offenes Thema"), text="Offener Beitrag")
    assert len(urls("Offen")) == 2
    forum.visibility = Forum.Visibility.PRIVATE
    forum.save()
    assert urls("Offen") == []
    assert urls("Offen", UserFactory()) == []


def test_hidden_pending_and_deleted_comments_are_not_found(thesis, make_comment, moderator):
    hidden = make_comment(thesis, text="Ausgeblendet Wortfeld")
    pending = make_comment(thesis, text="Gemeldet Wortfeld")
    author = UserFactory()
    deleted = make_comment(thesis, text="Gelöscht Wortfeld", author=author)
    make_comment(thesis, text="Antwort", parent=deleted)  # keeps the deleted one in the tree
    assert len(urls("Wortfeld")) == 3

    comment_hide(comment=hidden, moderator=moderator, reason="Beleidigung")
    for _ in range(3):
        comment_flag(comment=pending, member=UserFactory(), reason="spam")
    comment_delete(comment=deleted, user=author)

    assert Comment.objects.get(pk=pending.pk).state == Comment.State.PENDING
    assert Comment.objects.get(pk=deleted.pk).state == Comment.State.DELETED
    assert urls("Wortfeld") == []
    assert urls("Wortfeld", moderator) == []


def test_the_index_follows_edits_and_deletions(thesis, make_comment):
    comment = make_comment(thesis, text="Erst Sportverein")
    comment.html = "<p>Dann Musikschule</p>"
    comment.save()
    assert urls("Sportverein") == []
    assert urls("Musikschule") == [comment.get_absolute_url()]
    comment.delete()
    assert urls("Musikschule") == []
    assert not SearchDocument.objects.filter(object_id=comment.pk, kind="comment").exists()


def test_a_deleted_account_is_no_longer_named_in_comment_titles(thesis, make_comment):
    author = UserFactory(name="Zacharias Zweifel")
    make_comment(thesis, text="Familienzentren", author=author)
    author.delete()
    (hit,) = search.search("Familienzentren", ANONYMOUS).hits[0:1]
    assert hit.title == "Kommentar von gelöschtes Mitglied"
    assert hit.context == "zu These #1: Kommunales Handeln"


def test_reindex_rebuilds_everything(thesis, make_comment, make_forum, make_topic):
    make_comment(thesis, text="Kita")
    make_topic(make_forum(Forum.Visibility.PUBLIC))
    before = sorted(SearchDocument.objects.values_list("kind", "object_id", "title"))
    SearchDocument.objects.all().delete()
    assert search.reindex() == 3
    assert sorted(SearchDocument.objects.values_list("kind", "object_id", "title")) == before
    assert urls("Kita")


def test_counts_per_kind_and_the_kind_filter(thesis, make_comment):
    Statement.objects.create(thesis=thesis, name="N", role="R", text="Planung ist Pflicht.")
    make_comment(thesis, text="Planung vor Ort")
    make_comment(thesis, text="Mehr Planung")
    results = search.search("Planung", ANONYMOUS)
    assert [(c.kind, c.count) for c in results.counts] == [
        ("thesis", 1),
        ("statement", 1),
        ("comment", 2),
    ]
    assert results.total == 4
    only_comments = search.search("Planung", ANONYMOUS, kind="comment")
    assert only_comments.total == 2
    assert {hit.kind for hit in only_comments.hits[0:20]} == {"comment"}
    assert search.search("Planung", ANONYMOUS, kind="unbekannt").total == 4


def test_snippets_mark_the_words_and_escape_the_text(thesis, make_comment):
    make_comment(thesis, text="Achtung <script>alert(1)</script> bei der Schulplanung & mehr")
    (hit,) = search.search("Schulplanung", ANONYMOUS).hits[0:1]
    assert "<mark>Schulplanung</mark>" in hit.snippet
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "&amp;" in hit.snippet


def test_snippets_mark_parts_of_compound_words(make_thesis):
    make_thesis(body="Vor Ort <b>zählt</b> die Jugendhilfeplanung sehr.")
    (hit,) = search.search("Jugendhilfe", ANONYMOUS).hits[0:1]
    assert "die <mark>Jugendhilfeplanung</mark> sehr" in hit.snippet


def test_compound_parts_are_found_at_the_end_and_in_other_forms(make_thesis):
    compound = make_thesis(number=1, body="Zwei Sozialplanungen und eine Präventionskette.")
    assert urls("Planung") == [compound.get_absolute_url()]
    assert urls("präventionsketten") == [compound.get_absolute_url()]
    assert urls("Kette") == [compound.get_absolute_url()]


def test_an_excluded_word_stays_excluded_with_compounds(make_thesis):
    with_school = make_thesis(number=1, body="Kitaleitung und Schule im Gespräch.")
    without = make_thesis(number=2, body="Die Kitaleitung plant.")
    assert urls("Kita") == [without.get_absolute_url(), with_school.get_absolute_url()]
    assert urls("Kita -Schule") == [without.get_absolute_url()]


def test_short_words_are_not_looked_up_inside_others(make_thesis):
    make_thesis(number=1, body="Die Beratung der Integration.")
    assert urls("Rat") == []


def test_a_very_broad_query_is_counted_up_to_the_limit(
    client, make_thesis, make_comment, monkeypatch
):
    monkeypatch.setattr(search, "COUNT_LIMIT", 5)
    in_title = make_thesis(number=1, title="Elternarbeit im Quartier")
    other = make_thesis(number=2, title="Andere These")
    author = UserFactory()
    for n in range(7):
        make_comment(other, text=f"Elternarbeit Nummer {n}", author=author)
    results = search.search("Elternarbeit", ANONYMOUS)
    assert results.capped and results.total == 5
    assert all(count.count is None for count in results.counts)
    hits = results.hits[0:5]
    assert len(hits) == 5
    # Broad queries are still ranked by title and lead first.
    assert hits[0].url == in_title.get_absolute_url()
    page = client.get("/suche/", {"q": "Elternarbeit"}).content.decode()
    assert "Mehr als 5 Treffer für „Elternarbeit“" in page
    assert "Alle (über 5)" in page
    # A kind with few hits is counted exactly, and ranked with the whole text.
    theses = search.search("Elternarbeit", ANONYMOUS, kind="thesis")
    assert theses.total == 1
    assert [hit.url for hit in theses.hits[0:20]] == [in_title.get_absolute_url()]


def test_the_snippet_helper_escapes_and_cuts():
    text = "x " * 300 + "<i>Ziel</i> " + "y " * 300
    snippet = search.snippet_for(text, ["ziel"])
    assert "&lt;i&gt;<mark>Ziel</mark>&lt;/i&gt;" in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet) < 400


@pytest.mark.parametrize(
    "query",
    [
        "a" * 1000,
        "Planung " * 200,
        '"""',
        '"Planung',
        "&&&",
        ":::",
        "!!! || && <-> :* ()",
        "'; DROP TABLE k360_searchdocument; --",
        "Planung\x00",
        "%_%\\",
        "-",
        "or or or",
        "\u200b\u00a0",
        "<script>alert(1)</script>",
    ],
)
def test_hostile_queries_never_fail(client, thesis, query):
    response = client.get("/suche/", {"q": query})
    assert response.status_code == 200
    assert SearchDocument.objects.exists()


def test_a_long_query_is_cut(thesis):
    results = search.search("Planung " + "x" * 1000, ANONYMOUS)
    assert len(results.query) == search.MAX_QUERY_LENGTH


@pytest.mark.parametrize("query", ["", " ", "a", " ß "])
def test_a_short_query_gets_help_instead_of_results(client, thesis, query):
    response = client.get("/suche/", {"q": query})
    content = response.content.decode()
    assert response.status_code == 200
    assert "So finden Sie, was Sie suchen" in content
    assert (
        "Die Suche durchsucht: Thesen, Stellungnahmen, Forenthemen, Kommentare, Aktuelles, "
        "Veranstaltungen, Dokumentationen." in content
    )
    assert "Treffer" not in content
    if query.strip():
        assert "mindestens 2 Zeichen" in content


def test_no_hits_explains_what_to_try(client, thesis):
    content = client.get("/suche/", {"q": "Raumfahrt"}).content.decode()
    assert "Keine Treffer für „Raumfahrt“" in content
    assert "Prüfen Sie die Schreibweise" in content


def test_the_page_shows_kind_title_date_and_snippet(client, thesis):
    content = client.get("/suche/", {"q": "Planung"}).content.decode()
    assert "1 Treffer für „Planung“" in content
    assert f'<a href="{thesis.get_absolute_url()}">These #1: Kommunales Handeln</a>' in content
    assert "<mark>Planung</mark> braucht Mut" in content
    assert 'name="q"' in content and 'type="search"' in content
    assert "Suchbegriff" in content


def test_twenty_hits_per_page(client, thesis, make_comment, django_assert_max_num_queries):
    author = UserFactory()
    for n in range(45):
        make_comment(thesis, text=f"Elternarbeit Nummer {n}", author=author)
    first = client.get("/suche/", {"q": "Elternarbeit"})
    assert len(first.context["hits"]) == 20
    assert "45 Treffer" in first.content.decode()
    assert "Seite 1 von 3" in first.content.decode()
    last = client.get("/suche/", {"q": "Elternarbeit", "seite": 3})
    assert len(last.context["hits"]) == 5
    assert client.get("/suche/", {"q": "Elternarbeit", "seite": "x"}).status_code == 200


def test_query_count_does_not_grow_with_the_hits(client, thesis, make_comment):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/suche/", {"q": "Elternarbeit"}).status_code == 200
        return len(queries)

    make_comment(thesis, text="Elternarbeit")
    few = count()
    author = UserFactory()
    for _ in range(30):
        make_comment(thesis, text="Elternarbeit", author=author)
    # The compound lookup, the counts and the page; the last two each pin the index scan with
    # SET LOCAL inside a transaction (a savepoint here, as the test runs in one).
    assert count() == few <= 9


def test_pages_of_a_broad_query_list_head_matches_first_without_repeats(
    make_thesis, make_comment, monkeypatch
):
    monkeypatch.setattr(search, "COUNT_LIMIT", 5)
    now = timezone.now()
    heads = [
        make_thesis(number=n, title=f"Elternarbeit {n}", opens_at=now - timedelta(days=n))
        for n in (1, 2, 3)
    ]
    other = make_thesis(number=9, title="Andere These", opens_at=now - timedelta(days=30))
    author = UserFactory()
    bodies = [make_comment(other, text=f"Elternarbeit Nummer {n}", author=author) for n in range(7)]
    results = search.search("Elternarbeit", ANONYMOUS)
    assert results.capped and results.total == 5
    listed = [
        hit.url for page in (slice(0, 2), slice(2, 4), slice(4, 5)) for hit in results.hits[page]
    ]
    newest_bodies = [comment.get_absolute_url() for comment in reversed(bodies)][:2]
    assert listed == [thesis.get_absolute_url() for thesis in heads] + newest_bodies


def test_a_broad_query_keeps_its_exclusions(make_thesis, make_comment, monkeypatch):
    monkeypatch.setattr(search, "COUNT_LIMIT", 2)
    excluded = make_thesis(number=1, title="Kita heute", body="Die Schule nebenan.")
    kept = [make_thesis(number=n, title=f"Kita {n}") for n in (2, 3, 4)]
    results = search.search("Kita -Schule", ANONYMOUS)
    assert results.capped
    found = [hit.url for hit in results.hits[0:2]]
    assert excluded.get_absolute_url() not in found
    assert set(found) <= {thesis.get_absolute_url() for thesis in kept}
