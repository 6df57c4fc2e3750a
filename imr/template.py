"""The IMR template of Appendix C and the questions of section 11, as data.

The form, the checks and the PDF all read from here, so the report has one shape.
Guidance ('the notes in blue') is shown as hint text and never enters a submission.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Prompt:
    key: str
    ref: str  # where the procedure asks it
    question: str
    hint: str = ""


# Appendix C section 1: the template's examples of sources of information.
SOURCES = [
    ("health_records", "Chronology compiled from adult health or patient records"),
    ("care_home_records", "Care home records"),
    ("adult_protection_notes", "Consultation notes made by named adult protection professionals"),
    ("gp_notes", "General Practitioner notes"),
    ("social_work_records", "Social worker records"),
    ("police_records", "Police records and incident logs"),
    ("supervision_notes", "Supervision notes"),
    ("staff_interviews", "Interviews with staff"),
]
SOURCE_LABELS = dict(SOURCES)

INTRODUCTION_HINT = (
    "List the sources your agency used to compile the report and leave out any that do "
    "not apply. For interviews give the job title, not the name of the person."
)

# Appendix C section 2: the people the template asks for, in its order.
RELATIONSHIPS = [
    ("mother", "Mother"),
    ("father", "Father"),
    ("partner", "Partner"),
    ("child", "Child"),
    ("household", "Other household member"),
    ("significant", "Significant other"),
]
RELATIONSHIP_LABELS = dict(RELATIONSHIPS)

FAMILY_HINT = (
    "The coordinator draws an outline family tree from this section; the panel confirms it "
    "for the overview report. The focus is the adult, unless your agency has clear reasons "
    "to focus on another person, for example the perpetrator of an attack, or a relative."
)

CHRONOLOGY_HINT = (
    "Construct the chronology of your agency's involvement over the period in the terms of "
    "reference. Do not refer to workers by name: use codes such as SW1 or HV2 and explain "
    "them in the glossary. Where there is no contact for a long period, add an entry that "
    "explains it."
)

# Appendix C's key to the chronology's columns, shown beside each field.
CHRONOLOGY_COLUMN_HINTS = {
    "date": "Use dd/mm/yy, as in 03/02/25 (a year before 1970 in full: 03/02/1965). For a "
    "date you are unsure of, put a question mark first, as in ?03/02/25, or give the month "
    "alone with its year in full or its name, as in 02/2025 or Feb 2025.",
    "time": "24-hour clock, for example 14:30. Leave blank if not known.",
    "source": "Interview with staff, case notes, supervision notes and so on.",
    "subject": "Who the entry relates to, by initials: the subject, partner, child, sibling.",
    "event": "What action was taken by whom, and what the outcome was. Do not name workers: "
    "use SW1, HV2 and so on.",
    "expected_practice": "Whether there were procedures or standards for what was done and "
    "whether they were followed. Highlight good practice, and where procedures were absent.",
    "relevance": "Which terms of reference the entry relates to, with any comment. This "
    "informs your analysis and the panel's discussion.",
}

ANALYSIS_HINT = (
    "Review the chronology and analyse practice openly and critically against statutory "
    "requirements, professional standards and procedural guidance. Relate the analysis to "
    "the terms of reference and the period of the review. Explain every abbreviation."
)

# Section 11.2 and 11.3 a to k, with the Appendix C prompts that support each.
ANALYSIS_PROMPTS = [
    Prompt(
        "summary",
        "11.2",
        "Summarise the decisions reached, the services offered and provided to the adult, "
        "and any other action taken.",
    ),
    Prompt(
        "policy",
        "11.3 a",
        "What policy and procedure was in place to guide practitioners to safeguard the adult?",
        "Did the organisation have policies and procedures for safeguarding and acting on "
        "concerns? Were they adhered to? If not, why not?",
    ),
    Prompt(
        "concerns",
        "11.3 b",
        "Was action taken to deal with concerns about the adult's welfare?",
        "Were practitioners sensitive to the adult's needs and knowledgeable about indicators "
        "of abuse or neglect and what to do about them?",
    ),
    Prompt(
        "assessments",
        "11.3 c",
        "What assessments took place, if any, and did they take account of guidance "
        "frameworks in common use?",
        "What were the key points for assessment and decision? Were assessments reached in an "
        "informed, professional way and completed within timescales? Did actions accord with "
        "them? Where none were made, why not?",
    ),
    Prompt(
        "enquiries",
        "11.3 d",
        "Were relevant enquiries made to assist an assessment?",
    ),
    Prompt(
        "services",
        "11.3 e",
        "Were appropriate services offered?",
        "Were appropriate services offered or provided, or enquiries made, in the light of "
        "the assessments?",
    ),
    Prompt(
        "wishes",
        "11.3 f",
        "Were the adult's wishes and feelings taken into account in assessment and service "
        "provision?",
        "When and how were the adult's wishes and feelings heard and addressed? Were they "
        "recorded? How did your agency respond? This is particularly important to include.",
    ),
    Prompt(
        "identity",
        "11.3 g",
        "Was practice appropriate to the adult's identity: race, culture, language, religion, "
        "age, gender and orientation?",
        "Does your agency collect this information and use it in assessments? What evidence "
        "is there that it was taken into account in the service given?",
    ),
    Prompt(
        "senior_managers",
        "11.3 h",
        "Were senior managers involved in appropriate decisions?",
        "Were senior managers, or other organisations and professionals, involved at the "
        "points where they should have been?",
    ),
    Prompt(
        "multi_agency_policy",
        "11.3 i",
        "Was the work consistent with the board's multi-agency safeguarding adults policy "
        "and procedures?",
    ),
    Prompt(
        "professional_standards",
        "11.3 j",
        "Was the work consistent with other professional standards?",
    ),
    Prompt(
        "consultation",
        "11.3 k",
        "Was there appropriate consultation with other agencies?",
    ),
]

LESSONS_HINT = (
    "Identify the specific lessons your agency can learn from the case: good practice as "
    "well as ways practice can improve. This informs your recommendations for action."
)

# Section 11.4 a to e.
LESSON_PROMPTS = [
    Prompt(
        "learning",
        "11.4 a",
        "What did the agency learn from this case on safeguarding and promoting the adult's "
        "welfare?",
    ),
    Prompt(
        "practice",
        "11.4 b",
        "Was there good practice to highlight, or practice that could have been improved?",
    ),
    Prompt(
        "training",
        "11.4 c",
        "Are there training implications or supervision issues for the agency?",
        "Single and multi-agency training, management and supervision.",
    ),
    Prompt("resources", "11.4 d", "Were resource implications identified?"),
    Prompt("partnership", "11.4 e", "Were partnership issues identified?"),
]

ACTION_PLAN_HINT = (
    "Recommendations flow from the lessons in section 5. The plan must be SMART: specific, "
    "measurable, achievable, realistic and with a timescale, and focused on outcomes. "
    "Say what will be done, by whom and by when, what outcome it brings and how the "
    "agency will show it was done."
)
ACTION_HINTS = {
    "text": "The action or series of actions you will take, for example deliver training, "
    "develop a new policy, review working practices.",
    "evidence": "The evidence you will give the board that the action is done, for example "
    "correspondence, minutes, the new policy, training material.",
    "outcome": "The expected outcome for people who use services or for service delivery.",
    "date": "The date by which the action will be completed.",
}

# Appendix C's action plan contacts: the lead person, and a named person if different.
CONTACT_PEOPLE = [("lead", "Lead person"), ("named", "Named person")]
CONTACT_FIELDS = [
    ("name", "Name"),
    ("position", "Position"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("address", "Address"),
]
