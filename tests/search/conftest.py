from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from forums.models import Forum, Thesis, Topic
from forums.services import comment_insert
from tests.factories import UserFactory


@pytest.fixture
def make_thesis(db):
    def make(number=1, title="Eine These", lead="Ein Vorspann.", body="Ein Text.", **fields):
        fields.setdefault("opens_at", timezone.now() - timedelta(days=7))
        return Thesis.objects.create(
            number=number, title=title, slug=f"these-{number}", lead=lead, body=body, **fields
        )

    return make


@pytest.fixture
def thesis(make_thesis):
    return make_thesis(title="Kommunales Handeln", body="Planung braucht Mut.")


@pytest.fixture
def moderator(db):
    user = UserFactory(name="Mona Moderation")
    user.groups.add(Group.objects.get(name="Moderation"))
    return user


@pytest.fixture
def make_forum(db):
    def make(visibility, slug=None, members=()):
        forum = Forum.objects.create(
            name=f"Forum {visibility}", slug=slug or f"forum-{visibility}", visibility=visibility
        )
        forum.members.add(*members)
        return forum

    return make


@pytest.fixture
def make_topic(db):
    def make(forum, title="Ein Thema", text="Worum es geht."):
        return Topic.objects.create(forum=forum, title=title, text=text)

    return make


@pytest.fixture
def make_comment(db):
    def make(target, text="Ein Beitrag.", author=None, **kwargs):
        needs_stance = getattr(target, "stance_required", False) and "parent" not in kwargs
        stance = "zustimmung" if needs_stance else ""
        return comment_insert(
            target=target, author=author or UserFactory(), source=text, stance=stance, **kwargs
        )

    return make
