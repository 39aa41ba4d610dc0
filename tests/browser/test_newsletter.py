import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from newsletters.models import Newsletter, Subscriber, Topic
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def topics():
    # Transactional tests empty the tables the data migration filled: the topics come anew.
    return [
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})[0]
        for order, (slug, name) in enumerate(
            [("praxis", "Beispiele aus den Partnerkommunen"), ("forschung", "Forschung")]
        )
    ]


def test_subscribe_form_with_an_error_then_success(page, axe, topics):
    page.goto("/newsletter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Newsletter abonnieren")
    axe(page)
    page.get_by_label("E-Mail-Adresse").fill("nora.neu(at)example.org")
    page.get_by_label("Forschung").check()
    page.get_by_role("button", name="Anmeldung absenden").click()
    expect(page.get_by_text("Das ist keine gültige E-Mail-Adresse.")).to_be_visible()
    expect(page.get_by_text("Ohne Ihre Einwilligung")).to_be_visible()
    expect(page.get_by_label("Forschung")).to_be_checked()
    axe(page)

    page.get_by_label("E-Mail-Adresse").fill("nora.neu@example.org")
    page.get_by_label("Ich möchte den Newsletter").check()
    page.get_by_role("button", name="Anmeldung absenden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte prüfen Sie Ihr Postfach")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert list(subscriber.topics.all()) == [topics[1]]


def test_manage_page_changes_topics_and_unsubscribes(page, axe, topics):
    praxis, forschung = topics
    subscriber = Subscriber.objects.create(
        email="leser@example.org", status=Subscriber.Status.CONFIRMED
    )
    subscriber.topics.set([praxis])
    page.goto(subscriber.manage_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Newsletter-Abonnement")
    expect(page.get_by_text("Sie erhalten den Newsletter von Kommune 360°.")).to_be_visible()
    expect(page.get_by_label(praxis.name)).to_be_checked()
    axe(page)

    page.get_by_label(forschung.name).check()
    page.get_by_role("button", name="Themen speichern").click()
    expect(page.get_by_text("Ihre Themen sind gespeichert.")).to_be_visible()
    assert set(subscriber.topics.all()) == {praxis, forschung}

    page.get_by_role("button", name="Vom Newsletter abmelden").click()
    expect(page.get_by_text("Sie sind abgemeldet").first).to_be_visible()
    expect(page.get_by_role("link", name="Wieder anmelden")).to_be_visible()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    axe(page)


def test_member_subscribes_from_the_profile(page, axe, password):
    member = UserFactory(name="Mia Mitglied")
    page.goto("/konto/login/?next=/profil/")
    page.get_by_label("E-Mail").fill(member.email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text(re.compile("Angemeldet als"))).to_be_visible()
    page.get_by_role("button", name="Newsletter abonnieren").click()
    expect(page.get_by_text("Sie erhalten ab jetzt den Newsletter.")).to_be_visible()
    expect(page.get_by_role("link", name="Themen ändern oder abmelden")).to_be_visible()
    assert Subscriber.objects.get(user=member).status == Subscriber.Status.CONFIRMED
    axe(page)


def test_archive_and_a_broken_link(page, axe):
    Newsletter.objects.create(
        subject="Neues aus dem Netzwerk",
        slug="november",
        body="## Herbstforum\n\nDie Partnerkommunen **berichten**.",
        status=Newsletter.Status.SENT,
        in_archive=True,
        finished_at=timezone.now(),
    )
    page.goto("/newsletter/archiv/")
    page.get_by_role("link", name="Neues aus dem Netzwerk").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Herbstforum")
    axe(page)

    page.goto("/newsletter/bestaetigen/kaputt/")
    expect(page.get_by_text("Der Link ist unvollständig oder verändert")).to_be_visible()
    axe(page)
    page.get_by_label("E-Mail-Adresse").fill("leser@example.org")
    page.get_by_role("button", name="Neuen Link senden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte prüfen Sie Ihr Postfach")
