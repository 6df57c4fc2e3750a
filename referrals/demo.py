"""The referrals of the demo (fictional): one behind each demo case, and two still with
their referrer and agency lead."""

from datetime import timedelta

from django.utils import timezone

from referrals.models import Referral
from scr.accounts.roles import Role
from scr.cases import status
from scr.demo.data import demo_data
from scr.demo.seed import register

# The referrals' invented facts (demo/referrals.toml).
DATA = demo_data(__file__, "referrals")
FACTS = {
    **DATA["facts"],
    "abuse_or_neglect": Referral.AbuseOrNeglect(DATA["facts"]["abuse_or_neglect"]),
}
WHAT_HAPPENED = FACTS["what_happened"]


def _submit(referral: Referral, *, at) -> None:
    """The referrer sent it to their agency's lead on `at` (a record of the past)."""
    referral.submitted_at = at
    status.status_change(referral, "submit", by=referral.referrer, at=at, fields=["submitted_at"])


@register
def demo_referrals(world) -> None:
    referrer = world.people[Role.REFERRER]
    lead = world.people[Role.AGENCY_LEAD]
    for case in world.cases.values():
        if Referral.objects.filter(case=case).exists():
            continue
        referral = Referral.objects.create(
            board=world.board,
            referrer=referrer,
            agency=referrer.agency,
            subject_name=case.subject_name,
            subject_date_of_birth=case.subject_date_of_birth,
            subject_date_of_death=case.created_at.date() - timedelta(days=5),
            created_at=case.created_at,
            updated_at=timezone.now(),
            **FACTS,
        )
        referral.agencies.set(case.agencies.all())
        _submit(referral, at=case.created_at)
        # The lead endorsed it three days later, which opened the case.
        referral.case = case
        referral.decided_by = lead
        referral.decided_at = case.created_at + timedelta(days=3)
        status.status_change(
            referral,
            "endorse",
            by=lead,
            at=referral.decided_at,
            case=case,
            fields=["case", "decided_by", "decided_at"],
        )
    if not Referral.objects.filter(board=world.board, case=None).exists():
        waiting = Referral.objects.create(
            board=world.board,
            referrer=referrer,
            agency=referrer.agency,
            **DATA["waiting"],
            **FACTS,
        )
        waiting.agencies.set([world.agencies["asc"], world.agencies["nhs"]])
        _submit(waiting, at=timezone.now() - timedelta(days=2))
        Referral.objects.create(
            board=world.board,
            referrer=referrer,
            agency=referrer.agency,
            **DATA["draft"],
        )
