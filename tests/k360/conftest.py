import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from .url_world import build


@pytest.fixture(scope="module")
def url_world(django_db_setup, django_db_blocker):
    """The world of url_world.py, built once per module in a transaction rolled back at its end
    (each test runs in a savepoint inside it), with every role logged in once."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build()
        world["sessions"] = {}
        for role, person in world["people"].items():
            client = Client()
            client.force_login(person)
            world["sessions"][role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def client_as(url_world, db):
    """A fresh client logged in as a role of the url_world (anonymous: nobody)."""

    def make(role: str, **kwargs) -> Client:
        client = Client(**kwargs)
        if role != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = url_world["sessions"][role]
        return client

    return make
