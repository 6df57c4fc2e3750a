from datetime import date

from django import forms

from scr.dates import day_text
from scr.deadlines import calendar
from scr.decisions import Choice, DecisionForm
from scr.fields import FUTURE, GovukDateField


class ExtensionRequestForm(forms.Form):
    requested_due = GovukDateField(label="New due date", name="the new due date", when=FUTURE)
    reason = forms.CharField(
        label="Why is more time needed?",
        help_text="The chair reads this when deciding. Do not include the names of the people "
        "involved in the case.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "govuk-textarea"}),
        error_messages={"required": "Enter why more time is needed"},
    )

    def __init__(self, *args, current_due: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_due = current_due

    def clean_requested_due(self):
        value = self.cleaned_data["requested_due"]
        if value <= self.current_due:
            raise forms.ValidationError(
                f"The new date must be after the current due date, {day_text(self.current_due)}"
            )
        if value < calendar.today():
            raise forms.ValidationError("The new date must be in the future")
        return value

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter why more time is needed")
        return reason


class ExtensionDecisionForm(DecisionForm):
    """The chair's decision on a request for more time."""

    accept = Choice("approve", "Approve the new date")
    send_back = Choice("refuse", "Refuse: keep the current date")
    required_message = "Select whether you approve the new date"
    reasons_name = "note"
    reasons_label = "Reasons"
    reasons_help = "Needed when you refuse. The person who asked sees them."
    reasons_rows = 3
    reasons_max_length = 5000
    reasons_needed = "Enter the reasons for refusing"


class ReminderSettingsForm(forms.Form):
    reminder_digest = forms.TypedChoiceField(
        label="How do you want your deadline reminders?",
        choices=[
            ("false", "An email for each reminder"),
            ("true", "One daily digest of everything due within 7 days or overdue"),
        ],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
    )


class ComplianceForm(forms.Form):
    start = GovukDateField(
        label="From",
        name="the ‘from’ date",
        help_text="Clocks due on or after this date, for example 01/04/2026",
    )
    end = GovukDateField(
        label="To",
        name="the ‘to’ date",
        help_text="Clocks due on or before this date, for example 31/03/2027",
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The ‘to’ date must be the same as or after the ‘from’ date")
        return data
