from django import forms
from django.contrib.auth import get_user_model

from panel.models import (
    PanelConsiderations,
    PanelMembership,
    PanelRecommendation,
    ReviewBasis,
)
from panel.services import Decision, advised_basis, asks_basis, decisions_open
from scr.deadlines.services import deadline_period
from scr.fields import PAST, GovukDateField
from scr.uploads import MAX_UPLOAD_BYTES, check_upload, size_text

# The decisions in the words of the case's review type ('Conduct a Serious Case Review').
LABELS = {
    Decision.PANEL: "Ask the panel to discuss the case",
    Decision.REVIEW: "Conduct a {review}",
    Decision.OTHER_REVIEW: "Not a {review}: learning through another review",
    Decision.DECLINE: "No further action",
}
HINTS = {
    Decision.PANEL: "The panel meets within 7 days and recommends within 4 weeks (6.1, 6.2). "
    "Each key agency is asked at once to secure its records and start a chronology (9).",
    Decision.OTHER_REVIEW: "For example an agency's internal review that feeds learning back "
    "to the board (section 3).",
}


# The footing's hint: what the referral's facts advise (referrals.criteria), in words.
ADVICE_HINTS = {
    "mandatory": "The referral's facts advise a mandatory review: section 44(1) to (3). "
    "You decide.",
    "discretionary": "The referral's facts advise a discretionary review: section 44(4). "
    "You decide.",
    "not_a_sar": "The referral's facts do not meet section 44: not a Safeguarding Adults "
    "Review. You decide.",
}


def _review_hint(case) -> str:
    """Who is told of a decision to conduct the review, and the clocks it starts, from the
    case's review type: 'The regulator and the board are told (7). Management reviews
    begin within 6 weeks (10).'"""
    definition = case.review_type.parsed
    told = (
        "The regulator and the board are told (7)."
        if ("decision", "regulator") in definition.notify
        else "The board is told."
    )
    clocks = []
    for clock in definition.clocks_opened_by("commission_review"):
        if clock.amount is None:
            continue
        amount, unit = deadline_period(case.board, clock.key, case.review_type)
        period = f"{amount} {unit.rstrip('s') if amount == 1 else unit}"
        reference = f" ({clock.reference})" if clock.reference else ""
        clocks.append(f"{clock.label} within {period}{reference}.")
    return " ".join([told, *clocks])


class ChairDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        error_messages={"required": "Select your decision"},
    )
    reasons = forms.CharField(
        label="Reasons",
        help_text="They are kept in the case history and the referrer's agency is told.",
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    learning_route = forms.CharField(
        label="Route for learning (for another review)",
        help_text="Which review, who carries it out, and how its learning reaches the board.",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    basis = forms.ChoiceField(
        label="On what footing?",
        help_text="The referral's facts advise one; you decide.",
        choices=[
            (ReviewBasis.Basis.MANDATORY, ReviewBasis.Basis.MANDATORY.label),
            (ReviewBasis.Basis.DISCRETIONARY, ReviewBasis.Basis.DISCRETIONARY.label),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    panel_chair = forms.ModelChoiceField(
        label="Panel chair for this case (when the panel discusses it)",
        help_text="Chosen with the board (5).",
        queryset=get_user_model().objects.none(),
        required=False,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        decisions = decisions_open(case)
        review = case.review_type.wording["review"]
        self.fields["decision"].choices = [(d, LABELS[d].format(review=review)) for d in decisions]
        self.hints = {d: HINTS.get(d, "") for d in decisions}
        if Decision.REVIEW in decisions:
            self.hints[Decision.REVIEW] = _review_hint(case)
        if Decision.REVIEW not in decisions or not asks_basis(case):
            del self.fields["basis"]
        else:
            advised = advised_basis(case)
            if advised in ADVICE_HINTS:
                self.fields["basis"].help_text = ADVICE_HINTS[advised]
        if Decision.PANEL in decisions:
            self.fields["panel_chair"].queryset = (
                get_user_model()
                .objects.filter(board=case.board, is_active=True)
                .order_by("full_name")
            )
        else:
            del self.fields["panel_chair"]


class RecordsConfirmForm(forms.Form):
    systems = forms.CharField(
        label="What has been secured",
        help_text="The case files and systems secured against loss or change, for example "
        "'Case management system records; paper file held by the area office'.",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    chronology_started = forms.BooleanField(
        label="A chronology of our involvement with the adult and family has been started",
        required=False,
    )


class PanelMeetingForm(forms.Form):
    held_on = GovukDateField(label="Date of the meeting", name="the date of the meeting", when=PAST)
    attendees = forms.ModelMultipleChoiceField(
        label="Who attended",
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deputies = forms.CharField(
        label="Deputies attending (optional)",
        help_text="For example 'Detective Inspector for the police representative'.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notes = forms.CharField(
        label="Notes and decisions",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    paper = forms.FileField(
        label="A paper of the meeting (optional)",
        help_text="PDF, Word (DOCX), Excel (XLSX), PNG or JPEG, smaller than "
        f"{size_text(MAX_UPLOAD_BYTES)}.",
        required=False,
    )

    paper_panel_only = forms.BooleanField(
        label="Only the panel may see this paper",
        help_text="The panel's members, the panel chair and the coordinator. Untick it for "
        "everyone who sees the case in full, including each involved agency's lead, authors "
        "and directors.",
        required=False,
        initial=True,
    )

    def clean_paper(self):
        upload = self.cleaned_data.get("paper")
        return check_upload(upload) if upload else None

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = people


class TermsOfReferenceForm(forms.Form):
    terms = forms.CharField(
        label="Terms of reference",
        help_text="One term on each line. They are numbered in this order, and the IMRs and "
        "chronology entries refer to them by number.",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    period_from = GovukDateField(
        label="The review covers the period from",
        name="the start of the period",
        required=False,
        when=PAST,
    )
    period_to = GovukDateField(label="to", name="the end of the period", required=False, when=PAST)


class RecommendationForm(forms.Form):
    choice = forms.ChoiceField(
        label="The panel recommends",
        choices=PanelRecommendation.Choice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the panel's recommendation"},
    )
    reasons = forms.CharField(
        label="The panel's reasons",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class MediaStatementForm(forms.Form):
    text = forms.CharField(
        label="The statement, as agreed",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    agreed_on = GovukDateField(label="Date agreed", name="the date agreed", when=PAST)


class PanelMemberForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Person",
        queryset=get_user_model().objects.none(),
        error_messages={"required": "Choose who joins the panel"},
    )
    kind = forms.ChoiceField(
        label="As",
        choices=PanelMembership.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they represent their agency or are co-opted"},
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(board=board, is_active=True)
            .select_related("agency")
            .order_by("full_name")
        )
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.full_name}, {u.agency.name}" if u.agency else u.full_name
        )


class ConsiderationsForm(forms.ModelForm):
    class Meta:
        model = PanelConsiderations
        fields = list(PanelConsiderations.FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in PanelConsiderations.FIELDS}
