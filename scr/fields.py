"""Form fields shared by every stage."""

import re

from django import forms

DATE_HELP = "For example, 27/03/2027"


class GovukDateField(forms.DateField):
    """A date typed as dd/mm/yyyy (also d/m/yy, d.m.yyyy, yyyy-mm-dd or '3 Feb 2027'), as
    people type it."""

    input_formats = [
        "%d/%m/%Y",
        "%d/%m/%y",
        "%d.%m.%Y",
        "%d.%m.%y",
        "%d-%m-%Y",
        "%Y-%m-%d",
        "%d %b %Y",
        "%d %B %Y",
        "%d %b %y",
        "%d %B %y",
    ]

    def __init__(self, *, name: str = "date", **kwargs):
        """`name` says which date in the error messages: 'the new due date'."""
        kwargs.setdefault("help_text", DATE_HELP)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": f"Enter {name} as a real date, like 27/03/2027",
                "required": f"Enter {name}",
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
        if isinstance(value, str):
            # '3rd Feb 2027', 'Feb.', stray spaces from Word: what strptime cannot read.
            value = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", " ".join(value.split()))
            value = value.replace(".", " ").strip() if re.search(r"[A-Za-z]", value) else value
            value = " ".join(value.split())
        return super().to_python(value)
