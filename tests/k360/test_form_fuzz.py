"""Every form a visitor or member can submit, fuzzed with Hypothesis: no input gives a 500.

FORMS lists the forms (POST) and filters (GET) with a strategy per field (tests/fuzz_strategies.py).
Hypothesis runs inside each test, so the database fixture and the objects the forms act on are
made once per form; each example then runs in a savepoint that is rolled back, with a fresh client
and an empty cache (rate limits live there), so what one example saves or counts can neither hide
nor cause an error in the next. The tasks a request schedules run before the rollback, as they
would after the commit. Every answer must be below 500; an error page must be German; a form shown
again with errors must show them, and none in Django's or allauth's English.

test_every_url_is_classified walks the URL configuration: a new URL fails it until it is either
fuzzed here or listed in NO_FORM with what it serves instead; test_pages_ignore_junk_parameters
then sends those pages junk query strings.

Derandomised: CI sees the same examples on every run. K360_FUZZ_REPORT=1 with -s prints the
answers each form gave; K360_FUZZ_SCALE=10 fuzzes ten times as long.
"""

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from urllib.parse import quote

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.context import Context
from django.test import Client
from django.test.utils import ContextList
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone, translation
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blog.models import Category
from events.models import Event, Registration, Session
from forums.models import Flag, Forum, Stance, Topic
from forums.services import comment_insert
from network.models import Bundesland, MembershipApplication, Sector
from network.services import invitation_token
from newsletters import tokens
from newsletters.models import Subscriber
from newsletters.models import Topic as NewsletterTopic
from selfcheck.models import Department, Participant, Scale
from tests import fuzz_strategies as fz
from tests.factories import (
    PASSWORD,
    EventFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PostFactory,
    RegistrationFactory,
    ThesisFactory,
    UserFactory,
)
from tests.selfcheck.builders import join, make_questionnaire, make_round

SCALE = float(os.environ.get("K360_FUZZ_SCALE", "1"))
FUZZ = settings(
    derandomize=True,  # the same examples on every run and machine: CI stays reproducible
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class World:
    """The objects the forms act on, made on first use inside the test's transaction."""

    @cached_property
    def municipality(self):
        return MunicipalityFactory(name="Oberhausen", slug="oberhausen")

    @cached_property
    def member(self):
        return UserFactory(
            name="Miriam Muster",
            email="miriam@example.org",
            municipality=self.municipality,
            is_coordinator=True,
        )

    @cached_property
    def organisation(self):
        return OrganisationFactory(name="Auridis Stiftung")

    @cached_property
    def other(self):
        return UserFactory(name="Olaf Anders", email="olaf@example.org")

    @cached_property
    def organiser(self):
        return UserFactory(name="Olga Orga", groups=["Organisation"])

    @cached_property
    def moderator(self):
        return UserFactory(name="Mona Moderation", groups=["Moderation"])

    @cached_property
    def staff(self):
        return UserFactory(name="Stefan Staff", is_staff=True, is_superuser=True)

    @cached_property
    def totp_user(self):
        user = UserFactory(name="Tara Totp", email="tara@example.org")
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        TOTP.activate(user, generate_totp_secret())
        return user

    def user(self, role: str):
        return None if role == "anonymous" else getattr(self, role)

    @cached_property
    def thesis(self):
        return ThesisFactory(
            number=1,
            title="Kommunales Handeln",
            slug="these-1",
            lead="Vorspann.",
            body="Text.",
        )

    @cached_property
    def post(self):
        return PostFactory(title="Neues aus dem Netzwerk", slug="neues", tags=["Kita"])

    @cached_property
    def forum(self):
        return Forum.objects.create(
            name="Offenes Forum", slug="offen", visibility=Forum.Visibility.PUBLIC
        )

    @cached_property
    def topic(self):
        return Topic.objects.create(
            forum=self.forum, title="Werkstatt", text="Ideen?", author=self.other
        )

    @cached_property
    def comment(self):
        """The member's own comment on the thesis: to reply to, edit, delete and flag."""
        return comment_insert(
            target=self.thesis, author=self.member, source="Ein Beitrag.", stance="zustimmung"
        )

    def content_type_id(self, obj) -> int:
        return ContentType.objects.get_for_model(obj).pk

    @cached_property
    def event(self):
        return EventFactory(title="Werkstattgespräch", slug="werkstatt")

    @cached_property
    def member_registration(self):
        return RegistrationFactory(
            event=self.event, user=self.member, name="Miriam Muster", email=self.member.email
        )

    @cached_property
    def pending_registration(self):
        return RegistrationFactory(
            event=self.event, status=Registration.Status.PENDING, confirmed_at=None
        )

    @cached_property
    def barcamp(self):
        event = EventFactory(kind="barcamp", title="Barcamp", slug="barcamp")
        event.organisers.add(self.organiser)
        RegistrationFactory(
            event=event, user=self.member, name="Miriam Muster", email=self.member.email
        )
        return event

    @cached_property
    def session(self):
        from events.models import Room, TimeSlot

        start = self.barcamp.starts_at
        Room.objects.create(event=self.barcamp, name="Raum A", order=0)
        TimeSlot.objects.create(
            event=self.barcamp, starts_at=start, ends_at=start + timedelta(hours=1)
        )
        return Session.objects.create(
            event=self.barcamp, title="Daten teilen", description="Wie?", proposer=self.member
        )

    @cached_property
    def round(self):
        return make_round(
            make_questionnaire(), municipality=self.municipality, coordinator=self.member
        )

    @cached_property
    def section(self):
        return self.round.questionnaire.sections.order_by("order").first()

    @cached_property
    def invitation(self):
        """An open invitation to the round, for the other member to accept."""
        other_round = make_round(make_questionnaire(key="zwei"))
        join(other_round, UserFactory(municipality=other_round.municipality), "sozialamt")
        return Participant.objects.create(round=other_round, email=self.member.email)

    @cached_property
    def application_token(self):
        application = MembershipApplication.objects.create(
            name="Anna Antrag",
            email="anna@example.org",
            organisation="Stadt Jena",
            function="Planerin",
            sector=Sector.VERWALTUNG,
            motivation="Mitmachen.",
            consent_version="1",
            consent_at=timezone.now(),
            status=MembershipApplication.Status.APPROVED,
        )
        return invitation_token(application)

    @cached_property
    def subscriber(self):
        NewsletterTopic.objects.create(slug="kita", name="Kita")
        NewsletterTopic.objects.create(slug="schule", name="Schule")
        return Subscriber.objects.create(
            email="leserin@example.org",
            status=Subscriber.Status.CONFIRMED,
            confirmed_at=timezone.now(),
        )

    @cached_property
    def pending(self):
        return Subscriber.objects.create(
            email="neu@example.org", status=Subscriber.Status.PENDING, signed_up_at=timezone.now()
        )

    @cached_property
    def newsletter_topic_ids(self) -> list[str]:
        self.subscriber
        return [str(pk) for pk in NewsletterTopic.objects.values_list("pk", flat=True)]

    @cached_property
    def unverified(self):
        user = UserFactory(name="Nina Neu", email="nina@example.org")
        return EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": False, "primary": True}
        )[0]

    @cached_property
    def reset_path(self) -> str:
        user = self.other
        key = default_token_generator.make_token(user)
        return f"/konto/password/reset/key/{user_pk_to_url_str(user)}-{key}/"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return World()


# --- The forms -------------------------------------------------------------------------------

Fields = Callable[[World], dict[str, "fz.Field | st.SearchStrategy[str]"]]
Url = Callable[[World], "str | st.SearchStrategy[str]"]


@dataclass(frozen=True)
class Form:
    """One form (POST) or filter (GET): who sends it, where to, and what each field may be."""

    url_name: str
    role: str  # anonymous, member, organiser, moderator, staff, totp_user
    url: Url
    fields: Fields = lambda w: {}
    method: str = "post"
    label: str = ""
    htmx: bool = False  # also send it as htmx does
    before: Callable[[Client, World], None] | None = None  # e.g. a first step in the session
    count: int | None = None  # examples; by default more for a form with more fields

    def examples(self, much_to_vary: bool) -> int:
        count = self.count or (20 if much_to_vary else 8)
        return max(1, round(count * SCALE))

    @property
    def id(self) -> str:
        return f"{self.url_name}:{self.role}{':' + self.label if self.label else ''}"


def _once(*objects, then: str) -> str:
    """The address, once the objects it shows exist (made before the first savepoint)."""
    return then


def _path(template: str, strategy: st.SearchStrategy[str], valid: str = "") -> st.SearchStrategy:
    """An address with one fuzzed path segment (percent-encoded), often the valid one."""
    segments = strategy
    if valid:  # two in three examples reach the form behind the address
        segments = st.integers(0, 2).flatmap(lambda i: strategy if i == 0 else st.just(valid))
    return segments.map(lambda v: template.format(quote(v, safe="")))


T = fz.text
MARKDOWN = 10_000


def _comment(w):
    return {"text": T(MARKDOWN), "stance": fz.choice(Stance.values)}


def _answers(w):
    fields = {}
    for indicator in w.section.indicators.all():
        fields[f"i{indicator.pk}"] = fz.choice([str(v) for v in Scale.values])
        fields[f"c{indicator.pk}"] = T(2000)
    fields["weiter"] = fz.choice(["f1", "f2"])
    return fields


def _tiny_png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (3, 2), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


_TINY_PNG = _tiny_png()


def _avatar() -> fz.Field:
    # A PNG header claiming 30000 × 30000 pixels: a decompression bomb.
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x75\x30\x00\x00\x75\x30\x08\x06\x00\x00\x00"
    contents = st.one_of(st.binary(max_size=512), st.just(png), st.just(b"GIF89a\x01\x00"))
    names = st.sampled_from(["bild.png", "bild.jpg", "x", "../../bild.webp", "bild\x00.png"])
    kinds = st.sampled_from(["image/png", "image/jpeg", "text/html", ""])

    def upload(content, name, kind):
        return SimpleUploadedFile(name, content, content_type=kind)

    return fz.Field(
        st.builds(upload, st.just(_TINY_PNG), st.just("bild.png"), st.just("image/png")),
        st.builds(upload, st.one_of(st.just(_TINY_PNG), contents), names, kinds),
    )


def _login_as_totp_user(client: Client, w: World) -> None:
    response = client.post("/konto/login/", {"login": w.totp_user.email, "password": PASSWORD})
    assert response.status_code == 302 and "/2fa/authenticate/" in response.url, response


def _reset_step(client: Client, w: World) -> None:
    client.get(w.reset_path)  # allauth keeps the key in the session and sends one on


FORMS: list[Form] = [
    # Accounts (allauth)
    Form(
        "account_login",
        "anonymous",
        lambda w: "/konto/login/",
        lambda w: {
            "login": fz.email().also(w.member.email),
            "password": T().also(PASSWORD),
            "remember": fz.boolean(),
        },
    ),
    Form(
        "account_login",
        "anonymous",
        lambda w: st.builds(
            lambda n: f"/konto/login/?next={quote(n, safe='')}", fz.nasty_text(100)
        ),
        label="next",
        method="get",
    ),
    Form(
        "account_signup",
        "anonymous",
        lambda w: "/konto/signup/",
        lambda w: {
            "email": fz.email(),
            "password1": T(),
            "password2": T(),
            "name": T(150),
        },
    ),
    Form(
        "account_reset_password",
        "anonymous",
        lambda w: "/konto/password/reset/",
        lambda w: {"email": fz.email().also(w.member.email)},
    ),
    Form(
        "account_reset_password_from_key",
        "anonymous",
        lambda w: w.reset_path.replace(w.reset_path.split("-", 1)[1], "set-password/"),
        lambda w: {"password1": T(), "password2": T()},
        before=_reset_step,
    ),
    Form(
        "account_reset_password_from_key",
        "anonymous",
        lambda w: _path("/konto/password/reset/key/{}/", fz.token(), w.reset_path.split("/")[-2]),
        lambda w: {"password1": T(), "password2": T()},
        label="key",
    ),
    Form(
        "account_confirm_email",
        "anonymous",
        lambda w: _path(
            "/konto/confirm-email/{}/", fz.token(), EmailConfirmationHMAC(w.unverified).key
        ),
    ),
    Form(
        "account_confirm_login_code",
        "anonymous",
        lambda w: "/konto/login/code/confirm/",
        lambda w: {"code": T(20)},
    ),
    Form(
        "mfa_authenticate",
        "anonymous",
        lambda w: _once(w.totp_user, then="/konto/2fa/authenticate/"),
        lambda w: {"code": fz.number(0, 999999)},
        before=_login_as_totp_user,
    ),
    Form("account_logout", "member", lambda w: "/konto/logout/"),
    Form(
        "account_reauthenticate",
        "member",
        lambda w: "/konto/reauthenticate/",
        lambda w: {"password": T().also(PASSWORD)},
    ),
    Form(
        "account_change_password",
        "member",
        lambda w: "/konto/password/change/",
        lambda w: {
            "oldpassword": T().also(PASSWORD),
            "password1": T(),
            "password2": T(),
        },
    ),
    Form(
        "account_set_password",
        "member",
        lambda w: "/konto/password/set/",
        lambda w: {"password1": T(), "password2": T()},
    ),
    Form(
        "account_email",
        "member",
        lambda w: "/konto/email/",
        lambda w: {
            "email": fz.email().also(w.member.email),
            "action_add": fz.boolean(),
            "action_send": fz.boolean(),
            "action_remove": fz.boolean(),
            "action_primary": fz.boolean(),
        },
    ),
    Form(
        "mfa_reauthenticate",
        "totp_user",
        lambda w: "/konto/2fa/reauthenticate/",
        lambda w: {"code": fz.number(0, 999999)},
    ),
    Form(
        "mfa_activate_totp",
        "member",
        lambda w: "/konto/2fa/totp/activate/",
        lambda w: {"code": fz.number(0, 999999), "signed_secret": T(100)},
    ),
    Form("mfa_deactivate_totp", "totp_user", lambda w: "/konto/2fa/totp/deactivate/"),
    Form(
        "mfa_generate_recovery_codes", "totp_user", lambda w: "/konto/2fa/recovery-codes/generate/"
    ),
    Form("usersessions_list", "member", lambda w: "/konto/sessions/"),
    # Network: profile, privacy, directory, contact, application, invitation
    Form(
        "profile",
        "member",
        lambda w: "/profil/",
        lambda w: {
            "name": T(150),
            "function": T(200),
            "sector": fz.choice(Sector.values),
            "organisation": fz.choice(["", str(w.organisation.pk)]),
            "organisation_name": T(200),
            "municipality": fz.choice([str(w.municipality.pk)]),
            "topics": T(300).also('"Kita, Schule", Jugend'),
            "bio": T(2000),
            "avatar": _avatar(),
            "avatar-clear": fz.Field(st.just(""), fz.boolean().any),
            "profile_visibility": fz.choice(["members", "public", "hidden"]),
            "show_email": fz.boolean(),
            "notify_replies": fz.boolean(),
            "notify_forums": fz.boolean(),
            "notify_events": fz.boolean(),
        },
    ),
    Form("my-data", "member", lambda w: "/profil/daten/"),
    Form("account-delete", "member", lambda w: "/profil/loeschen/", lambda w: {"password": T()}),
    Form(
        "network:member-list",
        "member",
        lambda w: "/netzwerk/mitglieder/",
        lambda w: {
            "q": T(100),
            "sector": fz.choice(Sector.values),
            "land": fz.choice(Bundesland.values),
            "kommune": fz.choice([w.municipality.slug]),
            "thema": fz.choice(["kita"]),
            "page": fz.number(1, 3),
        },
        method="get",
    ),
    Form(
        "network:member-contact",
        "member",
        lambda w: _path("/netzwerk/mitglieder/{}/kontakt/", fz.number().any, str(w.other.pk)),
        lambda w: {"subject": T(150), "message": T(5000)},
    ),
    Form(
        "network:application",
        "anonymous",
        lambda w: "/netzwerk/mitmachen/",
        lambda w: {
            "name": T(150),
            "email": fz.email().also(w.member.email),
            "organisation": T(200),
            "municipality": fz.choice([str(w.municipality.pk)]),
            "municipality_name": T(200),
            "function": T(200),
            "sector": fz.choice(Sector.values),
            "motivation": T(3000),
            "consent": fz.boolean(),
        },
    ),
    Form(
        "network:invitation",
        "anonymous",
        lambda w: _path("/netzwerk/mitmachen/einladung/{}/", fz.token(), w.application_token),
        lambda w: {"password1": T(), "password2": T()},
    ),
    # Theses, forums and comments
    Form(
        "forums:thesis-detail",
        "anonymous",
        lambda w: f"/thesen/{w.thesis.slug}/",
        lambda w: {
            "seite": fz.number(1, 3),
            "sortierung": fz.choice(["neueste", "aelteste", "antworten"]),
            "haltung": fz.choice(Stance.values),
        },
        method="get",
    ),
    Form(
        "forums:comment-create",
        "member",
        lambda w: f"/diskussion/{w.content_type_id(w.thesis)}/{w.thesis.pk}/kommentieren/",
        _comment,
        label="thesis",
    ),
    Form(
        "forums:comment-create",
        "member",
        lambda w: f"/diskussion/{w.content_type_id(w.post)}/{w.post.pk}/kommentieren/",
        _comment,
        label="post",
    ),
    Form(
        "forums:comment-create",
        "member",
        lambda w: st.builds(
            lambda ct, pk: f"/diskussion/{ct}/{pk}/kommentieren/",
            fz.number(0, 60).any.filter(str.isdigit),
            fz.number(0, 5).any.filter(str.isdigit),
        ),
        _comment,
        label="any-target",
    ),
    Form(
        "forums:subscription-toggle",
        "member",
        lambda w: f"/diskussion/{w.content_type_id(w.topic)}/{w.topic.pk}/abonnieren/",
        lambda w: {"abonnieren": fz.boolean()},
    ),
    Form(
        "forums:comment-reply",
        "member",
        lambda w: f"/kommentare/{w.comment.pk}/antworten/",
        lambda w: {"text": T(MARKDOWN)},
        htmx=True,
    ),
    Form(
        "forums:comment-edit",
        "member",
        lambda w: f"/kommentare/{w.comment.pk}/bearbeiten/",
        lambda w: {"text": T(MARKDOWN)},
    ),
    Form("forums:comment-delete", "member", lambda w: f"/kommentare/{w.comment.pk}/loeschen/"),
    Form(
        "forums:comment-flag",
        "other",
        lambda w: f"/kommentare/{w.comment.pk}/melden/",
        lambda w: {"reason": fz.choice(Flag.Reason.values), "text": T(1000)},
    ),
    Form(
        "forums:forum-detail",
        "member",
        lambda w: f"/foren/{w.forum.slug}/",
        lambda w: {"title": T(200), "text": T(MARKDOWN)},
    ),
    Form(
        "forums:forum-detail",
        "anonymous",
        lambda w: f"/foren/{w.forum.slug}/",
        lambda w: {"seite": fz.number(1, 3)},
        method="get",
    ),
    Form(
        "forums:topic-detail",
        "anonymous",
        lambda w: f"/foren/{w.forum.slug}/{w.topic.pk}/",
        lambda w: {"seite": fz.number(1, 3), "sortierung": T(20), "haltung": T(20)},
        method="get",
    ),
    Form(
        "forums:moderation",
        "moderator",
        lambda w: "/moderation/",
        lambda w: {"seite": fz.number(1, 3)},
        method="get",
    ),
    Form(
        "forums:moderation-action",
        "moderator",
        lambda w: _path(
            f"/moderation/{w.comment.pk}/{{}}/",
            fz.choice(["ausblenden", "wiederherstellen", "geprueft"]).any.filter(
                lambda s: s and all(c.isalnum() or c in "-_" for c in s) and s.isascii()
            ),
        ),
        lambda w: {"reason": T(1000)},
    ),
    Form(
        "forums:topic-moderate",
        "moderator",
        lambda w: f"/foren/{w.forum.slug}/{w.topic.pk}/moderieren/",
        lambda w: {"feld": fz.choice(["angeheftet", "geschlossen"]), "wert": fz.boolean()},
    ),
    # Blog
    Form(
        "blog:post-list",
        "anonymous",
        lambda w: _once(w.post, then="/blog/"),
        lambda w: {
            "kategorie": fz.choice(Category.values),
            "thema": fz.choice(["kita"]),
            "jahr": fz.number(1990, 2100),
            "seite": fz.number(1, 3),
        },
        method="get",
    ),
    Form(
        "blog:post-detail",
        "anonymous",
        lambda w: f"/blog/{w.post.slug}/",
        lambda w: {"seite": fz.number(1, 3), "sortierung": T(20), "haltung": T(20)},
        method="get",
    ),
    Form(
        "blog:markdown-preview",
        "staff",
        lambda w: "/blog/vorschau/markdown/",
        lambda w: {"body": T(MARKDOWN)},
        count=10,  # staff only, and each example renders up to 100,000 characters of Markdown
    ),
    # Events
    Form(
        "events:event-list",
        "anonymous",
        lambda w: _once(w.event, then="/veranstaltungen/"),
        lambda w: {
            "zeit": fz.choice(["vergangen"]),
            "art": fz.choice(Event.Kind.values),
            "jahr": fz.number(1990, 2100),
            "seite": fz.number(1, 3),
        },
        method="get",
    ),
    Form(
        "events:register",
        "anonymous",
        lambda w: f"/veranstaltungen/{w.event.slug}/anmelden/",
        lambda w: {
            "name": T(150),
            "email": fz.email(),
            "organisation": T(200),
            "accessibility_needs": T(1000),
            "dietary_needs": T(300),
            "consent": fz.boolean(),
        },
    ),
    Form(
        "events:register",
        "member",
        lambda w: f"/veranstaltungen/{w.event.slug}/anmelden/",
        lambda w: {
            "organisation": T(200),
            "accessibility_needs": T(1000),
            "dietary_needs": T(300),
        },
    ),
    Form(
        "events:unregister",
        "member",
        lambda w: _once(w.member_registration, then=f"/veranstaltungen/{w.event.slug}/abmelden/"),
    ),
    Form(
        "events:registration-confirm",
        "anonymous",
        lambda w: _path(
            "/veranstaltungen/anmeldung/{}/bestaetigen/", fz.token(), w.pending_registration.token
        ),
    ),
    Form(
        "events:registration-manage",
        "anonymous",
        lambda w: _path("/veranstaltungen/anmeldung/{}/", fz.token(), w.pending_registration.token),
    ),
    Form(
        "events:session-propose",
        "member",
        lambda w: f"/veranstaltungen/{w.barcamp.slug}/sessions/vorschlagen/",
        lambda w: {
            "title": T(200),
            "description": T(2000),
            "format": fz.choice(Session.Format.values),
        },
    ),
    Form(
        "events:session-board",
        "anonymous",
        lambda w: _once(w.session, then=f"/veranstaltungen/{w.barcamp.slug}/sessions/"),
        lambda w: {"seite": fz.number(1, 3)},
        method="get",
    ),
    Form(
        "events:session-vote",
        "member",
        lambda w: f"/veranstaltungen/{w.barcamp.slug}/sessions/{w.session.pk}/interesse/",
        lambda w: {"seite": fz.number(1, 3)},
        htmx=True,
    ),
    Form(
        "events:session-notes",
        "member",
        lambda w: f"/veranstaltungen/{w.barcamp.slug}/sessions/{w.session.pk}/notizen/",
        lambda w: {"notes": T(10_000)},
    ),
    Form(
        "events:session-grid",
        "organiser",
        lambda w: f"/veranstaltungen/{w.barcamp.slug}/sessions/raster/",
        lambda w: {
            "session": fz.choice([str(w.session.pk)]),
            "room": fz.choice([str(pk) for pk in w.barcamp.rooms.values_list("pk", flat=True)]),
            "slot": fz.choice([str(pk) for pk in w.barcamp.slots.values_list("pk", flat=True)]),
        },
    ),
    Form(
        "events:participants-message",
        "organiser",
        lambda w: f"/veranstaltungen/{w.barcamp.slug}/teilnehmende/nachricht/",
        lambda w: {"subject": T(200), "body": T(10_000), "include_waitlist": fz.boolean()},
    ),
    # Selbstcheck
    Form(
        "selfcheck:round-create",
        "member",
        lambda w: _once(w.round, then="/selbstcheck/runden/neu/"),
        lambda w: {
            "questionnaire": fz.choice([str(w.round.questionnaire_id)]),
            "title": T(200),
            "department": fz.choice(Department.values),
            "prefill": fz.boolean(),
        },
    ),
    Form(
        "selfcheck:round-invite",
        "member",
        lambda w: f"/selbstcheck/runden/{w.round.pk}/einladen/",
        lambda w: {"email": fz.email().also(w.other.email)},
    ),
    Form(
        "selfcheck:round-remind", "member", lambda w: f"/selbstcheck/runden/{w.round.pk}/erinnern/"
    ),
    Form(
        "selfcheck:round-close",
        "member",
        lambda w: f"/selbstcheck/runden/{w.round.pk}/abschliessen/",
    ),
    Form(
        "selfcheck:answer-section",
        "member",
        lambda w: _path(f"/selbstcheck/runden/{w.round.pk}/fragen/{{}}/", st.just("x"), "f1"),
        _answers,
    ),
    Form(
        "selfcheck:answer-save",
        "member",
        lambda w: st.builds(
            lambda i: f"/selbstcheck/runden/{w.round.pk}/fragen/f1/{i}/",
            st.one_of(
                st.sampled_from([str(i.pk) for i in w.section.indicators.all()]),
                fz.number().any.filter(str.isdigit),
            ),
        ),
        lambda w: {
            **{
                f"i{i.pk}": fz.choice([str(v) for v in Scale.values])
                for i in w.section.indicators.all()
            },
            **{f"c{i.pk}": T(2000) for i in w.section.indicators.all()},
        },
        htmx=True,
    ),
    Form(
        "selfcheck:invitation",
        "member",
        lambda w: _path("/selbstcheck/einladung/{}/", fz.token(), w.invitation.token),
        lambda w: {"department": fz.choice(Department.values)},
    ),
    # Newsletter
    Form(
        "newsletters:subscribe",
        "anonymous",
        lambda w: "/newsletter/",
        lambda w: {
            "email": fz.email(),
            "name": T(150),
            "topics": fz.choice(w.newsletter_topic_ids),
            "consent": fz.boolean(),
        },
    ),
    Form(
        "newsletters:resend",
        "anonymous",
        lambda w: "/newsletter/neuer-link/",
        lambda w: {"email": fz.email()},
    ),
    *(
        Form(
            "newsletters:confirm",
            "anonymous",
            lambda w: _path(
                "/newsletter/bestaetigen/{}/", fz.token(), tokens.confirm_token(w.pending.email)
            ),
            method=method,
            label=method,
        )
        for method in ("get", "post")
    ),
    Form(
        "newsletters:manage",
        "anonymous",
        lambda w: _path(
            "/newsletter/abo/{}/", fz.token(), tokens.unsubscribe_token(w.subscriber.email)
        ),
        lambda w: {
            "action": fz.choice(["abmelden", "themen"]),
            "topics": fz.choice(w.newsletter_topic_ids),
        },
    ),
    Form(
        "newsletters:one-click",
        "anonymous",
        lambda w: _path(
            "/newsletter/abmelden/{}/", fz.token(), tokens.unsubscribe_token(w.subscriber.email)
        ),
        lambda w: {"List-Unsubscribe": fz.choice(["One-Click"])},
    ),
    Form("newsletters:member-subscribe", "member", lambda w: "/newsletter/profil/"),
    Form(
        "newsletters:archive",
        "anonymous",
        lambda w: "/newsletter/archiv/",
        lambda w: {"seite": fz.number(1, 3)},
        method="get",
    ),
    # Search
    Form(
        "search",
        "anonymous",
        lambda w: _once(w.post, w.event, then="/suche/"),
        lambda w: {
            "q": T(200).also("Kita", "Werkstatt"),
            "art": fz.choice(["beitraege", "veranstaltungen", "thesen", "kommunen", "mitglieder"]),
            "seite": fz.number(1, 3),
        },
        method="get",
    ),
    Form(
        "search",
        "member",
        lambda w: "/suche/",
        lambda w: {"q": T(200), "art": T(30), "seite": fz.number(1, 3)},
        method="get",
    ),
]


@dataclass(frozen=True)
class Page:
    """A URL without a form to submit: what it serves, and an address of it for the junk fuzz."""

    what: str
    url: Callable[[World], str]
    role: str = "anonymous"


R = "/selbstcheck/runden/{}/"
NO_FORM = {
    "home": Page("the home page", lambda w: "/"),
    "healthz": Page("a JSON status", lambda w: "/healthz"),
    "impressum": Page("a static page", lambda w: "/impressum/"),
    "datenschutz": Page("a static page", lambda w: "/datenschutz/"),
    "barrierefreiheit": Page("a static page", lambda w: "/barrierefreiheit/"),
    "django.contrib.sitemaps.views.sitemap": Page("the sitemap", lambda w: "/sitemap.xml"),
    "account_inactive": Page("an explanation", lambda w: "/konto/inactive/"),
    "account_email_verification_sent": Page("an explanation", lambda w: "/konto/confirm-email/"),
    "account_reset_password_done": Page("an explanation", lambda w: "/konto/password/reset/done/"),
    "account_reset_password_from_key_done": Page(
        "an explanation", lambda w: "/konto/password/reset/key/done/"
    ),
    # Reauthentication by emailed code is switched off (settings): 403 for everyone.
    "account_request_reauthentication_code": Page(
        "a switched-off form (403)", lambda w: "/konto/reauthenticate/code/"
    ),
    "account_confirm_reauthentication_code": Page(
        "a switched-off form (403)", lambda w: "/konto/reauthenticate/code/confirm/"
    ),
    "mfa_index": Page("the two-factor overview", lambda w: "/konto/2fa/", "member"),
    "mfa_view_recovery_codes": Page(
        "the recovery codes", lambda w: "/konto/2fa/recovery-codes/", "totp_user"
    ),
    "mfa_download_recovery_codes": Page(
        "the recovery codes as a file", lambda w: "/konto/2fa/recovery-codes/download/", "totp_user"
    ),
    "network:index": Page("the partner list and map", lambda w: "/netzwerk/"),
    "network:municipality-detail": Page(
        "a municipality's page", lambda w: f"/netzwerk/kommunen/{w.municipality.slug}/"
    ),
    "network:member-detail": Page(
        "a member's profile", lambda w: f"/netzwerk/mitglieder/{w.other.pk}/", "member"
    ),
    "network:application-done": Page("a thank-you page", lambda w: "/netzwerk/mitmachen/danke/"),
    "forums:thesis-list": Page("the list of theses", lambda w: "/thesen/"),
    "forums:forum-list": Page("the list of forums", lambda w: "/foren/"),
    "forums:comment-permalink": Page(
        "a redirect to the comment", lambda w: f"/kommentare/{w.comment.pk}/"
    ),
    "blog:feed": Page("an RSS feed", lambda w: "/blog/feed/"),
    "blog:feed-atom": Page("an Atom feed", lambda w: "/blog/feed/atom/"),
    "blog:category-feed": Page(
        "an RSS feed", lambda w: f"/blog/kategorie/{Category.values[0]}/feed/"
    ),
    "blog:category-feed-atom": Page(
        "an Atom feed", lambda w: f"/blog/kategorie/{Category.values[0]}/feed/atom/"
    ),
    "blog:post-preview": Page(
        "the editors' preview", lambda w: f"/blog/vorschau/{w.post.pk}/", "staff"
    ),
    "events:calendar": Page("an iCalendar feed", lambda w: "/veranstaltungen/kalender.ics"),
    "events:event-ics": Page("an iCalendar file", lambda w: f"/veranstaltungen/{w.event.slug}.ics"),
    "events:event-detail": Page(
        "the event page; its form posts to events:register",
        lambda w: f"/veranstaltungen/{w.event.slug}/",
    ),
    "events:participants": Page(
        "the organisers' list",
        lambda w: f"/veranstaltungen/{w.barcamp.slug}/teilnehmende/",
        "organiser",
    ),
    "events:participants-csv": Page(
        "the organisers' CSV",
        lambda w: f"/veranstaltungen/{w.barcamp.slug}/teilnehmende.csv",
        "organiser",
    ),
    "events:participants-checkin": Page(
        "the organisers' check-in list",
        lambda w: f"/veranstaltungen/{w.barcamp.slug}/teilnehmende/checkin/",
        "organiser",
    ),
    "events:report-detail": Page(
        "the Dokumentation; its comment form posts to forums:comment-create",
        lambda w: f"/veranstaltungen/{w.event.slug}/dokumentation/",
    ),
    "selfcheck:index": Page(
        "the overview; its form posts to selfcheck:round-create",
        lambda w: "/selbstcheck/",
        "member",
    ),
    "selfcheck:round-detail": Page(
        "a round; its forms post to invite, remind and close",
        lambda w: R.format(w.round.pk),
        "member",
    ),
    "selfcheck:answer-start": Page(
        "a redirect to the first Handlungsfeld",
        lambda w: R.format(w.round.pk) + "fragen/",
        "member",
    ),
    "selfcheck:evaluation": Page(
        "the evaluation", lambda w: R.format(w.round.pk) + "auswertung/", "member"
    ),
    "selfcheck:evaluation-pdf": Page(
        "the evaluation as PDF", lambda w: R.format(w.round.pk) + "auswertung.pdf", "member"
    ),
    "selfcheck:answers-csv": Page(
        "the answers as CSV", lambda w: R.format(w.round.pk) + "antworten.csv", "member"
    ),
    "newsletters:subscribe-done": Page("a thank-you page", lambda w: "/newsletter/danke/"),
    "newsletters:archive-detail": Page(
        "an archived issue", lambda w: "/newsletter/archiv/ausgabe-1/"
    ),
}


def _url_names() -> set[str]:
    """Every named URL outside the admin."""

    def walk(patterns, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = pattern.namespace or namespace
                if namespace and pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns, None))


def test_every_url_is_classified():
    fuzzed = {form.url_name for form in FORMS}
    names = _url_names()
    assert names - fuzzed - NO_FORM.keys() == set(), "neue URL: hier fuzzen oder in NO_FORM"
    assert (fuzzed | NO_FORM.keys()) - names == set(), "URL gibt es nicht mehr"
    assert fuzzed & NO_FORM.keys() == set()


# --- What every answer must satisfy ----------------------------------------------------------


def _english_messages() -> list[str]:
    """The start of Django's and allauth's English error messages: a German page shows none."""
    from allauth.account.adapter import DefaultAccountAdapter
    from django.core import validators

    def field_classes(cls):
        yield cls
        for sub in cls.__subclasses__():
            yield from field_classes(sub)

    messages = []
    with translation.override("en"):
        for cls in field_classes(forms.Field):
            messages += [str(m) for m in getattr(cls, "default_error_messages", {}).values()]
        for name in dir(validators):
            message = getattr(getattr(validators, name), "message", None)
            if message is not None:
                messages.append(str(message))
        messages += [str(m) for m in DefaultAccountAdapter.error_messages.values()]
    messages += ["This password is", "The password is too similar", "Incorrect code"]
    starts = {m.split("%(")[0].split("{")[0].strip() for m in messages}
    return sorted(s for s in starts if len(s) >= 10)


ENGLISH = _english_messages()


def _forms_with_errors(response) -> list[forms.BaseForm]:
    contexts = response.context
    if contexts is None:
        return []
    if isinstance(contexts, Context):
        contexts = [contexts]
    found = {}
    for context in contexts if isinstance(contexts, ContextList | list) else [contexts]:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm) and value.is_bound and value._errors:
                found[id(value)] = value
    return list(found.values())


def check_answer(response, form: Form) -> None:
    assert response.status_code < 500, response.status_code
    if "text/html" not in response.get("Content-Type", "") or response.streaming:
        return
    html = response.content.decode()
    if response.status_code >= 400 and "HTTP_HX_REQUEST" not in response.wsgi_request.META:
        # A whole German page, never an empty body (a 405 included); htmx gets fragments.
        assert html.lstrip().startswith("<!"), f"{response.status_code} ohne Seite: {html[:80]!r}"
        assert 'lang="de"' in html, f"{response.status_code}-Seite nicht auf Deutsch"
    for bound in _forms_with_errors(response):
        if not any(f'name="{bound.add_prefix(name)}"' in html for name in bound.fields):
            continue  # in the context, but not on the page (allauth's WebAuthn form)
        errors = [str(e) for errs in bound.errors.values() for e in errs]
        for error in errors:
            english = [start for start in ENGLISH if start in error]
            assert not english, f"englische Fehlermeldung: {error!r}"
        shown = [e for e in errors if escape(e) in html]
        assert shown, f"Fehler nicht auf der Seite: {errors!r} ({type(bound).__name__})"


# --- The fuzz --------------------------------------------------------------------------------


def _send(client: Client, form: Form, url: str, data: dict, htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    if form.method == "get":
        return client.get(url, data, headers=headers)
    return client.post(url, data, headers=headers)


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.id)
def test_no_input_gives_a_500(world, form, django_capture_on_commit_callbacks):
    """Hypothesis runs inside the test, so the world and the database fixture are made once;
    each example then runs in a savepoint of its own, rolled back at its end."""
    user = world.user(form.role)
    url, fields = form.url(world), form.fields(world)
    statuses = Counter()

    @settings(FUZZ, max_examples=form.examples(bool(fields) or isinstance(url, st.SearchStrategy)))
    @given(data=st.data())
    def fuzz(data):
        address = data.draw(url, label="url") if isinstance(url, st.SearchStrategy) else url
        payload = data.draw(fz.form_data(fields), label="data")
        htmx = form.htmx and data.draw(st.booleans(), label="htmx")
        cache.clear()  # rate limits: each example starts with none counted
        with transaction.atomic():
            client = Client()
            if user is not None:
                client.force_login(user)
            if form.before:
                form.before(client, world)
            with django_capture_on_commit_callbacks(execute=True):
                response = _send(client, form, address, payload, htmx)
            statuses[response.status_code] += 1
            check_answer(response, form)
            transaction.set_rollback(True)

    fuzz()
    if os.environ.get("K360_FUZZ_REPORT"):
        print(f"\n{form.id}: {sum(statuses.values())} Beispiele, {dict(sorted(statuses.items()))}")


# The parameters pages and filters of the site read, and some they might one day.
JUNK_PARAMETERS = ["seite", "page", "q", "art", "jahr", "zeit", "next", "format", "sortierung"]


@pytest.mark.parametrize("name", sorted(NO_FORM))
def test_pages_ignore_junk_parameters(world, name, django_capture_on_commit_callbacks):
    """A page without a form still reads its query string: junk there is no 500 either."""
    page = NO_FORM[name]
    user = world.user(page.role)
    url = page.url(world)
    form = Form(name, page.role, page.url, method="get")
    fields = {parameter: fz.text(100) for parameter in JUNK_PARAMETERS}

    @settings(FUZZ, max_examples=max(1, round(4 * SCALE)))
    @given(payload=fz.form_data(fields))
    def fuzz(payload):
        cache.clear()
        with transaction.atomic():
            client = Client()
            if user is not None:
                client.force_login(user)
            response = client.get(url, payload)
            check_answer(response, form)
            transaction.set_rollback(True)

    fuzz()
