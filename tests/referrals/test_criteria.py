from types import SimpleNamespace

import pytest

from referrals.criteria import assess


def facts(**given):
    base = {
        "subject_died": False,
        "abuse_or_neglect": "",
        "serious_harm": False,
        "concern_working_together": False,
        "lessons_for_interagency_working": False,
    }
    return SimpleNamespace(**{**base, **given})


@pytest.mark.parametrize(
    ("given", "codes"),
    [
        ({"subject_died": True, "abuse_or_neglect": "known"}, ["3.1"]),
        ({"subject_died": True, "abuse_or_neglect": "suspected"}, ["3.1"]),
        ({"subject_died": True, "abuse_or_neglect": "not_known"}, ["none"]),
        ({"subject_died": False, "abuse_or_neglect": "known"}, ["none"]),
        ({"serious_harm": True, "concern_working_together": True}, ["3.2"]),
        ({"serious_harm": True}, ["none"]),  # 3.2 needs a) AND b)
        ({"concern_working_together": True}, ["none"]),
        ({"subject_died": True, "lessons_for_interagency_working": True}, ["4.2"]),
        ({"lessons_for_interagency_working": True}, ["none"]),  # 4.2 follows a death
        (
            {
                "subject_died": True,
                "abuse_or_neglect": "known",
                "serious_harm": True,
                "concern_working_together": True,
                "lessons_for_interagency_working": True,
            },
            ["3.1", "3.2", "4.2"],
        ),
    ],
)
def test_criteria_from_the_facts(given, codes):
    assert [f.code for f in assess(facts(**given))] == codes


def test_the_verdicts_use_the_procedures_words():
    (finding,) = assess(facts(subject_died=True, abuse_or_neglect="known"))
    assert finding.verdict == "The board should conduct a Serious Case Review (3.1)"
    (finding,) = assess(facts(serious_harm=True, concern_working_together=True))
    assert "should consider" in finding.verdict


NO_CRITERION = "The facts entered meet none of the criteria in 3.1, 3.2 or 4.2"
# Section 3, last paragraph: no criterion met, but concern about how agencies worked
# together: the board recommends another review.
ANOTHER_REVIEW = (
    "The case raises concerns about how professionals or services worked together: "
    "the board should recommend another review, for example an agency's internal "
    "review feeding learning back to the board (section 3)."
)
# No criterion and no such concern: the chair still decides (5).
CHAIR_DECIDES = "The chair decides whether the case goes to the panel (section 5)."


@pytest.mark.parametrize(
    ("given", "advice"),
    [
        (
            {"subject_died": True, "abuse_or_neglect": "known"},
            [
                (
                    "3.1",
                    "The board should conduct a Serious Case Review (3.1)",
                    "The adult died and abuse or neglect is known.",
                )
            ],
        ),
        (
            {"subject_died": True, "abuse_or_neglect": "suspected"},
            [
                (
                    "3.1",
                    "The board should conduct a Serious Case Review (3.1)",
                    "The adult died and abuse or neglect is suspected.",
                )
            ],
        ),
        (
            {"serious_harm": True, "concern_working_together": True},
            [
                (
                    "3.2",
                    "The board should consider a Serious Case Review (3.2 a and b)",
                    "Serious harm, and concern about how agencies worked together.",
                )
            ],
        ),
        (
            {"subject_died": True, "lessons_for_interagency_working": True},
            [
                (
                    "4.2",
                    "The case may be considered for its lessons (4.2)",
                    "The adult died and there are lessons for inter-agency working.",
                )
            ],
        ),
        ({"concern_working_together": True}, [("none", NO_CRITERION, ANOTHER_REVIEW)]),
        # Serious harm alone is not 3.2, which needs b) too; without b) the chair decides.
        ({"serious_harm": True}, [("none", NO_CRITERION, CHAIR_DECIDES)]),
        ({}, [("none", NO_CRITERION, CHAIR_DECIDES)]),
        (
            {"lessons_for_interagency_working": True, "concern_working_together": True},
            [("none", NO_CRITERION, ANOTHER_REVIEW)],
        ),
    ],
)
def test_each_finding_gives_the_procedures_verdict_and_its_advice(given, advice):
    findings = assess(facts(**given))
    assert [(f.code, f.verdict, f.reason) for f in findings] == advice


def test_the_advice_when_no_criterion_is_met_depends_on_concern_about_working_together():
    (concern,) = assess(facts(concern_working_together=True))
    (no_concern,) = assess(facts())
    assert concern.code == no_concern.code == "none"
    assert concern.reason == ANOTHER_REVIEW
    assert no_concern.reason == CHAIR_DECIDES


def test_each_finding_gives_the_procedures_verdict_and_its_reason():
    """The whole advice, word for word: the chair reads the verdict and the reason beside
    the facts, so a verdict or reason attached to the wrong criterion must fail here."""
    everything = facts(
        subject_died=True,
        abuse_or_neglect="suspected",
        serious_harm=True,
        concern_working_together=True,
        lessons_for_interagency_working=True,
    )
    assert [(f.code, f.verdict, f.reason) for f in assess(everything)] == [
        (
            "3.1",
            "The board should conduct a Serious Case Review (3.1)",
            "The adult died and abuse or neglect is suspected.",
        ),
        (
            "3.2",
            "The board should consider a Serious Case Review (3.2 a and b)",
            "Serious harm, and concern about how agencies worked together.",
        ),
        (
            "4.2",
            "The case may be considered for its lessons (4.2)",
            "The adult died and there are lessons for inter-agency working.",
        ),
    ]


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        (
            {"concern_working_together": True},
            "The case raises concerns about how professionals or services worked together: "
            "the board should recommend another review, for example an agency's internal "
            "review feeding learning back to the board (section 3).",
        ),
        ({}, "The chair decides whether the case goes to the panel (section 5)."),
        (
            {"serious_harm": True},
            "The chair decides whether the case goes to the panel (section 5).",
        ),
    ],
)
def test_no_criterion_met_advises_by_whether_agencies_worked_together(given, reason):
    (finding,) = assess(facts(**given))
    assert (finding.code, finding.verdict, finding.reason) == (
        "none",
        "The facts entered meet none of the criteria in 3.1, 3.2 or 4.2",
        reason,
    )
