"""Input validation for the IMR pages. The services make the decisions; what a section's
form is for, and how its cleaned data is stored, imr/sections.py says."""

from django import forms
from django.contrib.auth import get_user_model

from imr import template
from imr.entry_parsing import EntryParseError, parse_date, parse_time
from imr.models import ChronologyEntry, GlossaryEntry
from scr.deadlines import calendar
from scr.decisions import Choice, DecisionForm
from scr.fields import BIRTH, FUTURE, PAST, GovukDateField, date_help
from scr.formtools import RevisionField


def _area(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class RevisionForm(forms.Form):
    """A section form: remembers the revision the author opened, to catch a clash."""

    revision = RevisionField()


class CommissionForm(forms.Form):
    agencies = forms.MultipleChoiceField(
        label="Agencies that must write a management review",
        widget=forms.CheckboxSelectMultiple,
        help_text="Each key agency that had involvement with the adult and family (10).",
        error_messages={"required": "Select the agencies that must write a management review"},
    )
    chronology_due = GovukDateField(
        name="the date for the chronology and family composition",
        label="Chronology and family composition due",
        when=FUTURE,
    )
    report_due = GovukDateField(
        name="the date for the full report",
        label="Full report, with analysis and action plan, due",
        when=FUTURE,
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = [(str(a.pk), a.name) for a in agencies]


class NominateForm(forms.Form):
    author = forms.ModelChoiceField(
        queryset=None,
        label="Author",
        empty_label="Choose the author",
        error_messages={"required": "Choose the author"},
        help_text="Not listed? People appear here once the coordinator has added them to "
        "the service with your agency.",
    )
    author_designation = forms.CharField(
        label="Author's job title", error_messages={"required": "Enter the author's job title"}
    )
    author_suitability = forms.CharField(
        label="How the author's role equips them to undertake this review",
        widget=_area(4),
        error_messages={"required": "Say how the author's role equips them for this review"},
    )
    author_independent = forms.BooleanField(
        label="The author has had no operational involvement in the case",
        error_messages={
            "required": "The author must have had no operational involvement in the case "
            "(Appendix C): confirm it, or choose someone else"
        },
    )
    director = forms.ModelChoiceField(
        queryset=None,
        label="Countersigning director",
        empty_label="Choose the director",
        help_text="Usually the agency's lead director for safeguarding.",
        error_messages={"required": "Choose the director who countersigns the report"},
    )
    director_designation = forms.CharField(
        label="Director's job title",
        error_messages={"required": "Enter the director's job title"},
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        people = (
            get_user_model().objects.filter(agency=agency, is_active=True).order_by("full_name")
        )
        self.fields["author"].queryset = people
        self.fields["director"].queryset = people


class AppraisalForm(forms.Form):
    needed = forms.TypedChoiceField(
        label="Are immediate changes to practice or procedure needed?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether immediate changes are needed"},
    )
    changes = forms.CharField(
        label="What must change now, and who is doing it",
        widget=_area(4),
        required=False,
        help_text="A ‘yes’ tells the coordinator and the board chair straight away.",
    )


class IntroductionForm(RevisionForm):
    sources = forms.MultipleChoiceField(
        label="Sources of information used",
        choices=template.SOURCES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=template.INTRODUCTION_HINT,
    )
    other_sources = forms.CharField(
        label="Other sources, including interviews (by job title)",
        widget=_area(3),
        required=False,
    )
    notes = forms.CharField(
        label="Anything to add to the introduction (optional)",
        widget=_area(4),
        required=False,
    )


class FamilySubjectForm(RevisionForm):
    name = forms.CharField(label="The adult's name", error_messages={"required": "Enter the name"})
    dob = GovukDateField(
        name="the date of birth", label="Date of birth", required=False, when=BIRTH
    )
    dod = GovukDateField(
        name="the date of death",
        label="Date of death (if applicable)",
        required=False,
        when=PAST,
    )
    address = forms.CharField(label="Address", widget=_area(3), required=False)
    ethnicity = forms.CharField(label="Ethnicity", required=False)
    other_addresses = forms.CharField(
        label="Other addresses on file", widget=_area(3), required=False
    )


class PersonForm(RevisionForm):
    relationship = forms.ChoiceField(
        label="Relationship to the adult",
        choices=[("", "Choose")] + template.RELATIONSHIPS,
        error_messages={"required": "Choose the relationship to the adult"},
    )
    relationship_detail = forms.CharField(
        label="Describe the relationship (optional)",
        required=False,
        help_text="For example granddaughter, lodger, neighbour who cared for her.",
    )
    name = forms.CharField(label="Name", error_messages={"required": "Enter the name"})
    dob = GovukDateField(
        name="the date of birth", label="Date of birth", required=False, when=BIRTH
    )
    address = forms.CharField(label="Address", widget=_area(2), required=False)
    ethnicity = forms.CharField(label="Ethnicity", required=False)


class TermsMixin:
    def term_choices(self, terms):
        return [(str(t["number"]), f"{t['number']}. {t['text']}") for t in terms]


class AnalysisForm(RevisionForm, TermsMixin):
    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.prompts = []
        for prompt in template.ANALYSIS_PROMPTS:
            self.fields[prompt.key] = forms.CharField(
                label=f"{prompt.ref}: {prompt.question}",
                help_text=prompt.hint,
                widget=_area(6),
                required=False,
            )
            self.fields[f"{prompt.key}_terms"] = forms.MultipleChoiceField(
                label="Terms of reference this answers",
                choices=self.term_choices(terms),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            self.prompts.append((self[prompt.key], self[f"{prompt.key}_terms"]))


class LessonsForm(RevisionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prompt in template.LESSON_PROMPTS:
            self.fields[prompt.key] = forms.CharField(
                label=f"{prompt.ref}: {prompt.question}",
                help_text=prompt.hint,
                widget=_area(5),
                required=False,
            )


class ContactsForm(RevisionForm):
    """Section 6: the action plan's lead person, and a named person if different."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for who, title in template.CONTACT_PEOPLE:
            for key, label in template.CONTACT_FIELDS:
                field = forms.EmailField if key == "email" else forms.CharField
                self.fields[f"{who}_{key}"] = field(
                    label=f"{title}: {label.lower()}",
                    required=False,
                    widget=_area(2) if key == "address" else None,
                )


ACTION_ROWS = 5


class RecommendationForm(RevisionForm):
    text = forms.CharField(
        label="Recommendation",
        widget=_area(3),
        error_messages={"required": "Enter the recommendation"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for n in range(1, ACTION_ROWS + 1):
            names = {
                "text": forms.CharField(label="Key action", widget=_area(2), required=False),
                "evidence": forms.CharField(label="Evidence", widget=_area(2), required=False),
                "outcome": forms.CharField(label="Key outcome", widget=_area(2), required=False),
                "date": GovukDateField(
                    name="the completion date", label="Date", required=False, when=FUTURE
                ),
            }
            for key, field in names.items():
                field.help_text = template.ACTION_HINTS[key] if n == 1 else ""
                if key == "date":
                    field.help_text = (field.help_text + " " if n == 1 else "") + date_help(FUTURE)
                self.fields[f"action_{n}_{key}"] = field
            self.rows.append([self[f"action_{n}_{key}"] for key in names])

    def clean(self):
        data = super().clean()
        today = calendar.today()
        for n in range(1, ACTION_ROWS + 1):
            filled = [data.get(f"action_{n}_{k}") for k in ("evidence", "outcome", "date")]
            if any(filled) and not (data.get(f"action_{n}_text") or "").strip():
                self.add_error(f"action_{n}_text", f"Enter key action {n}, or clear its row")
            due = data.get(f"action_{n}_date")
            if due is not None and due <= today:
                # SMART: a timescale still to come (Appendix C's action plan guidance).
                self.add_error(
                    f"action_{n}_date", f"The date of key action {n} must be in the future"
                )
        return data


class EntryForm(RevisionForm, TermsMixin):
    date = forms.CharField(
        label="Date",
        help_text=template.CHRONOLOGY_COLUMN_HINTS["date"],
        error_messages={"required": "Enter the date"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )
    time = forms.CharField(
        label="Time (optional)",
        required=False,
        help_text=template.CHRONOLOGY_COLUMN_HINTS["time"],
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}),
    )
    source = forms.CharField(
        label="Source of information",
        max_length=ChronologyEntry.TEXT_MAX_CHARACTERS,
        help_text=template.CHRONOLOGY_COLUMN_HINTS["source"],
        error_messages={"required": "Enter the source of information"},
    )
    subject = forms.CharField(
        label="Subject of recording",
        max_length=ChronologyEntry.SUBJECT_MAX_CHARACTERS,
        help_text=template.CHRONOLOGY_COLUMN_HINTS["subject"],
        error_messages={"required": "Enter who the entry relates to, by initials"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    event = forms.CharField(
        label="Event description, action and outcome",
        max_length=ChronologyEntry.TEXT_MAX_CHARACTERS,
        widget=_area(4),
        help_text=template.CHRONOLOGY_COLUMN_HINTS["event"],
        error_messages={"required": "Describe the event, the action and the outcome"},
    )
    expected_practice = forms.CharField(
        label="Expected practice/standards",
        max_length=ChronologyEntry.TEXT_MAX_CHARACTERS,
        widget=_area(3),
        required=False,
        help_text=template.CHRONOLOGY_COLUMN_HINTS["expected_practice"],
    )
    term_numbers = forms.MultipleChoiceField(
        label="Relevance to terms of reference",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=template.CHRONOLOGY_COLUMN_HINTS["relevance"],
    )
    relevance_note = forms.CharField(
        label="Comment on relevance",
        widget=_area(2),
        required=False,
        max_length=ChronologyEntry.TEXT_MAX_CHARACTERS,
    )
    explains_gap = forms.BooleanField(
        label="This entry explains a period without contact",
        required=False,
    )

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term_numbers"].choices = self.term_choices(terms)
        for name in (*ChronologyEntry.LONG_TEXTS, "subject"):
            field = self.fields[name]
            field.error_messages["max_length"] = (
                f"Keep this to {field.max_length:,} characters or fewer: it has %(show_value)s"
            )

    def clean_date(self):
        try:
            return parse_date(self.cleaned_data["date"], today=calendar.today())
        except EntryParseError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_time(self):
        try:
            return parse_time(self.cleaned_data["time"])
        except EntryParseError as error:
            raise forms.ValidationError(str(error)) from None


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet (XLSX or CSV)",
        help_text="The first row names the columns, as in the chronology template.",
        error_messages={"required": "Choose the spreadsheet to import"},
    )


class GlossaryForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is it?",
        choices=GlossaryEntry.Kind.choices,
        widget=forms.RadioSelect,
        initial=GlossaryEntry.Kind.WORKER,
        error_messages={"required": "Say whether it is a worker's code or an abbreviation"},
    )
    code = forms.CharField(
        label="Code or abbreviation",
        max_length=30,
        help_text="For example SW1, HV2 or DoLS.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"required": "Enter the code or abbreviation"},
    )
    meaning = forms.CharField(
        label="Role, or what it stands for",
        max_length=300,
        help_text="For a worker, the role only: ‘Social worker, hospital team’.",
        required=False,
    )
    worker_name = forms.CharField(
        label="Worker's name (private)",
        max_length=200,
        required=False,
        help_text="Kept by the service only to find the name if it slips into the report. "
        "Never part of the report.",
    )


class DirectorReturnForm(forms.Form):
    comments = forms.CharField(
        label="What the author needs to change",
        widget=_area(5),
        error_messages={"required": "Say what the author needs to change"},
    )


class PanelReviewForm(DecisionForm):
    """The panel's decision on a countersigned report (Appendix C). What a return needs
    (comments and a date) the service checks, both at once."""

    accept = Choice("accept", "Accept the report")
    send_back = Choice("return", "Return it to the agency for revision")
    label = "The panel's decision"
    required_message = "Choose whether to accept the report or return it"
    reasons_help = (
        "Needed to return the report: what it lacks. The overview report will say that the "
        "report was returned (Appendix C)."
    )
    revision_due = GovukDateField(
        name="the date the revised report is due",
        label="Revised report due (if returned)",
        required=False,
        when=FUTURE,
    )


class ConcernForm(forms.Form):
    text = forms.CharField(
        label="What information suggests disciplinary action may be needed",
        widget=_area(6),
        help_text="Only the agency's lead, the coordinator and the board chair will see this "
        "note (section 12).",
        error_messages={"required": "Describe the information and why it matters"},
    )


# Requests for information under section 45 of the Care Act 2014 (imr.s45_views).

S45_OUTSIDE = "outside"


class S45RequestForm(forms.Form):
    recipient = forms.ChoiceField(
        label="Who is asked",
        help_text="An agency of the board (its lead is emailed), or a person or organisation "
        "outside the board (send them the request yourself, by secure email).",
        error_messages={
            "required": "Choose the agency, or a person or organisation outside the board",
            "invalid_choice": "Choose an agency of this board",
        },
    )
    recipient_name = forms.CharField(
        label="Name of the person asked",
        required=False,
        max_length=200,
        help_text="Only for someone outside the board.",
    )
    recipient_organisation = forms.CharField(
        label="Their organisation (optional)", required=False, max_length=200
    )
    recipient_email = forms.EmailField(
        label="Their email address",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )
    asked = forms.CharField(
        label="What information is asked for",
        widget=_area(6),
        max_length=10000,
        error_messages={"required": "Say what information is asked for"},
    )
    legal_basis = forms.CharField(
        label="Legal basis shown to them",
        help_text="Section 45 of the Care Act 2014. Change the wording only if you need to.",
        widget=_area(5),
        max_length=3000,
        error_messages={"required": "Give the legal basis of the request"},
    )
    asked_on = GovukDateField(name="the date asked", label="Asked on", when=PAST)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [
            ("", "Choose who is asked"),
            *[(str(a.pk), a.name) for a in agencies],
            (S45_OUTSIDE, "A person or organisation outside the board"),
        ]
        self.fields["recipient"].widget = forms.Select(choices=self.fields["recipient"].choices)

    def agency_id(self) -> int | None:
        value = self.cleaned_data["recipient"]
        return None if value == S45_OUTSIDE else int(value)


class S45ReplyForm(forms.Form):
    received_on = GovukDateField(name="the date received", label="Received on", when=PAST)
    reply = forms.CharField(
        label="The reply",
        required=False,
        widget=_area(8),
        max_length=20000,
        help_text="Type the information, or upload the file that holds it, or both.",
    )
    upload = forms.FileField(
        label="Upload a file (optional)",
        required=False,
        help_text="A PDF, Word document, Excel spreadsheet, PNG or JPEG.",
        error_messages={"invalid": "Select a file", "empty": "The selected file is empty"},
    )


class S45EscalateForm(forms.Form):
    reason = forms.CharField(
        label="Why the chair needs to know",
        help_text="For example: no reply by the due date and no answer to two reminders, or "
        "the agency declined to supply the information.",
        widget=_area(5),
        max_length=5000,
        error_messages={"required": "Say why the request is escalated to the chair"},
    )
