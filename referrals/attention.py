"""The referrals' entries in 'Needs your attention'."""

from django.urls import reverse

from scr import access
from scr.attention import AttentionItem, register


@register
def referrals_waiting(user):
    for referral in access.referrals_visible_to(user).select_related("case"):
        if access.may_decide_referral(user, referral):
            title = "Endorse or return a referral"
        elif referral.referrer_id == user.pk and referral.status == referral.Status.RETURNED:
            title = "Your referral was returned to you"
        else:
            continue
        yield AttentionItem(
            case_reference=referral.case.reference if referral.case_id else "Referral",
            title=title,
            url=reverse("referrals:referral-detail", args=[referral.pk]),
            hint=f"Referred by {referral.referrer.full_name}",
        )
