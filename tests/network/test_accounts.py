import re

import pytest
from allauth.account.models import EmailAddress

from network.models import User
from tests.factories import UserFactory

SIGNUP = {
    "name": "Jana Neu",
    "email": "jana.neu@example.org",
    "password1": "ein-langes-Passwort-2026",
    "password2": "ein-langes-Passwort-2026",
}


def confirmation_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/konto/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_signup_confirm_and_login(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/signup/", SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="jana.neu@example.org")
    assert user.name == "Jana Neu"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith("[Kommune 360°]")
    assert "Kommune 360°" in mailoutbox[0].body
    assert "du " not in mailoutbox[0].body.lower()  # the platform says "Sie"

    link = confirmation_link(mailoutbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert "bestätigen" in page.content.decode().lower()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert "Angemeldet als Jana Neu" in client.get("/").content.decode()
    assert mailoutbox[-1].subject == "Willkommen im Netzwerk Kommune 360°"


@pytest.mark.django_db
def test_unverified_member_cannot_log_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/signup/", SIGNUP)
    client.logout()
    response = client.post(
        "/konto/login/", {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302
    assert response.url == "/konto/confirm-email/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_duplicate_signup_is_refused_in_german(client, member):
    response = client.post("/konto/signup/", {**SIGNUP, "email": member.email.upper()})
    assert response.status_code == 200
    assert "bereits" in response.content.decode()
    assert User.objects.filter(email__iexact=member.email).count() == 1


@pytest.mark.django_db
def test_wrong_password_shows_german_error(client, member):
    response = client.post("/konto/login/", {"login": member.email, "password": "falsch"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Die E-Mail-Adresse und/oder das Passwort sind leider falsch." in html
    assert 'aria-invalid="true"' in html or "kern-alert--danger" in html
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sixth_wrong_password_within_five_minutes_is_refused(client, member, password):
    for _ in range(5):
        response = client.post("/konto/login/", {"login": member.email, "password": "falsch"})
        assert response.status_code == 200
    response = client.post("/konto/login/", {"login": member.email, "password": password})
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_is_case_insensitive(client, password):
    UserFactory(email="planung@example.org")
    response = client.post("/konto/login/", {"login": "Planung@Example.org", "password": password})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_tampered_confirmation_link_is_a_german_404(client):
    response = client.get("/konto/confirm-email/manipuliert:1abc:xyz/")
    assert response.status_code == 404
    assert "abgelaufen" in response.content.decode() or "ungültig" in response.content.decode()


@pytest.mark.django_db
def test_expired_confirmation_link_is_refused(
    client, mailoutbox, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/signup/", SIGNUP)
    link = confirmation_link(mailoutbox[0])
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = -1
    response = client.get(link)
    assert response.status_code == 404
    response = client.post(link)
    assert not EmailAddress.objects.get(email=SIGNUP["email"]).verified


@pytest.mark.django_db
def test_password_reset_mail_in_german(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/password/reset/", {"email": member.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "Passwort" in mailoutbox[0].subject
    assert "/konto/password/reset/key/" in mailoutbox[0].body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/konto/email/", "/konto/password/change/", "/konto/2fa/"],
)
def test_account_pages_for_a_member(member_client, url):
    response = member_client.get(url)
    assert response.status_code == 200
    assert '<html lang="de">' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/konto/email/", "/konto/2fa/", "/konto/password/change/"])
def test_account_pages_require_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/konto/login/")


@pytest.mark.django_db
def test_email_change_sends_a_confirmation(
    member_client, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            "/konto/email/", {"action_add": "", "email": "neu@example.org"}
        )
    assert response.status_code == 302
    assert mailoutbox[-1].to == ["neu@example.org"]
    assert "/konto/confirm-email/" in mailoutbox[-1].body


def test_too_long_new_address_is_a_german_form_error_not_a_500(member_client, member):
    # Found by tests/k360/test_form_fuzz.py: allauth's form leaves the length to the database.
    response = member_client.post(
        "/konto/email/", {"action_add": "", "email": "a" * 250 + "@example.org"}
    )
    assert response.status_code == 200
    assert "Die E-Mail-Adresse ist zu lang (höchstens 254 Zeichen)." in response.content.decode()
    assert list(EmailAddress.objects.values_list("email", flat=True)) == [member.email]
