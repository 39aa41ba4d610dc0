from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Topic
from .services import CONSENT_TEXT

EMAIL_ERRORS = {
    "required": _("Bitte geben Sie Ihre E-Mail-Adresse an."),
    "invalid": _(
        "Das ist keine gültige E-Mail-Adresse. Bitte prüfen Sie die Schreibweise, "
        "z. B. name@beispiel.de."
    ),
}


def _email_field() -> forms.EmailField:
    return forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class TopicsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Topic.objects.all(),
            required=False,
            label=_("Themen, die Sie interessieren"),
            help_text=_("Ohne Auswahl erhalten Sie den Newsletter zu allen Themen."),
            **kwargs,
        )


class _WithTopics(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Without any topic the field would be an empty group of checkboxes.
        if not Topic.objects.exists():
            del self.fields["topics"]

    def selected_topics(self):
        return self.cleaned_data.get("topics") or []


class SubscribeForm(_WithTopics):
    email = _email_field()
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        required=False,
        help_text=_("Damit wir Sie persönlich ansprechen können."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    topics = TopicsField()
    # The wording is the consent record itself: shown exactly as it is stored.
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={
            "required": _("Ohne Ihre Einwilligung dürfen wir Ihnen den Newsletter nicht senden.")
        },
    )


class TopicsForm(_WithTopics):
    topics = TopicsField()


class ResendForm(forms.Form):
    email = _email_field()
