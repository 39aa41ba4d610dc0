from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Event, EventQuerySet


class EventFilterForm(forms.Form):
    """The filters of /veranstaltungen/: upcoming or past, kind and year, each optional."""

    hide_optional = True
    zeit = forms.ChoiceField(
        label=_("Zeitraum"),
        required=False,
        choices=[("", _("kommende")), ("vergangen", _("vergangene"))],
    )
    art = forms.ChoiceField(
        label=_("Art"), required=False, choices=[("", _("alle")), *Event.Kind.choices]
    )
    jahr = forms.TypedChoiceField(label=_("Jahr"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, events: EventQuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        years = events.dates("starts_at", "year", order="DESC")
        self.fields["jahr"].choices = [("", _("alle"))] + [
            (year.year, str(year.year)) for year in years
        ]

    @property
    def past(self) -> bool:
        return self.is_valid() and self.cleaned_data["zeit"] == "vergangen"

    def filter(self, events: EventQuerySet) -> EventQuerySet:
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        events = events.past() if data["zeit"] == "vergangen" else events.upcoming()
        if data["art"]:
            events = events.filter(kind=data["art"])
        if data["jahr"]:
            events = events.filter(starts_at__year=data["jahr"])
        return events


class NeedsForm(forms.Form):
    """Optional needs; erased 30 days after the event."""

    accessibility_needs = forms.CharField(
        label=_("Unterstützung für eine barrierefreie Teilnahme"),
        help_text=_(
            "z. B. Gebärdensprachdolmetschung, stufenloser Zugang, Unterlagen in großer Schrift. "
            "Wir löschen diese Angabe 30 Tage nach der Veranstaltung."
        ),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    dietary_needs = forms.CharField(
        label=_("Ernährung"),
        help_text=_(
            "z. B. vegetarisch, vegan, Allergien. Auch diese Angabe löschen wir nach 30 Tagen."
        ),
        required=False,
        max_length=300,
    )


class MemberRegistrationForm(NeedsForm):
    organisation = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=200,
        help_text=_("So erscheinen Sie auf der Teilnahmeliste."),
    )
    field_order = ["organisation", "accessibility_needs", "dietary_needs"]


class VisitorRegistrationForm(NeedsForm):
    name = forms.CharField(
        label=_("Vor- und Nachname"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,  # the column's length: a longer address is a form error, not a 500
        help_text=_(
            "Wir schicken Ihnen einen Link; erst mit Ihrer Bestätigung gilt die Anmeldung."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        help_text=_("z. B. Stadt Jena, Jugendamt"),
    )
    consent = forms.BooleanField(
        label=_(
            "Ich willige ein, dass Kommune 360° meine Angaben zur Organisation dieser "
            "Veranstaltung verarbeitet. Die Einwilligung kann ich jederzeit widerrufen, indem ich "
            "meine Anmeldung über den Link in der E-Mail absage."
        ),
        error_messages={
            "required": _("Ohne Ihre Einwilligung können wir Ihre Anmeldung nicht speichern.")
        },
    )
    field_order = [
        "name",
        "email",
        "organisation",
        "accessibility_needs",
        "dietary_needs",
        "consent",
    ]


class ParticipantMessageForm(forms.Form):
    subject = forms.CharField(label=_("Betreff"), max_length=200)
    body = forms.CharField(
        label=_("Nachricht"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 10})
    )
    include_waitlist = forms.BooleanField(
        label=_("Auch an die Personen auf der Warteliste"), required=False
    )
