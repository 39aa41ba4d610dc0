from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager


class Bundesland(models.TextChoices):
    """The 16 Länder, keyed by the first two digits of the Amtlicher Gemeindeschlüssel."""

    SH = "01", "Schleswig-Holstein"
    HH = "02", "Hamburg"
    NI = "03", "Niedersachsen"
    HB = "04", "Bremen"
    NW = "05", "Nordrhein-Westfalen"
    HE = "06", "Hessen"
    RP = "07", "Rheinland-Pfalz"
    BW = "08", "Baden-Württemberg"
    BY = "09", "Bayern"
    SL = "10", "Saarland"
    BE = "11", "Berlin"
    BB = "12", "Brandenburg"
    MV = "13", "Mecklenburg-Vorpommern"
    SN = "14", "Sachsen"
    ST = "15", "Sachsen-Anhalt"
    TH = "16", "Thüringen"


class Sector(models.TextChoices):
    VERWALTUNG = "verwaltung", _("Verwaltung")
    POLITIK = "politik", _("Politik")
    WISSENSCHAFT = "wissenschaft", _("Wissenschaft")
    ZIVILGESELLSCHAFT = "zivilgesellschaft", _("Zivilgesellschaft")


ags_validator = RegexValidator(
    r"^\d{8}$", _("Der Amtliche Gemeindeschlüssel besteht aus genau 8 Ziffern.")
)

# Germany's bounding box, generously rounded: a coordinate outside it is a typo.
GERMANY_LAT = (47.2, 55.1)
GERMANY_LON = (5.8, 15.1)


class Organisation(models.Model):
    name = models.CharField(_("Name"), max_length=200, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=200, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    website = models.URLField(_("Website"), blank=True)
    address = models.TextField(_("Anschrift"), blank=True)
    is_sponsor = models.BooleanField(
        _("Trägerin der Initiative"),
        default=False,
        help_text=_("Hat Kommune 360° ins Leben gerufen und trägt die Initiative."),
    )

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MunicipalityQuerySet(models.QuerySet):
    def partners(self) -> "MunicipalityQuerySet":
        return self.filter(is_partner=True)


class Municipality(models.Model):
    class Kind(models.TextChoices):
        KREISFREIE_STADT = "kreisfreie_stadt", _("kreisfreie Stadt")
        LANDKREIS = "landkreis", _("Landkreis")
        GEMEINDE = "gemeinde", _("kreisangehörige Gemeinde")

    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=200, unique=True)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind)
    bundesland = models.CharField(_("Bundesland"), max_length=2, choices=Bundesland)
    ags = models.CharField(
        _("Amtlicher Gemeindeschlüssel"), max_length=8, unique=True, validators=[ags_validator]
    )
    population = models.PositiveIntegerField(_("Einwohner:innen"), null=True, blank=True)
    latitude = models.DecimalField(
        _("Breitengrad"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(GERMANY_LAT[0]), MaxValueValidator(GERMANY_LAT[1])],
    )
    longitude = models.DecimalField(
        _("Längengrad"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(GERMANY_LON[0]), MaxValueValidator(GERMANY_LON[1])],
    )
    is_partner = models.BooleanField(_("Partnerkommune"), default=False)
    is_demo = models.BooleanField(
        _("Demo-Datensatz"), default=False, help_text=_("Von seed_demo angelegt.")
    )
    contact_people = models.ManyToManyField(
        "network.User",
        verbose_name=_("Ansprechpersonen"),
        related_name="contact_for",
        blank=True,
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ags__regex=r"^[0-9]{8}$"), name="municipality_ags_8_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network:municipality-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.ags and self.bundesland and not self.ags.startswith(self.bundesland):
            raise ValidationError(
                {
                    "ags": _(
                        "Die ersten beiden Ziffern des Gemeindeschlüssels (%(prefix)s) passen "
                        "nicht zum Bundesland %(land)s (%(code)s)."
                    )
                    % {
                        "prefix": self.ags[:2],
                        "land": self.get_bundesland_display(),
                        "code": self.bundesland,
                    }
                }
            )


class UserQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "UserQuerySet":
        """Profiles the viewer may see: a hidden one only to its owner and to staff."""
        active = self.filter(is_active=True)
        if viewer.is_authenticated and viewer.is_staff:
            return active
        if viewer.is_authenticated:
            return active.filter(
                models.Q(profile_visibility__in=[User.Visibility.MEMBERS, User.Visibility.PUBLIC])
                | models.Q(pk=viewer.pk)
            )
        return active.filter(profile_visibility=User.Visibility.PUBLIC)

    def for_directory(self) -> "UserQuerySet":
        return self.select_related("municipality", "organisation").prefetch_related("topics")


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("Eine E-Mail-Adresse ist erforderlich.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of the network; the email address is the login."""

    class Visibility(models.TextChoices):
        MEMBERS = "members", _("nur für Mitglieder")
        PUBLIC = "public", _("öffentlich")
        HIDDEN = "hidden", _("verborgen")

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    name = models.CharField(_("Name"), max_length=150, blank=True)
    function = models.CharField(
        _("Funktion"), max_length=200, blank=True, help_text=_("z. B. Jugendhilfeplanerin")
    )
    sector = models.CharField(_("Bereich"), max_length=20, choices=Sector, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    organisation_name = models.CharField(
        _("Organisation (frei)"),
        max_length=200,
        blank=True,
        help_text=_("Falls die Organisation nicht in der Liste steht."),
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Kommune"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    topics = TaggableManager(
        verbose_name=_("Themen"), blank=True, help_text=_("Durch Kommas getrennt.")
    )
    bio = models.TextField(_("Kurzvorstellung"), max_length=1000, blank=True)
    avatar = models.ImageField(_("Profilbild"), upload_to="avatars/", blank=True)
    profile_visibility = models.CharField(
        _("Sichtbarkeit des Profils"),
        max_length=10,
        choices=Visibility,
        default=Visibility.MEMBERS,
    )
    show_email = models.BooleanField(_("E-Mail-Adresse für Mitglieder sichtbar"), default=False)
    is_coordinator = models.BooleanField(
        _("Koordination der Kommune"),
        default=False,
        help_text=_("Darf Selbstcheck-Runden für die eigene Kommune starten."),
    )
    notify_replies = models.BooleanField(_("Benachrichtigung bei Antworten"), default=True)
    notify_forums = models.BooleanField(_("Benachrichtigung aus Foren"), default=True)
    notify_events = models.BooleanField(_("Benachrichtigung zu Veranstaltungen"), default=True)
    is_staff = models.BooleanField(_("Redaktionszugang (Admin)"), default=False)
    is_active = models.BooleanField(_("aktiv"), default=True)
    date_joined = models.DateTimeField(_("Mitglied seit"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("Mitglied")
        verbose_name_plural = _("Mitglieder")
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


class MembershipApplicationQuerySet(models.QuerySet):
    def open(self) -> "MembershipApplicationQuerySet":
        return self.filter(status=MembershipApplication.Status.OPEN)


class MembershipApplication(models.Model):
    """An application to join the network, decided by staff in the admin."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        APPROVED = "approved", _("angenommen")
        REJECTED = "rejected", _("abgelehnt")

    name = models.CharField(_("Vor- und Nachname"), max_length=150)
    email = models.EmailField(_("E-Mail-Adresse"))
    organisation = models.CharField(_("Organisation"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Kommune"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    municipality_name = models.CharField(_("Kommune (frei eingegeben)"), max_length=200, blank=True)
    function = models.CharField(_("Funktion / Rolle"), max_length=200)
    sector = models.CharField(_("Bereich"), max_length=20, choices=Sector)
    motivation = models.TextField(_("Motivation"), max_length=3000)
    consent_version = models.CharField(_("Version der Einwilligung"), max_length=20)
    consent_at = models.DateTimeField(_("Einwilligung erteilt am"))
    status = models.CharField(_("Status"), max_length=10, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(_("eingegangen am"), auto_now_add=True)
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "network.User",
        verbose_name=_("entschieden von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    member = models.ForeignKey(
        "network.User",
        verbose_name=_("angelegtes Konto"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )

    objects = MembershipApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Mitgliedsantrag")
        verbose_name_plural = _("Mitgliedsanträge")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(status="open"),
                name="membership_application_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def municipality_label(self) -> str:
        return self.municipality.name if self.municipality else self.municipality_name


class ContactMessage(models.Model):
    """That one member wrote to another, kept to enforce the daily limit; not the text."""

    sender = models.ForeignKey(User, on_delete=models.CASCADE, related_name="contacts_sent")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="contacts_received")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Kontaktnachricht")
        verbose_name_plural = _("Kontaktnachrichten")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}"
