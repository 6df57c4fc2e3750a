"""Template tags every page may use (a builtin library, see TEMPLATES in settings).

{% govuk_field field %} renders a form field in GOV.UK markup with the include that fits
its widget, so a long form need not name an include for each field. {{ value|day }} and
{{ value|moment }} show dates the one way the service shows them."""

from datetime import date, datetime

from django import forms, template
from django.template.loader import render_to_string

from scr import dates

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


# The service's one display of dates (scr.dates): {{ value|day }} is dd/mm/yyyy,
# {{ value|moment }} dd/mm/yyyy HH:MM in Europe/London. Use these, never |date with a
# format of its own (tests/test_date_display.py holds every template to them).


@register.filter
def day(value) -> str:
    """A date, a moment's day or a chronology's FuzzyDate; '' for anything else, as
    Django's |date gives."""
    if isinstance(value, date | dates.FuzzyDate):
        return dates.day_text(value)
    return ""


@register.filter
def moment(value) -> str:
    if isinstance(value, datetime):
        return dates.moment_text(value)
    return day(value)
