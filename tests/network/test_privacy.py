import json

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client

from k360.mail import email_send
from network.models import ContactMessage, MembershipApplication, User
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


def rows_mentioning(text: str) -> list[str]:
    """Every row of every table whose text or JSON columns contain the text."""
    found = []
    for model in apps.get_models():
        fields = [
            field.name
            for field in model._meta.get_fields()
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
            and field.concrete
        ]
        query = models.Q()
        for name in fields:
            query |= models.Q(**{f"{name}__icontains": text})
        if fields and model._default_manager.filter(query).exists():
            found.append(model._meta.label)
    return found


def test_my_data_is_a_json_download_of_everything(member_client, member):
    member.topics.add("Präventionsketten")
    member.function = "Planerin"
    member.save()
    response = member_client.get("/profil/daten/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profil"]["email"] == member.email
    assert data["profil"]["funktion"] == "Planerin"
    assert data["profil"]["themen"] == ["Präventionsketten"]
    assert data["email_adressen"][0]["email"] == member.email


def test_my_data_requires_login(client):
    assert client.get("/profil/daten/").status_code == 302


def test_my_data_holds_nobody_elses_data(member_client):
    UserFactory(email="andere@example.org", name="Andere Anna")
    content = member_client.get("/profil/daten/").content.decode()
    assert "andere@example.org" not in content
    assert "Andere Anna" not in content


def test_wrong_password_deletes_nothing(member_client, member):
    response = member_client.post("/profil/loeschen/", {"password": "falsch"})
    assert response.status_code == 200
    assert "Das Passwort ist nicht korrekt." in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


def test_delete_account_erases_the_email_everywhere_and_ends_all_sessions(
    member, password, django_capture_on_commit_callbacks
):
    email = member.email
    other_device = Client()
    other_device.force_login(member)
    assert "Angemeldet als" in other_device.get("/").content.decode()
    browser = Client()
    browser.post("/konto/login/", {"login": email, "password": password})
    assert "_auth_user_id" in browser.session

    colleague = UserFactory()
    ContactMessage.objects.create(sender=member, recipient=colleague)
    email_send(template="network/welcome", to=[email], context={"user": member})
    MembershipApplication.objects.create(
        name="Miriam Muster",
        email=email,
        organisation="Stadt",
        function="Planerin",
        sector="verwaltung",
        motivation="…",
        consent_version="1",
        consent_at=member.date_joined,
        status=MembershipApplication.Status.APPROVED,
        member=member,
    )
    member.municipality = MunicipalityFactory()
    member.save()
    member.municipality.contact_people.add(member)
    assert rows_mentioning(email)

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post("/profil/loeschen/", {"password": password})
    assert response.status_code == 302
    assert "gelöscht" in browser.get("/").content.decode()

    assert not User.objects.filter(pk=member.pk).exists()
    assert not EmailAddress.objects.filter(email__iexact=email).exists()
    assert rows_mentioning(email) == []
    assert rows_mentioning("Miriam Muster") == []
    assert User.objects.filter(pk=colleague.pk).exists()
    # The other device is logged out too: its session is gone.
    assert "Angemeldet als" not in other_device.get("/").content.decode()
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(member.pk)
    ]


def test_deletion_requires_login_and_post(client):
    assert client.get("/profil/loeschen/").status_code == 302


def test_application_export(member_client, member, django_capture_on_commit_callbacks):
    member.delete()
    applicant = UserFactory(email="bewerbung@example.org")
    MembershipApplication.objects.create(
        name="B",
        email="bewerbung@example.org",
        organisation="Verein",
        function="Vorstand",
        sector="zivilgesellschaft",
        motivation="Mitdenken",
        consent_version="2026-11",
        consent_at=applicant.date_joined,
        status=MembershipApplication.Status.APPROVED,
        member=applicant,
    )
    client = Client()
    client.force_login(applicant)
    data = json.loads(client.get("/profil/daten/").content)
    [application] = data["mitgliedsantraege"]
    assert application["motivation"] == "Mitdenken"
    assert application["einwilligung_version"] == "2026-11"
