"""The newsletter desk in a real browser: recipient count, preview in its sandboxed frame,
sending with Celery running eagerly, the progress bar updating by itself, the consent record."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from newsletters.models import Delivery, Newsletter, Subscriber
from tests.browser.conftest import WCAG_TAGS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def axe_admin(_axe_source):
    """axe-core for Django's own admin forms: their forms.css @imports widgets.css, and axe's
    preloading of style sheets copies that into a <style> element, which our CSP (rightly)
    refuses. Without the preload every WCAG rule but css-orientation-lock still runs."""

    def check(page) -> None:
        page.evaluate(_axe_source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, preload: false})",
            WCAG_TAGS,
        )
        violations = [
            f"{v['id']}: " + "; ".join(node["target"][0] for node in v["nodes"][:5])
            for v in result["violations"]
        ]
        assert violations == [], f"axe-Verstöße auf {page.url}:\n" + "\n".join(violations)

    return check


@pytest.fixture
def desk(page, password):
    """A page logged in as staff through the site's login."""
    UserFactory(email="redaktion@example.org", is_staff=True, is_superuser=True)
    page.goto("/admin/")
    page.get_by_label("E-Mail").fill("redaktion@example.org")
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_label("Passwort", exact=True).press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Übersicht")
    return page


def make_newsletter(**fields) -> Newsletter:
    defaults = {
        "subject": "Neues aus dem Netzwerk",
        "slug": "ausgabe-1",
        "body": "## Präventionsketten\n\nWas Kommunen voneinander lernen.",
    }
    return Newsletter.objects.create(**{**defaults, **fields})


def test_preview_send_and_watch_the_progress(desk, axe, axe_admin, mailoutbox):
    page = desk
    Subscriber.objects.bulk_create(
        Subscriber(email=f"leserin{n}@example.org", status="confirmed", confirmed_at=timezone.now())
        for n in range(3)
    )
    issue = make_newsletter()
    change = f"/admin/newsletters/newsletter/{issue.pk}/change/"
    page.goto(change)
    expect(page.locator(".k360-nl-summary")).to_contain_text("Empfänger:innen: 3 Adressen")
    axe_admin(page)

    page.get_by_role("link", name="Vorschau", exact=True).click()
    frame = page.frame_locator("iframe[title='HTML-Fassung des Newsletters']")
    expect(frame.get_by_role("heading", name="Neues aus dem Netzwerk")).to_be_visible()
    expect(frame.get_by_role("heading", name="Präventionsketten")).to_be_visible()
    expect(page.locator("pre")).to_contain_text("Was Kommunen voneinander lernen.")
    axe(page)

    page.goto(change)
    page.get_by_role("link", name="Empfänger:innen", exact=True).click()
    expect(page.locator(".k360-nl-sample")).to_contain_text("leserin0@example.org")
    axe(page)

    page.goto(change)
    page.get_by_role("link", name="Jetzt senden").click()
    expect(page.locator(".k360-nl-count")).to_have_text("3")
    axe(page)
    page.get_by_role("button", name="Jetzt an 3 Adressen senden").click()
    expect(page.get_by_text("Der Versand an 3 Empfänger:innen hat begonnen.")).to_be_visible()
    expect(page.locator(".k360-nl-progress__percent")).to_have_text("100 %")
    axe_admin(page)  # the change page, now read-only
    assert sorted(mail.to[0] for mail in mailoutbox) == [
        f"leserin{n}@example.org" for n in range(3)
    ]

    page.get_by_role("link", name="Fortschritt").click()
    expect(page.get_by_label("Fortschritt")).to_have_attribute("value", "100")
    expect(page.locator(".k360-nl-progress")).to_contain_text("versendet")
    axe(page)


def test_the_progress_bar_updates_by_itself(desk):
    page = desk
    issue = make_newsletter(status=Newsletter.Status.SENDING, started_at=timezone.now())
    Delivery.objects.bulk_create(
        Delivery(newsletter=issue, email=f"p{n}@example.org") for n in range(4)
    )
    page.goto(f"/admin/newsletters/newsletter/{issue.pk}/fortschritt/")
    percent = page.locator(".k360-nl-progress__percent")
    expect(percent).to_have_text("0 %")
    # A worker sends (here: the database changes), and the page follows without a reload.
    Delivery.objects.filter(email__in=["p0@example.org", "p1@example.org"]).update(
        state=Delivery.State.SENT, sent_at=timezone.now()
    )
    expect(percent).to_have_text("50 %", timeout=5_000)
    Delivery.objects.update(state=Delivery.State.SENT, sent_at=timezone.now())
    Newsletter.objects.filter(pk=issue.pk).update(
        status=Newsletter.Status.SENT, finished_at=timezone.now()
    )
    expect(percent).to_have_text("100 %", timeout=5_000)
    expect(page.locator(".k360-nl-progress")).to_contain_text("versendet")
    # Finished: the partial no longer asks to be polled.
    expect(page.locator("#k360-nl-progress")).not_to_have_attribute("hx-trigger", re.compile("."))


def test_consent_record_prints(desk, axe_admin):
    page = desk
    subscriber = Subscriber.objects.create(
        email="anna@example.org",
        status="confirmed",
        signed_up_at=timezone.now(),
        confirmed_at=timezone.now(),
        consent_version="2026-11",
        consent_text="Ich möchte den Newsletter erhalten.",
        signup_source="/newsletter/",
    )
    page.goto("/admin/newsletters/subscriber/")
    axe_admin(page)
    page.get_by_role("link", name="ansehen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Einwilligungsnachweis")
    expect(page.locator(".k360-consent__record")).to_contain_text(
        "Ich möchte den Newsletter erhalten."
    )
    expect(page.get_by_role("button", name="Drucken")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("#header")).to_be_hidden()
    expect(page.get_by_role("button", name="Drucken")).to_be_hidden()
    expect(page.locator(".k360-consent__record")).to_contain_text(subscriber.email)
    page.emulate_media(media="screen")
