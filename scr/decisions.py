"""The accept-or-return decision the procedure asks for at every stage: the agency lead on
a referral (5), the panel on a management review (Appendix C) and on the executive summary
(15.2), the coordinator on an action plan and on a file of evidence (16), the chair on an
extension. Two choices, and the reasons that go back with a return. Each stage's form is
a subclass that gives the wording; the pages render its two fields as GOV.UK radios and a
textarea."""

from dataclasses import dataclass

from django import forms


@dataclass(frozen=True)
class Choice:
    value: str  # what the form posts and cleaned_data["decision"] holds
    label: str  # what the radio says


class DecisionForm(forms.Form):
    """Accept, or send back with reasons. A subclass sets:

    - `accept` and `send_back`: the two choices, shown in that order;
    - `label`, `required_message`: the question, and what it says when nobody answers it;
    - `reasons_name` (the field's name: "comments", "reason", "note"), `reasons_label`,
      `reasons_help`, `reasons_rows`, `reasons_max_length` (None: no limit);
    - `reasons_needed`: the error when the send-back choice comes without reasons; empty
      when the form does not insist (the stage's service does, beside other checks).

    The two fields come first, in that order (the error summary lists them so); fields a
    subclass declares follow."""

    accept: Choice
    send_back: Choice
    label = "Your decision"
    required_message = "Select your decision"
    reasons_name = "comments"
    reasons_label = "Comments"
    reasons_help = ""
    reasons_rows = 5
    reasons_max_length: int | None = None
    reasons_needed = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        own = {
            "decision": forms.ChoiceField(
                label=self.label,
                choices=[
                    (self.accept.value, self.accept.label),
                    (self.send_back.value, self.send_back.label),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": self.required_message},
            ),
            self.reasons_name: forms.CharField(
                label=self.reasons_label,
                help_text=self.reasons_help,
                max_length=self.reasons_max_length,
                required=False,
                widget=forms.Textarea(attrs={"rows": self.reasons_rows}),
            ),
        }
        self.fields = {**own, **self.fields}

    @property
    def accepted(self) -> bool:
        """Whether the valid form's answer is the accepting choice."""
        return self.cleaned_data["decision"] == self.accept.value

    def clean(self):
        data = super().clean()
        sent_back = data.get("decision") == self.send_back.value
        if self.reasons_needed and sent_back and not (data.get(self.reasons_name) or "").strip():
            self.add_error(self.reasons_name, self.reasons_needed)
        return data
