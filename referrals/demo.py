"""The referrals of the demo (fictional): one behind each demo case, and two still with
their referrer and agency lead."""

from datetime import timedelta

from django.utils import timezone

from referrals.models import Referral
from scr.accounts.roles import Role
from scr.cases import status
from scr.deadlines import calendar
from scr.demo.clock import Timeline
from scr.demo.data import demo_data
from scr.demo.seed import register

# The referrals' invented facts (demo/referrals.toml).
DATA = demo_data(__file__, "referrals")
FACTS = {
    **DATA["facts"],
    "abuse_or_neglect": Referral.AbuseOrNeglect(DATA["facts"]["abuse_or_neglect"]),
}
WHAT_HAPPENED = FACTS["what_happened"]
# Each case's referral: written this many days after the adult died, and the case opened
# this many days after it was written.
DAYS_AFTER_DEATH = 21
DAYS_TO_OPEN = 4


def _submit(referral: Referral) -> None:
    """The referrer sends it to their agency's lead (a record of the past: the demo's
    clock is on the day)."""
    at = timezone.now()
    referral.submitted_at = at
    status.status_change(referral, "submit", by=referral.referrer, at=at, fields=["submitted_at"])


@register
def demo_referrals(world) -> None:
    referrer = world.people[Role.REFERRER]
    lead = world.people[Role.AGENCY_LEAD]
    for case in world.cases.values():
        if Referral.objects.filter(case=case).exists():
            continue
        # The referrer wrote it three weeks after the adult died and sent it the next day;
        # the lead endorsed it three days later, which opened the case.
        opened = calendar.local_date(case.created_at)
        timeline = Timeline(opened - timedelta(days=DAYS_TO_OPEN))
        with timeline.on(0):
            referral = Referral.objects.create(
                board=world.board,
                referrer=referrer,
                agency=referrer.agency,
                subject_name=case.subject_name,
                subject_date_of_birth=case.subject_date_of_birth,
                subject_date_of_death=timeline.day(-DAYS_AFTER_DEATH),
                **FACTS,
            )
            referral.agencies.set(case.agencies.all())
        with timeline.on(1):
            _submit(referral)
        with timeline.on(DAYS_TO_OPEN):
            referral.case = case
            referral.decided_by = lead
            referral.decided_at = case.created_at
            status.status_change(
                referral,
                "endorse",
                by=lead,
                at=referral.decided_at,
                case=case,
                fields=["case", "decided_by", "decided_at"],
            )
    if not Referral.objects.filter(board=world.board, case=None).exists():
        # One sent to the lead two days ago, one the referrer began yesterday.
        timeline = Timeline(calendar.today() - timedelta(days=3))
        with timeline.on(0):
            waiting = Referral.objects.create(
                board=world.board,
                referrer=referrer,
                agency=referrer.agency,
                **DATA["waiting"],
                **FACTS,
            )
            waiting.agencies.set([world.agencies["asc"], world.agencies["nhs"]])
        with timeline.on(1):
            _submit(waiting)
        with timeline.on(2):
            Referral.objects.create(
                board=world.board,
                referrer=referrer,
                agency=referrer.agency,
                **DATA["draft"],
            )
