import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from forums.models import Comment
from forums.services import comment_insert
from tests.factories import ThesisFactory, UserFactory
from tests.forums.xss_corpus import PAYLOADS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def thesis():
    return ThesisFactory(
        number=2,
        title="Integrierte Planung ist der Weg",
        slug="integrierte-planung",
        lead="Abgestimmtes Handeln schafft Spielräume.",
        body="Viele Kommunen schöpfen das **Potenzial** noch nicht aus.",
    )


def test_thesis_page_with_an_open_reply_form(page, axe, login, thesis):
    anna = UserFactory(name="Anna Amt", sector="verwaltung")
    comment_insert(
        target=thesis, author=anna, source="Wir brauchen *mehr* Austausch.", stance="zustimmung"
    )
    login(UserFactory(name="Bernd Beteiligt"))
    page.goto(thesis.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Integrierte Planung ist der Weg")
    axe(page)
    page.get_by_role("link", name="Antworten an Anna Amt").click()
    reply_box = page.get_by_label("Ihre Antwort")
    expect(reply_box).to_be_visible()
    # The form opened in place (htmx), on the thesis page itself.
    assert page.url.endswith(thesis.get_absolute_url())
    axe(page)
    reply_box.fill("Da stimme ich zu – und ergänze: **früh** beteiligen.")
    page.get_by_role("button", name="Antwort veröffentlichen").click()
    expect(page.locator(".comment--new")).to_contain_text("früh")
    assert Comment.objects.filter(parent__isnull=False).count() == 1
    axe(page)


def test_thesis_comment_with_a_validation_error(page, axe, login, thesis):
    login(UserFactory(name="Clara Check"))
    page.goto(thesis.get_absolute_url())
    page.get_by_label("Ihr Beitrag").fill("Ohne Haltung geht es nicht.")
    page.get_by_role("button", name="Beitrag veröffentlichen").click()
    expect(page.get_by_text("Bitte wählen Sie Ihre Haltung")).to_be_visible()
    axe(page)
    page.get_by_label("Gegenrede").check()
    page.get_by_role("button", name="Beitrag veröffentlichen").click()
    expect(page).to_have_url(re.compile(r"#kommentar-\d+$"))
    expect(page.locator(".comment").first).to_contain_text("Ohne Haltung geht es nicht.")
    expect(page.get_by_role("table")).to_contain_text("Gegenrede")
    axe(page)


def test_reply_without_javascript(browser, live_server, password, thesis):
    root = comment_insert(
        target=thesis, author=UserFactory(name="Dora"), source="Start", stance="ergaenzung"
    )
    user = UserFactory(name="Emil Ohnejs")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/konto/login/")
    page.get_by_label("E-Mail").fill(user.email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_label("Passwort", exact=True).press("Enter")
    page.goto(thesis.get_absolute_url())
    page.get_by_role("link", name="Antworten an Dora").click()
    page.get_by_label("Ihre Antwort").fill("Ganz ohne JavaScript.")
    page.get_by_role("button", name="Antwort veröffentlichen").click()
    expect(page.get_by_text("Ganz ohne JavaScript.")).to_be_visible()
    assert Comment.objects.get(parent=root).source == "Ganz ohne JavaScript."
    context.close()


def test_xss_corpus_renders_inert(page, axe, thesis):
    authors = [UserFactory() for _ in range(6)]
    for number, payload in enumerate(PAYLOADS):
        comment_insert(
            target=thesis,
            author=authors[number % len(authors)],
            source=payload,
            stance="gegenrede",
            created_at=timezone.now() - timedelta(minutes=len(PAYLOADS) - number),
        )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    pages = (len(PAYLOADS) + 29) // 30
    for number in range(1, pages + 1):
        page.goto(f"{thesis.get_absolute_url()}?seite={number}")
        page.wait_for_load_state("load")
        page.mouse.move(200, 400)
        page.keyboard.press("Tab")
        page.wait_for_timeout(200)
        assert page.evaluate("window.__xss === undefined"), f"Skript lief auf Seite {number}"
        assert (
            page.locator(".comment__body script, .comment__body iframe, .comment__body svg").count()
            == 0
        )
    assert dialogs == []
    assert len(PAYLOADS) >= 50
