from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import Post
from tests.factories import PostFactory, UserFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def editor(db):
    return UserFactory(name="Rita Redaktion", groups=["Redaktion"])


@pytest.fixture
def draft(db):
    return PostFactory(title="Geheimer Entwurf", slug="geheimer-entwurf", status=Post.Status.DRAFT)


@pytest.fixture
def scheduled(db):
    return PostFactory(
        title="Geplanter Beitrag",
        slug="geplanter-beitrag",
        published_at=timezone.now() + timedelta(days=2),
    )


def bulk_posts(count: int, tags: tuple[str, ...] = ()) -> list[Post]:
    """Many public posts at once (bulk_create: no per-row save), tagged alike."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import Tag, TaggedItem

    now = timezone.now()
    start = Post.objects.count()
    posts = Post.objects.bulk_create(
        Post(
            title=f"Massenbeitrag {start + n}",
            slug=f"massenbeitrag-{start + n}",
            lead="Vorspann",
            body="Text",
            body_html="<p>Text</p>",
            status=Post.Status.PUBLISHED,
            published_at=now - timedelta(days=2, minutes=start + n),
        )
        for n in range(count)
    )
    content_type = ContentType.objects.get_for_model(Post)
    tag_rows = [Tag.objects.get_or_create(name=name)[0] for name in tags]
    TaggedItem.objects.bulk_create(
        TaggedItem(tag=tag, content_type=content_type, object_id=post.pk)
        for post in posts
        for tag in tag_rows
    )
    return posts
