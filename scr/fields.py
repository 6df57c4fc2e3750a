"""Form fields shared by every stage."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from scr import dates

# Which way a date lies, for the example in its hint and its messages: a date of birth or
# an event already happened (a past example), a due date is ahead (a future one). An
# example on the wrong side ("For example, 27/03/2027" for a date of birth) invites the
# very date the form then refuses.
BIRTH, PAST, FUTURE = "birth", "past", "future"


def date_example(when: str | None = None) -> str:
    """A date in the form the field shows, on the side of today the field asks for:
    27/03/1958 for a date of birth, 27/03 of last year for an event, of next year for a
    due date; of this year when the field does not say."""
    year = timezone.localdate().year
    years = {BIRTH: 1958, PAST: year - 1, FUTURE: year + 1}
    return f"27/03/{years.get(when, year)}"


def date_help(when: str | None = None) -> str:
    return f"For example, {date_example(when)}"


# The hint of a field that does not say which way it lies; prefer date_help(PAST) etc.
DATE_HELP = date_help()


class GovukDateField(forms.DateField):
    """A whole date typed as dd/mm/yyyy (also d/m/yy, d.m.yyyy, yyyy-mm-dd, '3 Feb 2027' or
    '3rd February 2027'), as people type it: the core's date reader in its exact mode
    (scr.dates), so a month or a year alone, a day without its year, or a date marked
    approximate, is refused."""

    def __init__(self, *, name: str = "date", when: str | None = None, **kwargs):
        """`name` says which date in the error messages: 'the new due date'. `when`
        (BIRTH, PAST or FUTURE) picks an example on the right side of today for the hint
        and the messages."""
        example = date_example(when)
        kwargs.setdefault("help_text", f"For example, {example}")
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": f"Enter {name} as a real date, like {example}",
                "required": f"Enter {name}",
                "no_year": f"{name[:1].upper()}{name[1:]} must include a year",
            },
        )
        super().__init__(**kwargs)
        self.when = when
        self.widget.input_type = "text"
        self.widget.attrs.update(
            {
                "class": "govuk-input govuk-input--width-10",
                "inputmode": "numeric",
                # Never "bday": the date of birth asked for is the adult's, not the user's.
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
