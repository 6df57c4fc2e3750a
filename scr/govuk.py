"""Template tags every page may use (a builtin library, see TEMPLATES in settings).

{% govuk_field field %} renders a form field in GOV.UK markup with the include that fits
its widget, so a long form need not name an include for each field."""

from django import forms, template
from django.template.loader import render_to_string

register = template.Library()

INCLUDES = [
    (forms.CheckboxSelectMultiple, "includes/checkboxes.html"),
    (forms.RadioSelect, "includes/radios.html"),
    (forms.Select, "includes/select.html"),
    (forms.Textarea, "includes/textarea.html"),
    (forms.CheckboxInput, "includes/checkbox_group.html"),
]


@register.simple_tag
def govuk_field(field, width: str = ""):
    widget = field.field.widget
    name = next((t for kind, t in INCLUDES if isinstance(widget, kind)), "includes/field.html")
    return render_to_string(name, {"field": field, "width": width})
