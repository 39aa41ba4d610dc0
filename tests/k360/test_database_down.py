"""PostgreSQL away: a friendly German 503 page, /healthz 503, and back without a restart."""

import pytest
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_pages_answer_503_while_the_database_is_away_and_recover(client):
    client.raise_request_exception = False  # answer as the server would, not re-raise
    assert client.get("/thesen/").status_code == 200
    port = connection.settings_dict["PORT"]
    connection.close()
    # Nothing listens on port 1: every new connection fails as if PostgreSQL were stopped.
    connection.settings_dict["PORT"] = "1"
    try:
        for url in ("/thesen/", "/veranstaltungen/", "/blog/"):
            response = client.get(url)
            assert response.status_code == 503, url
            assert response["Retry-After"] == "30"
            html = response.content.decode()
            assert "Kommune 360° ist gleich wieder da" in html
            assert "Traceback" not in html and "OperationalError" not in html
        assert client.get("/healthz").status_code == 503
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert client.get("/thesen/").status_code == 200
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_other_errors_stay_a_500(client, monkeypatch):
    from forums import views

    def broken(*args, **kwargs):
        raise RuntimeError("kaputt")

    monkeypatch.setattr(views.ThesisListView, "get", broken)
    client.raise_request_exception = False
    response = client.get("/thesen/")
    assert response.status_code == 500
    assert "Da ist etwas schiefgegangen" in response.content.decode()
