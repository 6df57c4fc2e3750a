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
