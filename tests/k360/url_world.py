"""One small world with an object behind every route of the URL configuration, the six roles of
the security sweep, and a concrete URL for every route (tests/urlconf.py walks the routes).

The roles:
- anonymous: nobody logged in;
- member: a member of Jena who coordinates Jena's Selbstcheck round, belongs to the private
  forum, is registered for the barcamp and wrote the comment on the thesis;
- other: a member of another municipality (Erfurt), a coordinator there;
- moderator: group Moderation;
- organiser: group Organisation and named organiser of the events;
- staff: is_staff and is_superuser.
"""

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from taggit.models import Tag

from blog.models import Post
from events import services as event_services
from events.models import Report, Session
from forums.models import Forum, Thesis, Topic
from forums.services import comment_insert
from k360.models import OutgoingEmail
from network.models import MembershipApplication
from network.services import invitation_token
from newsletters import tokens
from newsletters.models import Delivery, Newsletter, Subscriber
from newsletters.models import Topic as NewsletterTopic
from selfcheck.models import Indicator, Participant
from tests.factories import (
    EventFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PostFactory,
    RegistrationFactory,
    ThesisFactory,
    UserFactory,
)
from tests.selfcheck.builders import join, make_questionnaire, make_round
from tests.urlconf import Route

ROLES = ["anonymous", "member", "other", "moderator", "organiser", "staff"]


def build() -> dict:
    """The people (by role) and the values for the route parameters."""
    jena = MunicipalityFactory(name="Jena", slug="jena")
    erfurt = MunicipalityFactory(name="Erfurt", slug="erfurt")
    member = UserFactory(
        name="Mara Mitglied", email="mara@example.org", municipality=jena, is_coordinator=True
    )
    organiser = UserFactory(name="Olga Orga", groups=["Organisation"])
    people = {
        "member": member,
        "other": UserFactory(name="Erik Erfurt", municipality=erfurt, is_coordinator=True),
        "moderator": UserFactory(name="Mona Moderation", groups=["Moderation"]),
        "organiser": organiser,
        "staff": UserFactory(name="Stella Staff", is_staff=True, is_superuser=True),
    }

    # Selbstcheck: Jena's round, coordinated by the member, with an open invitation.
    round_ = make_round(make_questionnaire(), municipality=jena, coordinator=member)
    join(round_, UserFactory(name="Kai Kollege", municipality=jena), "sozialamt")
    invitation = Participant.objects.create(round=round_, email="offen@example.org")

    # Forums: a thesis with the member's comment, a private forum with a topic.
    thesis = ThesisFactory(
        number=1,
        title="Kommunales Handeln entscheidet",
        slug="these-1",
        lead="Vorspann.",
        body="Text.",
    )
    comment = comment_insert(
        target=thesis, author=member, source="Ein Beitrag.", stance="zustimmung"
    )
    forum = Forum.objects.create(name="Team", slug="team", visibility=Forum.Visibility.PRIVATE)
    forum.members.add(member)
    topic = Topic.objects.create(forum=forum, title="Werkstatt", text="Ideen?", author=member)

    # Blog: a published post and a draft.
    post = PostFactory(slug="beitrag", category="aktuelles")
    draft = PostFactory(slug="entwurf", status=Post.Status.DRAFT)

    # Events: a public barcamp by the organiser, the member registered, a session, a report.
    barcamp = EventFactory(slug="barcamp", kind="barcamp", organisers=[organiser])
    event_services.registration_create(event=barcamp, user=member)
    session = Session.objects.create(
        event=barcamp, proposer=member, title="Daten teilen", description="…"
    )
    Report.objects.create(event=barcamp, title="Doku", lead="L", body="B", status="published")
    guest = RegistrationFactory(event=barcamp)

    # Network: an approved application with its invitation link.
    application = MembershipApplication.objects.create(
        name="Anna Antrag",
        email="anna@example.org",
        organisation="Stadt Jena",
        municipality=jena,
        function="Planerin",
        sector="verwaltung",
        motivation="Austausch",
        consent_version="1",
        consent_at=timezone.now(),
        status=MembershipApplication.Status.APPROVED,
        decided_at=timezone.now(),
    )

    # Newsletters: a pending and a confirmed address, an issue in the archive, a delivery.
    Subscriber.objects.create(email="offen@example.org")
    reader = Subscriber.objects.create(email="leser@example.org", status="confirmed")
    issue = Newsletter.objects.create(
        subject="Archiv",
        slug="archiv-ausgabe",
        in_archive=True,
        body="Text",
        status=Newsletter.Status.SENT,
        finished_at=timezone.now(),
    )
    Delivery.objects.create(newsletter=issue, email=reader.email, subscriber=reader)
    NewsletterTopic.objects.get_or_create(slug="praxis", defaults={"name": "Praxis"})

    # What only the admin lists: one row each, so that every change page has an object (the
    # user sessions come with the logins of tests/k360/conftest.py).
    OutgoingEmail.objects.create(
        template="test",
        from_email="a@example.org",
        to=["b@example.org"],
        subject="S",
        body_text="T",
    )
    RecoveryCodes.activate(people["staff"])
    OrganisationFactory(name="Stadtverwaltung Jena")
    Tag.objects.get_or_create(name="Jugendhilfe")
    Group.objects.get_or_create(name="Moderation")

    thesis_type = ContentType.objects.get_for_model(Thesis)
    values = {
        # Keyed by route key, then parameter name; what is not here comes from DEFAULTS.
        "network:municipality-detail": {"slug": jena.slug},
        "network:member-detail": {"pk": member.pk},
        "network:member-contact": {"pk": member.pk},
        "network:invitation": {"token": invitation_token(application)},
        "blog:post-detail": {"slug": post.slug},
        "blog:post-preview": {"pk": draft.pk},
        "events:registration-confirm": {"token": guest.token},
        "events:registration-manage": {"token": guest.token},
        "events:session-vote": {"slug": barcamp.slug, "pk": session.pk},
        "events:session-notes": {"slug": barcamp.slug, "pk": session.pk},
        "selfcheck:answer-save": {
            "pk": round_.pk,
            "section": "f1",
            "indicator": Indicator.objects.get(code="F1.1").pk,
        },
        "selfcheck:invitation": {"token": invitation.token},
        "forums:thesis-detail": {"slug": thesis.slug},
        "forums:forum-detail": {"forum": forum.slug},
        "forums:topic-detail": {"forum": forum.slug, "pk": topic.pk},
        "forums:topic-moderate": {"forum": forum.slug, "pk": topic.pk},
        "newsletters:confirm": {"token": tokens.confirm_token("offen@example.org")},
        "newsletters:manage": {"token": tokens.unsubscribe_token(reader.email)},
        "newsletters:one-click": {"token": tokens.unsubscribe_token(reader.email)},
        "newsletters:archive-detail": {"slug": issue.slug},
        "admin:view_on_site": {"content_type_id": thesis_type.pk, "object_id": thesis.pk},
        "admin:auth_user_password_change": {"id": member.pk},
    }
    defaults = {
        "events:": {"slug": barcamp.slug},
        "selfcheck:": {"pk": round_.pk, "section": "f1"},
        "forums:": {
            "pk": comment.pk,
            "content_type_id": thesis_type.pk,
            "object_id": thesis.pk,
            "action": "ausblenden",
        },
        "blog:": {"category": "aktuelles"},
        "admin:": {"app_label": "network"},
        "": {"key": "ungueltig", "uidb36": "1", "url": "gibt-es-nicht/"},
    }
    return {"people": people, "values": values, "defaults": defaults}


def _admin_object(route: Route) -> int:
    """The first row of the model an admin route belongs to (admin/<app>/<model>/…)."""
    _admin, app_label, model_name = route.pattern.split("/")[:3]
    row = apps.get_model(app_label, model_name).objects.order_by("pk").first()
    assert row is not None, f"no {app_label}.{model_name} in the world"
    return row.pk


def url(world: dict, route: Route) -> str:
    """The route's URL, with the world's objects in it."""
    values = {}
    for prefix, given in world["defaults"].items():
        if route.key.startswith(prefix) or not prefix:
            values = {**given, **values}
    values.update(world["values"].get(route.key, {}))
    if "object_id" in route.parameters and "object_id" not in values:
        values["object_id"] = _admin_object(route)
    return route.url(values)
