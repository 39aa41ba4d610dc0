"""The comment engine: tree, Markdown, editing, deleting, permalinks, limits."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forums.models import Comment
from forums.services import comment_create, comment_delete, comment_edit
from network.services import RateLimited
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def post(client, thesis, **data):
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(thesis)
    return client.post(f"/diskussion/{ct.pk}/{thesis.pk}/kommentieren/", data)


def test_top_level_comment_on_a_thesis_needs_a_stance(member_client, thesis):
    response = post(member_client, thesis, text="Ich stimme zu.")
    assert response.status_code == 200
    assert "Bitte wählen Sie Ihre Haltung" in response.content.decode()
    assert not Comment.objects.exists()
    response = post(member_client, thesis, text="Ich stimme zu.", stance="zustimmung")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.stance == "zustimmung"
    assert response.url == f"/kommentare/{comment.pk}/"
    page = member_client.get(member_client.get(response.url).url)
    assert "Ich stimme zu." in page.content.decode()


def test_empty_and_too_long_texts_are_errors(member_client, thesis):
    response = post(member_client, thesis, text="   ", stance="gegenrede")
    assert "Bitte schreiben Sie einen Text." in response.content.decode()
    response = post(member_client, thesis, text="x" * 10_001, stance="gegenrede")
    assert response.status_code == 200
    assert "10000" in response.content.decode() or "10.000" in response.content.decode()
    assert not Comment.objects.exists()


def test_markdown_is_rendered_once_and_sanitised(member, thesis):
    comment = comment_create(
        author=member,
        target=thesis,
        stance="ergaenzung",
        text="**Wichtig**: [Kommune 360](https://www.kommune360.de) <script>alert(1)</script>",
    )
    assert "<strong>Wichtig</strong>" in comment.html
    assert 'rel="nofollow ugc noopener"' in comment.html
    assert "<script" not in comment.html
    stored = Comment.objects.get(pk=comment.pk)
    assert stored.html == comment.html


def test_replies_carry_no_stance_and_nest_four_levels(member, thesis, make_comment):
    root = make_comment(thesis, stance="gegenrede")
    level1 = comment_create(
        author=member, target=thesis, text="Antwort", parent=root, stance="zustimmung"
    )
    assert level1.stance == ""
    level2 = make_comment(thesis, parent=level1)
    level3 = make_comment(thesis, parent=level2)
    assert [c.depth for c in (root, level1, level2, level3)] == [0, 1, 2, 3]
    deeper = comment_create(author=member, target=thesis, text="Noch tiefer", parent=level3)
    deeper.refresh_from_db()
    assert deeper.depth == 3
    assert deeper.parent == level2
    assert deeper.reply_to == level3
    assert deeper.path.startswith(level2.path)
    assert Comment.objects.get(pk=root.pk).reply_count == 4


def test_deep_reply_is_shown_as_answer_to_its_author(client, thesis, make_comment):
    anna = UserFactory(name="Anna Antwort")
    root = make_comment(thesis)
    level1 = make_comment(thesis, parent=root)
    level2 = make_comment(thesis, parent=level1)
    level3 = make_comment(thesis, parent=level2, author=anna)
    make_comment(thesis, parent=level3, text="Auf Ebene vier daneben")
    html = client.get(thesis.get_absolute_url()).content.decode()
    assert "Antwort an Anna Antwort" in html
    assert html.index("Auf Ebene vier daneben") > html.index(f'id="kommentar-{level3.pk}"')


def test_threads_come_in_display_order_in_one_query(thesis, make_comment):
    first = make_comment(thesis, text="erster")
    second = make_comment(thesis, text="zweiter")
    reply_to_first = make_comment(thesis, parent=first, text="antwort auf erster")
    reply_to_reply = make_comment(thesis, parent=reply_to_first, text="tiefer")
    late_reply = make_comment(thesis, parent=first, text="späte antwort")
    with CaptureQueriesContext(connection) as queries:
        comments = Comment.objects.threads([second.pk, first.pk])
        names = [c.author_name for c in comments] + [c.reply_to_name for c in comments]
    assert len(queries) == 1
    assert all(names)
    assert [c.pk for c in comments] == [
        second.pk,
        first.pk,
        reply_to_first.pk,
        reply_to_reply.pk,
        late_reply.pk,
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_replies_to_the_same_comment(thesis, make_comment):
    parent = make_comment(thesis)
    authors = [UserFactory() for _ in range(8)]
    barrier = threading.Barrier(len(authors))
    errors = []

    def reply(author):
        try:
            barrier.wait()
            comment_create(author=author, target=thesis, text=f"von {author.pk}", parent=parent)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reply, args=(author,)) for author in authors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    children = list(Comment.objects.filter(parent=parent))
    assert len(children) == 8
    assert len({c.path for c in children}) == 8
    assert all(c.path.startswith(parent.path) and c.depth == 1 for c in children)
    assert Comment.objects.get(pk=parent.pk).reply_count == 8


def test_thirty_threads_per_page_and_permalinks_find_the_page(client, thesis, make_comment):
    start = timezone.now() - timedelta(days=1)
    roots = [make_comment(thesis, created_at=start + timedelta(minutes=n)) for n in range(35)]
    reply = make_comment(thesis, parent=roots[32], text="Antwort auf Seite zwei")
    page1 = client.get(thesis.get_absolute_url())
    assert len(page1.context["threads"]) == 30
    assert "Antwort auf Seite zwei" not in page1.content.decode()
    response = client.get(f"/kommentare/{reply.pk}/")
    assert response.status_code == 302
    assert response.url == f"{thesis.get_absolute_url()}?seite=2#kommentar-{reply.pk}"
    page2 = client.get(f"{thesis.get_absolute_url()}?seite=2")
    assert "Antwort auf Seite zwei" in page2.content.decode()
    assert f'id="kommentar-{reply.pk}"' in page2.content.decode()


def test_sorting_and_stance_filter(client, thesis, make_comment):
    old = make_comment(
        thesis,
        text="Alt und zustimmend",
        stance="zustimmung",
        created_at=timezone.now() - timedelta(days=2),
    )
    new = make_comment(thesis, text="Neu und dagegen", stance="gegenrede")
    make_comment(thesis, parent=old)
    make_comment(thesis, parent=old)

    def order(**params):
        return [t.root.pk for t in client.get(thesis.get_absolute_url(), params).context["threads"]]

    assert order() == [old.pk, new.pk]
    assert order(sortierung="neueste") == [new.pk, old.pk]
    assert order(sortierung="antworten") == [old.pk, new.pk]
    assert order(haltung="gegenrede") == [new.pk]
    assert order(sortierung="unsinn", haltung="unsinn") == [old.pk, new.pk]


def test_author_edits_within_30_minutes(member_client, member, thesis, make_comment):
    comment = make_comment(thesis, author=member, text="Erste Fassung")
    response = member_client.post(
        f"/kommentare/{comment.pk}/bearbeiten/", {"text": "Zweite Fassung"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.source == "Zweite Fassung"
    assert comment.edited_at is not None
    html = member_client.get(thesis.get_absolute_url()).content.decode()
    assert "bearbeitet um" in html


def test_editing_after_30_minutes_or_by_others_is_refused(
    member_client, member, thesis, make_comment
):
    late = make_comment(thesis, author=member, created_at=timezone.now() - timedelta(minutes=31))
    response = member_client.post(f"/kommentare/{late.pk}/bearbeiten/", {"text": "Zu spät"})
    assert response.status_code == 403
    assert "30 Minuten" in response.content.decode()
    foreign = make_comment(thesis)
    assert (
        member_client.post(f"/kommentare/{foreign.pk}/bearbeiten/", {"text": "x"}).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        comment_edit(comment=foreign, user=member, text="x")


def test_delete_keeps_replies_and_shows_placeholder_only_while_they_exist(
    member_client, member, client, thesis, make_comment
):
    mine = make_comment(thesis, author=member, text="Mein Text")
    reply = make_comment(thesis, parent=mine, text="Eine Antwort bleibt")
    assert member_client.post(f"/kommentare/{mine.pk}/loeschen/").status_code == 302
    html = client.get(thesis.get_absolute_url()).content.decode()
    assert "Mein Text" not in html
    assert "Beitrag gelöscht" in html
    assert "Eine Antwort bleibt" in html
    # Once the last reply goes, the placeholder goes too.
    comment_delete(comment=reply, user=reply.author)
    assert not Comment.objects.filter(pk__in=[mine.pk, reply.pk]).exists()
    assert "Beitrag gelöscht" not in client.get(thesis.get_absolute_url()).content.decode()


def test_delete_without_replies_removes_the_comment(member_client, member, thesis, make_comment):
    root = make_comment(thesis)
    mine = make_comment(thesis, author=member, parent=root)
    member_client.post(f"/kommentare/{mine.pk}/loeschen/")
    assert not Comment.objects.filter(pk=mine.pk).exists()
    assert Comment.objects.get(pk=root.pk).reply_count == 0


def test_only_the_author_deletes(member_client, thesis, make_comment):
    other = make_comment(thesis, text="Fremd")
    assert member_client.post(f"/kommentare/{other.pk}/loeschen/").status_code == 403
    assert Comment.objects.get(pk=other.pk).source == "Fremd"


def test_unverified_members_may_not_post(client, thesis):
    unverified = UserFactory(verified=False)
    with pytest.raises(PermissionDenied, match="bestätigen"):
        comment_create(author=unverified, target=thesis, text="Hallo", stance="zustimmung")
    client.force_login(unverified)
    assert post(client, thesis, text="Hallo", stance="zustimmung").status_code == 403


def test_eleventh_comment_in_ten_minutes_is_429(member_client, member, thesis):
    for number in range(10):
        assert (
            post(member_client, thesis, text=f"Nr. {number}", stance="zustimmung").status_code
            == 302
        )
    response = post(member_client, thesis, text="Nr. 11", stance="zustimmung")
    assert response.status_code == 429
    assert "zehn Minuten" in response.content.decode()
    assert Comment.objects.count() == 10
    with pytest.raises(RateLimited):
        comment_create(author=member, target=thesis, text="x", stance="zustimmung")


def test_closed_thesis_is_read_only_with_summary(member_client, closed_thesis, make_comment):
    make_comment(closed_thesis, text="Alter Beitrag")
    page = member_client.get(closed_thesis.get_absolute_url())
    html = page.content.decode()
    assert "Alter Beitrag" in html
    assert "Zusammenfassung der Redaktion" in html
    assert "<em>gezeigt</em>" in html
    assert "Beitrag veröffentlichen" not in html
    assert "geschlossen" in html
    response = post(member_client, closed_thesis, text="Zu spät", stance="zustimmung")
    assert response.status_code == 403
    assert Comment.objects.count() == 1


def test_reply_to_hidden_comment_is_refused(member_client, thesis, make_comment):
    hidden = make_comment(thesis)
    Comment.objects.filter(pk=hidden.pk).update(state=Comment.State.HIDDEN)
    response = member_client.post(f"/kommentare/{hidden.pk}/antworten/", {"text": "Doch!"})
    assert response.status_code == 403
    assert Comment.objects.count() == 1


def test_reply_form_works_without_javascript(member_client, thesis, make_comment):
    root = make_comment(thesis)
    page = member_client.get(f"/kommentare/{root.pk}/antworten/")
    assert page.status_code == 200
    assert "<form" in page.content.decode()
    response = member_client.post(f"/kommentare/{root.pk}/antworten/", {"text": "Ohne JS"})
    reply = Comment.objects.get(parent=root)
    assert response.url == f"/kommentare/{reply.pk}/"


def test_reply_in_place_with_htmx(member_client, thesis, make_comment):
    root = make_comment(thesis)
    form = member_client.get(f"/kommentare/{root.pk}/antworten/", headers={"HX-Request": "true"})
    assert "<html" not in form.content.decode()
    assert 'hx-post="/kommentare/' in form.content.decode()
    response = member_client.post(
        f"/kommentare/{root.pk}/antworten/", {"text": "Mit htmx"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Mit htmx" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_comment_on_another_discussion_cannot_be_a_parent(
    member, thesis, closed_thesis, make_comment
):
    elsewhere = make_comment(closed_thesis)
    with pytest.raises(ValidationError):
        comment_create(author=member, target=thesis, text="x", parent=elsewhere)


def test_thesis_page_query_count_does_not_grow(member_client, thesis, make_comment):
    def add(count):
        for _ in range(count):
            root = make_comment(thesis)
            make_comment(thesis, parent=root)

    add(5)
    with CaptureQueriesContext(connection) as small:
        assert member_client.get(thesis.get_absolute_url()).status_code == 200
    add(40)
    with CaptureQueriesContext(connection) as large:
        member_client.get(thesis.get_absolute_url())
    assert len(small) == len(large)
    assert len(large) <= 10
