from django import forms
from django.utils.translation import gettext_lazy as _

from .markdown import MAX_LENGTH
from .models import Flag, Stance

TEXT_HELP = _(
    "Sie können *kursiv*, **fett**, Listen, Links und > Zitate verwenden. Höchstens 10.000 Zeichen."
)


class CommentForm(forms.Form):
    stance = forms.ChoiceField(
        label=_("Ihre Haltung zur These"), choices=Stance.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Ihr Beitrag"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=TEXT_HELP,
        error_messages={"required": _("Bitte schreiben Sie einen Text.")},
    )

    def __init__(self, *args, stance_required: bool = False, prefix_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if prefix_id:
            self.auto_id = f"id_{prefix_id}_%s"
        if not stance_required:
            del self.fields["stance"]
        else:
            self.fields["stance"].error_messages["required"] = _(
                "Bitte wählen Sie Ihre Haltung: Zustimmung, Ergänzung oder Gegenrede."
            )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Ihre Antwort"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=TEXT_HELP,
        error_messages={"required": _("Bitte schreiben Sie einen Text.")},
    )

    def __init__(self, *args, parent_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent_id:
            # Several reply forms may be open on one page: their ids must not clash.
            self.auto_id = f"id_antwort_{parent_id}_%s"


class EditForm(forms.Form):
    text = forms.CharField(
        label=_("Ihr Beitrag"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=TEXT_HELP,
        error_messages={"required": _("Bitte schreiben Sie einen Text.")},
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Warum melden Sie diesen Beitrag?"),
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Erläuterung"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bei „Sonstiges“ bitte angeben."),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == Flag.Reason.SONSTIGES and not (data.get("text") or "").strip():
            self.add_error("text", _("Bitte beschreiben Sie kurz, was nicht stimmt."))
        return data


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung für die Verfasserin oder den Verfasser"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    text = forms.CharField(
        label=_("Worum geht es?"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=TEXT_HELP,
    )
