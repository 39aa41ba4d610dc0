from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from k360 import search
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


def hits(query, kind=None):
    results = search.search(query, ANONYMOUS, kind)
    return results.hits[0 : results.total] if results.hits else []


def test_a_published_post_is_found_as_aktuelles():
    post = PostFactory(
        title="Zweites Treffen der Expert:innen", body="Tipps zur **Sozialplanung**."
    )
    (hit,) = hits("Sozialplanung")
    assert (hit.kind, hit.kind_label, hit.url) == ("post", "Aktuelles", post.get_absolute_url())
    assert hit.title == "Zweites Treffen der Expert:innen"
    assert "<mark>Sozialplanung</mark>" in hit.snippet
    assert "**" not in hit.snippet  # the text, not the Markdown


def test_drafts_and_scheduled_posts_are_not_found():
    PostFactory(status="draft", body="Geheime Haushaltsplanung")
    scheduled = PostFactory(
        body="Künftige Haushaltsplanung", published_at=timezone.now() + timedelta(days=2)
    )
    assert hits("Haushaltsplanung") == []
    scheduled.published_at = timezone.now() - timedelta(minutes=1)
    scheduled.save()
    assert [hit.url for hit in hits("Haushaltsplanung")] == [scheduled.get_absolute_url()]


def test_comments_on_a_post_follow_its_publication(make_comment):
    post = PostFactory(title="Herbstforum")
    make_comment(post, text="Danke für die Mitdenker:innen-Runde zur Angebotsanalyse")
    (hit,) = hits("Angebotsanalyse")
    assert hit.kind == "comment"
    assert hit.context == "zu Herbstforum"
    post.status = "draft"
    post.save()
    assert hits("Angebotsanalyse") == []
    assert hits("Herbstforum") == []


def test_reindex_includes_posts():
    PostFactory(body="Weltoffene Kommune")
    from k360.models import SearchDocument

    SearchDocument.objects.all().delete()
    search.reindex()
    assert [hit.kind for hit in hits("Weltoffene")] == ["post"]
