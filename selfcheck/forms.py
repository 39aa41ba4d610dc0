from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Department, Questionnaire, Scale

DEPARTMENT_CHOICES = [("", _("– bitte wählen –")), *Department.choices]
# The order the scale is offered in: from "trifft nicht zu" to "trifft voll zu", then "weiß nicht".
SCALE_ORDER = [
    Scale.NOT_AT_ALL,
    Scale.RATHER_NOT,
    Scale.RATHER,
    Scale.FULLY,
    Scale.DONT_KNOW,
]


class RoundStartForm(forms.Form):
    questionnaire = forms.ModelChoiceField(
        label=_("Fragebogen"),
        queryset=Questionnaire.objects.published(),
        empty_label=None,
    )
    title = forms.CharField(label=_("Titel der Runde"), max_length=200)
    department = forms.ChoiceField(
        label=_("Ihr Fachbereich"),
        choices=DEPARTMENT_CHOICES,
        help_text=_("Sie nehmen selbst teil; Ihre Antworten zählen für diesen Fachbereich."),
    )
    prefill = forms.BooleanField(
        label=_("Antworten aus der letzten abgeschlossenen Runde übernehmen"),
        required=False,
        initial=True,
        help_text=_("Jede:r Teilnehmende beginnt mit den eigenen Antworten von damals."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].initial = _("Selbstcheck %(year)d") % {
            "year": timezone.localdate().year
        }


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse der Kollegin oder des Kollegen"),
        max_length=254,  # the column's length: a longer address is a form error, not a 500
        help_text=_("Die Einladung enthält einen persönlichen Link zu dieser Runde."),
    )


class JoinForm(forms.Form):
    department = forms.ChoiceField(label=_("Ihr Fachbereich"), choices=DEPARTMENT_CHOICES)


def parse_value(raw: str | None) -> int | None:
    """A submitted answer: None when none was chosen; ValueError when it is off the scale."""
    if raw in (None, ""):
        return None
    value = int(raw)  # ValueError for anything but digits
    if value not in Scale.values:
        raise ValueError(raw)
    return value
