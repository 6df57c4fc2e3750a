"""Input validation for an agency's action plan (Appendix C). The services decide."""

from django import forms

from actionplans.services import is_vague
from imr.forms import ContactsForm
from scr.decisions import Choice, DecisionForm
from scr.fields import FUTURE, GovukDateField, date_help

# Appendix C, 'SCR Single-agency Action Plan Guidance notes', shown beside each column.
SMART_GUIDANCE = (
    "The action plan needs to be SMART – specific, measurable, achievable, realistic and "
    "with a timescale – and outcome focused."
)
RECOMMENDATION_GUIDANCE = "As they appear on the overview report."
ACTION_GUIDANCE = {
    "text": "The action or series of actions you will take to achieve the outcomes. Actions "
    "need to be clear, rigorous and fit for purpose. For example: deliver training, develop "
    "a new policy, introduce new standards, review working practices.",
    "evidence": "The type of evidence you will give the board to show that the actions are "
    "being carried out. For example: correspondence, minutes of meetings, the new policy, "
    "training material.",
    "outcome": "The expected and intended outcomes for people who use services or for "
    "service delivery that the key actions will bring about. For example: more multi-agency "
    "referrals and staff aware of procedures, quicker access to services.",
    "target_date": "The date by which the actions will be completed.",
}


def _area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class PlanContactsForm(ContactsForm):
    """The lead person, and the named person only if different (Appendix C): the same
    fields as the IMR's section 6, with a hidden revision to catch a clash."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named_name"].help_text = "Only if different from the lead person."


class PlanActionForm(forms.Form):
    """One key action. The checkbox for a vague verb ('review', 'consider') is offered
    only while the action's text starts with one (the SMART check would flag it)."""

    text = forms.CharField(
        label="Key action",
        help_text=ACTION_GUIDANCE["text"],
        widget=_area(4),
        error_messages={"required": "Enter the key action"},
    )
    evidence = forms.CharField(
        label="Evidence you will provide",
        help_text=ACTION_GUIDANCE["evidence"],
        widget=_area(3),
        required=False,
    )
    outcome = forms.CharField(
        label="Key outcome",
        help_text=ACTION_GUIDANCE["outcome"],
        widget=_area(3),
        required=False,
    )
    target_date = GovukDateField(
        name="the date",
        label="Date",
        help_text=f"{ACTION_GUIDANCE['target_date']} {date_help(FUTURE)}",
        when=FUTURE,
        required=False,
    )
    vague_confirmed = forms.BooleanField(
        label="This action is specific enough as written",
        help_text="Its first word alone may not say what will be done. Tick this if the "
        "rest of the action does.",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        text = self.data.get("text", "") if self.is_bound else self.initial.get("text", "")
        self.vague = is_vague(text or "")
        if not self.vague:
            del self.fields["vague_confirmed"]


class PlanDecisionForm(DecisionForm):
    """The coordinator's decision on a submitted plan (16)."""

    accept = Choice("accept", "Accept the plan")
    send_back = Choice("return", "Return it to the agency with comments")
    required_message = "Choose whether to accept the plan or return it"
    reasons_help = (
        "What the plan needs before the board can accept it. The agency sees these comments."
    )
    reasons_needed = "Say what the plan needs"
