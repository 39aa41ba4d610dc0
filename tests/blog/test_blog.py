"""Aktuelles: list and filters, post page, drafts and scheduled posts, preview, comments."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.demo import minimal_pdf
from blog.models import Category, Post, PostAttachment
from forums.models import Comment
from forums.services import comment_insert
from network.services import user_delete
from tests.factories import PostFactory, UserFactory

from .conftest import bulk_posts

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def test_list_shows_public_posts_twelve_per_page(client):
    for n in range(14):
        PostFactory(title=f"Meldung {n:02d}", published_at=timezone.now() - timedelta(hours=n))
    first = client.get("/blog/").content.decode()
    assert "Meldung 00" in first and "Meldung 11" in first
    assert "Meldung 12" not in first
    assert "Seite 1 von 2" in first
    second = client.get("/blog/?seite=2").content.decode()
    assert "Meldung 12" in second and "Meldung 13" in second
    assert "Meldung 00" not in second


def test_list_filters_by_category_topic_and_year(client):
    PostFactory(title="Ein Interview", category=Category.INTERVIEW, tags=["Beteiligung"])
    PostFactory(
        title="Ein alter Bericht",
        category=Category.VERANSTALTUNGSBERICHT,
        published_at=datetime(2020, 12, 15, 10, tzinfo=BERLIN),
        tags=["Jugendhilfeplanung"],
    )
    html = client.get("/blog/?kategorie=interview").content.decode()
    assert "Ein Interview" in html and "Ein alter Bericht" not in html
    html = client.get("/blog/?thema=jugendhilfeplanung").content.decode()
    assert "Ein alter Bericht" in html and "Ein Interview" not in html
    html = client.get("/blog/?jahr=2020").content.decode()
    assert "Ein alter Bericht" in html and "Ein Interview" not in html
    html = client.get("/blog/?kategorie=podcast").content.decode()
    assert "Zu diesen Filtern gibt es keine Beiträge" in html


def test_empty_list_says_so(client):
    assert "Noch keine Beiträge veröffentlicht" in client.get("/blog/").content.decode()


def test_drafts_and_scheduled_posts_are_invisible(client, draft, scheduled):
    PostFactory(title="Öffentlich")
    html = client.get("/blog/").content.decode()
    assert "Öffentlich" in html
    assert "Geheimer Entwurf" not in html and "Geplanter Beitrag" not in html
    for post in (draft, scheduled):
        assert client.get(post.get_absolute_url()).status_code == 404
    for url in ("/blog/feed/", "/blog/feed/atom/", "/sitemap.xml"):
        body = client.get(url).content.decode()
        assert "geheimer-entwurf" not in body and "geplanter-beitrag" not in body
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    # Even editors and staff see drafts only through the preview.
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_scheduled_post_appears_when_its_time_has_come(client, scheduled):
    Post.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(1))
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_preview_only_for_editors_and_staff(client, draft, editor, member):
    url = f"/blog/vorschau/{draft.pk}/"
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 404
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200
    assert "Vorschau: Dieser Beitrag ist ein Entwurf" in response.content.decode()
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 200


def test_admin_markdown_preview_is_staff_only_and_sanitised(client, member, editor):
    url = "/blog/vorschau/markdown/"
    source = "**fett** <script>alert(1)</script> [x](javascript:alert(1))"
    assert client.post(url, {"body": source}).status_code == 404
    client.force_login(member)
    assert client.post(url, {"body": source}).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 405
    response = client.post(url, {"body": source})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>fett</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_admin_markdown_preview_needs_csrf(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(is_staff=True))
    assert client.post("/blog/vorschau/markdown/", {"body": "x"}).status_code == 403


def test_post_page_shows_cover_byline_tags_and_attachments(client, member):
    post = PostFactory(
        title="Herbstforum",
        byline="Redaktion Kommune 360°",
        authors=[member],
        tags=["Herbstforum"],
        category=Category.VERANSTALTUNGSBERICHT,
        cover=SimpleUploadedFile("bild.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
        cover_alt="Menschen im Gespräch an Stehtischen",
        cover_credit="© dkjs",
    )
    attachment = PostAttachment(post=post, title="Impulspapier")
    attachment.file.save("impuls.pdf", ContentFile(minimal_pdf(["Hallo"])), save=False)
    attachment.save()
    PostAttachment.objects.create(
        post=post, title="Protokoll", file=SimpleUploadedFile("protokoll.docx", b"x" * 2048)
    )
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'alt="Menschen im Gespräch an Stehtischen"' in html
    assert "© dkjs" in html
    assert "Miriam Muster, Redaktion Kommune 360°" in html
    assert "Veranstaltungsbericht" in html
    assert 'href="/blog/?thema=herbstforum"' in html
    assert "(PDF," in html
    assert "(DOCX, 2,0\xa0KB)" in html


def test_cover_needs_alt_text(db):
    post = PostFactory.build(cover="blog/covers/bild.png", cover_alt="")
    with pytest.raises(ValidationError) as error:
        post.full_clean()
    assert "cover_alt" in error.value.message_dict
    with pytest.raises(IntegrityError):
        Post.objects.create(
            title="Ohne Alt", slug="ohne-alt", lead="x", body="x", cover="blog/covers/bild.png"
        )


def test_open_graph_and_canonical(client):
    post = PostFactory(
        title="Mit Bild",
        slug="mit-bild",
        lead="Der Vorspann.",
        cover="blog/covers/bild.png",
        cover_alt="Ein Bild",
    )
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<link rel="canonical" href="http://testserver/blog/mit-bild/">' in html
    assert '<meta property="og:title" content="Mit Bild">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:description" content="Der Vorspann.">' in html
    assert (
        '<meta property="og:image" content="http://testserver/media/blog/covers/bild.png">' in html
    )
    assert '<meta property="og:locale" content="de_DE">' in html
    assert '<meta property="og:site_name" content="Kommune 360°">' in html
    listing = client.get("/blog/?seite=1").content.decode()
    assert '<link rel="canonical" href="http://testserver/blog/">' in listing
    assert '<meta property="og:url" content="http://testserver/blog/">' in listing


def test_post_page_body_is_sanitised_markdown(client):
    post = PostFactory(body="- eins\n- zwei\n\n<img src=x onerror=alert(1)>")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "<li>eins</li>" in post.body_html
    assert "<img" not in post.body_html
    assert "<li>eins</li>" in html


def test_member_comments_on_a_post_through_the_engine(member_client, member):
    post = PostFactory()
    content_type = ContentType.objects.get_for_model(Post)
    response = member_client.post(
        f"/diskussion/{content_type.pk}/{post.pk}/kommentieren/", {"text": "Sehr *hilfreich*!"}
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.target == post and comment.author == member and comment.stance == ""
    html = member_client.get(post.get_absolute_url()).content.decode()
    assert "Sehr <em>hilfreich</em>!" in html
    assert "1 Beitrag" in html


def test_no_comments_on_drafts_by_members(member_client, draft):
    content_type = ContentType.objects.get_for_model(Post)
    response = member_client.post(
        f"/diskussion/{content_type.pk}/{draft.pk}/kommentieren/", {"text": "Hallo?"}
    )
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_related_posts_and_neighbours(client, draft):
    now = timezone.now()
    oldest = PostFactory(title="Ältester", published_at=now - timedelta(days=5), tags=["a", "b"])
    middle = PostFactory(title="Mittlerer", published_at=now - timedelta(days=4), tags=["a", "b"])
    PostFactory(title="Nur eins", published_at=now - timedelta(days=3), tags=["a"])
    PostFactory(title="Fremd", published_at=now - timedelta(days=2), tags=["c"])
    newest = PostFactory(title="Neuester", published_at=now - timedelta(days=1), tags=["b"])
    Post.objects.filter(pk=draft.pk).update(published_at=now - timedelta(hours=1))
    draft.tags.add("a", "b")

    related = Post.objects.related_to(oldest)
    assert [post.title for post in related] == ["Mittlerer", "Neuester", "Nur eins"]

    html = client.get(middle.get_absolute_url()).content.decode()
    assert 'rel="prev">Ältester<' in html
    assert 'rel="next">Nur eins<' in html
    html = client.get(newest.get_absolute_url()).content.decode()
    assert 'rel="prev">Fremd<' in html
    assert 'rel="next"' not in html.split('class="post-neighbours"')[1].split("</nav>")[0]
    assert "Geheimer Entwurf" not in html


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_list_and_post_page_queries_do_not_grow(client):
    post = PostFactory(slug="der-beitrag", tags=["Planung", "Politik"])
    post.authors.add(UserFactory())
    comment_insert(target=post, author=UserFactory(), source="Erster!")
    bulk_posts(9, tags=("Planung",))
    client.get("/blog/")  # warm the content type cache
    small = {url: _queries(client, url) for url in ("/blog/", "/blog/der-beitrag/")}
    bulk_posts(990, tags=("Planung", "Politik"))
    large = {url: _queries(client, url) for url in ("/blog/", "/blog/der-beitrag/")}
    print(f"Abfragen mit 10 Beiträgen: {small}, mit 1000: {large}")
    assert small == large
    assert max(large.values()) <= 10


def test_feeds_parse_and_link_to_posts(client):
    from xml.etree import ElementTree

    PostFactory(title="Ein Interview", slug="interview", category=Category.INTERVIEW)
    PostFactory(title="Ein Bericht", slug="bericht", category=Category.VERANSTALTUNGSBERICHT)

    rss = ElementTree.fromstring(client.get("/blog/feed/").content)
    channel = rss.find("channel")
    assert channel.findtext("title") == "Kommune 360° – Aktuelles"
    links = [item.findtext("link") for item in channel.iter("item")]
    assert sorted(links) == ["http://testserver/blog/bericht/", "http://testserver/blog/interview/"]

    atom_ns = {"a": "http://www.w3.org/2005/Atom"}
    atom = ElementTree.fromstring(client.get("/blog/feed/atom/").content)
    entries = atom.findall("a:entry", atom_ns)
    assert {entry.find("a:title", atom_ns).text for entry in entries} == {
        "Ein Interview",
        "Ein Bericht",
    }

    category = ElementTree.fromstring(client.get("/blog/kategorie/interview/feed/").content)
    assert category.find("channel").findtext("title") == "Kommune 360° – Interview"
    assert [item.findtext("title") for item in category.iter("item")] == ["Ein Interview"]
    category_atom = ElementTree.fromstring(
        client.get("/blog/kategorie/interview/feed/atom/").content
    )
    assert len(category_atom.findall("a:entry", atom_ns)) == 1
    assert client.get("/blog/kategorie/gibt-es-nicht/feed/").status_code == 404


def test_sitemap_lists_public_pages_only(client, draft):
    from xml.etree import ElementTree

    from forums.models import Forum, Thesis, Topic
    from tests.factories import MunicipalityFactory

    post = PostFactory(slug="oeffentlich")
    thesis = Thesis.objects.create(number=1, title="These", slug="these-1", lead="x", body="x")
    Thesis.objects.create(
        number=2, title="Verborgen", slug="these-verborgen", lead="x", body="x", is_published=False
    )
    public = Forum.objects.create(name="Offen", slug="offen", visibility="public")
    private = Forum.objects.create(name="Privat", slug="privat", visibility="private")
    members = Forum.objects.create(name="Intern", slug="intern", visibility="members")
    topic = Topic.objects.create(forum=public, title="Hallo", text="x")
    hidden_topics = [
        Topic.objects.create(forum=forum, title="Geheim", text="x") for forum in (private, members)
    ]
    municipality = MunicipalityFactory()

    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {loc.text.removeprefix("http://testserver") for loc in root.findall("s:url/s:loc", ns)}
    assert {
        "/",
        "/impressum/",
        "/datenschutz/",
        "/barrierefreiheit/",
        "/thesen/",
        thesis.get_absolute_url(),
        "/netzwerk/",
        municipality.get_absolute_url(),
        "/foren/",
        public.get_absolute_url(),
        topic.get_absolute_url(),
        "/blog/",
        post.get_absolute_url(),
    } <= urls
    for hidden in [
        draft.get_absolute_url(),
        "/thesen/these-verborgen/",
        private.get_absolute_url(),
        members.get_absolute_url(),
        *(t.get_absolute_url() for t in hidden_topics),
    ]:
        assert hidden not in urls


def test_home_shows_latest_three_posts(client, draft):
    now = timezone.now()
    for n in range(4):
        PostFactory(title=f"Neuigkeit {n}", published_at=now - timedelta(days=n + 1))
    html = client.get("/").content.decode()
    assert "Neuigkeit 0" in html and "Neuigkeit 2" in html
    assert "Neuigkeit 3" not in html and "Geheimer Entwurf" not in html


def test_author_export_and_deletion_keeps_the_post(member_client, member, password):
    post = PostFactory(title="Mein Beitrag", authors=[member])
    data = member_client.get("/profil/daten/").json()
    assert data["aktuelles"][0]["titel"] == "Mein Beitrag"
    user_delete(user=member, password=password)
    post.refresh_from_db()
    assert list(post.authors.all()) == []


def test_admin_list_marks_scheduled_posts_and_offers_preview(client, draft, scheduled):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    html = client.get("/admin/blog/post/").content.decode()
    assert "geplant" in html
    html = client.get(f"/admin/blog/post/{draft.pk}/change/").content.decode()
    assert f'href="/blog/vorschau/{draft.pk}/"' in html
    assert "js/admin-preview.js" in html
    response = client.get("/admin/blog/post/add/")
    assert response.status_code == 200


def test_redaktion_may_edit_posts_in_the_admin(editor):
    for action in ("add", "change", "delete", "view"):
        assert editor.has_perm(f"blog.{action}_post")
        assert editor.has_perm(f"blog.{action}_postattachment")


def test_minimal_pdf_is_well_formed():
    pdf = minimal_pdf(["Eine Zeile (mit Klammern)"])
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    xref_at = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[xref_at:].startswith(b"xref")
    offsets = [int(line[:10]) for line in pdf[xref_at:].split(b"\n")[3:8]]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
