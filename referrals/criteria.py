"""Which of the procedure's criteria the facts of a referral meet (sections 3 and 4).

It advises; the chair decides (5).
"""

from dataclasses import dataclass

# The procedure's words, shown as hint text on the form and beside the advice.
CRITERIA_TEXT = {
    "3.1": "When a vulnerable adult dies (including death by suicide) and abuse or neglect "
    "is known or suspected to be a factor in the vulnerable adult's death.",
    "3.2": "When a vulnerable adult has sustained a potentially life-threatening injury or "
    "permanent impairment of health or has been the victim of very serious abuse, and the "
    "case gives rise to concerns about the way in which professionals and services work "
    "together.",
    "4.2": "There are important lessons for inter-agency working, following the death of a "
    "vulnerable adult.",
}


@dataclass(frozen=True)
class Finding:
    code: str  # "3.1", "3.2", "4.2" or "none"
    verdict: str  # what the procedure says follows
    reason: str


def assess(referral) -> list[Finding]:
    """The criteria the facts entered meet, strongest first."""
    died = referral.subject_died
    abuse = referral.abuse_or_neglect in ("known", "suspected")
    findings = []
    if died and abuse:
        findings.append(
            Finding(
                "3.1",
                "The board should conduct a Serious Case Review (3.1)",
                f"The adult died and abuse or neglect is {referral.abuse_or_neglect}.",
            )
        )
    if referral.serious_harm and referral.concern_working_together:
        findings.append(
            Finding(
                "3.2",
                "The board should consider a Serious Case Review (3.2 a and b)",
                "Serious harm, and concern about how agencies worked together.",
            )
        )
    if died and referral.lessons_for_interagency_working:
        findings.append(
            Finding(
                "4.2",
                "The case may be considered for its lessons (4.2)",
                "The adult died and there are lessons for inter-agency working.",
            )
        )
    if not findings:
        reason = (
            "The case raises concerns about how professionals or services worked together: "
            "the board should recommend another review, for example an agency's internal "
            "review feeding learning back to the board (section 3)."
            if referral.concern_working_together
            else "The chair decides whether the case goes to the panel (section 5)."
        )
        findings.append(
            Finding(
                "none", "The facts entered meet none of the criteria in 3.1, 3.2 or 4.2", reason
            )
        )
    return findings
