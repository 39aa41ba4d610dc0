from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def normalise_email(email: str) -> str:
    """One address, one subscriber: surrounding blanks go, the whole address is lower-cased."""
    return email.strip().lower()


class Topic(models.Model):
    slug = models.SlugField(_("Kurzname"), max_length=50, unique=True)
    name = models.CharField(_("Thema"), max_length=100)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self) -> "SubscriberQuerySet":
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def suppressed_emails(self):
        """Addresses that must not get a newsletter through any audience."""
        return self.filter(
            status__in=[Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.INACTIVE]
        ).values("email")


class Subscriber(models.Model):
    """One address on the list, with the record of its consent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet auf Bestätigung")
        CONFIRMED = "confirmed", _("bestätigt")
        UNSUBSCRIBED = "unsubscribed", _("abgemeldet")
        INACTIVE = "inactive", _("inaktiv (unzustellbar)")

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    name = models.CharField(_("Name"), max_length=150, blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("Themen"), blank=True, related_name="subscribers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Mitglied"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="newsletter_subscriptions",
    )
    status = models.CharField(
        _("Status"), max_length=12, choices=Status, default=Status.PENDING, db_index=True
    )
    # The consent record (Art. 7 DSGVO): when, which wording, on which page.
    signed_up_at = models.DateTimeField(_("angemeldet am"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    consent_version = models.CharField(_("Fassung der Einwilligung"), max_length=20, blank=True)
    consent_text = models.TextField(_("Text der Einwilligung"), blank=True)
    signup_source = models.CharField(_("Formular (Adresse)"), max_length=300, blank=True)
    unsubscribed_at = models.DateTimeField(_("abgemeldet am"), null=True, blank=True)
    hard_bounces = models.PositiveSmallIntegerField(_("harte Bounces"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("Abonnent:in")
        verbose_name_plural = _("Abonnent:innen")
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(email=models.functions.Lower("email")),
                name="subscriber_email_lower_case",
            )
        ]

    def __str__(self) -> str:
        return self.email

    def manage_url(self) -> str:
        from .tokens import unsubscribe_url

        return unsubscribe_url(self.email)


class NewsletterQuerySet(models.QuerySet):
    def archived(self) -> "NewsletterQuerySet":
        return self.filter(status=Newsletter.Status.SENT, in_archive=True).order_by(
            "-finished_at", "-pk"
        )


class Newsletter(models.Model):
    class Audience(models.TextChoices):
        SUBSCRIBERS = "subscribers", _("bestätigte Abonnent:innen")
        MEMBERS = "members", _("alle Mitglieder")
        PARTNER_MEMBERS = "partner_members", _("Mitglieder aus Partnerkommunen")
        EVENT_PARTICIPANTS = "event_participants", _("Teilnehmende einer Veranstaltung")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SCHEDULED = "scheduled", _("geplant")
        SENDING = "sending", _("wird versendet")
        SENT = "sent", _("versendet")
        CANCELLED = "cancelled", _("abgebrochen")

    subject = models.CharField(_("Betreff"), max_length=200)
    slug = models.SlugField(_("Kurzname (Archiv)"), max_length=200, unique=True)
    preheader = models.CharField(
        _("Vorschautext"),
        max_length=200,
        blank=True,
        help_text=_("Erscheint in vielen Postfächern hinter dem Betreff."),
    )
    body = models.TextField(_("Text (Markdown)"))
    from_email = models.CharField(
        _("Absender"),
        max_length=200,
        default="Kommune 360° <newsletter@kommune360.de>",
    )
    audience = models.CharField(
        _("Empfänger:innen"), max_length=20, choices=Audience, default=Audience.SUBSCRIBERS
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("Veranstaltung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Nur für „Teilnehmende einer Veranstaltung“."),
    )
    topics = models.ManyToManyField(
        Topic,
        verbose_name=_("nur zu diesen Themen"),
        blank=True,
        help_text=_("Leer: alle. Grenzt Abonnent:innen nach ihren Themen ein."),
    )
    in_archive = models.BooleanField(_("im öffentlichen Archiv zeigen"), default=False)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    scheduled_at = models.DateTimeField(_("geplant für"), null=True, blank=True)
    started_at = models.DateTimeField(_("Versand begonnen"), null=True, blank=True)
    finished_at = models.DateTimeField(_("Versand beendet"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NewsletterQuerySet.as_manager()

    class Meta:
        verbose_name = _("Newsletter")
        verbose_name_plural = _("Newsletter")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("newsletters:archive-detail", kwargs={"slug": self.slug})

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.SCHEDULED}


class Delivery(models.Model):
    """One newsletter to one address: created once at send start, sent at most once."""

    class State(models.TextChoices):
        QUEUED = "queued", _("wartet")
        SENDING = "sending", _("wird gesendet")
        SENT = "sent", _("gesendet")
        FAILED = "failed", _("fehlgeschlagen")
        CANCELLED = "cancelled", _("abgebrochen")

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("Zustellung")
        verbose_name_plural = _("Zustellungen")
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "email"], name="delivery_once_per_email")
        ]
        indexes = [models.Index(fields=["newsletter", "state"], name="delivery_state")]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_state_display()})"
