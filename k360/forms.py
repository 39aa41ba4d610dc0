from django.forms import BoundField, widgets
from django.forms.renderers import TemplatesSetting


def _kern_class(widget: widgets.Widget) -> str:
    if isinstance(widget, widgets.CheckboxInput):
        return "kern-form-check__checkbox"
    if isinstance(widget, widgets.RadioSelect):
        return "kern-form-check__radio"
    if isinstance(widget, widgets.CheckboxSelectMultiple):
        return "kern-form-check__checkbox"
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
