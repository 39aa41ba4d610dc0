import re

import pytest
from allauth.account.models import EmailAddress
from django.core import signing

from network.models import MembershipApplication, User
from network.services import INVITATION_SALT, invitation_token
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def application_data(**overrides):
    data = {
        "name": "Jana Neu",
        "email": "Jana.Neu@example.org",
        "organisation": "Stadt Jena",
        "municipality": "",
        "municipality_name": "Gemeinde Musterdorf",
        "function": "Jugendhilfeplanerin",
        "sector": "verwaltung",
        "motivation": "Ich möchte Präventionsketten voranbringen.",
        "consent": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def submit(client, django_capture_on_commit_callbacks):
    def post(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/netzwerk/mitmachen/", application_data(**overrides))

    return post


def test_application_is_stored_with_consent(submit, mailoutbox):
    jena = MunicipalityFactory(name="Jena")
    response = submit(municipality=jena.pk, municipality_name="")
    assert response.status_code == 302
    assert response.url == "/netzwerk/mitmachen/danke/"
    application = MembershipApplication.objects.get()
    assert application.email == "jana.neu@example.org"
    assert application.municipality == jena
    assert application.consent_version == "2026-11"
    assert application.consent_at is not None
    assert application.status == MembershipApplication.Status.OPEN
    assert mailoutbox[0].subject == "Ihr Antrag bei Kommune 360° ist eingegangen"


def test_typed_municipality_is_kept(submit):
    submit()
    assert MembershipApplication.objects.get().municipality_label == "Gemeinde Musterdorf"


def test_consent_and_municipality_are_required(submit):
    response = submit(consent="", municipality_name="")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ohne Ihre Einwilligung können wir den Antrag nicht prüfen." in html
    assert "Bitte wählen Sie Ihre Kommune aus der Liste oder tragen Sie sie ein." in html
    assert not MembershipApplication.objects.exists()


def test_second_open_application_is_refused(submit):
    submit()
    response = submit(email="jana.neu@EXAMPLE.org", name="Jana Doppelt")
    assert response.status_code == 200
    assert "liegt bereits ein offener Antrag vor" in response.content.decode()
    assert MembershipApplication.objects.count() == 1


def test_existing_member_is_sent_to_login(submit, member):
    response = submit(email=member.email)
    assert "gibt es schon ein Konto" in response.content.decode()


def test_bulk_approval_in_the_admin_emails_invitations(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    for number in range(3):
        MembershipApplication.objects.create(
            name=f"Person {number}",
            email=f"p{number}@example.org",
            organisation="O",
            function="F",
            sector="politik",
            motivation="M",
            consent_version="2026-11",
            consent_at="2026-11-01T10:00:00+01:00",
        )
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/network/membershipapplication/",
            {
                "action": "approve",
                "_selected_action": list(
                    MembershipApplication.objects.values_list("pk", flat=True)[:2]
                ),
            },
        )
    assert response.status_code == 302
    assert MembershipApplication.objects.filter(status="approved").count() == 2
    assert len(mailoutbox) == 2
    assert all("/netzwerk/mitmachen/einladung/" in mail.body for mail in mailoutbox)
    assert {mail.subject for mail in mailoutbox} == {"Willkommen bei Kommune 360° – Ihre Einladung"}


def test_bulk_rejection_sends_a_polite_email(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    application = MembershipApplication.objects.create(
        name="Rita",
        email="rita@example.org",
        organisation="O",
        function="F",
        sector="politik",
        motivation="M",
        consent_version="2026-11",
        consent_at="2026-11-01T10:00:00+01:00",
    )
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/network/membershipapplication/",
            {"action": "reject", "_selected_action": [application.pk]},
        )
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.REJECTED
    assert application.decided_by == staff
    [mail] = mailoutbox
    assert "leider nicht annehmen" in mail.body
    assert "vielen Dank" in mail.body


def test_members_cannot_decide_applications(member_client):
    response = member_client.post(
        "/admin/network/membershipapplication/", {"action": "approve", "_selected_action": [1]}
    )
    assert response.status_code == 302
    assert "/login/" in response.url


@pytest.fixture
def approved(client, staff, submit, mailoutbox, django_capture_on_commit_callbacks):
    jena = MunicipalityFactory(name="Jena")
    submit(municipality=jena.pk, municipality_name="")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/network/membershipapplication/",
            {"action": "approve", "_selected_action": [MembershipApplication.objects.get().pk]},
        )
    client.logout()
    link = re.search(r"https?://[^/\s]+(/netzwerk/mitmachen/einladung/\S+/)", mailoutbox[-1].body)
    return link.group(1)


def test_invitation_creates_a_verified_account_with_the_application_data(
    client, approved, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            approved,
            {"password1": "ein-langes-Passwort-2026", "password2": "ein-langes-Passwort-2026"},
        )
    assert response.status_code == 302
    user = User.objects.get(email="jana.neu@example.org")
    assert user.name == "Jana Neu"
    assert user.function == "Jugendhilfeplanerin"
    assert user.municipality.name == "Jena"
    assert user.organisation_name == "Stadt Jena"
    assert EmailAddress.objects.get(user=user).verified
    assert MembershipApplication.objects.get().member == user
    assert "Angemeldet als Jana Neu" in client.get("/").content.decode()
    assert mailoutbox[-1].subject == "Willkommen im Netzwerk Kommune 360°"
    # The same link a second time: already used.
    client.logout()
    response = client.get(approved)
    assert response.status_code == 410
    assert "bereits angenommen" in response.content.decode()


def test_invitation_password_errors(client, approved):
    response = client.post(approved, {"password1": "kurz", "password2": "anders"})
    assert response.status_code == 200
    assert "Die Passwörter stimmen nicht überein." in response.content.decode()
    assert not User.objects.filter(email="jana.neu@example.org").exists()


def test_tampered_invitation_is_404(client, approved):
    response = client.get(approved.replace("einladung/", "einladung/x"))
    assert response.status_code == 404
    assert "ungültig" in response.content.decode()


def test_expired_invitation_is_410(client, approved, settings, monkeypatch):
    application = MembershipApplication.objects.get()
    token = invitation_token(application)
    monkeypatch.setattr(
        "network.services.INVITATION_MAX_AGE", __import__("datetime").timedelta(seconds=-1)
    )
    response = client.get(f"/netzwerk/mitmachen/einladung/{token}/")
    assert response.status_code == 410
    assert "abgelaufen" in response.content.decode()


def test_invitation_of_a_rejected_application_is_invalid(client):
    application = MembershipApplication.objects.create(
        name="R",
        email="r@example.org",
        organisation="O",
        function="F",
        sector="politik",
        motivation="M",
        consent_version="1",
        consent_at="2026-11-01T10:00:00+01:00",
        status=MembershipApplication.Status.REJECTED,
    )
    token = signing.dumps({"application": application.pk}, salt=INVITATION_SALT)
    assert client.get(f"/netzwerk/mitmachen/einladung/{token}/").status_code == 404


def test_too_long_address_is_a_german_form_error_not_a_500(submit):
    # Found by tests/k360/test_form_fuzz.py: the column holds 254 characters.
    response = submit(email="a" * 250 + "@example.org")
    assert response.status_code == 200
    assert "höchstens 254 Zeichen" in response.content.decode()
    assert not MembershipApplication.objects.exists()
