"""The public side: double opt-in, the consent record, signed links, unsubscribing, topics,
the members' one click and the archive."""

import json
import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletters import sending, services, tokens
from newsletters.models import Newsletter, Subscriber, Topic
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Status = Subscriber.Status
URL = re.compile(r"https?://\S+")


@pytest.fixture
def topics():
    return [
        Topic.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in [("t-praxis", "Beispiele aus der Praxis"), ("t-forschung", "Forschung")]
    ]


@pytest.fixture
def signup(client, django_capture_on_commit_callbacks):
    def post(**overrides):
        data = {"email": "Neu@Example.org ", "name": "Nora Neu", "consent": "on", **overrides}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/newsletter/", data)

    return post


def confirmed(email: str, *topics: Topic) -> Subscriber:
    subscriber = Subscriber.objects.create(
        email=email, status=Status.CONFIRMED, signed_up_at=timezone.now()
    )
    subscriber.topics.set(topics)
    return subscriber


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def old_confirm_token(email: str, days: float) -> str:
    """A confirmation link as it was mailed `days` ago."""

    class Then(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time() - days * 86400))

    return Then(salt=tokens.CONFIRM_SALT).sign_object(email)


# --- Double opt-in -------------------------------------------------------------------------


def test_double_opt_in_keeps_the_consent_record(client, signup, mailoutbox, topics):
    response = signup(topics=[topics[0].pk])
    assert response.status_code == 302
    assert response.url == "/newsletter/danke/"
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "neu@example.org"
    assert subscriber.status == Status.PENDING
    assert list(subscriber.topics.all()) == [topics[0]]

    [mail] = mailoutbox
    assert mail.to == ["neu@example.org"]
    assert "Nora Neu" in mail.body
    # The confirmation carries no advertising: its one link is the confirmation itself.
    links = URL.findall(mail.body) + [
        link for html, _type in getattr(mail, "alternatives", []) for link in URL.findall(html)
    ]
    assert len(links) == 1
    assert path_of(links[0]).startswith("/newsletter/bestaetigen/")

    # A mail scanner that follows the link only sees the question: nothing is confirmed.
    response = client.get(path_of(links[0]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ja, Newsletter erhalten" in html
    assert 'method="post"' in html
    subscriber.refresh_from_db()
    assert subscriber.status == Status.PENDING

    response = client.post(path_of(links[0]))
    assert response.status_code == 200
    assert "Sie sind angemeldet" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Status.CONFIRMED
    assert subscriber.signed_up_at <= subscriber.confirmed_at
    assert subscriber.consent_version == services.CONSENT_VERSION
    assert subscriber.consent_text == services.CONSENT_TEXT
    assert subscriber.signup_source == "http://testserver/newsletter/"

    # A second click (or visit) changes nothing and shows the done page again.
    first_confirmation = subscriber.confirmed_at
    assert client.post(path_of(links[0])).status_code == 200
    response = client.get(path_of(links[0]))
    assert "Sie sind angemeldet" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at == first_confirmation


def test_the_form_shows_the_consent_text_and_its_version(client, topics):
    html = client.get("/newsletter/").content.decode()
    assert services.CONSENT_TEXT in html
    assert services.CONSENT_VERSION in html
    assert "Beispiele aus der Praxis" in html


def test_a_confirmed_address_gets_the_same_answer_and_no_mail(signup, mailoutbox):
    confirmed("neu@example.org")
    response = signup()
    assert response.status_code == 302
    assert response.url == "/newsletter/danke/"
    assert mailoutbox == []
    assert Subscriber.objects.get().status == Status.CONFIRMED


def test_malformed_email_gets_a_clear_german_message(signup, mailoutbox):
    response = signup(email="neu(at)example")
    assert response.status_code == 400
    assert "Das ist keine gültige E-Mail-Adresse." in response.content.decode()
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_consent_is_required(signup):
    response = signup(consent="")
    assert response.status_code == 400
    assert "Ohne Ihre Einwilligung" in response.content.decode()
    assert not Subscriber.objects.exists()


# --- Expired and broken links --------------------------------------------------------------


def test_a_link_is_valid_for_seven_days(client):
    Subscriber.objects.create(email="neu@example.org")
    response = client.post(f"/newsletter/bestaetigen/{old_confirm_token('neu@example.org', 6)}/")
    assert response.status_code == 200
    assert Subscriber.objects.get().status == Status.CONFIRMED


def test_an_expired_link_explains_and_offers_a_new_one(client):
    Subscriber.objects.create(email="neu@example.org")
    response = client.get(f"/newsletter/bestaetigen/{old_confirm_token('neu@example.org', 8)}/")
    assert response.status_code == 410
    html = response.content.decode()
    assert "Der Link ist abgelaufen (er gilt 7 Tage)" in html
    assert 'action="/newsletter/neuer-link/"' in html
    assert 'value="neu@example.org"' in html
    assert Subscriber.objects.get().status == Status.PENDING


@pytest.mark.parametrize("mangle", [lambda t: t[:-3], lambda t: t.replace(":", "x", 1), str.upper])
def test_a_tampered_link_is_refused(client, mangle):
    Subscriber.objects.create(email="neu@example.org")
    response = client.get(
        f"/newsletter/bestaetigen/{mangle(tokens.confirm_token('neu@example.org'))}/"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Der Link ist unvollständig oder verändert" in html
    assert 'action="/newsletter/neuer-link/"' in html
    assert Subscriber.objects.get().status == Status.PENDING


def test_an_unsubscribe_token_does_not_confirm(client):
    Subscriber.objects.create(email="neu@example.org")
    token = tokens.unsubscribe_token("neu@example.org")
    assert client.get(f"/newsletter/bestaetigen/{token}/").status_code == 400
    assert Subscriber.objects.get().status == Status.PENDING


def test_resend_answers_the_same_whether_or_not_the_address_waits(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(email="wartet@example.org")
    confirmed("schon@example.org")
    for email in ("wartet@example.org", "schon@example.org", "unbekannt@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/newsletter/neuer-link/", {"email": email})
        assert response.status_code == 302
        assert response.url == "/newsletter/danke/"
    [mail] = mailoutbox
    assert mail.to == ["wartet@example.org"]
    client.post(path_of(URL.findall(mail.body)[0]))
    assert Subscriber.objects.get(email="wartet@example.org").status == Status.CONFIRMED


def test_resend_with_malformed_email(client):
    response = client.post("/newsletter/neuer-link/", {"email": "nicht-gueltig"})
    assert response.status_code == 400
    assert "Das ist keine gültige E-Mail-Adresse." in response.content.decode()


def test_signups_are_rate_limited_per_connection(client):
    for _ in range(10):
        assert client.post("/newsletter/", {"email": "kaputt"}).status_code == 400
    response = client.post("/newsletter/", {"email": "neu@example.org", "consent": "on"})
    assert response.status_code == 429
    assert "zu viele Anmeldungen" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_one_address_gets_few_confirmation_mails_whoever_asks(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    for n in range(8):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/newsletter/",
                {"email": "opfer@example.org", "consent": "on"},
                REMOTE_ADDR=f"192.0.2.{n}",
            )
        assert response.status_code == 302
    assert len(mailoutbox) == 5


# --- Unsubscribing and topics --------------------------------------------------------------


def test_one_click_unsubscribe_needs_no_login_and_no_csrf_token():
    confirmed("leser@example.org")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        tokens.one_click_url("leser@example.org"), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None


def test_the_newsletters_list_unsubscribe_header_works():
    confirmed("leser@example.org")
    newsletter = Newsletter.objects.create(subject="Ausgabe", slug="ausgabe", body="Text")
    message = sending.build_message(
        newsletter, sending.render_newsletter(newsletter), "leser@example.org"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    response = Client(enforce_csrf_checks=True).post(
        path_of(url), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Subscriber.objects.get().status == Status.UNSUBSCRIBED


def test_one_click_also_stops_an_address_that_only_got_mail_as_a_member():
    response = Client(enforce_csrf_checks=True).post(tokens.one_click_url("Mitglied@Example.org"))
    assert response.status_code == 200
    assert Subscriber.objects.get().email == "mitglied@example.org"
    assert Subscriber.objects.get().status == Status.UNSUBSCRIBED


def test_one_click_link_in_a_browser_leads_to_the_manage_page(client):
    response = client.get(tokens.one_click_url("leser@example.org"))
    assert response.status_code == 302
    assert response.url == tokens.unsubscribe_url("leser@example.org")


def test_one_click_with_a_tampered_token():
    confirmed("leser@example.org")
    token = tokens.unsubscribe_token("leser@example.org")
    response = Client(enforce_csrf_checks=True).post(f"/newsletter/abmelden/{token[:-2]}/")
    assert response.status_code == 400
    assert Subscriber.objects.get().status == Status.CONFIRMED


def test_manage_page_unsubscribes_and_subscribing_again_needs_confirmation(
    client, signup, mailoutbox
):
    confirmed("neu@example.org")
    manage = tokens.unsubscribe_url("neu@example.org")
    html = client.get(manage).content.decode()
    assert "Sie erhalten den Newsletter" in html
    assert "neu@example.org" in html

    response = client.post(manage, {"action": "abmelden"})
    assert response.status_code == 302
    assert Subscriber.objects.get().status == Status.UNSUBSCRIBED
    assert "Sie sind abgemeldet" in client.get(manage).content.decode()

    signup()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Status.PENDING
    assert subscriber.confirmed_at is None
    [mail] = mailoutbox
    client.post(path_of(URL.findall(mail.body)[0]))
    assert Subscriber.objects.get().status == Status.CONFIRMED


def test_an_old_confirmation_link_does_not_undo_an_unsubscription(client):
    Subscriber.objects.create(email="neu@example.org")
    link = tokens.confirm_url("neu@example.org")
    services.unsubscribe(email="neu@example.org")
    response = client.post(link)
    assert response.status_code == 410
    assert "keine offene Anmeldung" in response.content.decode()
    assert Subscriber.objects.get().status == Status.UNSUBSCRIBED


def test_topics_change_on_the_manage_page(client, topics):
    praxis, forschung = topics
    subscriber = confirmed("leser@example.org", praxis)
    manage = subscriber.manage_url()
    html = client.get(manage).content.decode()
    assert re.search(rf'value="{praxis.pk}"[^>]*checked', html)
    assert not re.search(rf'value="{forschung.pk}"[^>]*checked', html)

    response = client.post(manage, {"action": "themen", "topics": [forschung.pk]})
    assert response.status_code == 302
    assert list(subscriber.topics.all()) == [forschung]
    assert "Ihre Themen sind gespeichert." in client.get(manage).content.decode()


def test_only_confirmed_subscribers_change_topics(client, topics):
    subscriber = Subscriber.objects.create(email="offen@example.org")
    html = client.get(subscriber.manage_url()).content.decode()
    assert "Themen speichern" not in html
    response = client.post(subscriber.manage_url(), {"action": "themen", "topics": [topics[0].pk]})
    assert response.status_code == 400
    assert not subscriber.topics.exists()


def test_manage_page_for_an_address_without_subscription(client):
    html = client.get(tokens.unsubscribe_url("mitglied@example.org")).content.decode()
    assert "Vom Newsletter abmelden" in html
    assert "Themen speichern" not in html
    assert not Subscriber.objects.exists()  # looking changes nothing


def test_manage_page_with_a_tampered_token(client):
    confirmed("leser@example.org")
    token = tokens.unsubscribe_token("leser@example.org")
    for response in (
        client.get(f"/newsletter/abo/{token[:-2]}/"),
        client.post(f"/newsletter/abo/{token[:-2]}/", {"action": "abmelden"}),
    ):
        assert response.status_code == 400
        assert "leser@example.org" not in response.content.decode()
    assert Subscriber.objects.get().status == Status.CONFIRMED


# --- Members -------------------------------------------------------------------------------


def test_member_subscribes_in_one_click(member_client, member, mailoutbox):
    html = member_client.get("/profil/").content.decode()
    assert "Newsletter abonnieren" in html
    response = member_client.post("/newsletter/profil/")
    assert response.status_code == 302
    assert response.url == "/profil/"
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.user, subscriber.status) == (
        member.email,
        member,
        Status.CONFIRMED,
    )
    assert subscriber.consent_version == services.CONSENT_VERSION
    assert mailoutbox == []
    html = member_client.get("/profil/").content.decode()
    assert "Sie erhalten den Newsletter." in html
    assert subscriber.manage_url() in html


def test_member_with_unverified_address_cannot_subscribe_in_one_click(client):
    user = UserFactory(verified=False)
    client.force_login(user)
    response = client.post("/newsletter/profil/", follow=True)
    assert "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse." in response.content.decode()
    assert not Subscriber.objects.exists()


def test_one_click_for_members_needs_login_and_post(client, member_client):
    assert Client().post("/newsletter/profil/").status_code == 302
    assert member_client.get("/newsletter/profil/").status_code == 405
    assert not Subscriber.objects.exists()


def test_my_data_export_includes_the_subscription(member_client, member, topics):
    services.member_subscribe(user=member, topics=[topics[0]])
    data = json.loads(member_client.get("/profil/daten/").content)
    [entry] = data["newsletter"]
    assert entry["email"] == member.email
    assert entry["status"] == "bestätigt"
    assert entry["themen"] == [topics[0].name]
    assert entry["einwilligung_version"] == services.CONSENT_VERSION


# --- Archive -------------------------------------------------------------------------------


def issue(slug: str, **fields) -> Newsletter:
    defaults = {
        "subject": f"Ausgabe {slug}",
        "body": "## Aus dem Netzwerk\n\nEin **Bericht**.",
        "status": Newsletter.Status.SENT,
        "in_archive": True,
        "finished_at": timezone.now(),
    }
    return Newsletter.objects.create(slug=slug, **{**defaults, **fields})


def test_archive_shows_only_sent_issues_meant_for_it(client):
    issue("oktober", finished_at=timezone.now() - timedelta(days=30))
    issue("november")
    issue("intern", in_archive=False)
    issue("entwurf", status=Newsletter.Status.DRAFT, finished_at=None)
    issue("geplant", status=Newsletter.Status.SCHEDULED, finished_at=None)
    html = client.get("/newsletter/archiv/").content.decode()
    assert html.index("Ausgabe november") < html.index("Ausgabe oktober")
    for hidden in ("intern", "entwurf", "geplant"):
        assert f"Ausgabe {hidden}" not in html
        assert client.get(f"/newsletter/archiv/{hidden}/").status_code == 404


def test_archived_issue_in_the_site_layout_without_personal_link(client):
    issue("november")
    response = client.get("/newsletter/archiv/november/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>Aus dem Netzwerk</h2>" in html
    assert "<strong>Bericht</strong>" in html
    assert 'class="site-header"' in html
    assert sending.UNSUBSCRIBE_PLACEHOLDER not in html
    assert "/newsletter/abo/" not in html


def test_empty_archive(client):
    response = client.get("/newsletter/archiv/")
    assert response.status_code == 200
    assert "Noch keine Ausgabe im Archiv" in response.content.decode()


def test_archive_is_paginated_with_constant_queries(client):
    for n in range(3):
        issue(f"ausgabe-{n}")
    with CaptureQueriesContext(connection) as few:
        client.get("/newsletter/archiv/")
    for n in range(3, 45):
        issue(f"ausgabe-{n}")
    with CaptureQueriesContext(connection) as many:
        page_two = client.get("/newsletter/archiv/?seite=2").content.decode()
    assert len(many) == len(few)
    assert "Seite 2 von 3" in page_two
    assert client.get("/newsletter/archiv/?seite=9").status_code == 404
