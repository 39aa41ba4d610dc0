import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_reports_broker_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "error"


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_the_database_is_unreachable(client):
    settings_dict = connection.settings_dict
    original_port = settings_dict["PORT"]
    connection.close()
    settings_dict["PORT"] = "1"  # a port where no PostgreSQL listens
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        settings_dict["PORT"] = original_port
    assert response.status_code == 503
    assert response.json()["database"] == "error"
