from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .markdown import render_markdown

# Replies are shown up to four levels deep; a reply to a comment on the fourth level is
# placed beside it, on the fourth level, and names whom it answers.
MAX_DEPTH = 3  # zero-based: 0 is a thread's first comment
PATH_STEP = 10  # digits per level of the materialized path
EDIT_WINDOW = timedelta(minutes=30)


class Stance(models.TextChoices):
    ZUSTIMMUNG = "zustimmung", _("Zustimmung")
    ERGAENZUNG = "ergaenzung", _("Ergänzung")
    GEGENREDE = "gegenrede", _("Gegenrede")


def is_moderator(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    # Asked several times per page (header, discussion, queue): look the groups up once.
    if not hasattr(user, "_is_moderator"):
        user._is_moderator = user.is_staff or user.groups.filter(name="Moderation").exists()
    return user._is_moderator


class ThesisQuerySet(models.QuerySet):
    def published(self) -> "ThesisQuerySet":
        return self.filter(is_published=True, opens_at__lte=timezone.now())

    def with_comment_counts(self) -> "ThesisQuerySet":
        visible = Q(
            comments__state=Comment.State.VISIBLE,
        )
        return self.annotate(comment_count=models.Count("comments", filter=visible))


class Thesis(models.Model):
    """One of the initiative's theses, put up for discussion for a period of time."""

    number = models.PositiveSmallIntegerField(_("Nummer"), unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=200, unique=True)
    lead = models.TextField(_("Vorspann"), max_length=1000)
    body = models.TextField(_("Text (Markdown)"))
    body_html = models.TextField(editable=False, blank=True)
    opens_at = models.DateTimeField(_("Diskussion öffnet"), default=timezone.now)
    closes_at = models.DateTimeField(_("Diskussion schließt"), null=True, blank=True)
    summary = models.TextField(
        _("Redaktionelle Zusammenfassung (Markdown)"),
        blank=True,
        help_text=_("Erscheint, sobald die Diskussion geschlossen ist."),
    )
    summary_html = models.TextField(editable=False, blank=True)
    is_published = models.BooleanField(_("veröffentlicht"), default=True)
    comments = GenericRelation("forums.Comment", related_query_name="thesis")

    objects = ThesisQuerySet.as_manager()

    class Meta:
        verbose_name = _("These")
        verbose_name_plural = _("Thesen")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="thesis_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return f"These #{self.number}: {self.title}"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.summary_html = render_markdown(self.summary) if self.summary else ""
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("forums:thesis-detail", kwargs={"slug": self.slug})

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.opens_at <= now and (self.closes_at is None or now < self.closes_at)

    @property
    def is_closed(self) -> bool:
        return self.closes_at is not None and timezone.now() >= self.closes_at

    # The comment engine asks its targets these three questions.
    stance_required = True

    def user_can_view(self, user) -> bool:
        return (self.is_published and self.opens_at <= timezone.now()) or (
            user.is_authenticated and user.is_staff
        )

    def comment_refusal(self, user) -> str | None:
        """Why the user may not comment here, or None when they may."""
        if not self.is_open:
            return _("Die Diskussion zu dieser These ist geschlossen.")
        return None


class Statement(models.Model):
    """An expert's voice on a thesis."""

    thesis = models.ForeignKey(
        Thesis, verbose_name=_("These"), on_delete=models.CASCADE, related_name="statements"
    )
    name = models.CharField(_("Name"), max_length=150)
    role = models.CharField(_("Rolle"), max_length=300)
    text = models.TextField(_("Stellungnahme"))
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Mitglied"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statements",
    )

    class Meta:
        verbose_name = _("Stellungnahme")
        verbose_name_plural = _("Stellungnahmen")
        ordering = ["thesis", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.name} zu {self.thesis}"

    def get_absolute_url(self) -> str:
        return f"{self.thesis.get_absolute_url()}#stellungnahme-{self.pk}"


class ForumQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ForumQuerySet":
        if is_moderator(user):
            return self
        if user.is_authenticated:
            return self.filter(
                Q(visibility__in=[Forum.Visibility.PUBLIC, Forum.Visibility.MEMBERS])
                | Q(members=user)
            ).distinct()
        return self.filter(visibility=Forum.Visibility.PUBLIC)


class Forum(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("öffentlich")
        MEMBERS = "members", _("nur für Mitglieder")
        PRIVATE = "private", _("privat (nur ausgewählte Mitglieder)")

    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=200, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    visibility = models.CharField(
        _("Sichtbarkeit"), max_length=10, choices=Visibility, default=Visibility.MEMBERS
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Mitglieder (bei privaten Foren)"),
        related_name="private_forums",
        blank=True,
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    objects = ForumQuerySet.as_manager()

    class Meta:
        verbose_name = _("Forum")
        verbose_name_plural = _("Foren")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forums:forum-detail", kwargs={"forum": self.slug})

    def user_can_view(self, user) -> bool:
        if self.visibility == self.Visibility.PUBLIC or is_moderator(user):
            return True
        if not user.is_authenticated:
            return False
        if self.visibility == self.Visibility.MEMBERS:
            return True
        return self.members.filter(pk=user.pk).exists()

    def user_can_post(self, user) -> bool:
        """Viewing a public forum is open to all; writing needs membership of a private one."""
        if not user.is_authenticated:
            return False
        if self.visibility == self.Visibility.PRIVATE:
            return is_moderator(user) or self.members.filter(pk=user.pk).exists()
        return True


class TopicQuerySet(models.QuerySet):
    def for_forum_page(self) -> "TopicQuerySet":
        return self.select_related("author").order_by("-is_pinned", "-last_activity_at")


class Topic(models.Model):
    forum = models.ForeignKey(
        Forum, verbose_name=_("Forum"), on_delete=models.CASCADE, related_name="topics"
    )
    title = models.CharField(_("Titel"), max_length=200)
    text = models.TextField(_("Eröffnungstext"), max_length=10_000)
    text_html = models.TextField(editable=False, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("eröffnet von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authored_topics",
    )
    created_at = models.DateTimeField(_("eröffnet am"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("letzte Aktivität"), default=timezone.now)
    comment_count = models.PositiveIntegerField(_("Beiträge"), default=0)
    is_pinned = models.BooleanField(_("angeheftet"), default=False)
    is_locked = models.BooleanField(_("geschlossen"), default=False)
    comments = GenericRelation("forums.Comment", related_query_name="topic")

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")
        ordering = ["-is_pinned", "-last_activity_at"]
        indexes = [models.Index(fields=["forum", "-is_pinned", "-last_activity_at"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.text_html = render_markdown(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("forums:topic-detail", kwargs={"forum": self.forum.slug, "pk": self.pk})

    stance_required = False

    def user_can_view(self, user) -> bool:
        return self.forum.user_can_view(user)

    def comment_refusal(self, user) -> str | None:
        if self.is_locked:
            return _("Dieses Thema ist geschlossen.")
        if not self.forum.user_can_post(user):
            return _("In diesem Forum können nur seine Mitglieder schreiben.")
        return None


class Subscription(models.Model):
    """A member follows a discussion (a forum topic, a thesis) and is told of new comments."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Abonnement")
        verbose_name_plural = _("Abonnements")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="subscription_unique"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.content_type.model} {self.object_id}"


@dataclass(slots=True)
class CommentRow:
    """The fields of a comment that a discussion page shows, fetched without a model."""

    FIELDS: ClassVar[tuple[str, ...]] = (
        "pk",
        "root_id",
        "parent_id",
        "depth",
        "stance",
        "state",
        "html",
        "created_at",
        "edited_at",
        "author_id",
        "author__name",
        "author__email",
        "reply_to_id",
        "reply_to__author__name",
        "reply_to__author__email",
        "reply_to__author_id",
    )

    pk: int
    root_id: int
    parent_id: int | None
    depth: int
    stance: str
    state: str
    html: str
    created_at: datetime
    edited_at: datetime | None
    author_id: int | None
    author_name_raw: str | None
    author_email: str | None
    reply_to_id: int | None
    reply_to_name_raw: str | None
    reply_to_email: str | None
    reply_to_author_id: int | None

    @property
    def author_name(self) -> str:
        return _display_name(self.author_id, self.author_name_raw, self.author_email)

    @property
    def reply_to_name(self) -> str:
        return _display_name(self.reply_to_author_id, self.reply_to_name_raw, self.reply_to_email)

    def editable_until(self) -> datetime:
        return self.created_at + EDIT_WINDOW


def _display_name(user_id: int | None, name: str | None, email: str | None) -> str:
    # Mirrors User.display_name, without loading the member.
    if user_id is None:
        return str(_("gelöschtes Mitglied"))
    return name or (email or "").split("@")[0]


class CommentQuerySet(models.QuerySet):
    def for_target(self, target) -> "CommentQuerySet":
        return self.filter(
            content_type=ContentType.objects.get_for_model(target), object_id=target.pk
        )

    def roots(self) -> "CommentQuerySet":
        return self.filter(parent__isnull=True)

    def public(self) -> "CommentQuerySet":
        return self.filter(state=Comment.State.VISIBLE)

    def threads(self, root_ids: list[int]) -> list["CommentRow"]:
        """Whole threads in display order, from one query: roots as listed, each by its path.

        Rows, not model instances: a page holds hundreds of comments, and building three
        models per row would cost more than the rest of the page.
        """
        rows = [
            CommentRow(*values)
            for values in self.filter(root_id__in=root_ids)
            .order_by("root_id", "path")
            .values_list(*CommentRow.FIELDS)
        ]
        # The roots' order comes from the page; sorting 30 positions here is cheaper than
        # asking the database to order by a 30-way CASE expression.
        position = {pk: index for index, pk in enumerate(root_ids)}
        rows.sort(key=lambda row: position[row.root_id])
        return rows


class Comment(models.Model):
    class State(models.TextChoices):
        VISIBLE = "visible", _("sichtbar")
        DELETED = "deleted", _("von der Person gelöscht")
        PENDING = "pending", _("nach Meldungen ausgeblendet, wartet auf Moderation")
        HIDDEN = "hidden", _("von der Moderation ausgeblendet")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    root = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="thread"
    )
    # The comment this one answers, when it sits beside it on the deepest level.
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    path = models.CharField(max_length=(PATH_STEP + 1) * (MAX_DEPTH + 1), db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verfasst von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    source = models.TextField(_("Text (Markdown)"), max_length=10_000, blank=True)
    html = models.TextField(blank=True)
    stance = models.CharField(_("Haltung"), max_length=12, choices=Stance, blank=True)
    created_at = models.DateTimeField(_("geschrieben am"), default=timezone.now)
    edited_at = models.DateTimeField(_("bearbeitet am"), null=True, blank=True)
    state = models.CharField(
        _("Status"), max_length=10, choices=State, default=State.VISIBLE, db_index=True
    )
    reply_count = models.PositiveIntegerField(_("Antworten im Thread"), default=0)
    flag_count = models.PositiveSmallIntegerField(_("Meldungen"), default=0)
    moderation_reason = models.TextField(_("Begründung der Moderation"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    reviewed = models.BooleanField(_("geprüft"), default=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "created_at"],
                condition=Q(parent__isnull=True),
                name="comment_roots_by_target",
            ),
            models.Index(fields=["root", "path"], name="comment_thread_order"),
            models.Index(fields=["author", "created_at"], name="comment_author_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(depth__lte=MAX_DEPTH), name="comment_depth_at_most_four_levels"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(stance=""),
                name="comment_only_roots_carry_a_stance",
            ),
        ]

    def __str__(self) -> str:
        return f"Kommentar {self.pk} von {self.author_name}"

    def get_absolute_url(self) -> str:
        return reverse("forums:comment-permalink", kwargs={"pk": self.pk})

    @property
    def author_name(self) -> str:
        return self.author.display_name if self.author else _("gelöschtes Mitglied")

    @property
    def anchor(self) -> str:
        return f"kommentar-{self.pk}"

    @property
    def is_visible(self) -> bool:
        return self.state == self.State.VISIBLE

    def editable_until(self):
        return self.created_at + EDIT_WINDOW

    def can_edit(self, user) -> bool:
        return (
            self.state == self.State.VISIBLE
            and user.is_authenticated
            and self.author_id == user.pk
            and timezone.now() < self.editable_until()
        )


class Flag(models.Model):
    class Reason(models.TextChoices):
        BELEIDIGUNG = "beleidigung", _("Beleidigung")
        SPAM = "spam", _("Spam")
        FALSCHINFORMATION = "falschinformation", _("Falschinformation")
        SONSTIGES = "sonstiges", _("Sonstiges")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.CharField(_("Grund"), max_length=20, choices=Reason)
    text = models.TextField(_("Erläuterung"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "member"], name="flag_once_per_member"),
            models.CheckConstraint(
                condition=~Q(reason="sonstiges") | ~Q(text=""),
                name="flag_other_needs_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.comment}"
