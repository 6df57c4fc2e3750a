"""The referrals of the demo (fictional): one behind each demo case, and two still with
their referrer and agency lead."""

from datetime import timedelta

from django.utils import timezone

from referrals.models import Referral, ReferralEvent
from scr.accounts.roles import Role
from scr.demo.data import demo_data
from scr.demo.seed import register

# The referrals' invented facts (demo/referrals.toml).
DATA = demo_data(__file__, "referrals")
FACTS = {
    **DATA["facts"],
    "abuse_or_neglect": Referral.AbuseOrNeglect(DATA["facts"]["abuse_or_neglect"]),
}
WHAT_HAPPENED = FACTS["what_happened"]


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
            case=case,
            status=Referral.Status.ENDORSED,
            subject_name=case.subject_name,
            subject_date_of_birth=case.subject_date_of_birth,
            subject_date_of_death=case.created_at.date() - timedelta(days=5),
            submitted_at=case.created_at,
            decided_by=lead,
            decided_at=case.created_at + timedelta(days=3),
            created_at=case.created_at,
            updated_at=timezone.now(),
            **FACTS,
        )
        referral.agencies.set(case.agencies.all())
        ReferralEvent.objects.create(
            referral=referral, kind="submitted", by=referrer, at=case.created_at
        )
        ReferralEvent.objects.create(
            referral=referral, kind="endorsed", by=lead, at=case.created_at + timedelta(days=3)
        )
    if not Referral.objects.filter(board=world.board, case=None).exists():
        waiting = Referral.objects.create(
            board=world.board,
            referrer=referrer,
            agency=referrer.agency,
            status=Referral.Status.SUBMITTED,
            **DATA["waiting"],
            submitted_at=timezone.now() - timedelta(days=2),
            **FACTS,
        )
        waiting.agencies.set([world.agencies["asc"], world.agencies["nhs"]])
        ReferralEvent.objects.create(
            referral=waiting, kind="submitted", by=referrer, at=waiting.submitted_at
        )
        Referral.objects.create(
            board=world.board,
            referrer=referrer,
            agency=referrer.agency,
            **DATA["draft"],
        )
