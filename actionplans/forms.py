"""Input validation for the chair's letters' pages (16). The services make the decisions."""

from django import forms

from scr.formtools import RevisionField


class LetterForm(forms.Form):
    body = forms.CharField(
        label="The letter",
        help_text="The service drafted it from the overview report's recommendations. "
        "Change it as you need before you send it.",
        widget=forms.Textarea(attrs={"rows": 24}),
        strip=False,
        error_messages={"required": "Enter the letter"},
    )
    revision = RevisionField()


class ConfirmForm(forms.Form):
    """A button alone (draft the letters, send a letter): holds what the service refuses."""
