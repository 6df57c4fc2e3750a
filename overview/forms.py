"""Input validation for the overview report's pages. The services make the decisions."""

import re

from django import forms

from overview.models import ContributorResponse, ReceiptItem
from scr.decisions import Choice, DecisionForm
from scr.fields import FUTURE, GovukDateField, date_help
from scr.formtools import RevisionField


def _area(rows: int = 8) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class SectionForm(forms.Form):
    text = forms.CharField(label="Text", widget=_area(14), required=False)
    revision = RevisionField()


def _choices(terms) -> list[tuple[str, str]]:
    return [(str(t["number"]), f"{t['number']}. {t['text']}") for t in terms]


class FindingForm(forms.Form):
    text = forms.CharField(
        label="Finding or conclusion",
        widget=_area(6),
        error_messages={"required": "Enter the finding"},
    )
    term_numbers = forms.MultipleChoiceField(
        label="Terms of reference it answers",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    entry_refs = forms.CharField(
        label="Chronology entries that support it",
        help_text="Their references in the inter-agency chronology (the Ref column), separated "
        "by commas, for example E12, E40. A reader follows each to the entry.",
        required=False,
    )

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term_numbers"].choices = _choices(terms)

    def clean_entry_refs(self) -> list[int]:
        text = self.cleaned_data["entry_refs"]
        parts = [p for p in re.split(r"[\s,;]+", text.strip()) if p]
        refs = []
        for part in parts:
            match = re.fullmatch(r"[Ee]?(\d{1,9})", part)
            if match is None:
                raise forms.ValidationError(
                    f"‘{part}’ is not an entry reference: use the Ref column, like E12"
                )
            refs.append(int(match[1]))
        return refs


class RecommendationForm(forms.Form):
    text = forms.CharField(
        label="Recommendation",
        widget=_area(5),
        error_messages={"required": "Enter the recommendation"},
    )
    agency_ids = forms.MultipleChoiceField(
        label="Agencies it is for",
        help_text="The chair writes to each agency named here for its action plan (16).",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    for_board = forms.BooleanField(
        label="For the board itself (its management action plan, 14 b)", required=False
    )
    term_numbers = forms.MultipleChoiceField(
        label="Terms of reference it answers",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, terms, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term_numbers"].choices = _choices(terms)
        self.fields["agency_ids"].choices = [(str(a.pk), a.name) for a in agencies]

    def clean(self):
        data = super().clean()
        if not data.get("agency_ids") and not data.get("for_board"):
            self.add_error(
                "agency_ids", "Choose the agencies the recommendation is for, or the board"
            )
        return data


class ResponseForm(forms.Form):
    answer = forms.ChoiceField(
        label="The agency's response to the contents",
        choices=ContributorResponse.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the agency's response"},
    )
    comments = forms.CharField(label="Comments", widget=_area(4), required=False)


class ReceiptItemForm(forms.Form):
    note = forms.CharField(
        label="What was done",
        widget=_area(4),
        error_messages={"required": "Say what was done"},
    )


RECEIPT_HINTS = {
    ReceiptItem.Key.CONTRIBUTORS: "When every contributor has responded: how the contents were "
    "checked with them.",
    ReceiptItem.Key.ACTION_PLAN: "The board's management action plan, drawn up and agreed (the "
    "action plan stage starts from the report's recommendations).",
    ReceiptItem.Key.AVAILABILITY: "Who the report, or which parts of it, may be given to "
    "outside the service (in the service it stays with the panel, the chair, the coordinator "
    "and its author).",
    ReceiptItem.Key.DISSEMINATION: "Who received the report or its key findings, as agreed.",
    ReceiptItem.Key.FEEDBACK: "How staff, family members and, if appropriate, the media hear "
    "of the outcome.",
    ReceiptItem.Key.REGULATOR: "Copies of the overview report, executive summary, action plan "
    "and management reviews sent to the regulator.",
}


class SummaryForm(forms.Form):
    process = forms.CharField(
        label="a) Information about the review process", widget=_area(8), required=False
    )
    key_issues = forms.CharField(
        label="b) Key issues arising from the case", widget=_area(12), required=False
    )
    recommendations = forms.CharField(label="c) Recommendations", widget=_area(10), required=False)
    revision = RevisionField()


class WaiverForm(forms.Form):
    term = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why this does not identify anyone",
        widget=_area(2),
        error_messages={"required": "Say why this does not identify anyone"},
    )


class PanelDecisionForm(DecisionForm):
    """The panel agrees the executive summary or returns it (15.2); the service insists
    on comments with a return."""

    accept = Choice("agree", "Agree the summary")
    send_back = Choice("return", "Return it to the author")
    label = "The panel's decision"
    required_message = "Choose the panel's decision"
    reasons_help = "Needed when returning it."
    reasons_rows = 4


class ApproveForm(forms.Form):
    criminal_proceedings = forms.CharField(
        label="Related criminal proceedings considered (15.2)",
        help_text="The findings of any related criminal proceedings you took into account, or "
        "that there are none.",
        widget=_area(4),
        error_messages={
            "required": "Record the related criminal proceedings considered, or that there are none"
        },
    )
    release_date = GovukDateField(
        name="the release date",
        label="Release date (15.3)",
        when=FUTURE,
        help_text="Family members receive copies on this date; it is public from then. "
        + date_help(FUTURE),
    )

    def clean_release_date(self):
        from scr.deadlines import calendar

        value = self.cleaned_data["release_date"]
        if value is not None and value < calendar.today():
            raise forms.ValidationError("The release date must be today or in the future")
        return value

    media_note = forms.CharField(
        label="Media coordination (15.4)",
        help_text="Optional: how media interest and press statements are coordinated.",
        widget=_area(3),
        required=False,
    )


class RecipientForm(forms.Form):
    name = forms.CharField(label="Name", error_messages={"required": "Enter the name"})
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter the email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why the summary goes back to its author",
        widget=_area(3),
        error_messages={"required": "Say why the summary goes back to its author"},
    )
