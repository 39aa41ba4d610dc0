from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from forums.models import Forum, Thesis, Topic
from forums.services import comment_insert
from tests.factories import ThesisFactory, UserFactory


@pytest.fixture
def thesis(db):
    return ThesisFactory(
        number=1,
        title="Kommunales Handeln entscheidet die Zukunftschancen junger Menschen",
        slug="these-1",
        lead="Kommunen prägen das Aufwachsen.",
        body="Ein **Text** zur These.",
    )


@pytest.fixture
def closed_thesis(db):
    return Thesis.objects.create(
        number=4,
        title="Integrierte Planung braucht umfassenden Wandel",
        slug="these-4",
        lead="Wandel braucht Unterstützung.",
        body="Text.",
        summary="Die Diskussion hat *gezeigt*, dass Haltung zählt.",
        opens_at=timezone.now() - timedelta(days=60),
        closes_at=timezone.now() - timedelta(days=1),
    )


@pytest.fixture
def moderator(db):
    user = UserFactory(name="Mona Moderation")
    user.groups.add(Group.objects.get(name="Moderation"))
    return user


@pytest.fixture
def private_forum(db, member):
    forum = Forum.objects.create(
        name="Expert:innen-Team", slug="expertinnen-team", visibility=Forum.Visibility.PRIVATE
    )
    forum.members.add(member)
    return forum


@pytest.fixture
def topic(private_forum, member):
    return Topic.objects.create(
        forum=private_forum, title="Werkstattgespräch", text="Ideen?", author=member
    )


@pytest.fixture
def make_comment():
    def make(target, author=None, text="Ein Beitrag.", stance="", parent=None, **kwargs):
        if parent is None and getattr(target, "stance_required", False) and not stance:
            stance = "zustimmung"
        return comment_insert(
            target=target,
            author=author or UserFactory(),
            source=text,
            stance=stance,
            parent=parent,
            **kwargs,
        )

    return make
