"""The referral form's questions, by the key a review type lists them under
(`[referral] questions`, docs/review-types.md): each key is one or more of the referral's
fields. A type asks only its own questions; what a submission needs follows from them
(referrals.services.problems_for_submission)."""

QUESTIONS: dict[str, tuple[str, ...]] = {
    "subject": (
        "subject_name",
        "subject_date_of_birth",
        "subject_died",
        "subject_date_of_death",
        "subject_address",
        "subject_ethnicity",
    ),
    # Care Act 2014, s44(1)(a): needs for care and support, whether or not met.
    "care_and_support_needs": ("care_and_support_needs",),
    "what_happened": ("what_happened",),
    "abuse_or_neglect": ("abuse_or_neglect",),
    # 3.2 of the 2009 procedure: a life-threatening injury, or very serious abuse.
    "serious_harm": ("serious_harm",),
    # s44(3): the adult is alive and has experienced serious abuse or neglect (the same
    # field, asked in the Act's words).
    "serious_abuse": ("serious_harm",),
    "working_together": ("concern_working_together",),
    "interagency_lessons": ("lessons_for_interagency_working",),
    "agencies": ("agencies",),
    # 3.1, 3.2, 4.2: which of the 2009 procedure's criteria the referrer believes are met.
    "criteria": ("believes_3_1", "believes_3_2", "believes_4_2"),
}

# What a question asks when a type's words differ from the form's default label.
LABELS = {
    "serious_abuse": "The adult is alive and has experienced serious abuse or neglect",
}

WORDS = {
    "subject": "The person: name, dates, address and ethnicity",
    "care_and_support_needs": "Whether the adult has needs for care and support",
    "what_happened": "What happened",
    "abuse_or_neglect": "Whether abuse or neglect is known or suspected",
    "serious_harm": "Serious harm (3.2)",
    "serious_abuse": "Alive and experienced serious abuse or neglect (s44(3))",
    "working_together": "Concern about how agencies worked together",
    "interagency_lessons": "Lessons for inter-agency working (4.2)",
    "agencies": "The agencies involved",
    "criteria": "The criteria the referrer believes are met (3.1, 3.2, 4.2)",
}


def fields_asked(questions) -> set[str]:
    """The referral's fields a type with these question keys asks."""
    return {field for key in questions for field in QUESTIONS.get(key, ())}
