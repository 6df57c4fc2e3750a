"""Which of the procedure's criteria the facts of a referral meet: the 2009 procedure's
sections 3 and 4, or section 44 of the Care Act 2014 for a Safeguarding Adults Review
(the advisory test the referral's review type names, `[decision] test`).

It advises; the chair (or whoever the type names) decides (5).
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


def assess(referral, test: str = "scr-2009-3.1-3.2") -> list[Finding]:
    """The criteria the facts entered meet, strongest first, by the advisory `test` of the
    referral's review type (referrals.services.advice)."""
    if test == "care-act-s44":
        return _care_act_s44(referral)
    return _scr_2009(referral)


S44 = {
    "mandatory": "The board must arrange a Safeguarding Adults Review (Care Act 2014, "
    "s44(1) to (3))",
    "discretionary": "The board may arrange a Safeguarding Adults Review (s44(4))",
    "not_a_sar": "The facts entered do not meet section 44: not a Safeguarding Adults Review",
}


def _care_act_s44(referral) -> list[Finding]:
    """Section 44: an adult with needs for care and support (met or not), reasonable
    cause for concern about how the board, its members or others worked together, and
    either the adult died and abuse or neglect is known or suspected to have caused it
    (s44(2)), or the adult is alive and has experienced serious abuse or neglect (s44(3)).
    Otherwise the board may still arrange one for any adult with such needs (s44(4))."""
    needs = referral.care_and_support_needs == "yes"
    abuse = referral.abuse_or_neglect in ("known", "suspected")
    working_together = referral.concern_working_together
    died = referral.subject_died and abuse
    alive = not referral.subject_died and referral.serious_harm
    if needs and working_together and (died or alive):
        limb = "s44(2): the adult died" if died else "s44(3): the adult is alive"
        return [
            Finding(
                "mandatory",
                S44["mandatory"],
                f"Needs for care and support; concern about how agencies worked together; "
                f"{limb}, and abuse or neglect is {referral.abuse_or_neglect}.",
            )
        ]
    if needs:
        missing = [
            words
            for met, words in (
                (working_together, "no concern recorded about how agencies worked together"),
                (died or alive, "neither a death nor serious abuse or neglect recorded"),
            )
            if not met
        ]
        return [
            Finding(
                "discretionary",
                S44["discretionary"],
                "The adult has needs for care and support, but "
                + " and ".join(missing)
                + ": a review is the board's choice, for example where it would bring "
                "learning.",
            )
        ]
    reason = (
        "Whether the adult has needs for care and support is not known: find out before deciding."
        if referral.care_and_support_needs == "not_known"
        else "The adult has no needs for care and support recorded: say which review the "
        "learning goes through instead."
    )
    return [Finding("not_a_sar", S44["not_a_sar"], reason)]


def _scr_2009(referral) -> list[Finding]:
    """Sections 3.1, 3.2 and 4.2 of the 2009 procedure."""
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
