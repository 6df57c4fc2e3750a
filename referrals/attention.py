"""The referrals' entries in 'Needs your attention'."""

from django.db.models import Q
from django.urls import reverse

from referrals import access as referrals_access
from referrals.models import Referral
from scr.attention import AttentionItem, register


@register
def referrals_waiting(user):
    """For an agency lead, referrals to endorse or return; for a referrer, returned ones."""
    waiting = referrals_access.referrals_visible_to(user).filter(
        Q(status=Referral.Status.SUBMITTED) | Q(status=Referral.Status.RETURNED, referrer=user)
    )
    for referral in waiting.select_related("case", "referrer", "agency"):
        if referrals_access.may_decide_referral(user, referral):
            title = "Endorse or return a referral"
        elif referral.status == Referral.Status.RETURNED:
            title = "Your referral was returned to you"
        else:
            continue
        yield AttentionItem(
            case_reference=referral.label,
            title=title,
            url=reverse("referrals:referral-detail", args=[referral.pk]),
            hint=f"Referred by {referral.referrer.full_name}",
        )
