from django import forms

from scr.cases.references import normalised


class CaseSearchForm(forms.Form):
    q = forms.CharField(
        label="Search by case reference or name",
        required=False,
        max_length=100,
        error_messages={"max_length": "Enter a case reference, like SCR-2026-007"},
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-10", "spellcheck": "false"}
        ),
    )

    def clean_q(self) -> str:
        return self.cleaned_data["q"].strip()

    def reference(self) -> str:
        """The search as a reference, as people paste them: 'scr 2026 007', 'SCR–2026–007'
        (en dashes from Word), ' SCR-2026-007 ' all mean SCR-2026-007."""
        return normalised(self.cleaned_data.get("q", ""))


class TransitionForm(forms.Form):
    """Record a decision that moves the case on: which one, and the reasons."""

    transition = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision to record"},
    )
    note = forms.CharField(
        label="Reasons",
        help_text="Say why. The reasons are kept in the case history.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "govuk-textarea"}),
    )

    def __init__(self, *args, transitions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.transitions = {t.name: t for t in transitions}
        self.fields["transition"].choices = [(t.name, t.custom["label"]) for t in transitions]

    def clean(self):
        data = super().clean()
        chosen = self.transitions.get(data.get("transition"))
        if chosen and chosen.custom.get("note_required") and not data.get("note", "").strip():
            self.add_error("note", "Enter the reasons for this decision")
        return data
