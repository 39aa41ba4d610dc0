import pytest

from network.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague():
    return UserFactory(name="Karl Kollege", email="karl.geheim@example.org")


def test_message_reaches_the_member_without_revealing_the_address(
    member_client, member, colleague, mailoutbox, django_capture_on_commit_callbacks
):
    page = member_client.get(f"/netzwerk/mitglieder/{colleague.pk}/kontakt/")
    assert "karl.geheim@example.org" not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            f"/netzwerk/mitglieder/{colleague.pk}/kontakt/",
            {"subject": "Präventionskette", "message": "Wollen wir uns austauschen?"},
        )
    assert response.status_code == 302
    follow = member_client.get(response.url).content.decode()
    assert "karl.geheim@example.org" not in follow
    assert "Ihre Nachricht an Karl Kollege ist unterwegs" in follow
    [mail] = mailoutbox
    assert mail.to == ["karl.geheim@example.org"]
    assert mail.reply_to == [member.email]
    assert "Wollen wir uns austauschen?" in mail.body
    assert "Miriam Muster" in mail.subject


def test_eleventh_message_of_the_day_is_refused(
    member_client, colleague, mailoutbox, django_capture_on_commit_callbacks
):
    url = f"/netzwerk/mitglieder/{colleague.pk}/kontakt/"
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(10):
            response = member_client.post(url, {"subject": f"Nr. {number}", "message": "Hallo"})
            assert response.status_code == 302
        response = member_client.post(url, {"subject": "Nr. 11", "message": "Hallo"})
    assert response.status_code == 429
    assert "bereits 10 Nachrichten" in response.content.decode()
    assert len(mailoutbox) == 10


def test_empty_message_is_an_error(member_client, colleague, mailoutbox):
    response = member_client.post(
        f"/netzwerk/mitglieder/{colleague.pk}/kontakt/", {"subject": "", "message": ""}
    )
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert mailoutbox == []


def test_hidden_members_cannot_be_contacted(member_client):
    hidden = UserFactory(profile_visibility=User.Visibility.HIDDEN)
    assert member_client.get(f"/netzwerk/mitglieder/{hidden.pk}/kontakt/").status_code == 404


def test_nobody_writes_to_themselves(member_client, member):
    assert member_client.get(f"/netzwerk/mitglieder/{member.pk}/kontakt/").status_code == 403


def test_visitors_must_log_in_to_write(client, colleague):
    response = client.get(f"/netzwerk/mitglieder/{colleague.pk}/kontakt/")
    assert response.status_code == 302
    assert response.url.startswith("/konto/login/")


def test_email_shown_only_when_the_member_allows_it(member_client):
    open_member = UserFactory(name="Offene Olga", email="olga@example.org", show_email=True)
    closed = UserFactory(name="Stille Stine", email="stine@example.org")
    assert (
        "olga@example.org"
        in member_client.get(f"/netzwerk/mitglieder/{open_member.pk}/").content.decode()
    )
    assert (
        "stine@example.org"
        not in member_client.get(f"/netzwerk/mitglieder/{closed.pk}/").content.decode()
    )
