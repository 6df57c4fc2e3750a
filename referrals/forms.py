from django import forms

from referrals.criteria import CRITERIA_TEXT
from referrals.models import Referral
from referrals.questions import LABELS, QUESTIONS, fields_asked
from scr.accounts.models import Agency
from scr.decisions import Choice, DecisionForm
from scr.fields import BIRTH, PAST, GovukDateField


class ReferralForm(forms.Form):
    """Every field optional here: a draft keeps whatever was typed. What a submission
    needs is checked by the service (referrals.services.missing_for_submission)."""

    subject_name = forms.CharField(
        label="Full name",
        required=False,
        max_length=200,
        help_text="Only the people working on the case see the name. Others see initials.",
    )
    subject_date_of_birth = GovukDateField(
        label="Date of birth", name="the date of birth", required=False, when=BIRTH
    )
    subject_died = forms.BooleanField(label="The adult has died", required=False)
    subject_date_of_death = GovukDateField(
        label="Date of death", name="the date of death", required=False, when=PAST
    )
    subject_address = forms.CharField(
        label="Address",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    subject_ethnicity = forms.CharField(label="Ethnicity", required=False, max_length=100)
    care_and_support_needs = forms.ChoiceField(
        label="Does the adult have needs for care and support?",
        help_text="Whether or not the local authority was meeting any of those needs "
        "(Care Act 2014, section 44).",
        choices=Referral.CareAndSupport.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    what_happened = forms.CharField(
        label="What happened",
        required=False,
        max_length=20000,
        help_text="The facts as you know them: what happened, when, and which services were "
        "involved. Refer to workers by role, not by name.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    abuse_or_neglect = forms.ChoiceField(
        label="Is abuse or neglect known or suspected to be a factor in what happened?",
        choices=Referral.AbuseOrNeglect.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    serious_harm = forms.BooleanField(
        label="The adult sustained a potentially life-threatening injury or permanent "
        "impairment of health, or was the victim of very serious abuse (for example "
        "systematic sexual abuse)",
        required=False,
    )
    concern_working_together = forms.BooleanField(
        label="The case gives rise to concerns about the way professionals and services "
        "worked together",
        required=False,
    )
    lessons_for_interagency_working = forms.BooleanField(
        label="There are important lessons for inter-agency working", required=False
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Which agencies were involved?",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    believes_3_1 = forms.BooleanField(label="3.1", help_text=CRITERIA_TEXT["3.1"], required=False)
    believes_3_2 = forms.BooleanField(label="3.2", help_text=CRITERIA_TEXT["3.2"], required=False)
    believes_4_2 = forms.BooleanField(label="4.2", help_text=CRITERIA_TEXT["4.2"], required=False)

    def __init__(self, *args, board, questions, **kwargs):
        """`questions`: the keys of the questions the referral's review type asks
        (referrals.questions); the form has only their fields."""
        super().__init__(*args, **kwargs)
        asked = fields_asked(questions)
        for name in list(self.fields):
            if name not in asked:
                del self.fields[name]
        for key, label in LABELS.items():
            if key in questions:
                (name,) = QUESTIONS[key]
                self.fields[name].label = label
        if "agencies" in self.fields:
            self.fields["agencies"].queryset = Agency.objects.filter(board=board).order_by("name")


class ReturnForm(DecisionForm):
    """The agency lead's decision on a submitted referral (5)."""

    accept = Choice("endorse", "Endorse it: send it to the board chair")
    send_back = Choice("return", "Return it to the referrer")
    required_message = "Select whether you endorse or return the referral"
    reasons_name = "reason"
    reasons_label = "Reasons"
    reasons_help = "Needed when you return it: the referrer reads them."
    reasons_rows = 4
    reasons_max_length = 5000
    reasons_needed = "Enter why the referral is being returned"
