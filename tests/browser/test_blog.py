import re

import pytest
from playwright.sync_api import expect

from blog.models import Category
from forums.models import Comment
from forums.services import comment_insert
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def post():
    return PostFactory(
        title="Herbstforum: Vertrauen als Schlüssel",
        slug="herbstforum",
        lead="Die Partnerkommunen arbeiteten an ihren eigenen Fällen.",
        body="**Erster Impuls**\n\n- klein anfangen\n- Verbündete suchen",
        category=Category.VERANSTALTUNGSBERICHT,
        byline="Redaktion Kommune 360°",
        tags=["Herbstforum", "Jugendhilfeplanung"],
    )


def test_post_list_and_filter(page, axe, post):
    PostFactory(title="Ein Interview", category=Category.INTERVIEW, tags=["Beteiligung"])
    page.goto("/blog/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktuelles")
    expect(page.get_by_role("link", name="Herbstforum: Vertrauen als Schlüssel")).to_be_visible()
    axe(page)
    page.get_by_label("Kategorie").select_option(label="Interview")
    page.get_by_role("button", name="Filtern").click()
    expect(page.get_by_role("link", name="Ein Interview")).to_be_visible()
    expect(page.get_by_role("link", name="Herbstforum: Vertrauen als Schlüssel")).to_have_count(0)
    axe(page)


def test_post_with_comments_and_writing_one(page, axe, post, password):
    comment_insert(target=post, author=UserFactory(name="Anna Amt"), source="Sehr *hilfreich*.")
    page.goto(post.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(post.title)
    expect(page.locator(".comment").first).to_contain_text("Sehr hilfreich.")
    axe(page)

    member = UserFactory(name="Bernd Beteiligt")
    page.goto(f"/konto/login/?next={post.get_absolute_url()}")
    page.get_by_label("E-Mail").fill(member.email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text(re.compile("Angemeldet als"))).to_be_visible()
    page.goto(post.get_absolute_url())
    page.get_by_label("Ihr Beitrag").fill("Das nehmen wir für unser **Team** mit.")
    page.get_by_role("button", name="Beitrag veröffentlichen").click()
    expect(page).to_have_url(re.compile(r"#kommentar-\d+$"))
    expect(page.get_by_text("Das nehmen wir für unser Team mit.")).to_be_visible()
    assert Comment.objects.filter(author=member).count() == 1
    axe(page)


def test_admin_live_preview_renders_the_body(page, password):
    UserFactory(email="redaktion@example.org", is_staff=True, is_superuser=True)
    page.goto("/admin/blog/post/add/")
    page.get_by_label("E-Mail").fill("redaktion@example.org")
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_label("Passwort", exact=True).press("Enter")
    expect(page.locator("#id_body")).to_be_visible()
    page.locator("#id_body").fill("Ein **fetter** Gedanke\n\n- eins\n- zwei")
    preview = page.locator(".k360-preview__body")
    expect(preview.locator("strong")).to_have_text("fetter")
    expect(preview.locator("li")).to_have_count(2)
    # Django's own admin markup has axe findings of its own (unlabelled split date inputs,
    # breadcrumbs); the guard runs on the last open page, so end on a page of ours.
    page.goto("/blog/")
