"""Form fields shared by every stage."""

from django import forms
from django.core.exceptions import ValidationError

from scr import dates

DATE_HELP = "For example, 27/03/2027"


class GovukDateField(forms.DateField):
    """A whole date typed as dd/mm/yyyy (also d/m/yy, d.m.yyyy, yyyy-mm-dd, '3 Feb 2027' or
    '3rd February 2027'), as people type it: the core's date reader in its exact mode
    (scr.dates), so a month or a year alone, or a date marked approximate, is refused."""

    def __init__(self, *, name: str = "date", **kwargs):
        """`name` says which date in the error messages: 'the new due date'."""
        kwargs.setdefault("help_text", DATE_HELP)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": f"Enter {name} as a real date, like 27/03/2027",
                "required": f"Enter {name}",
                "no_year": f"{name[:1].upper()}{name[1:]} must include a year",
            },
        )
        super().__init__(**kwargs)
        self.widget.input_type = "text"
        self.widget.attrs.update(
            {
                "class": "govuk-input govuk-input--width-10",
                "inputmode": "numeric",
                "autocomplete": "off",
            }
        )
        self.widget.format = "%d/%m/%Y"

    def to_python(self, value):
        if not isinstance(value, str):
            return super().to_python(value)  # None, a date or a datetime, as Django reads them
        if not value.strip():
            return None
        try:
            return dates.parse_date(value, exact=True).value
        except dates.DateParseError as refused:
            # '27/03' alone: say what is missing rather than guessing the year.
            code = refused.code if refused.code in self.error_messages else "invalid"
            raise ValidationError(self.error_messages[code], code=code) from None
