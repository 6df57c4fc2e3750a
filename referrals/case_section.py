"""The referral, on the case page of those who may see the case in full."""

from referrals import access as referrals_access
from referrals import services
from scr.cases import sections


@sections.register
def referral_section(case, user, perms):
    if not referrals_access.may_see_referral_on_case(perms):
        return None
    referral = getattr(case, "referral", None)
    if referral is None:
        return None
    return "referrals/_case_section.html", {
        "referral": referral,
        "findings": services.advice(referral, case.review_type),
    }
