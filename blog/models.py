from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from forums.markdown import render_markdown
from k360.models import Attachment


class Category(models.TextChoices):
    AKTUELLES = "aktuelles", _("Aktuelles")
    VERANSTALTUNGSBERICHT = "veranstaltungsbericht", _("Veranstaltungsbericht")
    INTERVIEW = "interview", _("Interview")
    POSITIONSPAPIER = "positionspapier", _("Positionspapier")
    PODCAST = "podcast", _("Podcast")


def _author_rows():
    from network.models import User

    return User.objects.only("pk", "name", "email").order_by("name", "pk")


def _neighbour(direction: str, field: str):
    """A subquery for the previous (older) or next (newer) public post's field."""
    if direction == "previous":
        condition = Q(published_at__lt=OuterRef("published_at")) | Q(
            published_at=OuterRef("published_at"), pk__lt=OuterRef("pk")
        )
        order = ["-published_at", "-pk"]
    else:
        condition = Q(published_at__gt=OuterRef("published_at")) | Q(
            published_at=OuterRef("published_at"), pk__gt=OuterRef("pk")
        )
        order = ["published_at", "pk"]
    return Subquery(Post.objects.published().filter(condition).order_by(*order).values(field)[:1])


class PostQuerySet(models.QuerySet):
    def published(self) -> "PostQuerySet":
        """Public now: published, and its publication time has come (else it is scheduled)."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def latest_first(self) -> "PostQuerySet":
        return self.order_by("-published_at", "-pk")

    def for_list(self) -> "PostQuerySet":
        return self.only(
            "pk",
            "title",
            "slug",
            "lead",
            "category",
            "byline",
            "published_at",
            "cover",
            "cover_alt",
        ).prefetch_related(Prefetch("authors", queryset=_author_rows()), "tags")

    def for_detail(self) -> "PostQuerySet":
        """The post with its authors, tags, attachments and its public neighbours' titles."""
        return self.prefetch_related(
            Prefetch("authors", queryset=_author_rows()), "tags", "attachments"
        ).annotate(
            previous_slug=_neighbour("previous", "slug"),
            previous_title=_neighbour("previous", "title"),
            next_slug=_neighbour("next", "slug"),
            next_title=_neighbour("next", "title"),
        )

    def in_category(self, category: str) -> "PostQuerySet":
        return self.filter(category=category)

    def tagged(self, slug: str) -> "PostQuerySet":
        return self.filter(tags__slug=slug)

    def related_to(self, post: "Post", limit: int = 3) -> list["Post"]:
        """Public posts sharing most tags with the post (newest first among equals), one query."""
        tag_ids = [tag.pk for tag in post.tags.all()]
        if not tag_ids:
            return []
        return list(
            self.published()
            .exclude(pk=post.pk)
            .filter(tags__id__in=tag_ids)
            .annotate(shared_tags=Count("pk"))
            .only("pk", "title", "slug", "published_at", "category")
            .order_by("-shared_tags", "-published_at", "-pk")[:limit]
        )


class Post(models.Model):
    """A news post (Aktuelles): written by the editorial team, discussed through the engine."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("veröffentlicht")

    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=200, unique=True)
    lead = models.TextField(_("Vorspann"), max_length=1000)
    body = models.TextField(_("Text (Markdown)"))
    body_html = models.TextField(editable=False, blank=True)
    cover = models.ImageField(_("Titelbild"), upload_to="blog/covers/", blank=True)
    cover_alt = models.CharField(
        _("Alternativtext des Titelbilds"),
        max_length=300,
        blank=True,
        help_text=_("Beschreibt das Bild für Menschen, die es nicht sehen. Pflicht mit Bild."),
    )
    cover_credit = models.CharField(
        _("Bildnachweis"), max_length=200, blank=True, help_text=_("z. B. „© dkjs“")
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Autor:innen"),
        related_name="blog_posts",
        blank=True,
    )
    byline = models.CharField(
        _("Autor:in (frei)"),
        max_length=200,
        blank=True,
        help_text=_("Statt oder zusätzlich zu Mitgliedern, z. B. „Redaktion Kommune 360°“."),
    )
    category = models.CharField(
        _("Kategorie"), max_length=30, choices=Category, default=Category.AKTUELLES
    )
    tags = TaggableManager(
        verbose_name=_("Themen"), blank=True, help_text=_("Durch Kommas getrennt.")
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        _("Veröffentlichung"),
        default=timezone.now,
        help_text=_("Liegt der Zeitpunkt in der Zukunft, erscheint der Beitrag erst dann."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    comments = GenericRelation("forums.Comment", related_query_name="post")

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("Beitrag")
        verbose_name_plural = _("Beiträge")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "-published_at"], name="post_public_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(cover="") | ~Q(cover_alt=""), name="post_cover_needs_alt_text"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("blog:post-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.cover and not self.cover_alt.strip():
            raise ValidationError(
                {"cover_alt": _("Bitte beschreiben Sie das Titelbild in einem Alternativtext.")}
            )

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def author_names(self) -> list[str]:
        names = [author.display_name for author in self.authors.all()]
        if self.byline:
            names.append(self.byline)
        return names

    # The comment engine asks its targets these three questions.
    stance_required = False

    def user_can_view(self, user) -> bool:
        return self.is_public or user.has_perm("blog.preview_post")

    def comment_refusal(self, user) -> str | None:
        return None

    @property
    def search_audience(self) -> str | None:
        """Who finds this post's comments in the search; None: nobody yet (k360.search)."""
        return "public" if self.is_public else None


class PostAttachment(Attachment):
    """A file offered for download with a post (a position paper, a presentation)."""

    post = models.ForeignKey(
        Post, verbose_name=_("Beitrag"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("Datei"), upload_to="blog/attachments/")

    class Meta:
        verbose_name = _("Anhang")
        verbose_name_plural = _("Anhänge")
        ordering = ["post", "order", "pk"]
