from pathlib import PurePosixPath

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingEmailQuerySet(models.QuerySet):
    def queued(self) -> "OutgoingEmailQuerySet":
        return self.filter(state=OutgoingEmail.State.QUEUED)


class OutgoingEmail(models.Model):
    """A transactional email, stored in the sender's transaction and sent by a task.

    The row outlives a broker outage: a periodic task re-queues what is still unsent, so an
    email written while Redis is down goes out once it is back.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("wartet")
        SENT = "sent", _("versendet")
        FAILED = "failed", _("fehlgeschlagen")

    created_at = models.DateTimeField(_("erstellt"), auto_now_add=True)
    sent_at = models.DateTimeField(_("versendet am"), null=True, blank=True)
    state = models.CharField(_("Status"), max_length=10, choices=State, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    template = models.CharField(_("Vorlage"), max_length=200)
    from_email = models.CharField(_("Absender"), max_length=254)
    to = models.JSONField(_("Empfänger:innen"))
    reply_to = models.JSONField(_("Antwort an"), default=list, blank=True)
    subject = models.CharField(_("Betreff"), max_length=300)
    body_text = models.TextField(_("Text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("Kopfzeilen"), default=dict, blank=True)
    attachments = models.JSONField(_("Anhänge"), default=list, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("ausgehende E-Mail")
        verbose_name_plural = _("ausgehende E-Mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class SearchDocument(models.Model):
    """The searchable text of one object of any app, as its app's search registration builds it.

    One table for everything keeps ranking, paging and the per-type counts to single queries.
    The vector is computed by the database (k360.search) on every write; it and the GIN
    indexes exist on PostgreSQL only, SQLite (make run) searches with a plain contains.
    """

    class Audience(models.TextChoices):
        PUBLIC = "public", _("öffentlich")
        MEMBERS = "members", _("nur für Mitglieder")
        PRIVATE = "private", _("nur für die Mitglieder eines privaten Forums")

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("Art"), max_length=20)
    title = models.CharField(_("Titel"), max_length=300)
    lead = models.TextField(_("Vorspann"), blank=True)
    body = models.TextField(_("Text"), blank=True)
    # Shown beside the title, not searched: a comment names its discussion here, so the
    # discussion's title does not make every one of its comments a hit.
    context = models.CharField(_("Zusammenhang"), max_length=300, blank=True)
    url = models.CharField(_("Adresse"), max_length=500)
    # Shown with the hit, and a gate: a document dated in the future is not found yet.
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    audience = models.CharField(_("sichtbar für"), max_length=10, choices=Audience)
    forum = models.ForeignKey(
        "forums.Forum", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Title (A), lead (B) and body (C); the GIN index finds matches, ts_rank orders them.
    search_vector = SearchVectorField(null=True, editable=False)
    # Title and lead alone, kept in the row (the migration sets STORAGE MAIN and a small
    # toast_tuple_target, so the long texts live out of line): ranking a very broad query over
    # all its matches reads this small vector instead of every document's whole text.
    head_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("Suchdokument")
        verbose_name_plural = _("Suchdokumente")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="searchdocument_one_per_object"
            )
        ]
        # Created on PostgreSQL only (see the migration).
        indexes = [
            GinIndex(fields=["search_vector"], name="searchdoc_vector_gin"),
            # Title and lead matches of broad queries, when few (k360.search._Search._broad_ids).
            GinIndex(fields=["head_vector"], name="searchdoc_head_gin"),
            # Pages of very broad queries, newest first (k360.search._Search._broad_ids).
            models.Index(
                models.F("published_at").desc(nulls_last=True),
                models.F("id").desc(),
                name="searchdoc_newest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class SearchTerm(models.Model):
    """Every word the search has seen, for finding compound words by their parts.

    `word` is the lower-case word with umlauts folded as the german stemmer folds them
    ("praventionskette"), `lexeme` its stem as the search vectors hold it. A pg_trgm index on
    `word` answers "which words contain 'jugendhilf'?", and the search adds their lexemes to
    the full-text query: "Jugendhilfe" finds "Jugendhilfeplanung" through the GIN index.
    Words are only added; one whose documents are gone merely widens a query by nothing.
    """

    word = models.CharField(_("Wort"), max_length=60, primary_key=True)
    lexeme = models.CharField(_("Wortstamm"), max_length=60)

    class Meta:
        verbose_name = _("Suchwort")
        verbose_name_plural = _("Suchwörter")
        # Created on PostgreSQL only (see the migration).
        indexes = [GinIndex(OpClass("word", name="gin_trgm_ops"), name="searchterm_word_trgm")]

    def __str__(self) -> str:
        return self.word


class Attachment(models.Model):
    """A file offered for download with a page (slides, a position paper); subclasses add
    their `file` field (with its upload folder) and the object it belongs to."""

    title = models.CharField(_("Titel"), max_length=200)
    size = models.PositiveBigIntegerField(_("Größe in Bytes"), editable=False, default=0)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Kept in the row, so a page lists its attachments without asking the storage.
        if self.file:
            self.size = self.file.size
        super().save(*args, **kwargs)

    @property
    def file_type(self) -> str:
        """The file's kind as readers know it: PDF, DOCX, XLSX …"""
        return PurePosixPath(self.file.name).suffix.lstrip(".").upper() or _("Datei")
