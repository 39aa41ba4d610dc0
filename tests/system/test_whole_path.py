"""The whole path of a new member, on the production stack: gunicorn (production settings,
DEBUG off), a Celery worker with beat, PostgreSQL, Redis and an SMTP server on loopback, driven
through Debian's Chromium. Every page visited passes axe and loads nothing from another host."""

import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from events.models import Registration
from forums.models import Comment
from newsletters.models import Delivery, Newsletter, Subscriber, Topic
from tests.factories import EventFactory, MunicipalityFactory, ThesisFactory, UserFactory
from tests.playwright_support import OriginGuard, assert_axe_clean, axe_source

# Mail goes through the outbox, the broker and a worker: seconds, not milliseconds.
MAIL_TIMEOUT = 30
# The signup form's password.
NEW_PASSWORD = "ein-langes-Passwort-2026"


@pytest.fixture(scope="module")
def axe_js() -> str:
    return axe_source()


@pytest.fixture
def patient_expect() -> Iterator[None]:
    """Assertions wait up to 15 s: a loaded machine runs gunicorn, the worker and Chromium."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: EmailMessage, base_url: str, path: str) -> str:
    """The one link in the message's text part that leads to `path` on the server."""
    links = set(re.findall(re.escape(base_url + path) + r"\S+", text_of(message)))
    assert len(links) == 1, (links, text_of(message))
    return links.pop()


def test_a_new_member_from_signup_to_the_newsletter(
    smtp_server, celery_workers, gunicorn_server, browser, axe_js, password, patient_expect
):
    inbox, _port = smtp_server
    MunicipalityFactory(name="Hansestadt Beispielhafen", slug="beispielhafen")
    thesis = ThesisFactory(
        number=1,
        title="Prävention beginnt vor der Geburt",
        slug="praevention-vor-der-geburt",
        lead="Frühe Hilfen verbinden Gesundheit und Jugendhilfe.",
        body="Die **Präventionskette** beginnt in der Schwangerschaft.",
    )
    event = EventFactory(
        title="Werkstattgespräch Übergänge",
        slug="werkstatt-uebergaenge",
        starts_at=(timezone.now() + timedelta(days=14)).replace(microsecond=0),
        capacity=20,
    )
    # The data migration's topics, unless an earlier transactional test emptied the table.
    topic, _created = Topic.objects.get_or_create(
        slug="praxis", defaults={"name": "Beispiele aus den Partnerkommunen"}
    )
    staff = UserFactory(
        email="redaktion@example.org", name="Rita Redaktion", is_staff=True, is_superuser=True
    )
    # The test settings hash with MD5 for speed; gunicorn knows only the production hashers.
    hasher = PBKDF2PasswordHasher()
    staff.password = hasher.encode(password, hasher.salt())
    staff.save(update_fields=["password"])

    # Links in mails lead to this server, as SITE_URL does in production.
    site = {"SITE_URL": gunicorn_server.url}
    # Both boot Django: side by side they are up sooner.
    with ThreadPoolExecutor(max_workers=1) as pool:
        gunicorn_started = pool.submit(gunicorn_server.start, **site)
        worker = celery_workers.start(beat=True, **site)
        gunicorn_started.result()
    base = gunicorn_server.url

    def new_page() -> tuple[Page, OriginGuard]:
        context = browser.new_context(base_url=base, locale="de-DE")
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page, OriginGuard(page, base)

    def axe(page: Page, *, admin: bool = False) -> None:
        assert_axe_clean(page, axe_js, preload=not admin)

    def mail(subject: str) -> EmailMessage:
        """The one message whose subject contains `subject`, once it reached the server."""
        deadline = time.monotonic() + MAIL_TIMEOUT
        while True:
            found = [m for m in inbox.messages if subject in m["Subject"]]
            if found or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert len(found) == 1, [m["Subject"] for m in inbox.messages]
        return found[0]

    page, guard = new_page()
    try:
        # Sign up and confirm the address through the link in the mail.
        page.goto("/")
        axe(page)
        page.goto("/konto/signup/")
        axe(page)
        page.get_by_label("Vor- und Nachname").fill("Jana Neu")
        page.get_by_label("E-Mail").fill("jana.neu@example.org")
        page.get_by_label("Passwort", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("Passwort (Wiederholung)").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Registrieren").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("E-Mail")
        axe(page)

        confirmation = mail("Bitte bestätigen Sie Ihre E-Mail-Adresse")
        assert confirmation["To"] == "jana.neu@example.org"
        page.goto(link_in(confirmation, base, "/konto/confirm-email/"))
        axe(page)
        page.get_by_role("button", name="Bestätigen").click()
        expect(page.get_by_text("Angemeldet als Jana Neu")).to_be_visible()
        axe(page)
        # The production cookies are Secure; Chromium keeps them for http://127.0.0.1, a
        # potentially trustworthy origin.
        cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
        assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"]
        assert cookies["csrftoken"]["secure"]
        assert mail("Willkommen im Netzwerk")["To"] == "jana.neu@example.org"

        # A comment on a thesis, with a stance.
        page.goto(thesis.get_absolute_url())
        expect(page.get_by_role("heading", level=1)).to_have_text(thesis.title)
        axe(page)
        page.get_by_label("Ihr Beitrag").fill(
            "Wir beginnen mit **Lotsinnen** in der Geburtsklinik."
        )
        page.get_by_label("Ergänzung").check()
        page.get_by_role("button", name="Beitrag veröffentlichen").click()
        expect(page).to_have_url(re.compile(r"#kommentar-\d+$"))
        expect(page.locator(".comment").first).to_contain_text("Lotsinnen")
        axe(page)
        comment = Comment.objects.get()
        assert (comment.author.email, comment.stance) == ("jana.neu@example.org", "ergaenzung")

        # Registration for an event: the confirmation brings the calendar entry.
        page.goto(event.get_absolute_url())
        expect(page.get_by_role("heading", level=1)).to_have_text(event.title)
        axe(page)
        page.get_by_role("button", name="Verbindlich anmelden").click()
        expect(page.get_by_text("Sie sind angemeldet. Wir freuen uns auf Sie!")).to_be_visible()
        axe(page)
        assert Registration.objects.get().status == Registration.Status.CONFIRMED
        registered = mail(event.title)
        assert registered["To"] == "jana.neu@example.org"
        (attachment,) = list(registered.iter_attachments())
        assert attachment.get_content_type() == "text/calendar"
        (entry,) = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
        assert str(entry["SUMMARY"]) == event.title
        assert entry.decoded("DTSTART") == event.starts_at
        # The same entry behind the page's calendar link.
        ics_link = page.get_by_role("link", name="In meinen Kalender (iCal)")
        response = page.request.get(ics_link.get_attribute("href"))
        assert response.ok
        assert response.headers["content-type"].startswith("text/calendar")
        (download,) = Calendar.from_ical(response.body()).walk("VEVENT")
        assert str(download["UID"]) == str(entry["UID"])

        # The newsletter: double opt-in through the mailed link.
        page.goto("/newsletter/")
        axe(page)
        page.get_by_label("E-Mail-Adresse").fill("jana.neu@example.org")
        page.get_by_label(topic.name).check()
        page.get_by_label("Ich möchte den Newsletter").check()
        page.get_by_role("button", name="Anmeldung absenden").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Bitte prüfen Sie Ihr Postfach")
        axe(page)
        opt_in = mail("Anmeldung zum Newsletter")
        assert opt_in["To"] == "jana.neu@example.org"
        page.goto(link_in(opt_in, base, "/newsletter/bestaetigen/"))
        axe(page)
        assert Subscriber.objects.get().status == Subscriber.Status.PENDING
        page.get_by_role("button", name="Ja, Newsletter erhalten").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Sie sind angemeldet")
        axe(page)
        assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    finally:
        page.context.close()
    guard.check()

    # Staff compose the next issue in the admin and send it.
    desk, desk_guard = new_page()
    try:
        desk.goto("/admin/")
        expect(desk).to_have_url(re.compile(r"/konto/login/"))
        axe(desk)
        desk.get_by_label("E-Mail").fill(staff.email)
        desk.get_by_label("Passwort", exact=True).fill(password)
        desk.get_by_label("Passwort", exact=True).press("Enter")
        expect(desk.get_by_role("heading", level=1)).to_have_text("Übersicht")
        axe(desk, admin=True)
        desk.goto("/admin/newsletters/newsletter/add/")
        axe(desk, admin=True)
        desk.get_by_label("Betreff").fill("Neues aus dem Netzwerk")
        desk.get_by_label("Text (Markdown)").fill("## Frühe Hilfen\n\nWas Kommunen lernen.")
        desk.get_by_label(topic.name).check()
        desk.get_by_role("button", name="Sichern und weiter bearbeiten").click()
        expect(desk.get_by_text("wurde erfolgreich hinzugefügt")).to_be_visible()
        axe(desk, admin=True)
        desk.get_by_role("link", name="Jetzt senden").click()
        axe(desk)
        desk.get_by_role("button", name="Jetzt an 1 Adresse senden").click()
        expect(desk.get_by_text("Der Versand an 1 Empfänger:in hat begonnen.")).to_be_visible()
        expect(desk.locator(".k360-nl-progress__percent")).to_have_text("100 %", timeout=30_000)
        axe(desk, admin=True)
    finally:
        desk.context.close()
    desk_guard.check()

    issue = mail("Neues aus dem Netzwerk")
    assert issue["To"] == "jana.neu@example.org"
    assert issue["Subject"] == "Neues aus dem Netzwerk"
    assert "Was Kommunen lernen." in text_of(issue)
    # The header is folded after its name (Python's email package does that for long values).
    unsubscribe = issue["List-Unsubscribe"].strip()
    assert re.fullmatch(rf"<{re.escape(base)}/newsletter/abmelden/\S+/>", unsubscribe)
    assert issue["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    newsletter = Newsletter.objects.get()
    assert newsletter.status == Newsletter.Status.SENT
    assert list(Delivery.objects.values_list("email", "state")) == [
        ("jana.neu@example.org", Delivery.State.SENT)
    ]
    assert len(inbox.raw) == 5
    # Nothing went wrong on the way that the pages did not show.
    assert "Traceback" not in gunicorn_server.output()
    assert not re.search(r'" 5\d\d ', gunicorn_server.output())
    assert "Traceback" not in worker.output()
