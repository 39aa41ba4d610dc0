import io
import uuid

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from taggit.forms import TagWidget
from taggit.models import Tag, TaggedItem

from .models import Bundesland, Municipality, Sector, User

AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_FORMATS = {"JPEG", "PNG", "WEBP"}
AVATAR_SIZE = (512, 512)


class SignupForm(forms.Form):
    """Extra fields of allauth's signup form: the name shown to other members."""

    name = forms.CharField(
        label=_("Vor- und Nachname"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user) -> None:
        user.name = self.cleaned_data["name"]
        user.save(update_fields=["name"])


def reencode_avatar(upload) -> SimpleUploadedFile:
    """Re-encode an uploaded picture: drops all metadata (EXIF, GPS) and scales it down."""
    if upload.size > AVATAR_MAX_BYTES:
        raise forms.ValidationError(_("Das Bild ist zu groß (höchstens 5 MB)."), code="too_large")
    try:
        image = Image.open(upload)
        image_format = image.format
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise forms.ValidationError(
            _("Die Datei ist kein lesbares Bild. Erlaubt sind JPEG, PNG und WebP."),
            code="invalid_image",
        ) from exc
    if image_format not in AVATAR_FORMATS:
        raise forms.ValidationError(
            _("Bitte laden Sie ein JPEG-, PNG- oder WebP-Bild hoch."), code="format"
        )
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGBA" if image.mode in {"RGBA", "LA", "P"} else "RGB")
    image.thumbnail(AVATAR_SIZE)
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", quality=85)
    return SimpleUploadedFile(
        f"{uuid.uuid4().hex}.webp", buffer.getvalue(), content_type="image/webp"
    )


class ProfileForm(forms.ModelForm):
    # A plain file field: reencode_avatar() checks the picture and words every error itself.
    avatar = forms.FileField(
        label=_("Profilbild"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG oder WebP, höchstens 5 MB. Wir entfernen alle Metadaten."),
    )

    class Meta:
        model = User
        fields = [
            "name",
            "function",
            "sector",
            "organisation",
            "organisation_name",
            "municipality",
            "topics",
            "bio",
            "avatar",
            "profile_visibility",
            "show_email",
            "notify_replies",
            "notify_forums",
            "notify_events",
        ]
        labels = {"name": _("Vor- und Nachname")}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "topics": TagWidget(attrs={"list": "topic-suggestions"}),
            "bio": forms.Textarea(attrs={"rows": 5}),
            "profile_visibility": forms.RadioSelect,
        }
        help_texts = {
            "profile_visibility": _(
                "„nur für Mitglieder“ ist voreingestellt. „verborgen“ zeigt Ihr Profil "
                "niemandem außer Ihnen und der Verwaltung."
            ),
            "show_email": _("Standardmäßig sehen andere Ihre Adresse nicht."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["municipality"].queryset = Municipality.objects.order_by("name")
        self.fields["municipality"].empty_label = _("– keine –")
        self.fields["organisation"].empty_label = _("– keine –")
        self.fields["sector"].choices = [("", _("– bitte wählen –")), *Sector.choices]

    def clean_topics(self):
        topics = self.cleaned_data.get("topics") or []
        limit = Tag._meta.get_field("name").max_length  # the slug has the same length
        if any(len(topic) > limit or len(Tag().slugify(topic)) > limit for topic in topics):
            raise forms.ValidationError(
                _("Ein Thema darf höchstens %(max)d Zeichen lang sein.") % {"max": limit},
                code="too_long",
            )
        return topics

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if avatar and hasattr(avatar, "content_type"):  # a new upload, not the stored file
            return reencode_avatar(avatar)
        return avatar


class DirectoryFilterForm(forms.Form):
    hide_optional = True  # every filter is optional; saying so on each would be noise
    q = forms.CharField(label=_("Suche"), required=False, max_length=100)
    sector = forms.ChoiceField(
        label=_("Bereich"), required=False, choices=[("", _("alle")), *Sector.choices]
    )
    land = forms.ChoiceField(
        label=_("Bundesland"), required=False, choices=[("", _("alle")), *Bundesland.choices]
    )
    kommune = forms.ModelChoiceField(
        label=_("Kommune"),
        required=False,
        queryset=Municipality.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("alle"),
    )
    thema = forms.ModelChoiceField(
        label=_("Thema"),
        required=False,
        queryset=Tag.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("alle"),
    )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if query := data["q"].strip():
            # The topic match as its own subquery: an OR across the tag join defeats the planner.
            tagged = TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(User),
                tag__name__icontains=query,
            ).values("object_id")
            queryset = queryset.filter(
                Q(name__icontains=query) | Q(function__icontains=query) | Q(pk__in=tagged)
            )
        if data["sector"]:
            queryset = queryset.filter(sector=data["sector"])
        if data["land"]:
            queryset = queryset.filter(municipality__bundesland=data["land"])
        if data["kommune"]:
            queryset = queryset.filter(municipality=data["kommune"])
        if data["thema"]:
            queryset = queryset.filter(
                pk__in=User.objects.filter(topics=data["thema"]).values("pk")
            )
        return queryset


class ContactForm(forms.Form):
    subject = forms.CharField(label=_("Betreff"), max_length=150)
    message = forms.CharField(
        label=_("Nachricht"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8})
    )


class ApplicationForm(forms.Form):
    name = forms.CharField(
        label=_("Vor- und Nachname"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,  # the column's length: a longer address is a form error, not a 500
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        required=False,
        queryset=Municipality.objects.order_by("name"),
        empty_label=_("– nicht in der Liste –"),
    )
    municipality_name = forms.CharField(
        label=_("Andere Kommune"),
        required=False,
        max_length=200,
        help_text=_("Falls Ihre Kommune nicht in der Liste steht."),
    )
    function = forms.CharField(
        label=_("Funktion / Rolle"), max_length=200, help_text=_("z. B. Jugendhilfeplaner:in")
    )
    sector = forms.ChoiceField(
        label=_("Bereich"), choices=[("", _("– bitte wählen –")), *Sector.choices]
    )
    motivation = forms.CharField(
        label=_("Was möchten Sie ins Netzwerk einbringen?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    consent = forms.BooleanField(
        label=_(
            "Ich willige ein, dass Kommune 360° meine Angaben zur Prüfung des Antrags und für "
            "die Mitgliedschaft verarbeitet. Die Einwilligung kann ich jederzeit widerrufen."
        ),
        error_messages={
            "required": _("Ohne Ihre Einwilligung können wir den Antrag nicht prüfen.")
        },
    )

    def clean(self):
        data = super().clean()
        if not data.get("municipality") and not (data.get("municipality_name") or "").strip():
            self.add_error(
                "municipality",
                _("Bitte wählen Sie Ihre Kommune aus der Liste oder tragen Sie sie ein."),
            )
        return data


class InvitationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Passwort"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Passwort (Wiederholung)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Die Passwörter stimmen nicht überein."))
        elif password1:
            user = User(email=self.application.email, name=self.application.name)
            try:
                validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Ihr Passwort"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Zur Bestätigung, dass wirklich Sie Ihr Konto löschen."),
    )
