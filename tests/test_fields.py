"""The date field of every form outside the IMR chronology (scr/fields.py)."""

from datetime import date
from importlib import import_module

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from scr.fields import BIRTH, DATE_HELP, FUTURE, PAST, GovukDateField, date_example


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
    assert refused.value.messages == [f"Enter the date as a real date, like {date_example()}"]


# Every format the field reads, as people type them; each gives 27 March 2027.
@pytest.mark.parametrize(
    "text",
    [
        "27/03/2027",
        "27/3/2027",
        "27/03/27",
        "27.03.2027",
        "27.03.27",
        "27-03-2027",
        "2027-03-27",
        "27 Mar 2027",
        "27 March 2027",
        "27 Mar 27",
        "27 March 27",
        # Ordinals, a full stop after the month, any case, and the spaces Word leaves.
        "27th March 2027",
        "27th Mar. 2027",
        "27 mar. 2027",
        "27 MAR. 2027",
        "27 MARCH 2027",
        "  27  Mar  2027 ",
        "27\nMarch\t2027",
        " 27/03/2027\n",
    ],
)
def test_every_accepted_format(text):
    assert GovukDateField().clean(text) == date(2027, 3, 27)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1st Feb 2027", date(2027, 2, 1)),
        ("2nd Feb 2027", date(2027, 2, 2)),
        ("3rd Feb 2027", date(2027, 2, 3)),
        ("21st Feb. 2027", date(2027, 2, 21)),
        ("22nd February 27", date(2027, 2, 22)),
        # Boundaries: the first and last days of a year and of a leap February.
        ("01/01/2027", date(2027, 1, 1)),
        ("31/12/2027", date(2027, 12, 31)),
        ("29/02/2028", date(2028, 2, 29)),
        ("31/01/2027", date(2027, 1, 31)),
        ("30/04/2027", date(2027, 4, 30)),
        # Two-digit years as Python reads them: 00-68 are 2000-2068, 69-99 1969-1999.
        ("01/01/68", date(2068, 1, 1)),
        ("01/01/69", date(1969, 1, 1)),
        ("01/01/00", date(2000, 1, 1)),
    ],
)
def test_ordinals_and_boundary_dates(text, expected):
    assert GovukDateField().clean(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "29/02/2027",
        "31/04/2027",
        "32/01/2027",
        "00/01/2027",
        "01/13/2027",
        "01/00/2027",
        "03/27/2027",
        "March 2027",
        "27 Smarch 2027",
        "27th",
        "tomorrow",
        "27/03/2027 X",
        "27 / 03 / 2027",
    ],
)
def test_refusals_say_which_date_and_how_to_write_it(text):
    with pytest.raises(ValidationError) as refused:
        GovukDateField(name="the new due date").clean(text)
    assert refused.value.messages == [
        f"Enter the new due date as a real date, like {date_example()}"
    ]


@pytest.mark.parametrize("text", ["27/03", "27 Mar", "March 27th", "27.03"])
def test_a_date_without_a_year_is_refused_asking_for_the_year(text):
    with pytest.raises(ValidationError) as refused:
        GovukDateField(name="the new due date").clean(text)
    assert refused.value.messages == ["The new due date must include a year"]
    assert [error.code for error in refused.value.error_list] == ["no_year"]


def test_a_missing_date_names_the_date():
    with pytest.raises(ValidationError) as refused:
        GovukDateField(name="the date of birth").clean("  ")
    assert refused.value.messages == ["Enter the date of birth"]
    assert GovukDateField(name="the date of birth", required=False).clean("") is None


def test_without_a_name_the_messages_say_date():
    field = GovukDateField()
    with pytest.raises(ValidationError) as refused:
        field.clean("")
    assert refused.value.messages == ["Enter date"]
    with pytest.raises(ValidationError) as refused:
        field.clean("soon")
    assert refused.value.messages == [f"Enter date as a real date, like {date_example()}"]


def test_a_form_may_give_its_own_messages_and_hint():
    field = GovukDateField(
        name="the date", error_messages={"required": "Say when"}, help_text="The day it met"
    )
    assert field.help_text == "The day it met"
    with pytest.raises(ValidationError) as refused:
        field.clean("")
    assert refused.value.messages == ["Say when"]


def test_a_date_passes_through_unchanged():
    assert GovukDateField().clean(date(2027, 3, 27)) == date(2027, 3, 27)


def test_the_hint_and_the_input_as_gov_uk_shows_them():
    field = GovukDateField(name="the date")
    assert field.help_text == DATE_HELP == f"For example, 27/03/{date.today().year}"
    # A text input, not the browser's date picker; the numeric keyboard on phones.
    assert field.widget.input_type == "text"
    assert field.widget.attrs == {
        "class": "govuk-input govuk-input--width-10",
        "inputmode": "numeric",
        "autocomplete": "off",
    }
    html = field.widget.render("due", date(2027, 1, 5))
    assert 'type="text"' in html
    assert 'value="05/01/2027"' in html
    assert 'class="govuk-input govuk-input--width-10"' in html
    assert 'inputmode="numeric"' in html
    assert 'autocomplete="off"' in html


def test_the_input_shows_dd_mm_yyyy_whatever_the_language():
    # The field sets its own format: under a locale whose first input format is another
    # (en-us: 2027-01-05), a date typed back as shown must still read as the same day.
    field = GovukDateField(name="the date")
    with translation.override("en-us"):
        html = field.widget.render("due", date(2027, 1, 5))
    assert 'value="05/01/2027"' in html


def test_a_refusal_carries_djangos_code_for_an_invalid_date():
    # As DateField's own refusal: a form can ask has_error(name, "invalid").
    with pytest.raises(ValidationError) as refused:
        GovukDateField().clean("03/2027")
    assert [error.code for error in refused.value.error_list] == ["invalid"]


@time_machine.travel(date(2026, 12, 7))
def test_the_hint_gives_an_example_on_the_side_of_today_the_field_asks_for():
    # "For example, 27/03/2027" for a date of birth invited the date the form refused.
    birth = GovukDateField(name="the date of birth", when=BIRTH)
    event = GovukDateField(name="the date of the meeting", when=PAST)
    due = GovukDateField(name="the new due date", when=FUTURE)
    assert birth.help_text == "For example, 27/03/1958"
    assert event.help_text == "For example, 27/03/2025"
    assert due.help_text == "For example, 27/03/2027"
    assert GovukDateField().help_text == "For example, 27/03/2026"
    with pytest.raises(ValidationError) as refused:
        birth.clean("soon")
    assert refused.value.messages == ["Enter the date of birth as a real date, like 27/03/1958"]
    # The date of birth asked for is the adult's: the browser must not offer the user's own.
    assert birth.widget.attrs["autocomplete"] == "off"


@pytest.mark.parametrize(
    ("form", "field", "when"),
    [
        ("referrals.forms.ReferralForm", "subject_date_of_birth", BIRTH),
        ("referrals.forms.ReferralForm", "subject_date_of_death", PAST),
        ("imr.forms.FamilySubjectForm", "dob", BIRTH),
        ("imr.forms.FamilySubjectForm", "dod", PAST),
        ("imr.forms.CommissionForm", "chronology_due", FUTURE),
        ("panel.forms.PanelMeetingForm", "held_on", PAST),
        ("scr.deadlines.forms.ExtensionRequestForm", "requested_due", FUTURE),
        ("actionplans.plan_forms.PlanActionForm", "target_date", FUTURE),
        ("overview.forms.ApproveForm", "release_date", FUTURE),
    ],
)
def test_each_form_says_which_way_its_date_lies(form, field, when):
    module, name = form.rsplit(".", 1)
    declared = getattr(import_module(module), name).base_fields[field]
    assert declared.when == when
    assert date_example(when) in declared.help_text
