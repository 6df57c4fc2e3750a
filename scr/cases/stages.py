"""The stages of the procedure: the one list every other module reads (Appendix A)."""

from django.db import models


class Stage(models.TextChoices):
    REFERRAL_RECEIVED = "referral_received", "Referral received"
    WITH_CHAIR = "with_chair", "With the chair"
    PANEL_CONVENED = "panel_convened", "Panel convened"
    PANEL_RECOMMENDED = "panel_recommended", "Panel recommended"
    REVIEW_COMMISSIONED = "review_commissioned", "Review commissioned"
    IMRS_IN_PROGRESS = "imrs_in_progress", "IMRs in progress"
    OVERVIEW_IN_PROGRESS = "overview_in_progress", "Overview in progress"
    WITH_BOARD = "with_board", "With the board"
    EXECUTIVE_SUMMARY = "executive_summary", "Executive summary"
    ACTION_PLANS = "action_plans", "Action plans"
    MONITORING = "monitoring", "Monitoring"
    CLOSED = "closed", "Closed"
    OTHER_REVIEW = "other_review", "Not a Serious Case Review: other review"
    DECLINED = "declined", "Declined"


def stage_words(stage: str, wording: dict[str, str] | None = None) -> str:
    """The stage's name, in the case's review type's words where they differ ('Not a
    Safeguarding Adults Review: other review')."""
    if stage == Stage.OTHER_REVIEW and wording:
        return f"Not a {wording['review']}: other review"
    return Stage(stage).label


# The main route of a Serious Case Review, in order (Appendix A (iii)).
MAIN_ROUTE = (
    Stage.REFERRAL_RECEIVED,
    Stage.WITH_CHAIR,
    Stage.PANEL_CONVENED,
    Stage.PANEL_RECOMMENDED,
    Stage.REVIEW_COMMISSIONED,
    Stage.IMRS_IN_PROGRESS,
    Stage.OVERVIEW_IN_PROGRESS,
    Stage.WITH_BOARD,
    Stage.EXECUTIVE_SUMMARY,
    Stage.ACTION_PLANS,
    Stage.MONITORING,
    Stage.CLOSED,
)
# Where a case leaves the route (section 3, last paragraph; section 7).
SIDE_ROUTES = (Stage.OTHER_REVIEW, Stage.DECLINED)
# Stages in which nothing more happens to a case.
FINAL_STAGES = (Stage.CLOSED, Stage.OTHER_REVIEW, Stage.DECLINED)

# What each stage means, for the case page and the guide.
STAGE_DESCRIPTIONS = {
    Stage.REFERRAL_RECEIVED: (
        "A referral has been made; the referrer's agency lead endorses it (5)."
    ),
    Stage.WITH_CHAIR: "The board chair decides whether the panel should discuss the case (5).",
    Stage.PANEL_CONVENED: "The panel meets within 7 days and recommends within 4 weeks (6).",
    Stage.PANEL_RECOMMENDED: "The board chair decides whether to conduct a review (7).",
    Stage.REVIEW_COMMISSIONED: "Agencies are asked for Individual Management Reviews (10).",
    Stage.IMRS_IN_PROGRESS: "Agencies write and submit their management reviews (10, 11).",
    Stage.OVERVIEW_IN_PROGRESS: "The overview report brings the reviews together (13).",
    Stage.WITH_BOARD: "The board receives the overview report (14).",
    Stage.EXECUTIVE_SUMMARY: "The public executive summary is agreed and released (15).",
    Stage.ACTION_PLANS: "Agencies respond with action plans within 4 weeks (16).",
    Stage.MONITORING: "Agencies provide evidence that their plans are carried out (16).",
    Stage.CLOSED: "Every action is complete and the chair has closed the case.",
    Stage.OTHER_REVIEW: "Not a Serious Case Review: learning through another review (3).",
    Stage.DECLINED: "The chair decided that no further action is needed.",
}
