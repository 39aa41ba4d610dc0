import re

import pytest
from django.db import transaction
from django.test import Client

from blog.models import Post
from k360 import pagecache
from tests.factories import EventFactory, PostFactory, UserFactory

# The page cache stays out of requests inside an open transaction: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_gets_the_page_from_the_cache_until_something_changes(client):
    PostFactory(title="Erster Beitrag")
    first = client.get("/blog/")
    assert first["X-Page-Cache"] == "miss"
    second = client.get("/blog/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    PostFactory(title="Zweiter Beitrag")
    assert "Zweiter Beitrag" in client.get("/blog/").content.decode()


def test_a_write_that_bypasses_save_retires_the_page(client):
    post = PostFactory(title="Alter Titel")
    client.get(post.get_absolute_url())
    Post.objects.filter(pk=post.pk).update(title="Neuer Titel")
    response = client.get(post.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "Neuer Titel" in response.content.decode()


def test_a_transaction_moves_the_generation_again_when_it_commits():
    post = PostFactory()
    before = pagecache._generation()
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(title="Eins")
        Post.objects.filter(pk=post.pk).update(title="Zwei")
        assert pagecache._generation() == before + 2
    assert pagecache._generation() == before + 3


def test_a_member_page_is_never_stored_or_served_from_the_cache(client):
    PostFactory()
    member = Client()
    member.force_login(UserFactory(name="Mira Mitglied"))
    for _ in range(2):
        response = member.get("/blog/")
        assert "X-Page-Cache" not in response
        assert "Mira Mitglied" in response.content.decode()
    visitor = client.get("/blog/")
    assert visitor["X-Page-Cache"] == "miss"
    assert "Mira Mitglied" not in visitor.content.decode()


def test_a_session_or_a_pending_message_bypasses_the_cache(client):
    client.get("/blog/")
    client.cookies["messages"] = "eine-nachricht"
    assert "X-Page-Cache" not in client.get("/blog/")


def _token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def test_every_visitor_gets_a_csrf_token_of_their_own_that_works():
    event = EventFactory()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    cached = first.get(event.get_absolute_url())
    assert cached["X-Page-Cache"] == "miss"
    served = second.get(event.get_absolute_url())
    assert served["X-Page-Cache"] == "hit"
    assert "csrftoken" in served.cookies
    assert _token(served) != _token(cached)
    assert "k360-csrf-token" not in served.content.decode()
    response = second.post(
        f"{event.get_absolute_url()}anmelden/",
        {"csrfmiddlewaretoken": _token(served), "name": "Gast", "email": "gast@example.org"},
    )
    assert response.status_code != 403
