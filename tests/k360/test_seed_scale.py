import pytest
from django.core.management import CommandError, call_command

from blog.models import Post
from events.models import Event
from forums.models import Comment, Thesis
from k360 import scale
from k360.models import SearchDocument
from network.models import Municipality, User
from newsletters.models import Subscriber
from tests.factories import UserFactory

# A hundredth of the network: 5 municipalities, 100 members, 10 comments per thesis …
FACTOR = 0.01


@pytest.fixture
def seeded(db):
    call_command("seed_scale", scale=FACTOR, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return scale.Counts().scaled(FACTOR)


def test_scaled_counts_keep_the_four_theses():
    counts = scale.Counts().scaled(FACTOR)
    assert (counts.theses, counts.comments_per_thesis, counts.members) == (4, 10, 100)
    assert scale.Counts().scaled(1.0) == scale.Counts()


def test_seed_scale_builds_the_network(seeded):
    assert Municipality.objects.count() == seeded.municipalities == 5
    assert User.objects.filter(email__endswith=f"@{scale.DOMAIN}").count() == 100
    assert Post.objects.published().count() == 20
    assert Event.objects.published().count() == 3
    assert Subscriber.objects.count() == 100
    assert SearchDocument.objects.count() == 500
    for municipality in Municipality.objects.all():
        municipality.full_clean()  # AGS matches the Land, coordinates inside Germany
    theses = Thesis.objects.published().with_comment_counts()
    assert [thesis.comment_count for thesis in theses] == [10, 10, 10, 10]


def test_a_thesis_page_shows_its_discussion(client, seeded):
    thesis = Thesis.objects.first()
    response = client.get(thesis.get_absolute_url())
    assert response.status_code == 200
    assert response.context["page_obj"].comment_count == 10
    html = response.content.decode()
    for comment in Comment.objects.for_target(thesis):
        assert f'id="kommentar-{comment.pk}"' in html


def test_the_search_finds_the_seeded_documents(client, seeded):
    response = client.get("/suche/", {"q": "Planung"})
    assert response.status_code == 200
    assert response.context["results"].total > 20
    assert len(response.context["hits"]) == 20


def test_lists_and_details_answer(client, seeded):
    post = Post.objects.published().latest_first().first()
    event = Event.objects.published().upcoming().filter(audience="public").first()
    for url in ["/", "/blog/", post.get_absolute_url(), "/veranstaltungen/"]:
        assert client.get(url).status_code == 200, url
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert event.title in response.content.decode()


def test_seed_scale_runs_once(seeded):
    with pytest.raises(CommandError, match="enthält das Skalen-Netzwerk schon"):
        call_command("seed_scale", scale=FACTOR)


@pytest.mark.django_db
def test_seed_scale_refuses_a_database_with_content():
    UserFactory()
    with pytest.raises(CommandError, match="nur eine leere Datenbank"):
        call_command("seed_scale", scale=FACTOR)
    assert not Municipality.objects.exists()
