"""Input validation for carrying out an accepted plan (16). The services decide: the
file's type and size are checked by actionplans.implementation_services, by its content."""

from django import forms

from actionplans.models import PlanAction
from scr import uploads
from scr.decisions import Choice, DecisionForm


def _area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ActionUpdateForm(forms.Form):
    """The writer's progress update on an action."""

    progress = forms.ChoiceField(
        label="Where the action is",
        help_text="The action is complete when the coordinator accepts its evidence.",
        choices=[
            (PlanAction.Progress.NOT_STARTED.value, PlanAction.Progress.NOT_STARTED.label),
            (PlanAction.Progress.IN_PROGRESS.value, PlanAction.Progress.IN_PROGRESS.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the action has started"},
    )
    text = forms.CharField(
        label="What has been done",
        help_text="What has been done since the last update, and what comes next.",
        max_length=5000,
        widget=_area(5),
        error_messages={"required": "Enter what has been done"},
    )


class EvidenceUploadForm(forms.Form):
    """A file of evidence that an action is being, or has been, carried out."""

    description = forms.CharField(
        label="What the file shows",
        help_text="For example: attendance records of the training, the new policy.",
        max_length=2000,
        widget=_area(3),
        error_messages={"required": "Say what the file shows"},
    )
    upload = forms.FileField(
        label="Upload a file",
        help_text="A PDF, Word document, Excel spreadsheet, PNG or JPEG, smaller than "
        f"{uploads.size_text(uploads.MAX_UPLOAD_BYTES)}.",
        error_messages={
            "required": "Select a file",
            "empty": "The selected file is empty",
            "invalid": "Select a file",
        },
    )


class EvidenceDecisionForm(DecisionForm):
    """The coordinator's decision on one file of evidence."""

    accept = Choice("accept", "Accept: the action is complete")
    send_back = Choice("reject", "Not enough: say what is missing")
    required_message = "Choose whether to accept the evidence"
    reasons_help = "What the evidence needs to show. The agency sees these comments."
    reasons_rows = 4
    reasons_max_length = 5000
    reasons_needed = "Say why the evidence is not enough"
