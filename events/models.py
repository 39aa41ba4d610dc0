import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forums.markdown import render_editorial_markdown, render_markdown
from k360.models import Attachment

# How long a visitor's confirmation link holds, and how long accessibility and dietary needs
# are kept after the event (then erased by the daily task).
CONFIRMATION_VALID = timedelta(hours=48)
NEEDS_KEPT_AFTER_EVENT = timedelta(days=30)
REMINDER_BEFORE = timedelta(days=2)
# Who got their confirmation (with the calendar entry) this recently needs no reminder yet.
REMINDER_QUIET_AFTER_CONFIRMATION = timedelta(hours=12)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _save_with_next_sequence(obj, save, args, kwargs) -> None:
    """Save, raising the calendar SEQUENCE in the same UPDATE when the row exists already."""
    bump = obj.pk is not None and not kwargs.get("force_insert")
    if bump:
        obj.sequence = F("sequence") + 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "sequence" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "sequence"]
    save(*args, **kwargs)
    if bump:
        obj.refresh_from_db(fields=["sequence"])


class EventQuerySet(models.QuerySet):
    def published(self) -> "EventQuerySet":
        """Announced: published or cancelled (a cancelled event stays visible, marked)."""
        return self.exclude(status=Event.Status.DRAFT)

    def visible_to(self, user) -> "EventQuerySet":
        events = self.published()
        if not (user.is_authenticated and user.is_active):
            events = events.filter(audience=Event.Audience.PUBLIC)
        return events

    def upcoming(self) -> "EventQuerySet":
        return self.filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")

    def past(self) -> "EventQuerySet":
        return self.filter(ends_at__lt=timezone.now()).order_by("-starts_at", "-pk")

    def with_seats(self) -> "EventQuerySet":
        """Annotate confirmed and waitlisted counts (one query for a whole list)."""
        return self.annotate(
            confirmed_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
            ),
            waitlist_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
            ),
        )

    def for_list(self) -> "EventQuerySet":
        return self.defer("description", "description_html", "accessibility_notes").with_seats()

    def for_detail(self) -> "EventQuerySet":
        return (
            self.with_seats()
            .select_related("forum", "report")
            .prefetch_related(
                "agenda_items",
                Prefetch(
                    "organisers",
                    queryset=get_user_model().objects.only("pk", "name", "email"),
                ),
            )
        )


class Event(models.Model):
    """A meeting of the network: Herbstforum, barcamp, Werkstattgespräch, online series …"""

    class Kind(models.TextChoices):
        HERBSTFORUM = "herbstforum", _("Herbstforum")
        BARCAMP = "barcamp", _("Barcamp")
        WERKSTATTGESPRAECH = "werkstattgespraech", _("Werkstattgespräch")
        ONLINE = "online", _("Online-Veranstaltung")
        FESTIVAL = "festival", _("Festival")
        NETZWERKTREFFEN = "netzwerktreffen", _("Netzwerktreffen")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("öffentlich")
        MEMBERS = "members", _("nur für Mitglieder")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("veröffentlicht")
        CANCELLED = "cancelled", _("abgesagt")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind)
    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=200, unique=True)
    lead = models.TextField(_("Vorspann"), max_length=1000)
    description = models.TextField(_("Beschreibung (Markdown)"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    venue = models.CharField(
        _("Ort"), max_length=200, blank=True, help_text=_("z. B. „Umweltforum Berlin“")
    )
    address = models.TextField(_("Anschrift"), blank=True)
    accessibility_notes = models.TextField(
        _("Hinweise zur Barrierefreiheit"),
        blank=True,
        help_text=_("Zugang, Aufzug, Toiletten, Induktionsschleife, Gebärdensprache …"),
    )
    online_url = models.URLField(
        _("Online-Zugang"),
        blank=True,
        help_text=_("Sehen nur bestätigte Teilnehmende (Seite und Erinnerungsmail)."),
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Organisator:innen"),
        related_name="organised_events",
        blank=True,
        help_text=_("Sehen die Teilnehmendenliste und können allen schreiben."),
    )
    capacity = models.PositiveIntegerField(
        _("Plätze"), null=True, blank=True, help_text=_("Leer lassen für unbegrenzt.")
    )
    registration_opens_at = models.DateTimeField(_("Anmeldung ab"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(
        _("Anmeldeschluss"), null=True, blank=True, help_text=_("Leer: bis zum Beginn.")
    )
    registration_enabled = models.BooleanField(_("Anmeldung über die Plattform"), default=True)
    audience = models.CharField(
        _("Für wen"), max_length=10, choices=Audience, default=Audience.PUBLIC
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    forum = models.ForeignKey(
        "forums.Forum",
        verbose_name=_("Forum für die Nachbereitung"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    sequence = models.PositiveIntegerField(
        _("Kalender-Version"), default=0, editable=False, help_text=_("SEQUENCE im iCalendar.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["status", "ends_at"], name="event_status_ends")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="event_registration_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.description_html = render_editorial_markdown(self.description)
        # Every change is a new version of the calendar entry (RFC 5545 SEQUENCE).
        _save_with_next_sequence(self, super().save, args, kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:event-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("Das Ende liegt vor dem Beginn.")})
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            raise ValidationError(
                {"registration_closes_at": _("Der Anmeldeschluss liegt vor dem Anmeldebeginn.")}
            )

    @property
    def uid(self) -> str:
        """The calendar UID: stable for the event's whole life, whatever is edited."""
        return f"veranstaltung-{self.pk}@kommune360.de"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def is_members_only(self) -> bool:
        return self.audience == self.Audience.MEMBERS

    @property
    def registration_deadline(self):
        return self.registration_closes_at or self.starts_at

    def registration_state(self, now=None) -> str:
        """'open', 'not_yet', 'closed', 'cancelled' or 'none' (no registration here)."""
        now = now or timezone.now()
        if self.is_cancelled:
            return "cancelled"
        if not self.registration_enabled:
            return "none"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet"
        if now >= self.registration_deadline:
            return "closed"
        return "open"

    @property
    def registration_is_open(self) -> bool:
        return self.registration_state() == "open"

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        confirmed = getattr(self, "confirmed_count", None)
        if confirmed is None:
            confirmed = self.registrations.filter(status=Registration.Status.CONFIRMED).count()
        return max(self.capacity - confirmed, 0)

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0

    def user_can_view(self, user) -> bool:
        if self.status == self.Status.DRAFT:
            return user.has_perm("events.manage_event", self)
        return not self.is_members_only or (user.is_authenticated and user.is_active)


class AgendaItem(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda_items")
    starts_at = models.DateTimeField(_("Uhrzeit"))
    title = models.CharField(_("Programmpunkt"), max_length=300)
    speakers = models.CharField(_("Mitwirkende"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Programmpunkt")
        verbose_name_plural = _("Programm")
        ordering = ["event", "starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class RegistrationQuerySet(models.QuerySet):
    def active(self) -> "RegistrationQuerySet":
        """Holding a seat, a place on the waitlist, or awaiting the email confirmation."""
        return self.exclude(status=Registration.Status.CANCELLED)

    def confirmed(self) -> "RegistrationQuerySet":
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self) -> "RegistrationQuerySet":
        return self.filter(status=Registration.Status.WAITLISTED).order_by("queued_at", "pk")

    def for_user(self, user) -> "RegistrationQuerySet":
        return self.filter(user=user) if user.is_authenticated else self.none()


class Registration(models.Model):
    """One person's registration for one event: a seat, a place on the waitlist, or neither."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet auf Bestätigung der E-Mail-Adresse")
        CONFIRMED = "confirmed", _("bestätigt")
        WAITLISTED = "waitlisted", _("Warteliste")
        CANCELLED = "cancelled", _("abgesagt")

    event = models.ForeignKey(
        Event,
        verbose_name=_("Veranstaltung"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Mitglied"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    name = models.CharField(_("Vor- und Nachname"), max_length=150)
    email = models.EmailField(_("E-Mail-Adresse"))
    organisation = models.CharField(_("Organisation"), max_length=200, blank=True)
    accessibility_needs = models.TextField(
        _("Unterstützungsbedarf für eine barrierefreie Teilnahme"), max_length=1000, blank=True
    )
    dietary_needs = models.CharField(_("Ernährung"), max_length=300, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status, db_index=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    consent_at = models.DateTimeField(_("Einwilligung erteilt am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angemeldet am"), auto_now_add=True)
    queued_at = models.DateTimeField(
        _("in der Reihe seit"), null=True, blank=True, help_text=_("Reihenfolge der Warteliste.")
    )
    confirmed_at = models.DateTimeField(_("Platz bestätigt am"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("abgesagt am"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("erinnert am"), null=True, blank=True)
    needs_erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=~Q(status="cancelled"),
                name="registration_once_per_email",
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(status="cancelled"),
                name="registration_once_per_member",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "queued_at"], name="registration_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.event}"

    @property
    def confirmation_expires_at(self):
        return self.created_at + CONFIRMATION_VALID

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED

    def confirm_url(self) -> str:
        return reverse("events:registration-confirm", kwargs={"token": self.token})

    def manage_url(self) -> str:
        return reverse("events:registration-manage", kwargs={"token": self.token})


class Room(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("Raum"), max_length=100)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Raum")
        verbose_name_plural = _("Räume")
        ordering = ["event", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="room_name_unique")]

    def __str__(self) -> str:
        return self.name


class TimeSlot(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))

    class Meta:
        verbose_name = _("Zeitfenster")
        verbose_name_plural = _("Zeitfenster")
        ordering = ["event", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{start:%H:%M}–{end:%H:%M}"


class SessionQuerySet(models.QuerySet):
    def with_interest(self) -> "SessionQuerySet":
        return self.annotate(interest=Count("votes", distinct=True))

    def for_board(self) -> "SessionQuerySet":
        return (
            self.with_interest()
            .select_related("proposer", "room", "slot")
            .order_by("-interest", "created_at", "pk")
        )

    def placed(self) -> "SessionQuerySet":
        return self.filter(room__isnull=False, slot__isnull=False)

    def marked_by(self, user) -> "SessionQuerySet":
        """The sessions the member has marked with interest (none for visitors)."""
        return self.filter(votes__user=user) if user.is_authenticated else self.none()


class Session(models.Model):
    """A barcamp session proposed by a participant; placed by the organisers into the grid."""

    class Format(models.TextChoices):
        DISKUSSION = "diskussion", _("Diskussion")
        WORKSHOP = "workshop", _("Workshop")
        INPUT = "input", _("Input mit Austausch")
        FISHBOWL = "fishbowl", _("Fishbowl")
        PRAXIS = "praxis", _("Praxisbeispiel")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Worum geht es?"), max_length=2000)
    format = models.CharField(_("Format"), max_length=20, choices=Format, default=Format.DISKUSSION)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Gastgeber:in"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="proposed_sessions",
    )
    room = models.ForeignKey(
        Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    slot = models.ForeignKey(
        TimeSlot, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    notes = models.TextField(_("Notizen der Gastgeber:innen (Markdown)"), blank=True)
    notes_html = models.TextField(editable=False, blank=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Session")
        verbose_name_plural = _("Sessions")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["room", "slot"], name="session_one_per_room_and_slot"),
            models.CheckConstraint(
                condition=Q(room__isnull=True, slot__isnull=True)
                | Q(room__isnull=False, slot__isnull=False),
                name="session_placed_in_room_and_slot",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.notes_html = render_markdown(self.notes)
        _save_with_next_sequence(self, super().save, args, kwargs)

    def get_absolute_url(self) -> str:
        return (
            reverse("events:session-board", kwargs={"slug": self.event.slug})
            + f"#session-{self.pk}"
        )

    @property
    def uid(self) -> str:
        return f"session-{self.pk}@kommune360.de"

    @property
    def is_placed(self) -> bool:
        return self.slot_id is not None


class SessionVote(models.Model):
    """A member's mark of interest in a session: one per member and session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Interesse")
        verbose_name_plural = _("Interessen")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="session_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.session}"


class ReportQuerySet(models.QuerySet):
    def published(self) -> "ReportQuerySet":
        return self.filter(
            status=Report.Status.PUBLISHED, event__status__in=["published", "cancelled"]
        )

    def public(self) -> "ReportQuerySet":
        """Published reports of public events: what everybody may read."""
        return self.published().filter(event__audience=Event.Audience.PUBLIC)

    def latest_public(self, limit: int = 3) -> list["Report"]:
        """The newest public Dokumentationen (for the first page of Aktuelles), one query."""
        return list(
            self.public()
            .select_related("event")
            .only("title", "lead", "published_at", "event__slug", "event__title")
            .order_by("-published_at", "-pk")[:limit]
        )

    def visible_to(self, user) -> "ReportQuerySet":
        reports = self.published()
        if not (user.is_authenticated and user.is_active):
            reports = reports.filter(event__audience=Event.Audience.PUBLIC)
        return reports


class Report(models.Model):
    """The Dokumentation of an event: what was said, shown and decided, open for comments."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("veröffentlicht")

    event = models.OneToOneField(
        Event, verbose_name=_("Veranstaltung"), on_delete=models.CASCADE, related_name="report"
    )
    title = models.CharField(_("Titel"), max_length=200)
    lead = models.TextField(_("Vorspann"), max_length=1000)
    body = models.TextField(_("Bericht (Markdown)"))
    body_html = models.TextField(editable=False, blank=True)
    theses = models.ManyToManyField(
        "forums.Thesis", verbose_name=_("Bezug zu Thesen"), blank=True, related_name="reports"
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    comments = GenericRelation("forums.Comment", related_query_name="report")

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("Dokumentation")
        verbose_name_plural = _("Dokumentationen")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_editorial_markdown(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:report-detail", kwargs={"slug": self.event.slug})

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.event.status != Event.Status.DRAFT

    # The comment engine asks its targets these three questions.
    stance_required = False

    def user_can_view(self, user) -> bool:
        if not self.is_public:
            return user.has_perm("events.manage_event", self.event)
        return self.event.user_can_view(user)

    def comment_refusal(self, user) -> str | None:
        if not self.is_public:
            return _("Die Dokumentation ist noch nicht veröffentlicht.")
        return None

    @property
    def search_audience(self) -> str | None:
        """Who finds this report's comments in the search; None: nobody (k360.search)."""
        if not self.is_public:
            return None
        return "members" if self.event.is_members_only else "public"


class Contribution(models.Model):
    """A talk or impulse at the event, as the report tells it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="contributions")
    speaker = models.CharField(_("Referent:in"), max_length=200)
    affiliation = models.CharField(_("Institution"), max_length=300, blank=True)
    title = models.CharField(_("Titel"), max_length=300)
    summary = models.TextField(_("Zusammenfassung"))
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Beitrag")
        verbose_name_plural = _("Beiträge (Impulse, Vorträge)")
        ordering = ["report", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.title}"


class ReportAttachment(Attachment):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("Datei"), upload_to="events/attachments/")

    class Meta:
        verbose_name = _("Anhang")
        verbose_name_plural = _("Anhänge (Folien, PDF)")
        ordering = ["report", "order", "pk"]


class ReportPhoto(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("Foto"), upload_to="events/photos/")
    alt_text = models.CharField(
        _("Alternativtext"),
        max_length=300,
        help_text=_("Beschreibt das Foto für Menschen, die es nicht sehen."),
    )
    caption = models.CharField(_("Bildunterschrift"), max_length=300, blank=True)
    credit = models.CharField(_("Bildnachweis"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Foto")
        verbose_name_plural = _("Fotos")
        ordering = ["report", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(alt_text=""), name="report_photo_needs_alt_text")
        ]

    def __str__(self) -> str:
        return self.alt_text
