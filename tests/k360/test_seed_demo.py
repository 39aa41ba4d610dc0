import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from network.models import Municipality, Organisation, User


def snapshot() -> dict:
    with connection.cursor() as cursor:
        tables = {}
        for table in ["network_user", "network_municipality", "network_organisation"]:
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")
            tables[table] = cursor.fetchall()
    return tables


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo", force=True)
    first = snapshot()
    call_command("seed_demo", force=True)
    assert snapshot() == first


@pytest.mark.django_db
def test_seed_demo_content():
    call_command("seed_demo", force=True)
    assert set(Organisation.objects.values_list("name", flat=True)) >= {
        "Auridis Stiftung",
        "Deutsche Kinder- und Jugendstiftung",
        "PHINEO gAG",
    }
    partners = Municipality.objects.partners()
    assert partners.count() == 12
    for municipality in partners:
        municipality.full_clean()  # AGS matches the Land, coordinates inside Germany
        assert municipality.is_demo
    assert User.objects.count() >= 17
    member = User.objects.get(email="mitglied@example.org")
    assert member.is_coordinator and member.municipality.is_partner
    assert member.check_password("kommune360")
    assert User.objects.get(email="orga@example.org").groups.filter(name="Organisation").exists()
    assert User.objects.get(email="redaktion@example.org").groups.filter(name="Redaktion").exists()
    assert (
        User.objects.get(email="moderation@example.org").groups.filter(name="Moderation").exists()
    )
    admin = User.objects.get(email="admin@example.org")
    assert admin.is_staff and admin.is_superuser


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(email="admin@example.org").exists()


@pytest.mark.django_db
def test_demo_member_can_log_in(client):
    call_command("seed_demo", force=True)
    response = client.post(
        "/konto/login/", {"login": "mitglied@example.org", "password": "kommune360"}
    )
    assert response.status_code == 302
    assert "Angemeldet als Miriam Albers" in client.get("/").content.decode()
