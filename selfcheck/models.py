import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Scale(models.IntegerChoices):
    """The answer scale: four steps, plus "weiß nicht" (left out of every score)."""

    DONT_KNOW = 0, _("weiß nicht")
    NOT_AT_ALL = 1, _("trifft nicht zu")
    RATHER_NOT = 2, _("trifft eher nicht zu")
    RATHER = 3, _("trifft eher zu")
    FULLY = 4, _("trifft voll zu")


SCORED_VALUES = (1, 2, 3, 4)


def value_score(value: int) -> float:
    """A scored answer on 0–100: "trifft nicht zu" 0, "trifft voll zu" 100."""
    return (value - 1) * 100 / 3


class QuestionnaireQuerySet(models.QuerySet):
    def published(self) -> "QuestionnaireQuerySet":
        return self.filter(status=Questionnaire.Status.PUBLISHED)


class Questionnaire(models.Model):
    """One version of a questionnaire. Published versions never change: answers refer to them."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("veröffentlicht")
        RETIRED = "retired", _("zurückgezogen")

    key = models.SlugField(
        _("Kennung"), max_length=100, help_text=_("Gleich für alle Versionen eines Fragebogens.")
    )
    version = models.PositiveSmallIntegerField(_("Version"), default=1)
    title = models.CharField(_("Titel"), max_length=200)
    intro = models.TextField(_("Einleitung"), blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("Fragebogen (Version)")
        verbose_name_plural = _("Fragebögen")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="questionnaire_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} (Version {self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT


class Section(models.Model):
    """A Handlungsfeld."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    slug = models.SlugField(_("Kurzname"), max_length=100)
    title = models.CharField(_("Handlungsfeld"), max_length=200)
    intro = models.TextField(_("Einführung"), blank=True)

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["questionnaire", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "slug"], name="section_slug_unique_per_version"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="indicators")
    # Denormalised from the section so that a database constraint keeps codes unique per
    # version and an answer can be checked against its round's version without a join.
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="indicators", editable=False
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    code = models.CharField(
        _("Kennung"), max_length=20, help_text=_("z. B. „S1“; eindeutig im Fragebogen.")
    )
    statement = models.TextField(_("Aussage"))
    help_text = models.TextField(_("Erläuterung"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("Gewicht"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    condition_indicator = models.ForeignKey(
        "self",
        verbose_name=_("Nur zeigen, wenn Indikator …"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dependents",
    )
    condition_values = models.JSONField(
        _("… eine dieser Antworten hat"),
        default=list,
        blank=True,
        help_text=_("Liste der Antwortwerte 0–4, z. B. [3, 4]."),
    )

    class Meta:
        verbose_name = _("Indikator")
        verbose_name_plural = _("Indikatoren")
        ordering = ["section__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="indicator_code_unique_per_version"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=10), name="indicator_weight_1_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.statement[:60]}"

    def save(self, *args, **kwargs):
        self.questionnaire_id = self.section.questionnaire_id
        super().save(*args, **kwargs)

    def applies_to(self, answers: dict[int, int | None]) -> bool:
        """Shown to a participant whose answers (indicator id → value) meet the condition."""
        if self.condition_indicator_id is None:
            return True
        return answers.get(self.condition_indicator_id) in set(self.condition_values)


class FeedbackRule(models.Model):
    """What a Handlungsfeld's score band means, and what to do next."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="feedback_rules")
    min_score = models.PositiveSmallIntegerField(
        _("ab Punktzahl"), validators=[MaxValueValidator(100)]
    )
    max_score = models.PositiveSmallIntegerField(
        _("bis Punktzahl"), validators=[MaxValueValidator(100)]
    )
    label = models.CharField(_("Stufe"), max_length=100, help_text=_("z. B. „Am Anfang“"))
    text = models.TextField(_("Einschätzung"))
    recommendations = models.TextField(_("Empfehlungen"), help_text=_("Eine Empfehlung pro Zeile."))

    class Meta:
        verbose_name = _("Rückmeldung")
        verbose_name_plural = _("Rückmeldungen je Stufe")
        ordering = ["section", "min_score"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_score__lte=models.F("max_score")) & Q(max_score__lte=100),
                name="feedback_band_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.section}: {self.min_score}–{self.max_score} {self.label}"

    @property
    def recommendation_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.recommendations.splitlines() if line.strip()]


def check_bands(rules: list[tuple[int, int]]) -> str | None:
    """Bands (min, max) must cover 0–100 without gap or overlap; the problem, or None."""
    if not rules:
        return _("Es gibt noch keine Stufen; zusammen müssen sie 0 bis 100 abdecken")
    expected = 0
    for low, high in sorted(rules):
        if low > expected:
            return _("Lücke zwischen %(a)d und %(b)d") % {"a": expected - 1, "b": low}
        if low < expected:
            return _("Überschneidung bei %(a)d") % {"a": low}
        if high < low:
            return _("Stufe %(a)d–%(b)d ist verkehrt herum") % {"a": low, "b": high}
        expected = high + 1
    if expected != 101:
        return _("Die Stufen reichen nur bis %(a)d statt bis 100") % {"a": expected - 1}
    return None


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RoundQuerySet":
        """Its participants, the coordinators of its municipality, and staff."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.is_staff:
            return self
        mine = Q(participants__user=user)
        if user.is_coordinator and user.municipality_id:
            mine |= Q(municipality_id=user.municipality_id)
        return self.filter(mine).distinct()

    def closed(self) -> "RoundQuerySet":
        return self.filter(status=Round.Status.CLOSED)


class Round(models.Model):
    """One municipality answering one questionnaire version, e.g. "Selbstcheck 2026"."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        CLOSED = "closed", _("abgeschlossen")

    municipality = models.ForeignKey(
        "network.Municipality",
        verbose_name=_("Kommune"),
        on_delete=models.CASCADE,
        related_name="selfcheck_rounds",
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("Fragebogen"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    title = models.CharField(_("Titel"), max_length=200)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status, default=Status.OPEN, db_index=True
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("vorherige Runde"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("begonnen am"), auto_now_add=True)
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    # Kept when the round closes: {"sections": {section_id: score|None}, "overall": score|None,
    # "completeness": 0–100}; the network median reads these, never other rounds' answers.
    results = models.JSONField(default=dict, blank=True, editable=False)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("Runde")
        verbose_name_plural = _("Runden")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["questionnaire", "status"], name="round_version_status"),
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.municipality}"

    def get_absolute_url(self) -> str:
        return reverse("selfcheck:round-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def user_is_coordinator(self, user) -> bool:
        return bool(
            user.is_authenticated
            and (
                user.is_staff
                or (user.is_coordinator and user.municipality_id == self.municipality_id)
            )
        )


class Department(models.TextChoices):
    JUGENDAMT = "jugendamt", _("Jugendamt")
    SOZIALAMT = "sozialamt", _("Sozialamt")
    SCHULVERWALTUNG = "schulverwaltung", _("Schulverwaltung")
    GESUNDHEITSAMT = "gesundheitsamt", _("Gesundheitsamt")
    STADTPLANUNG = "stadtplanung", _("Stadtplanung")
    SOZIALPLANUNG = "sozialplanung", _("Sozialplanung")
    KITA = "kita", _("Kindertagesbetreuung")
    VERWALTUNGSSPITZE = "verwaltungsspitze", _("Verwaltungsspitze")
    POLITIK = "politik", _("Kommunalpolitik")
    FREIE_TRAEGER = "freie_traeger", _("Freie Träger")
    ANDERE = "andere", _("andere")


class Participant(models.Model):
    """A colleague answering in a round, for their department; invited by email first."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="selfcheck_participations",
    )
    email = models.EmailField(_("E-Mail-Adresse"))
    department = models.CharField(_("Fachbereich"), max_length=30, choices=Department, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_at = models.DateTimeField(_("eingeladen am"), auto_now_add=True)
    joined_at = models.DateTimeField(_("beigetreten am"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("zuletzt erinnert"), null=True, blank=True)

    class Meta:
        verbose_name = _("Teilnehmer:in")
        verbose_name_plural = _("Teilnehmende")
        ordering = ["round", "department", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user"],
                condition=Q(user__isnull=False),
                name="participant_once_per_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_department_display() or _('eingeladen')})"

    @property
    def has_joined(self) -> bool:
        return self.joined_at is not None


class Answer(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(_("Antwort"), choices=Scale, null=True, blank=True)
    comment = models.TextField(_("Kommentar"), max_length=2000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Antwort")
        verbose_name_plural = _("Antworten")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "indicator"], name="answer_once_per_indicator"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0, value__lte=4),
                name="answer_value_on_the_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.get_value_display()}"

    def clean(self) -> None:
        if self.value is not None and self.value not in Scale.values:
            raise ValidationError({"value": _("Diese Antwort liegt nicht auf der Skala.")})
