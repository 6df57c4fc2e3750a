"""The referrals behind the demo cases (fictional), so each case reads as it would."""

from django.utils import timezone

from referrals.models import Referral
from scr.accounts.roles import Role
from scr.demo.seed import register

WHAT_HAPPENED = (
    "The adult lived alone and received a package of home care four times a day. Over "
    "three months carers recorded missed visits, weight loss and unexplained bruising. "
    "A safeguarding concern was raised by the district nurse (DN1) but was closed after "
    "a telephone call. The adult was admitted to hospital with pressure ulcers and died "
    "eleven days later."
)


@register
def demo_referrals(world) -> None:
    referrer = world.people[Role.REFERRER]
    lead = world.people[Role.AGENCY_LEAD]
    for case in world.cases.values():
        if Referral.objects.filter(case=case).exists():
            continue
        endorsed = case.stage != "referral_received"
        referral = Referral.objects.create(
            board=world.board,
            referrer=referrer,
            agency=referrer.agency,
            case=case,
            status=Referral.Status.ENDORSED if endorsed else Referral.Status.SUBMITTED,
            subject_name=case.subject_name,
            subject_date_of_birth=case.subject_date_of_birth,
            subject_died=True,
            subject_date_of_death=case.created_at.date(),
            subject_address="Flat 2, 14 Quarry Lane, Northtown NS4 7QQ",
            subject_ethnicity="White British",
            what_happened=WHAT_HAPPENED,
            abuse_or_neglect=Referral.AbuseOrNeglect.SUSPECTED,
            concern_working_together=True,
            believes_3_1=True,
            submitted_at=case.created_at,
            decided_by=lead if endorsed else None,
            decided_at=case.stage_changed_at if endorsed else None,
            created_at=case.created_at,
            updated_at=timezone.now(),
        )
        referral.agencies.set(case.agencies.all())
