"""The date field of every form outside the IMR chronology (scr/fields.py)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from scr.fields import GovukDateField


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("27/03/2027", date(2027, 3, 27)),
        ("3 Jun 2025", date(2025, 6, 3)),
        ("3 jul 2025", date(2025, 7, 3)),
        ("3 June 2025", date(2025, 6, 3)),
        ("3rd July 2025", date(2025, 7, 3)),
        ("3 Jun. 25", date(2025, 6, 3)),
    ],
)
def test_three_letter_and_full_month_names_are_read(text, expected):
    assert GovukDateField(name="the date").clean(text) == expected


@pytest.mark.parametrize("text", ["3 ju 2025", "3 Ju 2025", "3 ma 2025", "3rd se 2024", "3 j 2025"])
def test_a_two_letter_month_is_refused_with_a_clear_message(text):
    """'ju' could be June or July: a person is asked again rather than a month guessed."""
    with pytest.raises(ValidationError) as refused:
        GovukDateField(name="the date").clean(text)
    assert refused.value.messages == ["Enter the date as a real date, like 27/03/2027"]
