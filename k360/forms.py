from django import forms
from django.forms import BoundField, widgets
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


def _kern_class(widget: widgets.Widget) -> str:
    if isinstance(widget, widgets.CheckboxInput):
        return "kern-form-check__checkbox"
    # CheckboxSelectMultiple is a subclass of RadioSelect: ask for it first.
    if isinstance(widget, widgets.CheckboxSelectMultiple):
        return "kern-form-check__checkbox"
    if isinstance(widget, widgets.RadioSelect):
        return "kern-form-check__radio"
    if isinstance(widget, widgets.Select):
        return "kern-form-input__select"
    return "kern-form-input__input"


class KernBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css = _kern_class(widget)
        if self.errors and css.startswith("kern-form-input"):
            css += f" {css}--error"
        attrs["class"] = " ".join(filter(None, [attrs.get("class", ""), css]))
        return attrs


class KernFormRenderer(TemplatesSetting):
    """Render every form with the KERN UX markup: labels, hints and errors tied to inputs."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"
    bound_field_class = KernBoundField


class SearchForm(forms.Form):
    # No max_length: a longer query is cut (k360.search.normalise), never refused.
    q = forms.CharField(
        label=_("Suchbegriff"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "maxlength": 200, "autocomplete": "off", "spellcheck": "true"}
        ),
    )
