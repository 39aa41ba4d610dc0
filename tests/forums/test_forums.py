"""Forums: visibility, topics, subscriptions, pinning and locking; the permission matrix."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from forums.models import Comment, Forum, Subscription, Topic
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_forum(db):
    return Forum.objects.create(name="Offener Austausch", slug="offen", visibility="public")


def test_forum_list_shows_only_what_one_may_see(member_client, private_forum, public_forum):
    Forum.objects.create(name="Mitgliederforum", slug="mitglieder", visibility="members")
    client = Client()
    anonymous = client.get("/foren/").content.decode()
    assert "Offener Austausch" in anonymous
    assert "Mitgliederforum" not in anonymous
    assert "Expert:innen-Team" not in anonymous
    outsider = UserFactory()
    client.force_login(outsider)
    html = client.get("/foren/").content.decode()
    assert "Mitgliederforum" in html
    assert "Expert:innen-Team" not in html
    assert "Expert:innen-Team" in member_client.get("/foren/").content.decode()


def test_private_forum_is_404_for_outsiders(client, private_forum, topic):
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get("/foren/expertinnen-team/").status_code == 404
    assert client.get(f"/foren/expertinnen-team/{topic.pk}/").status_code == 404
    ct = ContentType.objects.get_for_model(topic)
    response = client.post(f"/diskussion/{ct.pk}/{topic.pk}/kommentieren/", {"text": "Darf ich?"})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_member_of_private_forum_opens_topic_and_comments(member_client, private_forum):
    response = member_client.post(
        "/foren/expertinnen-team/", {"title": "Drittes Werkstattgespräch", "text": "Wer macht mit?"}
    )
    assert response.status_code == 302
    topic = Topic.objects.get()
    assert Subscription.objects.filter(object_id=topic.pk).count() == 1
    ct = ContentType.objects.get_for_model(topic)
    response = member_client.post(f"/diskussion/{ct.pk}/{topic.pk}/kommentieren/", {"text": "Ich!"})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.comment_count == 1
    assert "Ich!" in member_client.get(topic.get_absolute_url()).content.decode()


def test_visitors_read_public_forums_but_must_log_in_to_write(client, public_forum):
    topic = Topic.objects.create(forum=public_forum, title="Hallo Welt", text="Los geht's")
    assert client.get(topic.get_absolute_url()).status_code == 200
    response = client.post("/foren/offen/", {"title": "x", "text": "y"})
    assert response.status_code == 302
    assert "/konto/login/" in response.url


def test_empty_topic_is_an_error(member_client, private_forum):
    response = member_client.post("/foren/expertinnen-team/", {"title": "", "text": ""})
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not Topic.objects.exists()


def test_moderators_pin_and_lock(moderator, topic, member_client):
    client = Client()
    client.force_login(moderator)
    url = f"/foren/expertinnen-team/{topic.pk}/moderieren/"
    client.post(url, {"feld": "angeheftet", "wert": "1"})
    client.post(url, {"feld": "geschlossen", "wert": "1"})
    topic.refresh_from_db()
    assert topic.is_pinned and topic.is_locked
    ct = ContentType.objects.get_for_model(topic)
    response = member_client.post(
        f"/diskussion/{ct.pk}/{topic.pk}/kommentieren/", {"text": "Noch was"}
    )
    assert response.status_code == 403
    assert "geschlossen" in response.content.decode()
    assert member_client.post(url, {"feld": "geschlossen", "wert": "0"}).status_code == 403


def test_subscribe_and_unsubscribe(member_client, member, topic):
    ct = ContentType.objects.get_for_model(topic)
    url = f"/diskussion/{ct.pk}/{topic.pk}/abonnieren/"
    member_client.post(url, {"abonnieren": "1"})
    assert Subscription.objects.filter(user=member).count() == 1
    member_client.post(url, {"abonnieren": "0"})
    assert not Subscription.objects.filter(user=member).exists()


def test_unknown_comment_target_is_404(member_client):
    ct = ContentType.objects.get_for_model(UserFactory._meta.model)
    assert (
        member_client.post(f"/diskussion/{ct.pk}/1/kommentieren/", {"text": "x"}).status_code == 404
    )
    assert member_client.post("/diskussion/99999/1/kommentieren/", {"text": "x"}).status_code == 404


ROLES = ["anonymous", "member", "outsider", "moderator", "staff"]
LOGIN = "login"


@pytest.fixture
def actors(member, moderator):
    return {
        "member": member,
        "outsider": UserFactory(),
        "moderator": moderator,
        "staff": UserFactory(is_staff=True, is_superuser=True),
    }


MATRIX = [
    ("/thesen/", dict.fromkeys(ROLES, 200)),
    ("/thesen/these-1/", dict.fromkeys(ROLES, 200)),
    ("/thesen/gibt-es-nicht/", dict.fromkeys(ROLES, 404)),
    ("/foren/", dict.fromkeys(ROLES, 200)),
    ("/foren/expertinnen-team/", {**dict.fromkeys(ROLES, 200), "anonymous": 404, "outsider": 404}),
    (
        "/foren/expertinnen-team/{topic}/",
        {**dict.fromkeys(ROLES, 200), "anonymous": 404, "outsider": 404},
    ),
    ("/kommentare/{comment}/", dict.fromkeys(ROLES, 302)),
    (
        "/kommentare/{private_comment}/",
        {**dict.fromkeys(ROLES, 302), "anonymous": 404, "outsider": 404},
    ),
    ("/kommentare/{comment}/antworten/", {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}),
    ("/kommentare/{comment}/melden/", {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}),
    (
        "/kommentare/{comment}/bearbeiten/",
        {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "member": 200},
    ),
    (
        "/kommentare/{comment}/loeschen/",
        {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "member": 200},
    ),
    (
        "/moderation/",
        {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "moderator": 200, "staff": 200},
    ),
]


@pytest.mark.parametrize(
    ("url", "role", "expected"), [(u, r, e[r]) for u, e in MATRIX for r in ROLES]
)
def test_permission_matrix(client, actors, thesis, topic, make_comment, url, role, expected):
    comment = make_comment(thesis, author=actors["member"])
    private_comment = make_comment(topic, author=actors["member"])
    if role != "anonymous":
        client.force_login(actors[role])
    response = client.get(
        url.format(comment=comment.pk, private_comment=private_comment.pk, topic=topic.pk)
    )
    if expected == LOGIN:
        assert response.status_code == 302
        assert "/konto/login/" in response.url
    else:
        assert response.status_code == expected


def test_deleting_an_account_keeps_comments_under_deleted_member(
    client, member, password, thesis, make_comment
):
    mine = make_comment(thesis, author=member, text="Meine Sicht bleibt")
    make_comment(thesis, parent=mine, text="Antwort darauf")
    client.force_login(member)
    exported = client.get("/profil/daten/").json()
    assert exported["diskussion"]["kommentare"][0]["text"] == "Meine Sicht bleibt"
    client.post("/profil/loeschen/", {"password": password})
    mine.refresh_from_db()
    assert mine.author is None
    html = Client().get(thesis.get_absolute_url()).content.decode()
    assert "Meine Sicht bleibt" in html
    assert "gelöschtes Mitglied" in html
    assert "Miriam Muster" not in html
