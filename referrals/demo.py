"""The referrals of the demo (fictional): one behind each demo case, and two still with
their referrer and agency lead."""

from datetime import date, timedelta

from django.utils import timezone

from referrals.models import Referral, ReferralEvent
from scr.accounts.roles import Role
from scr.demo.seed import register

WHAT_HAPPENED = (
    "The adult lived alone and received a package of home care four times a day. Over "
    "three months carers recorded missed visits, weight loss and unexplained bruising. "
    "A safeguarding concern was raised by the district nurse (DN1) but was closed after "
    "a telephone call. The adult was admitted to hospital with pressure ulcers and died "
    "eleven days later."
)

FACTS = {
    "subject_died": True,
    "subject_address": "Flat 2, 14 Quarry Lane, Northtown NS4 7QQ",
    "subject_ethnicity": "White British",
    "what_happened": WHAT_HAPPENED,
    "abuse_or_neglect": Referral.AbuseOrNeglect.SUSPECTED,
    "concern_working_together": True,
    "believes_3_1": True,
}


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
            subject_name="Ivy Threlkeld-Amos",
            subject_date_of_birth=date(1938, 6, 14),
            subject_date_of_death=date(2026, 11, 1),
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
            subject_name="Norman Pettigrew",
            what_happened="Draft: notes from the strategy meeting to add.",
        )
